"""A backup archive's settings are read whole by the window at start: one far larger than
the app writes (a few kilobytes) is refused before anything is restored."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from reader_app import paths
from reader_app.backup_archive import ArchiveError, verify_archive, write_archive
from reader_app.store import Store


def with_big_settings(source: Path, out: Path) -> Path:
    big = b'{"theme": "dark", "pad": "' + b" " * (4 * 1024 * 1024 + 1) + b'"}'
    with zipfile.ZipFile(source) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        members = {m["name"]: zf.read(m["name"]) for m in manifest["members"]}
    members["config/settings.json"] = big
    manifest["members"] = [
        {"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in members.items()
    ]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return out


def test_settings_larger_than_the_app_writes_are_refused(tmp_path: Path) -> None:
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    Store(app_paths.database).close()
    archive = write_archive(app_paths, tmp_path / "good.zip").path
    crafted = with_big_settings(archive, tmp_path / "crafted.zip")
    with pytest.raises(ArchiveError, match=r"settings\.json is"):
        verify_archive(crafted)

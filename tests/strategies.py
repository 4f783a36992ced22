"""A bundled collection with the council strategies in it, for tests that need them before
the build script puts them in resources/collection.toml.

``build_bundle(folder)`` copies the real bundled collection into ``folder`` and adds, for
each ``[[strategy]]`` in resources/directory/*.toml, a resource of kind ``strategy`` whose
file is a one-page PDF (made here with PyMuPDF, in the test process) holding its title and
summary. The ``strategy_bundle`` fixture points the app at such a folder (built once per
test session). conftest.py loads this module as a plugin, so any test may ask for the fixture.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from repo_paths import REPO

from reader_app import library, paths
from reader_app.manifest import dump_manifest
from reader_app.paths import MANIFEST_NAME

DIRECTORY = REPO / "resources" / "directory"
COLLECTION = {
    "id": "council-strategies",
    "title": "Council strategies",
    "date": "2023",
    "url": "",
    "description": "Council strategies, compiled for Resource Reader from councils' public "
    "pages; not Socitm's list.",
}


def strategy_id(council: str) -> str:
    """The shared id rule: 'strategy-' + the council's slug, cut to 55 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower().replace("&", "and")).strip("-")
    return "strategy-" + slug[:55].strip("-")


def directory_entries() -> list[dict[str, Any]]:
    """Every ``[[strategy]]`` table of the directory, in file order."""
    entries: list[dict[str, Any]] = []
    for file in sorted(DIRECTORY.glob("*.toml")):
        entries += tomllib.loads(file.read_text("utf-8")).get("strategy", [])
    return entries


def strategy_pdf(entry: dict[str, Any]) -> bytes:
    """A one-page PDF with the entry's title and summary as its text: not the council's
    name, its nation or themes (unless the summary says them), so a test can tell the
    indexed fields from the page."""
    import pymupdf  # here: only the tests that build a bundle load it

    document = pymupdf.open()
    page = document.new_page()
    text = f"{entry['title']}\n\n{entry['summary']}"
    page.insert_textbox(pymupdf.Rect(50, 50, 545, 790), text, fontsize=10)
    data = document.tobytes()
    document.close()
    return bytes(data)


def strategy_resources(entries: list[dict[str, Any]], files: Path) -> list[dict[str, Any]]:
    """Manifest tables for ``entries``, their PDFs written into ``files``."""
    resources = []
    for entry in entries:
        rid = strategy_id(entry["council"])
        pdf = strategy_pdf(entry)
        (files / f"{rid}.pdf").write_bytes(pdf)
        resources.append(
            {
                "id": rid,
                "title": entry["title"],
                "kind": "strategy",
                "pillars": list(entry["pillars"]),
                "collection": COLLECTION["id"],
                "date": entry["date"],
                "summary": entry["summary"],
                "source_url": entry["url"],
                "file": f"files/{rid}.pdf",
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "pages": 1,
                "media_type": "application/pdf",
                "label": "Summary written for Resource Reader from "
                f"{entry['council']}'s public page; not the council's document",
                "council": entry["council"],
                "nation": entry["nation"],
                "council_type": entry["council_type"],
                "themes": list(entry["themes"]),
            }
        )
    return resources


def build_bundle(folder: Path) -> Path:
    """The real bundled collection with the directory's strategies added, in ``folder``."""
    shutil.copytree(paths.bundled_dir(), folder, ignore=shutil.ignore_patterns("sources"))
    manifest = folder / MANIFEST_NAME
    raw = tomllib.loads(manifest.read_text("utf-8"))
    # Once the build script adds them itself, ours replace its own.
    raw["collections"] = [c for c in raw["collections"] if c["id"] != COLLECTION["id"]]
    raw["collections"].append(dict(COLLECTION))
    raw["resources"] = [r for r in raw["resources"] if r.get("kind") != "strategy"]
    raw["resources"] += strategy_resources(directory_entries(), folder / "files")
    manifest.write_text(dump_manifest(raw), "utf-8")
    return folder


@pytest.fixture(scope="session")
def strategy_bundle_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(tmp_path_factory.mktemp("strategies") / "bundle")


@pytest.fixture
def strategy_bundle(
    strategy_bundle_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every library opened in the test reads the bundle with the strategies."""
    monkeypatch.setattr(paths, "bundled_dir", lambda: strategy_bundle_folder)
    monkeypatch.setattr(library, "bundled_dir", lambda: strategy_bundle_folder)
    yield strategy_bundle_folder

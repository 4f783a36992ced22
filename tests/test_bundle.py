"""The desktop bundle (issue 8): built by packaging/build.py as a user building it would,
it runs --version and passes doctor offscreen, stays within its size, and its Linux
tarball holds what installing needs. Slow (about a minute): run with --slow; .ci/run
does."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from repo_paths import REPO

from reader_app import __version__

MAX_BUNDLE_BYTES = 200 * 1000**2  # the target: at most 200 MB


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    pytest.importorskip("PyInstaller", reason="pip install '.[bundle]' to build the bundle")
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build.py"), "--dist", str(dist)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return dist


def size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle; others build on their own")
def test_the_linux_bundle_runs_version_and_doctor_offscreen(built: Path, tmp_path) -> None:
    program = built / "reader-app" / "reader-app"
    assert program.is_file() and os.access(program, os.X_OK)
    assert size(built / "reader-app") <= MAX_BUNDLE_BYTES
    # The licences ship inside (Help > About shows them), the app's own as LICENSE says.
    licences = built / "reader-app" / "_internal" / "reader_app" / "licences"
    assert (licences / "index.toml").is_file()
    assert (licences / "AGPL-3.0.txt").read_bytes() == (REPO / "LICENSE").read_bytes()
    env = {
        **os.environ,
        "READER_APP_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("DISPLAY", None)
    version = subprocess.run(
        [str(program), "--version"], env=env, capture_output=True, text=True, timeout=120
    )
    assert version.returncode == 0 and version.stdout.strip() == f"reader-app {__version__}"
    doctor = subprocess.run(
        [str(program), "doctor", "--offscreen"], env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    # It searched and rendered in its own worker processes, from the bundle's collection.
    search = subprocess.run(
        [str(program), "search", "digital poverty", "--json"], env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert search.returncode == 0 and '"digital-poverty"' in search.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the Linux tarball")
def test_the_linux_tarball_holds_the_bundle_and_the_desktop_files(built: Path) -> None:
    (tarball,) = built.glob(f"reader-app-{__version__}-linux-*.tar.gz")
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    assert any(n.endswith("/reader-app/reader-app") for n in names)
    assert any(n.endswith(".desktop") for n in names)
    assert any(n.endswith(".metainfo.xml") for n in names)
    assert any(n.endswith("install.sh") for n in names)
    assert any("/hicolor/scalable/apps/" in n for n in names)

"""The folders in memory where render workers leave rendered pages are named for their
process, and a start removes those of processes that are gone: a killed app's last pages
(the reader's document, as pixels) stayed in /dev/shm until a reboot."""

import os
from pathlib import Path

from reader_app.gui.render_service import PAGES_PREFIX, sweep_page_folders


def test_a_killed_apps_page_folder_is_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    dead = tmp_path / f"{PAGES_PREFIX}999999999-abcd1234"  # no such process
    dead.mkdir()
    (dead / "tmp1234.rgb").write_bytes(b"\xff" * 300)
    running = tmp_path / f"{PAGES_PREFIX}{os.getpid()}-abcd1234"
    running.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep").write_text("mine")
    link = tmp_path / f"{PAGES_PREFIX}999999998-link"
    link.symlink_to(elsewhere, target_is_directory=True)
    sweep_page_folders(tmp_path)
    assert not dead.exists()
    assert running.is_dir()
    assert link.is_symlink() and (elsewhere / "keep").read_text() == "mine"

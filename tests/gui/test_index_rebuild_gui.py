"""A search that finds the index damaged rebuilds it in the indexing thread, never the
GUI's; when the disk is full the window says so and keeps the old index (before: the
index was deleted in the GUI thread, and a failed rebuild was neither reported nor kept
from being tried again and again)."""

from __future__ import annotations

import errno
import threading

from reader_app.search import index as search_index

TIMEOUT = 30_000  # ms: the first indexing of the collection


def _damage(index_dir) -> None:
    for segment in index_dir.glob("*.seg"):
        segment.write_bytes(b"\0" * segment.stat().st_size)


def test_a_damaged_index_is_rebuilt_off_the_gui_thread(qtbot, window, library, monkeypatch):
    qtbot.waitUntil(lambda: not window.indexing, timeout=TIMEOUT)
    _damage(library.index_dir)
    threads: list[str] = []
    for name in ("reset", "_rebuild_beside"):  # whichever the damage calls for
        monkeypatch.setattr(search_index.SearchIndex, name, _watched(name, threads))
    qtbot.keyClicks(window.search_field, "pillar")
    qtbot.waitUntil(lambda: bool(threads) and not window.indexing, timeout=TIMEOUT)
    assert threading.main_thread().name not in threads
    qtbot.waitUntil(lambda: window.results.topLevelItemCount() > 0, timeout=TIMEOUT)


def _watched(name: str, threads: list[str]):
    original = getattr(search_index.SearchIndex, name)

    def watched(self, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return original(self, *args, **kwargs)

    return watched


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_rebuild_on_a_full_disk_is_reported_once(qtbot, window, library, monkeypatch):
    qtbot.waitUntil(lambda: not window.indexing, timeout=TIMEOUT)
    _damage(library.index_dir)
    attempts: list[int] = []
    monkeypatch.setattr(
        search_index, "_add_pages", lambda *a, **k: (attempts.append(1), _disk_full())[1]
    )
    qtbot.keyClicks(window.search_field, "pillar")
    qtbot.waitUntil(
        lambda: "the disk is full" in window.statusBar().currentMessage(), timeout=TIMEOUT
    )
    qtbot.wait(500)  # time enough for a loop of retries to show itself
    assert len(attempts) == 1
    assert window.isVisible() and not window.progress.isVisible()

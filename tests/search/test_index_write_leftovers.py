"""A write to the index that fails (a full disk) leaves none of its segment files and lets
go of the index's lock, even when cancelling the writer fails too. Before, each failed
try left its files behind, so the disk, once full, stayed full: freeing space for the
index was not enough, as every retry filled it again."""

import errno
import re

import pytest
from whoosh.writing import SegmentWriter

from reader_app.search import index as search_index
from reader_app.search.errors import IndexWriteError

SEGMENT_FILE = re.compile(r"MAIN_[0-9a-z]+\.")


def _full_at_commit(run) -> None:
    run.writer._close_segment()  # the segment's files are written, as a commit starts
    raise OSError(errno.ENOSPC, "No space left on device")


def _cancel_fails(writer) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("cancel_fails", [False, True], ids=["cancelled", "cancel-failed"])
def test_a_failed_write_leaves_no_segment_files(library, tmp_path, monkeypatch, cancel_fails):
    monkeypatch.setattr(search_index._IndexRun, "commit", _full_at_commit)
    if cancel_fails:
        monkeypatch.setattr(SegmentWriter, "cancel", _cancel_fails)
    with pytest.raises(IndexWriteError, match="the disk is full"):
        library.update_index()
    left = sorted(p.name for p in (tmp_path / "index").iterdir() if SEGMENT_FILE.match(p.name))
    assert left == []
    monkeypatch.undo()
    library.update_index()  # the lock was let go: the next update is not refused as busy
    assert {(h.resource_id, h.page) for h in library.search("tablets").hits} == {("alpha", 2)}

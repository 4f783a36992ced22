"""Writes that fail (disk full, read-only data) raise WriteError with a reason a user can
act on, write nothing, and leave the database usable."""

import pytest

from reader_app.annotations import Annotations
from reader_app.store import Store, WriteError


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "user.db") as opened:
        yield opened


def test_disk_full_is_reported_and_nothing_half_written(store) -> None:
    annotations = Annotations(store)
    kept = annotations.add("r", "sha", "page-note", 1, body="before", tags=["a"])
    pages = store.query("PRAGMA page_count")[0][0]
    store.query(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    with pytest.raises(WriteError, match="not saved: the disk is full"):
        for _ in range(50):
            annotations.add("r", "sha", "page-note", 1, body="x" * 5000, tags=["b", "c"])
    store.query("PRAGMA max_page_count = 1000000")
    assert store.integrity_check() == "ok"
    # Every annotation that is there is whole: its tags came with it.
    for found in annotations.find():
        assert found == kept or found.tags == ("b", "c")
    annotations.edit(kept.id, body="after")  # and the store works again
    assert annotations.get(kept.id).body == "after"


def test_read_only_data_is_reported(store) -> None:
    annotations = Annotations(store)
    kept = annotations.add("r", "sha", "highlight", 1, exact="quote")
    store.query("PRAGMA query_only = 1")
    with pytest.raises(WriteError, match="read-only"):
        annotations.edit(kept.id, body="lost?")
    with pytest.raises(WriteError, match="read-only"):
        annotations.delete(kept.id)
    store.query("PRAGMA query_only = 0")
    assert annotations.get(kept.id) == kept

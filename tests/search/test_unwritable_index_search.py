"""Search on a library opened read-only (a full or read-only disk) from an index it
cannot update: a stale index's results say they may be incomplete, and an empty index (a
first build the full disk stopped) is passed over for one built in memory. Before, both
answered silently: the empty one with nothing at all."""

from reader_app.library import Library


def test_a_stale_index_says_so(library: Library) -> None:
    library.update_index()
    library.add_tags("alpha", ["changed"])  # the index is now behind
    library.store.read_only_reason = "the disk is full"  # as a full disk opens it
    results = library.search("tablets")
    assert {(h.resource_id, h.page) for h in results.hits} == {("alpha", 2)}
    (notice,) = results.notices
    assert "out of date" in notice and "the disk is full" in notice


def test_an_index_in_step_says_nothing(library: Library) -> None:
    library.update_index()
    library.store.read_only_reason = "the data folder is read-only"
    assert library.search("tablets").notices == ()


def test_an_empty_index_is_not_searched_as_if_it_were_the_library(library: Library) -> None:
    library.index.reset()  # what a first build the disk stopped leaves
    library.store.read_only_reason = "the disk is full"
    results = library.search("tablets")
    assert {(h.resource_id, h.page) for h in results.hits} == {("alpha", 2)}

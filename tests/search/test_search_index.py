"""The index life cycle: built on first use, incremental, self-healing, single writer."""

from dataclasses import replace
from pathlib import Path

from search_corpus import open_library, with_resource, write_pdf
from whoosh import index as windex

from reader_app.search.errors import IndexBusyError
from reader_app.search.index import STATE_FILE


def found(library, query: str) -> set[tuple[str, int]]:
    return {(h.resource_id, h.page) for h in library.search(query, limit=50).hits}


def found_in_index(library, query: str) -> set[tuple[str, int]]:
    """Search the index as it stands, without bringing it up to date first."""
    return {(h.resource_id, h.page) for h in library.index.search(query, limit=50).hits}


def test_built_on_first_search(library, tmp_path: Path) -> None:
    assert not (tmp_path / "index").exists()
    assert found(library, "tablets") == {("alpha", 2)}
    assert windex.exists_in(str(tmp_path / "index"))


def test_update_is_incremental(library, corpus) -> None:
    first = library.update_index()
    assert sorted(first.indexed) == ["alpha", "beta", "delta", "gamma"]
    assert first.pages == sum(r.pages for r in corpus.catalog.resources)
    assert library.update_index().indexed == []

    beta = corpus.catalog.get("beta")
    library.catalog = with_resource(corpus.catalog, replace(beta, sha256="f" * 64))
    again = library.update_index()
    assert again.indexed == ["beta"] and again.removed == [] and not again.rebuilt


def test_changed_file_is_reindexed_with_its_new_text(library, corpus) -> None:
    library.update_index()
    write_pdf(corpus.root / "gamma.pdf", {1: "Gamma now speaks of quokkas."})
    gamma = replace(corpus.catalog.get("gamma"), sha256="e" * 64, pages=1)
    library.catalog = with_resource(corpus.catalog, gamma)
    assert library.update_index().indexed == ["gamma"]
    assert found(library, "quokkas") == {("gamma", 1)}
    assert found(library, "rural") == set()


def test_removed_resource_leaves_the_index(library, corpus) -> None:
    library.update_index()
    library.catalog = replace(
        corpus.catalog, resources=tuple(r for r in corpus.catalog.resources if r.id != "gamma")
    )
    report = library.update_index()
    assert report.removed == ["gamma"] and report.indexed == []
    assert found(library, "poverty") == {("alpha", 2)}


def test_tag_change_reindexes_only_that_resource(library) -> None:
    library.update_index()
    library.add_tags("alpha", ["shortlist"])
    assert library.update_index().indexed == ["alpha"]


def test_progress_and_cancel(library) -> None:
    seen: list[tuple[int, int]] = []
    calls = iter(range(100))
    report = library.update_index(
        progress=lambda done, total: seen.append((done, total)), cancelled=lambda: next(calls) > 0
    )
    assert report.cancelled
    assert 0 < len(report.indexed) < 4
    assert seen and all(done <= total for done, total in seen)
    # What was indexed is searchable, and the next update finishes the job.
    first = report.indexed[0]
    planted = {"alpha": "tablets", "beta": "zephyrbrook", "gamma": "rural", "delta": "lighthouse"}
    assert {rid for rid, _ in found_in_index(library, planted[first])} == {first}
    rest = library.update_index()
    assert sorted(report.indexed + rest.indexed) == ["alpha", "beta", "delta", "gamma"]


def test_progress_reaches_the_total(library) -> None:
    seen: list[tuple[int, int]] = []
    library.update_index(progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] > 0
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_missing_index_is_rebuilt(library, tmp_path) -> None:
    library.update_index()
    import shutil

    shutil.rmtree(tmp_path / "index")
    assert found(library, "tablets") == {("alpha", 2)}


def test_damaged_index_files_are_rebuilt(library, tmp_path) -> None:
    library.update_index()
    library.index.close()
    for path in (tmp_path / "index").iterdir():
        if path.name != STATE_FILE:
            path.write_bytes(b"\x00garbage" * 64)
    assert found(library, "tablets") == {("alpha", 2)}


def test_deleted_segment_is_rebuilt(library, tmp_path) -> None:
    library.update_index()
    library.index.close()
    for path in (tmp_path / "index").glob("*.seg"):
        path.unlink()
    assert found(library, "zephyrbrook") == {("beta", 4)}


def test_other_schema_version_is_rebuilt(library, corpus, tmp_path) -> None:
    library.update_index()
    library.close()
    (tmp_path / "index" / STATE_FILE).write_text('{"schema": 0, "docs": {}}')
    upgraded = open_library(corpus, tmp_path)  # as the next version of the app would
    try:
        report = upgraded.update_index()
        assert report.rebuilt and sorted(report.indexed) == ["alpha", "beta", "delta", "gamma"]
    finally:
        upgraded.close()


def test_stale_lock_from_a_dead_process_is_ignored(library, tmp_path) -> None:
    library.update_index()
    (tmp_path / "index" / "MAIN_WRITELOCK").write_text("left by a crashed process")
    library.add_tags("beta", ["after-crash"])
    assert library.update_index().indexed == ["beta"]
    assert found(library, "zephyrbrook") == {("beta", 4)}


def test_live_writer_blocks_updates_but_not_searches(library, tmp_path) -> None:
    library.update_index()
    holder = windex.open_dir(str(tmp_path / "index")).writer()
    try:
        library.add_tags("alpha", ["busy"])
        try:
            library.update_index()
        except IndexBusyError as exc:
            assert "another process" in str(exc)
        else:
            raise AssertionError("a second writer was allowed")
        assert found(library, "tablets") == {("alpha", 2)}
    finally:
        holder.cancel()


def test_user_data_survives_a_rebuild(library) -> None:
    library.add_tags("alpha", ["keep me"])
    library.update_index(rebuild=True)
    assert library.store.tags_of("alpha") == ["keep me"]


def test_unreadable_document_is_reported_and_skipped(library, corpus) -> None:
    (corpus.root / "gamma.pdf").write_bytes(b"%PDF-1.4 broken" + b"\x00" * 100)
    report = library.update_index()
    assert [rid for rid, _ in report.failed] == ["gamma"]
    assert sorted(report.indexed) == ["alpha", "beta", "delta"]
    assert found(library, "tablets") == {("alpha", 2)}


def test_second_library_on_the_same_folder_sees_the_index(corpus, tmp_path) -> None:
    first = open_library(corpus, tmp_path)
    first.update_index()
    first.close()
    second = open_library(corpus, tmp_path)
    try:
        assert second.update_index().indexed == []
        assert found(second, "tablets") == {("alpha", 2)}
    finally:
        second.close()


def test_large_update_built_as_worker_segments_finds_the_same(library, monkeypatch) -> None:
    monkeypatch.setattr("reader_app.search.index.BIG_UPDATE", 1)
    monkeypatch.setattr("reader_app.search.index.COMMON_SAMPLE", 1)
    report = library.update_index()
    assert sorted(report.indexed) == ["alpha", "beta", "delta", "gamma"]
    assert found(library, "tablets") == {("alpha", 2)}
    assert found(library, '"rural areas"') == {("gamma", 2)}
    assert found(library, "zephyrbrook OR lighthouse") == {("beta", 4), ("delta", 1)}
    assert library.update_index().indexed == []


def test_large_update_isolates_a_broken_file(library, corpus, monkeypatch) -> None:
    monkeypatch.setattr("reader_app.search.index.BIG_UPDATE", 1)
    monkeypatch.setattr("reader_app.search.index.COMMON_SAMPLE", 1)
    (corpus.root / "gamma.pdf").write_bytes(b"%PDF-1.4 broken" + b"\x00" * 100)
    report = library.update_index()
    assert [rid for rid, _ in report.failed] == ["gamma"]
    assert sorted(report.indexed) == ["alpha", "beta", "delta"]
    assert found(library, "zephyrbrook") == {("beta", 4)}

"""Annotations in full-text search: note text and quotes are indexed beside the pages,
kept in step with every add, edit and delete, without re-extracting any page."""

import json
import threading
from dataclasses import replace

import pytest
from search_corpus import open_library, with_resource, write_pdf

from reader_app.annotations import Annotations
from reader_app.facets import Selection
from reader_app.library import Filters, Library
from reader_app.search.index import SCHEMA_VERSION, STATE_FILE, SearchIndex
from reader_app.store import Store

SHA = "0" * 64


@pytest.fixture
def notes(library) -> Annotations:
    return Annotations(library.store)


def note_hits(library, query: str, filters=None) -> list[tuple[str, int, str | None]]:
    return [
        (h.resource_id, h.page, h.annotation_id)
        for h in library.search(query, filters or Filters(), limit=50).hits
        if h.origin == "note"
    ]


def found(library, query: str) -> set[tuple[str, int, str]]:
    return {(h.resource_id, h.page, h.origin) for h in library.search(query, limit=50).hits}


def open_library_on(library):
    """A second library on the same database, as another process would have."""
    return Library(library.catalog, Store(library.store.path), library.index_dir)


def no_workers(monkeypatch) -> None:
    """Fail if the update starts worker processes (they are only for pages)."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr("reader_app.search.index.WorkerPool", refuse)


def test_a_notes_words_are_found_as_a_note_hit(library, notes) -> None:
    made = notes.add("beta", SHA, "page-note", 3, body="Ask the quartermaster about budgets.")
    hits = library.search("quartermaster", limit=50).hits
    assert [(h.resource_id, h.page, h.origin, h.annotation_id) for h in hits] == [
        ("beta", 3, "note", made.id)
    ]
    assert "*" not in hits[0].snippet and "quartermaster" in hits[0].snippet
    start, end = hits[0].spans[0]
    assert hits[0].snippet[start:end] == "quartermaster"
    assert hits[0].to_dict()["annotation_id"] == made.id


def test_page_hits_have_no_annotation(library) -> None:
    hit = library.search("tablets").hits[0]
    assert (hit.origin, hit.annotation_id) == ("page", None)
    assert hit.to_dict()["annotation_id"] is None


def test_a_highlights_quote_is_found_beside_its_page(library, notes) -> None:
    made = notes.add("alpha", SHA, "highlight", 2, exact="lending tablets to households")
    assert found(library, "tablets") == {("alpha", 2, "page"), ("alpha", 2, "note")}
    assert note_hits(library, '"lending tablets"') == [("alpha", 2, made.id)]
    snippet = next(h.snippet for h in library.search("tablets").hits if h.origin == "note")
    assert snippet == "“lending tablets to households”"


def test_quote_and_note_are_both_in_the_snippet(library, notes) -> None:
    notes.add("gamma", SHA, "note", 2, exact="rural areas", body="Compare with the uplands.")
    hit = library.search("uplands").hits[0]
    assert hit.snippet == "“rural areas” Compare with the uplands."


def test_document_note_is_on_page_one(library, notes) -> None:
    made = notes.add("beta", SHA, "document-note", None, body="Whole guide: circulate widely.")
    assert note_hits(library, "circulate") == [("beta", 1, made.id)]


def test_annotation_without_text_makes_no_document(library, notes) -> None:
    notes.add("alpha", SHA, "page-note", 1, body="")
    report = library.update_index()
    assert report.notes == 0 and report.notes_indexed == []


def test_edited_note_is_found_by_its_new_words_only(library, notes) -> None:
    made = notes.add("alpha", SHA, "note", 3, body="Visit the gazebo.")
    assert note_hits(library, "gazebo") == [("alpha", 3, made.id)]
    notes.edit(made.id, body="Visit the pergola.")
    assert note_hits(library, "gazebo") == []
    assert note_hits(library, "pergola") == [("alpha", 3, made.id)]


def test_deleted_annotation_leaves_the_results(library, notes) -> None:
    kept = notes.add("alpha", SHA, "note", 1, body="marmalade one")
    gone = notes.add("alpha", SHA, "note", 2, body="marmalade two")
    assert {a for _, _, a in note_hits(library, "marmalade")} == {kept.id, gone.id}
    notes.delete(gone.id)
    assert note_hits(library, "marmalade") == [("alpha", 1, kept.id)]
    notes.delete(kept.id)  # the resource's last note
    report = library.update_index()
    assert report.notes_indexed == ["alpha"] and report.indexed == [] and report.removed == []
    assert note_hits(library, "marmalade") == []
    assert found(library, "tablets") == {("alpha", 2, "page")}


def test_delete_and_add_in_the_same_millisecond_is_seen(library, notes) -> None:
    first = notes.add("alpha", SHA, "note", 1, body="walrus")
    library.update_index()
    notes.delete(first.id)
    notes.restore(replace(first, id="f" * 32, body="marten"))  # same time stamps and length
    assert library.update_index().notes_indexed == ["alpha"]
    assert note_hits(library, "walrus") == []
    assert note_hits(library, "marten") == [("alpha", 1, "f" * 32)]


def test_note_changes_reindex_only_notes_without_workers(library, notes, monkeypatch) -> None:
    library.update_index()
    no_workers(monkeypatch)
    made = notes.add("alpha", SHA, "note", 2, body="Remember the heron.")
    report = library.update_index()
    assert report.indexed == [] and report.pages == 0
    assert report.notes_indexed == ["alpha"] and report.notes == 1
    notes.edit(made.id, body="Remember the egret.")
    assert library.update_index().notes_indexed == ["alpha"]
    assert library.update_index().notes_indexed == []  # in step: nothing to do
    assert note_hits(library, "egret") == [("alpha", 2, made.id)]
    assert found(library, "tablets") == {("alpha", 2, "page")}


def many_notes(notes, resource_id: str, count: int, first: int = 0) -> list:
    """``count`` page notes on one page, in one transaction; the first two characters of
    their ids take every pair of hex digits in turn, as uuid4 ids spread over them."""
    made = [
        replace(
            Annotations.make(resource_id, SHA, "page-note", 1, body=f"wren number {i}"),
            id=f"{i % 16:x}{i // 16 % 16:x}{i:030x}",
            origin_key=f"test-{i}",
        )
        for i in range(first, first + count)
    ]
    return notes.take(made)


def test_a_few_notes_of_a_resource_are_one_bucket(library, notes, monkeypatch) -> None:
    for page in (1, 1, 2):
        notes.add("beta", SHA, "page-note", page, body=f"wren on page {page}")
    notes.add("beta", SHA, "document-note", None, body="wren on the whole guide")
    edited = notes.add("beta", SHA, "page-note", 3, body="wren")
    assert library.update_index().notes == 5
    assert [s.key for s in library.index_sources() if s.origin == "note"] == ["note:beta:*"]
    no_workers(monkeypatch)
    notes.edit(edited.id, body="wren and robin")
    report = library.update_index()
    assert (report.notes_indexed, report.notes, report.indexed) == (["beta"], 5, [])
    assert len(note_hits(library, "wren")) == 5
    assert note_hits(library, "robin") == [("beta", 3, edited.id)]


def test_a_note_edit_among_many_on_one_page_rewrites_only_its_bucket(
    library, notes, monkeypatch
) -> None:
    made = many_notes(notes, "beta", 400)
    notes.add("alpha", SHA, "page-note", 1, body="wren elsewhere")
    first = library.update_index()
    assert first.notes == 401
    no_workers(monkeypatch)
    edited = made[37]
    notes.edit(edited.id, body="wren and robin")
    report = library.update_index()
    same_bucket = [a for a in made if a.id[0] == edited.id[0]]
    assert (report.notes_indexed, report.indexed, report.pages) == (["beta"], [], 0)
    assert report.notes == len(same_bucket) == 25  # not the 400 on its page
    assert library.search("wren", limit=1).total == 401
    assert note_hits(library, "robin") == [("beta", 1, edited.id)]
    notes.delete(made[0].id)
    report = library.update_index()
    assert report.notes == 24 and library.search("wren", limit=1).total == 400


def test_bucket_count_follows_a_resources_notes(library, notes, monkeypatch) -> None:
    monkeypatch.setattr("reader_app.library.NOTES_PER_BUCKET", 2)
    # Up to 2 notes: one bucket; up to 32: by the id's first character; then two.
    made = many_notes(notes, "gamma", 2)
    keys = lambda: sorted(s.key for s in library.index_sources() if s.origin == "note")  # noqa: E731
    assert keys() == ["note:gamma:*"]
    assert library.search("wren", limit=1).total == 2
    made += many_notes(notes, "gamma", 1, first=2)  # id from "2"
    assert keys() == ["note:gamma:0", "note:gamma:1", "note:gamma:2"]
    report = library.update_index()
    assert (report.notes_indexed, report.notes) == (["gamma"], 3)
    assert library.search("wren", limit=50).total == 3  # the old bucket's documents are gone
    more = many_notes(notes, "delta", 40, first=100)
    assert len(keys()) == 3 + len({a.id[:2] for a in more}) == 3 + 40
    notes.delete(made[2].id)
    assert [k for k in keys() if "gamma" in k] == ["note:gamma:*"]
    assert library.search("wren", limit=50).total == 42


def test_a_note_moved_to_another_page_is_reindexed(library, notes) -> None:
    made = notes.add("alpha", SHA, "page-note", 1, body="nightjar")
    assert note_hits(library, "nightjar") == [("alpha", 1, made.id)]
    library.store.query("UPDATE annotations SET page = 3 WHERE id = ?", (made.id,))
    assert note_hits(library, "nightjar") == [("alpha", 3, made.id)]


def test_unchanged_database_reuses_the_note_signatures(library, notes) -> None:
    notes.add("alpha", SHA, "note", 1, body="stonechat")
    first = library._note_signatures()
    assert library._note_signatures() is first
    library.store.set_last_page("alpha", 2)  # any write makes them be made again
    again = library._note_signatures()
    assert again is not first and again == first
    other = open_library_on(library)
    try:
        Annotations(other.store).add("alpha", SHA, "note", 2, body="whinchat")
    finally:
        other.close()
    assert len([s for s in library.index_sources() if s.origin == "note"]) == 1
    assert [r for r, _, _ in note_hits(library, "whinchat")] == ["alpha"]


def test_new_version_of_a_file_leaves_its_notes_alone(library, corpus, notes) -> None:
    made = notes.add("gamma", SHA, "note", 1, body="Ask about the kestrel survey.")
    library.update_index()
    write_pdf(corpus.root / "gamma.pdf", {1: "Gamma now speaks of quokkas."})
    gamma = replace(corpus.catalog.get("gamma"), sha256="e" * 64, pages=1)
    library.catalog = with_resource(corpus.catalog, gamma)
    report = library.update_index()
    assert report.indexed == ["gamma"] and report.notes_indexed == [] and report.notes == 0
    assert found(library, "quokkas") == {("gamma", 1, "page")}
    assert note_hits(library, "kestrel") == [("gamma", 1, made.id)]


def test_tag_change_reindexes_pages_and_notes_of_that_resource(library, notes) -> None:
    notes.add("alpha", SHA, "note", 1, body="osprey")
    library.update_index()
    library.add_tags("alpha", ["shortlist"])
    report = library.update_index()
    assert report.indexed == ["alpha"] and report.notes_indexed == ["alpha"]
    assert [r for r, _, _ in note_hits(library, "osprey", Filters(tag="shortlist"))] == ["alpha"]


def test_facet_filters_apply_to_notes(library, notes) -> None:
    notes.add("alpha", SHA, "note", 1, body="pelican alpha")  # renew, reset; briefing
    notes.add("beta", SHA, "note", 1, body="pelican beta")  # resilient; guide
    assert {r for r, _, _ in note_hits(library, "pelican")} == {"alpha", "beta"}
    assert [r for r, _, _ in note_hits(library, "pelican", Filters(pillar="renew"))] == ["alpha"]
    assert [r for r, _, _ in note_hits(library, "pelican", Filters(kind="guide"))] == ["beta"]
    assert note_hits(library, "pelican", Filters(pillar="reform")) == []
    assert [r for r, _, _ in note_hits(library, "pelican", Filters(year=2022))] == ["beta"]
    either = Selection(pillar=frozenset({"renew", "resilient"}))
    assert len(note_hits(library, "pelican", either)) == 2
    assert [r for r, _, _ in note_hits(library, "pelican pillar:resilient")] == ["beta"]


def test_resource_filter_applies_to_notes(library, notes) -> None:
    notes.add("alpha", SHA, "note", 1, body="albatross")
    notes.add("beta", SHA, "note", 1, body="albatross")
    library.update_index()
    hits = library.index.search("albatross", {"resource": ["beta"]}).hits
    assert [(h.resource_id, h.origin) for h in hits] == [("beta", "note")]


def test_title_words_match_notes_as_they_match_pages(library, notes) -> None:
    notes.add("beta", SHA, "note", 2, body="cormorant")
    assert note_hits(library, "beta cormorant") != []
    assert note_hits(library, "gamma cormorant") == []


def test_notes_of_resources_not_in_the_catalog_are_not_indexed(library, notes) -> None:
    notes.add("imported-elsewhere", SHA, "note", 1, body="flamingo")
    assert library.search("flamingo").hits == []


def test_removed_resource_takes_its_notes(library, corpus, notes) -> None:
    notes.add("gamma", SHA, "note", 1, body="puffin")
    library.update_index()
    library.catalog = replace(
        corpus.catalog, resources=tuple(r for r in corpus.catalog.resources if r.id != "gamma")
    )
    report = library.update_index()
    assert report.removed == ["gamma"] and report.notes_indexed == ["gamma"]
    assert library.search("puffin").hits == []


def test_notes_in_the_first_build_and_a_rebuild(library, notes) -> None:
    made = notes.add("beta", SHA, "note", 4, body="lapwing")
    first = library.update_index()
    assert sorted(first.indexed) == ["alpha", "beta", "delta", "gamma"]
    assert (first.notes_indexed, first.notes) == (["beta"], 1)
    again = library.update_index(rebuild=True)
    assert again.notes_indexed == ["beta"]
    assert note_hits(library, "lapwing") == [("beta", 4, made.id)]
    assert found(library, "zephyrbrook") == {("beta", 4, "page")}


def test_index_of_the_previous_schema_is_rebuilt_with_notes(library, corpus, tmp_path, notes):
    made = notes.add("alpha", SHA, "note", 1, body="bittern")
    library.update_index()
    library.close()
    state_file = tmp_path / "index" / STATE_FILE
    state = json.loads(state_file.read_text())
    # As the previous version left it: one state entry per resource, no notes.
    state["schema"] = SCHEMA_VERSION - 1
    state["docs"] = {k: v for k, v in state["docs"].items() if ":" not in k}
    state_file.write_text(json.dumps(state))
    upgraded = open_library(corpus, tmp_path)
    try:
        report = upgraded.update_index()
        assert report.rebuilt == "from another version or incomplete"
        assert sorted(report.indexed) == ["alpha", "beta", "delta", "gamma"]
        assert report.notes_indexed == ["alpha"]
        assert note_hits(upgraded, "bittern") == [("alpha", 1, made.id)]
    finally:
        upgraded.close()


def test_large_update_in_worker_segments_indexes_notes_too(library, notes, monkeypatch) -> None:
    monkeypatch.setattr("reader_app.search.index.BIG_UPDATE", 1)
    monkeypatch.setattr("reader_app.search.index.COMMON_SAMPLE", 1)
    made = notes.add("gamma", SHA, "highlight", 2, exact="rural areas differs")
    report = library.update_index()
    assert sorted(report.indexed) == ["alpha", "beta", "delta", "gamma"]
    assert report.notes_indexed == ["gamma"]
    assert note_hits(library, '"rural areas"') == [("gamma", 2, made.id)]


def test_progress_counts_notes(library, notes) -> None:
    notes.add("alpha", SHA, "note", 1, body="one")
    notes.add("beta", SHA, "note", 1, body="two")
    seen: list[tuple[int, int]] = []
    report = library.update_index(progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (report.pages + 2, report.pages + 2)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_index_updated_from_another_thread_reads_notes(library, notes) -> None:
    """As the GUI does: sources gathered here, the index updated in a thread of its own."""
    made = notes.add("delta", SHA, "note", 1, body="Lighthouse keepers: ask the curlew.")
    sources = library.index_sources()
    reports = []

    def run() -> None:
        index = SearchIndex(library.index_dir)
        try:
            reports.append(index.update(sources))
        finally:
            index.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert reports[0].failed == [] and reports[0].notes_indexed == ["delta"]
    hits = library.index.search("curlew").hits
    assert [(h.resource_id, h.annotation_id) for h in hits] == [("delta", made.id)]


def test_unreadable_database_is_reported_and_pages_still_indexed(library, notes) -> None:
    notes.add("alpha", SHA, "note", 1, body="grebe")
    sources = [
        replace(s, path=str(library.index_dir.parent / "missing.sqlite3"))
        if s.origin == "note"
        else s
        for s in library.index_sources()
    ]
    report = library.index.update(sources)
    assert [rid for rid, _ in report.failed] == ["alpha"]
    assert sorted(report.indexed) == ["alpha", "beta", "delta", "gamma"]
    assert not (library.index_dir.parent / "missing.sqlite3").exists()
    # The failed notes stay out of step, so the next update reads them.
    assert [r for r, _, _ in note_hits(library, "grebe")] == ["alpha"]

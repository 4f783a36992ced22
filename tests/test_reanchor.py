"""Re-anchoring: annotations made on one version of a document placed in the next by
their quote (shifted, moved to another page, told apart by context, across new line
breaks and hyphenation, in another case), orphans kept, and the plan saved."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from reader_app.annotations import Annotation, AnnotationFilter, Annotations
from reader_app.documents import DocumentError, anchor_quote, document_words, find_text
from reader_app.reanchor import DocumentText, apply_placements, fold, plan_reanchor
from reader_app.store import Store

OLD, NEW = "1" * 64, "2" * 64

ORIGINAL = [
    "Recovery plans in twelve councils. Councils that invested in broadband early saw "
    "fewer households cut off during lockdown. Libraries lent laptops to families.",
    "Community hubs opened in every ward. The hubs will stay open. Later on, the hubs "
    "will stay open through the winter, the council said.",
    "Digital skills training reached older residents. This sentence will be deleted "
    "from the new edition. Volunteers ran phone lines.",
]
EDITED = [
    "A new foreword: this edition updates the figures for 2022 and adds a chapter on "
    "skills, with thanks to the many officers who helped.\n"
    "Recovery plans in twelve councils. Councils that invested in broad-\n"
    "band early saw fewer house-\nholds cut off during lockdown.",
    "Community hubs opened in every ward. Later on, the hubs will stay open through the "
    "winter, the council said. The hubs will stay open.",
    "Libraries lent laptops to families. Digital skills training reached older "
    "residents. VOLUNTEERS RAN PHONE LINES.",
]


def make_pdf(path: Path, pages: list[str], rotation: int = 0) -> Path:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=420, height=595)
        page.insert_textbox(pymupdf.Rect(50, 60, 370, 540), text, fontsize=12)
        page.set_rotation(rotation)
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def versions(tmp_path) -> tuple[Path, Path]:
    return make_pdf(tmp_path / "v1.pdf", ORIGINAL), make_pdf(tmp_path / "v2.pdf", EDITED)


def quoted(path: Path, page: int, quote: str, kind: str = "highlight", **kw) -> Annotation:
    anchor = anchor_quote(path, page, quote)
    assert anchor is not None, quote
    return Annotation(
        id=f"{kind}-{quote}",
        resource_id="r",
        doc_sha256=OLD,
        kind=kind,
        page=page,
        quads=tuple(anchor.quads),
        exact=anchor.exact,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        **kw,
    )


def second_occurrence(path: Path, page: int, quote: str) -> Annotation:
    """An annotation on the second place ``quote`` is on a page (anchor_quote finds the
    first), made as the viewer makes one from a selection."""
    text = DocumentText(document_words(path))
    start = text.occurrences(fold(quote))[1]
    end = start + len(fold(quote))
    first, last = text.key_word[start], text.key_word[end - 1]
    exact, prefix, suffix = text.words_quote(first, last)
    return Annotation(
        id="second",
        resource_id="r",
        doc_sha256=OLD,
        kind="note",
        page=page,
        quads=tuple(text.boxes(first, last)),
        exact=exact,
        prefix=prefix,
        suffix=suffix,
        body="the winter one",
    )


def text_under(path: Path, page: int, quads) -> str:
    """The words of ``page`` whose middle lies inside one of ``quads``, folded, without
    the punctuation that ends the last (boxes cover whole words)."""
    words = document_words(path)[page - 1]
    inside = [
        w[4]
        for w in words
        if any(
            q[0] <= (w[0] + w[2]) / 2 <= q[2] and q[1] <= (w[1] + w[3]) / 2 <= q[3] for q in quads
        )
    ]
    return fold(" ".join(inside)).rstrip(".,")


def plan_by_id(path: Path, annotations: list[Annotation]):
    return {p.annotation_id: p for p in plan_reanchor(path, annotations)}


def test_a_quote_pushed_down_its_page_and_rehyphenated_is_found(versions) -> None:
    v1, v2 = versions
    note = quoted(v1, 1, "broadband early saw fewer households")
    placed = plan_by_id(v2, [note])[note.id]
    assert (placed.status, placed.page, placed.orphaned) == ("placed", 1, False)
    assert placed.exact == "broadband early saw fewer households"  # as the new page has it
    assert placed.prefix.endswith("Councils that invested in ")
    assert placed.suffix.startswith(" cut off during lockdown")
    assert len(placed.quads) == 3  # now across three lines
    assert placed.quads[0][1] > note.quads[0][1] + 20  # the foreword pushed it down
    assert text_under(v2, 1, placed.quads) == fold(note.exact)


def test_a_quote_moved_to_another_page_follows_it(versions) -> None:
    v1, v2 = versions
    note = quoted(v1, 1, "Libraries lent laptops", kind="underline")
    placed = plan_by_id(v2, [note])[note.id]
    assert (placed.status, placed.old_page, placed.page) == ("moved", 1, 3)
    assert placed.reason == "found on page 3"
    assert placed.prefix == "" and placed.suffix.startswith(" to families")
    assert text_under(v2, 3, placed.quads) == fold("Libraries lent laptops")


def test_context_tells_apart_a_quote_that_is_there_twice(versions) -> None:
    v1, v2 = versions
    first = quoted(v1, 2, "The hubs will stay open")
    second = second_occurrence(v1, 2, "the hubs will stay open")
    assert first.suffix.startswith(". Later") and second.suffix.startswith(" through")
    plans = plan_by_id(v2, [first, second])
    # In the new edition the order is swapped: the context, not the order, decides.
    assert plans["second"].suffix.startswith(" through the winter")
    assert plans[first.id].suffix == "."
    assert plans[first.id].quads[0][1] > plans["second"].quads[0][1]
    for plan in plans.values():
        assert plan.status == "placed"
        assert text_under(v2, 2, plan.quads) == fold("the hubs will stay open")


def test_case_changes_are_tolerated(versions) -> None:
    v1, v2 = versions
    note = quoted(v1, 3, "Volunteers ran phone lines")
    placed = plan_by_id(v2, [note])[note.id]
    assert (placed.status, placed.exact) == ("placed", "VOLUNTEERS RAN PHONE LINES")


def test_a_deleted_quote_is_orphaned_on_its_old_page(versions) -> None:
    v1, v2 = versions
    note = quoted(v1, 3, "This sentence will be deleted")
    placed = plan_by_id(v2, [note])[note.id]
    assert (placed.status, placed.orphaned, placed.page) == ("orphaned", True, 3)
    assert placed.reason == "the quoted text is not in this version"
    assert placed.quads == () and placed.exact == note.exact and placed.prefix == note.prefix


def test_notes_without_a_quote_keep_their_page_and_pin(versions, tmp_path) -> None:
    _v1, v2 = versions
    pinned = Annotation("pin", "r", OLD, "page-note", 3, quads=((100.0, 200.0, 100.0, 200.0),))
    whole = Annotation("doc", "r", OLD, "document-note", None, body="all of it")
    plans = plan_by_id(v2, [pinned, whole])
    assert (plans["pin"].status, plans["pin"].page, plans["pin"].quads) == (
        "kept",
        3,
        pinned.quads,
    )
    assert (plans["doc"].status, plans["doc"].page) == ("kept", None)
    short = make_pdf(tmp_path / "short.pdf", ["Only one page now."])
    clamped = plan_by_id(short, [pinned])["pin"]
    assert (clamped.status, clamped.page, clamped.quads) == ("moved", 1, pinned.quads)


def test_the_same_version_gives_back_the_same_anchors(versions) -> None:
    v1, _v2 = versions
    notes = [
        quoted(v1, 1, "broadband early saw fewer households"),
        quoted(v1, 2, "Community hubs"),
        quoted(v1, 3, "older residents. This sentence"),
    ]
    for note in notes:
        placed = plan_by_id(v1, [note])[note.id]
        assert placed.status == "placed"
        assert (placed.exact, placed.prefix, placed.suffix) == (
            note.exact,
            note.prefix,
            note.suffix,
        )
        assert [v for q in placed.quads for v in q] == pytest.approx(
            [v for q in note.quads for v in q]
        )


def test_rotated_pages_give_boxes_as_shown(tmp_path) -> None:
    v1 = make_pdf(tmp_path / "r1.pdf", ORIGINAL, rotation=90)
    v2 = make_pdf(tmp_path / "r2.pdf", EDITED, rotation=90)
    note = quoted(v1, 1, "Libraries lent laptops")
    placed = plan_by_id(v2, [note])[note.id]
    found = [box for page, box in find_text(v2, "Libraries lent laptops") if page == 3]
    assert placed.page == 3 and placed.quads[0] == pytest.approx(found[0], abs=0.5)


def test_unreadable_files_give_a_document_error(tmp_path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is not a PDF at all")
    with pytest.raises(DocumentError):
        plan_reanchor(broken, [])
    locked = tmp_path / "locked.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="pw")
    with pytest.raises(DocumentError, match="encrypted"):
        plan_reanchor(locked, [])


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "library.sqlite3") as s:
        yield s


def stored(notes: Annotations, a: Annotation) -> Annotation:
    return notes.add(
        a.resource_id,
        a.doc_sha256,
        a.kind,
        a.page,
        quads=a.quads,
        exact=a.exact,
        prefix=a.prefix,
        suffix=a.suffix,
        body=a.body,
        tags=["kept"],
    )


def test_placements_are_saved_and_orphans_stay_listed(versions, store) -> None:
    v1, v2 = versions
    notes = Annotations(store)
    made = {
        "same": stored(notes, quoted(v1, 1, "broadband early saw fewer households")),
        "moved": stored(notes, quoted(v1, 1, "Libraries lent laptops")),
        "gone": stored(notes, quoted(v1, 3, "This sentence will be deleted")),
        "pin": stored(notes, Annotation("", "r", OLD, "page-note", 2, body="pinned")),
        "other": notes.add("elsewhere", OLD, "page-note", 1, body="another resource"),
    }
    assert notes.has_stale("r", NEW) and not notes.has_stale("r", OLD)
    stale = notes.stale("r", NEW)
    assert {a.id for a in stale} == {made[k].id for k in ("same", "moved", "gone", "pin")}

    report = apply_placements(notes, plan_reanchor(v2, stale), NEW)
    assert [len(x) for x in (report.placed, report.moved, report.kept, report.orphaned)] == [
        1,
        1,
        1,
        1,
    ]
    assert report.to_dict()["orphaned"] == 1 and report.skipped == []
    assert notes.stale("r", NEW) == [] and not notes.has_stale("r", NEW)

    same = notes.get(made["same"].id)
    assert (same.doc_sha256, same.anchor, same.page) == (NEW, "ok", 1)
    assert text_under(v2, 1, same.quads) == fold(same.exact)
    assert same.tags == ("kept",) and same.body == made["same"].body
    assert same.updated > made["same"].updated  # the record changed: the search index follows
    moved = notes.get(made["moved"].id)
    assert moved.page == 3 and moved.suffix.startswith(" to families. Digital")
    gone = notes.get(made["gone"].id)
    assert (gone.doc_sha256, gone.anchor, gone.orphaned, gone.page) == (NEW, "orphaned", True, 3)
    assert gone.quads == () and gone.exact == made["gone"].exact
    assert [a.id for a in notes.find(AnnotationFilter(anchor="orphaned"))] == [gone.id]
    assert notes.get(made["pin"].id).page == 2
    assert notes.get(made["other"].id).doc_sha256 == OLD  # other resources untouched

    # The first version comes back: the orphan is found again.
    again = apply_placements(notes, plan_reanchor(v1, notes.stale("r", OLD)), OLD)
    assert gone.id in {p.annotation_id for p in again.placed}
    assert notes.get(gone.id).anchor == "ok" and notes.get(gone.id).quads


def test_a_plan_overtaken_by_changes_skips_what_changed(versions, store) -> None:
    v1, v2 = versions
    notes = Annotations(store)
    kept = stored(notes, quoted(v1, 1, "Libraries lent laptops"))
    deleted = stored(notes, quoted(v1, 2, "Community hubs"))
    plan = plan_reanchor(v2, notes.stale("r", NEW))
    notes.delete(deleted.id)
    report = apply_placements(notes, plan, NEW)
    assert [p.annotation_id for p in report.moved] == [kept.id]
    assert [p.annotation_id for p in report.skipped] == [deleted.id]
    assert notes.get(deleted.id) is None
    twice = apply_placements(notes, plan, "3" * 64)  # already moved to NEW: left alone
    assert len(twice.skipped) == 2 and notes.get(kept.id).doc_sha256 == NEW

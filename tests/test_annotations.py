"""Annotations in the store: every kind made, edited, deleted and restored, filtered,
kept across a reopen, with tags shared with resources."""

import gc
import sqlite3
from dataclasses import replace

import pytest

from reader_app import annotations as annotations_module
from reader_app.annotations import AnnotationError, AnnotationFilter, Annotations
from reader_app.store import Store

SHA = "ab" * 32


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "library.sqlite3") as s:
        yield s


@pytest.fixture
def notes(store):
    return Annotations(store)


def highlight(notes, page=2, exact="digital poverty", **kw):
    return notes.add(
        "digital-poverty",
        SHA,
        "highlight",
        page,
        quads=[(72.0, 100.5, 160.0, 112.0)],
        exact=exact,
        prefix="…the issue of ",
        suffix=" affects many…",
        **kw,
    )


def test_every_kind_is_stored_and_read_back(notes) -> None:
    made = [
        highlight(notes, body="Check our own figures", color="green", tags=["Data", "data "]),
        notes.add("digital-poverty", SHA, "underline", 3, exact="skills"),
        notes.add("digital-poverty", SHA, "note", 3, exact="skills", body="Ask the library team"),
        notes.add(
            "digital-poverty", SHA, "page-note", 4, quads=[(300, 400, 300, 400)], body="Pinned here"
        ),
        notes.add("digital-poverty", SHA, "document-note", 7, body="Whole briefing: useful"),
    ]
    found = notes.find()
    assert {a.id for a in found} == {a.id for a in made}
    first = notes.get(made[0].id)
    assert first == made[0]
    assert first.tags == ("Data",)  # normalised, duplicates dropped
    assert first.quads == ((72.0, 100.5, 160.0, 112.0),)
    assert notes.get(made[4].id).page is None  # a document note has no page
    assert found[0].page is None and [a.page for a in found[1:]] == [2, 3, 3, 4]


@pytest.mark.parametrize(
    ("kind", "page", "exact", "message"),
    [
        ("scribble", 1, "x", "unknown kind"),
        ("highlight", None, "x", "needs a page"),
        ("highlight", 0, "x", "needs a page"),
        ("highlight", 1, "", "needs the text"),
    ],
)
def test_bad_annotations_are_refused(notes, kind, page, exact, message) -> None:
    with pytest.raises(AnnotationError, match=message):
        notes.add("r", SHA, kind, page, exact=exact)
    assert notes.find() == []


def test_bad_colours_and_overlong_notes_are_refused(notes) -> None:
    with pytest.raises(AnnotationError, match="unknown colour"):
        highlight(notes, color="#123456")
    with pytest.raises(AnnotationError, match="longer than"):
        highlight(notes, body="x" * 200_001)
    assert notes.find() == []


def test_markup_in_a_note_is_kept_literally(notes) -> None:
    body = "<script>alert(1)</script> **bold** =SUM(A1) & <b>"
    made = highlight(notes, body=body)
    assert notes.get(made.id).body == body


def test_edit_changes_text_colour_and_tags(notes, store) -> None:
    made = highlight(notes, tags=["one"])
    edited = notes.edit(made.id, body="Now with a note", color="Blue", tags=["two", "three"])
    assert (edited.body, edited.color, edited.tags) == ("Now with a note", "blue", ("three", "two"))
    assert edited.updated >= made.updated and edited.created == made.created
    assert "one" not in store.all_tags()  # unused tags go
    with pytest.raises(AnnotationError, match="no annotation"):
        notes.edit("missing", body="x")


def test_delete_then_restore_gives_back_the_same_annotation(notes) -> None:
    made = highlight(notes, body="keep me", tags=["t"])
    deleted = notes.delete(made.id)
    assert notes.get(made.id) is None
    notes.restore(deleted)  # undo
    assert notes.get(made.id) == made
    with pytest.raises(AnnotationError):
        notes.delete("missing")


def test_find_filters_combine(notes, store) -> None:
    a = highlight(notes, color="yellow", tags=["Reform"])
    b = highlight(notes, page=3, exact="broadband", color="red", body="Coverage gaps")
    c = notes.add("climate-places", SHA, "page-note", 1, body="Flood plans", color="red")
    assert [x.id for x in notes.find(AnnotationFilter(color="red"))] == [c.id, b.id]
    assert [x.id for x in notes.find(AnnotationFilter(tag="reform"))] == [a.id]
    assert [x.id for x in notes.find(AnnotationFilter(text="COVERAGE"))] == [b.id]
    assert [x.id for x in notes.find(AnnotationFilter(text="broadband"))] == [b.id]
    only = AnnotationFilter(resource_ids={"digital-poverty"}, kind="highlight", page=3)
    assert [x.id for x in notes.find(only)] == [b.id]
    assert notes.find(AnnotationFilter(resource_ids=set())) == []


def test_tags_are_shared_with_resources_and_survive_their_removal(notes, store) -> None:
    store.add_tags("digital-poverty", ["Inclusion"])
    made = highlight(notes, tags=["inclusion"])
    assert notes.get(made.id).tags == ("Inclusion",)  # the first spelling is kept
    store.remove_tags("digital-poverty", ["Inclusion"])
    assert notes.get(made.id).tags == ("Inclusion",)  # still used by the annotation
    assert notes.all_tags() == ["Inclusion"]


def test_annotations_survive_a_reopen(tmp_path) -> None:
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        made = highlight(Annotations(store), body="persisted")
    with Store(path) as store:
        assert Annotations(store).get(made.id) == made
        assert store.integrity_check() == "ok"


def test_a_version_1_database_is_upgraded_keeping_its_data(tmp_path) -> None:
    from reader_app.migrations import LATEST_VERSION, MIGRATIONS

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("INSERT INTO tags(name) VALUES ('kept')")
    db.execute("INSERT INTO resource_tags VALUES ('r', 1, '2026-01-01')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert store.tags_of("r") == ["kept"]
        assert highlight(Annotations(store)).resource_id == "digital-poverty"


def test_a_version_2_database_is_upgraded_keeping_its_annotations(tmp_path) -> None:
    from reader_app.migrations import LATEST_VERSION, MIGRATIONS

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0] + MIGRATIONS[1]:
        db.execute(statement)
    db.execute(
        """INSERT INTO annotations(id, resource_id, doc_sha256, kind, page, quads, exact,
               color, created, updated)
           VALUES ('a1', 'r', ?, 'highlight', 2, '[[1, 2, 3, 4]]', 'kept', 'red', 't', 't')""",
        (SHA,),
    )
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == LATEST_VERSION
        kept = Annotations(store).get("a1")
        assert (kept.exact, kept.color, kept.anchor, kept.origin_key) == ("kept", "red", "ok", "")
        assert not kept.orphaned and kept.to_dict()["anchor"] == "ok"


def test_taken_annotations_are_stored_once_per_origin(notes) -> None:
    made = [
        Annotations.make("r", SHA, "page-note", 1, body=f"n{i}", origin_key=f"{SHA}:p1-x{i}")
        for i in (1, 2, 2)
    ]
    assert [a.body for a in notes.take(made)] == ["n1", "n2"]
    assert notes.take(made) == []
    assert notes.origin_keys("r") == {f"{SHA}:p1-x1", f"{SHA}:p1-x2"}
    assert notes.origin_keys("other") == set()
    assert (
        len(
            notes.take(
                [Annotations.make("other", SHA, "page-note", 1, origin_key=made[0].origin_key)]
            )
        )
        == 1
    )
    with pytest.raises(AnnotationError, match="origin"):
        notes.take([Annotations.make("r", SHA, "page-note", 1)])
    # Deleted, taken again, then the delete undone: both kept, the newer counts as taken.
    deleted = notes.delete(notes.find(AnnotationFilter(text="n1"))[0].id)
    again = notes.take(
        [Annotations.make("r", SHA, "page-note", 1, body="n1", origin_key=made[0].origin_key)]
    )
    notes.restore(deleted)
    assert notes.get(deleted.id).origin_key == "" and notes.get(again[0].id).origin_key
    assert len(notes.find(AnnotationFilter(text="n1"))) == 2


def test_delete_many_and_restore_many_give_back_the_same_annotations(notes, store) -> None:
    kept = highlight(notes, tags=["shared"])
    made = [
        highlight(notes, page=3, tags=["shared", "only here"]),
        notes.add("digital-poverty", SHA, "page-note", 1, body="pinned", tags=["Pinned"]),
        notes.add("other", SHA, "document-note", None, body="whole"),
    ]
    deleted = notes.delete_many([m.id for m in made] + ["missing", made[0].id])
    assert sorted(a.id for a in deleted) == sorted(m.id for m in made)
    assert [a.id for a in deleted] == [made[1].id, made[0].id, made[2].id]  # as find orders
    assert notes.find() == [kept]
    assert sorted(store.all_tags()) == ["shared"]  # tags no longer used are gone
    assert notes.delete_many([]) == [] and notes.delete_many(["missing"]) == []

    restored = notes.restore_many(reversed(deleted))  # undo
    assert {a.id for a in restored} == {m.id for m in made}
    assert {a.id: a for a in notes.find()} == {a.id: a for a in [kept, *made]}
    # Restored again: each is there already and left as it is.
    assert notes.restore_many([replace(made[0], body="changed", tags=())]) == []
    assert notes.get(made[0].id) == made[0]


def test_restore_many_is_all_or_nothing(notes, store) -> None:
    made = [highlight(notes, page=p, tags=[f"t{p}"]) for p in (1, 2, 3)]
    deleted = notes.delete_many(m.id for m in made)
    broken = [deleted[0], replace(deleted[1], kind="scribble"), deleted[2]]
    with pytest.raises(sqlite3.IntegrityError):
        notes.restore_many(broken)
    assert notes.find() == []
    assert store.all_tags() == []
    assert {a.id for a in notes.restore_many(deleted)} == {m.id for m in made}


def test_restore_many_clears_an_origin_taken_again(notes) -> None:
    key = f"{SHA}:p1-x1"
    first = notes.take([Annotations.make("r", SHA, "page-note", 1, origin_key=key)])
    deleted = notes.delete_many([first[0].id])
    again = notes.take([Annotations.make("r", SHA, "page-note", 1, origin_key=key)])
    (restored,) = notes.restore_many(deleted)
    assert restored.origin_key == "" and notes.get(restored.id) == restored
    assert notes.get(again[0].id).origin_key == key


@pytest.mark.parametrize("probed", [1, 500])  # tags looked up in chunks, or all links read
def test_find_gives_each_annotation_its_own_tags(notes, store, monkeypatch, probed) -> None:
    monkeypatch.setattr(annotations_module, "_PROBED", probed)
    store.add_tags("digital-poverty", ["Inclusion"])
    tagged = [
        highlight(notes, page=1, tags=["gamma", "Beta", "alpha"]),
        highlight(notes, page=2, tags=["inclusion", "Zeta"]),
        highlight(notes, page=3, tags=["beta"]),
        notes.add("climate-places", SHA, "page-note", 1, tags=["ALPHA", "delta"]),
    ]
    untagged = [highlight(notes, page=p) for p in (4, 5, 6)]
    expected = {
        tagged[0].id: ("alpha", "Beta", "gamma"),  # sorted ignoring case
        tagged[1].id: ("Inclusion", "Zeta"),  # spelled as first stored
        tagged[2].id: ("Beta",),
        tagged[3].id: ("alpha", "delta"),
        **{a.id: () for a in untagged},
    }
    assert {a.id: a.tags for a in tagged + untagged} == expected
    for where in (None, AnnotationFilter(resource_ids={"digital-poverty"})):
        found = notes.find(where)
        assert {a.id: a.tags for a in found} == {
            i: t for i, t in expected.items() if where is None or i != tagged[3].id
        }
        assert found == [notes.get(a.id) for a in found]
    assert [a.id for a in notes.find(AnnotationFilter(tag="BETA"))] == [
        tagged[0].id,
        tagged[2].id,
    ]
    assert gc.isenabled()


def test_find_orders_by_resource_page_and_top_of_the_quote(notes) -> None:
    def at(resource, page, top):
        return notes.add(resource, SHA, "page-note", page, quads=[(10, top, 20, top + 10)])

    made = [at("b", 2, 50.0), at("a", 3, 10.0), at("b", 2, 5.0), at("b", 1, 700.0)]
    whole = notes.add("b", SHA, "document-note", None, body="whole")
    assert [a.id for a in notes.find()] == [
        made[1].id,
        whole.id,
        made[3].id,
        made[2].id,
        made[0].id,
    ]
    assert notes.find()[3].quads == ((10.0, 5.0, 20.0, 15.0),)

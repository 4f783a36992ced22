"""``reader-app note``: add (anchored to a quote), list with filters, edit, delete."""

import pytest
from test_cli import run, run_json

REQUIRED = {"id", "resource_id", "page", "quote", "text", "color", "tags", "created", "updated"}


def test_add_with_a_quote_anchors_to_the_page(capsys) -> None:
    made = run_json(
        capsys,
        "note",
        "add",
        "digital-poverty",
        "--page",
        "2",
        "--quote",
        "cut off   just when",
        "--text",
        "Ask the library",
        "--tag",
        "Inclusion",
        "--color",
        "green",
    )
    assert made.keys() >= REQUIRED
    assert made["quote"] == "cut off just when"  # as the page has it: spaces collapsed
    assert made["prefix"].endswith("being ") and made["suffix"].startswith(" help mattered")
    assert len(made["quads"]) == 2  # the passage runs across a line break
    assert (made["kind"], made["color"], made["tags"]) == ("note", "green", ["Inclusion"])
    listed = run_json(capsys, "note", "list")
    assert [n["id"] for n in listed] == [made["id"]]


def test_add_prints_only_the_id_once_committed(capsys) -> None:
    code, out, err = run(capsys, "note", "add", "reset-pillar", "--page", "1", "--text", "hi")
    assert code == 0, err
    note_id = out.strip()
    assert len(note_id) == 32
    assert run_json(capsys, "note", "list")[0]["id"] == note_id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["digital-poverty", "--page", "2", "--quote", "words not on the page"], "not on page 2"),
        (["digital-poverty", "--page", "99", "--text", "x"], "pages 1 to"),
        (["digital-poverty", "--text", "x"], "needs --page"),
        (["no-such-resource", "--page", "1", "--text", "x"], "no-such-resource"),
        (["digital-poverty", "--page", "1", "--color", "mauve"], "unknown colour"),
    ],
)
def test_add_fails_clearly_and_stores_nothing(capsys, args, message) -> None:
    code, out, err = run(capsys, "note", "add", *args)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1
    assert run_json(capsys, "note", "list") == []


def test_list_filters(capsys) -> None:
    run(capsys, "note", "add", "digital-poverty", "--page", "1", "--text", "a", "--color", "red")
    run(capsys, "note", "add", "reset-pillar", "--page", "1", "--text", "b", "--tag", "Ethics")
    run(capsys, "note", "add", "reform-pillar", "--kind", "document-note", "--text", "c")
    texts = lambda *a: [n["text"] for n in run_json(capsys, "note", "list", *a)]  # noqa: E731
    assert texts("--color", "red") == ["a"]
    assert texts("--tag", "ethics") == ["b"]
    assert texts("--resource", "reform-pillar") == ["c"]
    assert sorted(texts("--pillar", "reset")) == ["b"]  # reset-pillar's pillars: reset, resilient
    assert run_json(capsys, "note", "list", "--resource", "reform-pillar")[0]["page"] is None
    code, _out, err = run(capsys, "note", "list", "--pillar", "nope")
    assert code == 1 and "unknown pillar" in err


def test_edit_and_delete(capsys) -> None:
    note_id = run_json(capsys, "note", "add", "reset-pillar", "--page", "2", "--tag", "x")["id"]
    edited = run_json(
        capsys, "note", "edit", note_id, "--text", "<script>x</script>", "--color", "blue"
    )
    assert (edited["text"], edited["color"], edited["tags"]) == (
        "<script>x</script>",
        "blue",
        ["x"],
    )
    assert run_json(capsys, "note", "edit", note_id, "--no-tags")["tags"] == []
    code, out, _err = run(capsys, "note", "delete", note_id)
    assert code == 0 and out.strip() == note_id
    assert run_json(capsys, "note", "list") == []
    code, _out, err = run(capsys, "note", "delete", note_id)
    assert code == 1 and "no annotation" in err


def test_plain_list_shows_markup_literally(capsys) -> None:
    run(capsys, "note", "add", "reset-pillar", "--page", "1", "--text", "<b>bold</b>")
    code, out, _err = run(capsys, "note", "list")
    assert code == 0 and "<b>bold</b>" in out


def stale_notes(tmp_path, monkeypatch):
    """Notes made on an older edition of digital-poverty, whose current file (as the
    catalog gives it) is the edited one of test_reanchor."""
    from test_reanchor import EDITED, OLD, ORIGINAL, make_pdf, quoted

    from reader_app import paths
    from reader_app.annotations import Annotations
    from reader_app.catalog import Catalog
    from reader_app.store import Store

    old = make_pdf(tmp_path / "v1.pdf", ORIGINAL)
    new = make_pdf(tmp_path / "v2.pdf", EDITED)
    real_path_of = Catalog.path_of
    monkeypatch.setattr(
        Catalog,
        "path_of",
        lambda self, r: new if r.id == "digital-poverty" else real_path_of(self, r),
    )
    made = {}
    with Store(paths.resolve().database) as store:
        notes = Annotations(store)
        for name, page, quote in [
            ("same", 1, "broadband early saw fewer households"),
            ("moved", 1, "Libraries lent laptops"),
            ("gone", 3, "This sentence will be deleted"),
        ]:
            a = quoted(old, page, quote)
            made[name] = notes.add(
                "digital-poverty",
                OLD,
                a.kind,
                page,
                quads=a.quads,
                exact=a.exact,
                prefix=a.prefix,
                suffix=a.suffix,
            ).id
    return made


def test_reanchor_places_notes_from_an_older_edition(capsys, tmp_path, monkeypatch) -> None:
    made = stale_notes(tmp_path, monkeypatch)
    report = run_json(capsys, "note", "reanchor", "digital-poverty")
    assert {k: report[k] for k in ("placed", "moved", "kept", "orphaned", "skipped")} == {
        "placed": 1,
        "moved": 1,
        "kept": 0,
        "orphaned": 1,
        "skipped": 0,
    }
    rows = {row["id"]: row for row in report["annotations"]}
    assert (rows[made["moved"]]["status"], rows[made["moved"]]["page"]) == ("moved", 3)
    assert rows[made["gone"]]["status"] == "orphaned"
    listed = {n["id"]: n for n in run_json(capsys, "note", "list")}
    assert listed[made["moved"]]["page"] == 3
    assert {n["anchor"] for n in listed.values()} == {"ok", "orphaned"}
    orphans = run_json(capsys, "note", "list", "--orphaned")
    assert [(n["id"], n["page"], n["quads"]) for n in orphans] == [(made["gone"], 3, [])]
    code, out, _err = run(capsys, "note", "list")
    assert code == 0 and out.count("not found in the current version") == 1
    again = run_json(capsys, "note", "reanchor", "digital-poverty")
    assert again["annotations"] == [] and again["orphaned"] == 0
    code, out, _err = run(capsys, "note", "reanchor", "digital-poverty")
    assert code == 0 and "every note is on the current version" in out


def test_reanchor_says_what_moved_and_what_was_not_found(capsys, tmp_path, monkeypatch) -> None:
    made = stale_notes(tmp_path, monkeypatch)
    code, out, err = run(capsys, "note", "reanchor", "digital-poverty")
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[0]
        == "digital-poverty: 1 found on their page, 1 moved, 0 not tied to text, 1 not found"
    )
    assert any(made["moved"] in line and "p. 1 -> p. 3" in line for line in lines)
    assert any(made["gone"] in line and '"This sentence will be deleted"' in line for line in lines)
    code, _out, err = run(capsys, "note", "reanchor", "no-such-resource")
    assert code == 1 and "no-such-resource" in err


def test_import_pdf_takes_a_pdfs_annotations_once(capsys, tmp_path, monkeypatch) -> None:
    from test_pdf_annotations import annotated_pdf, digest

    from reader_app.catalog import Catalog

    pdf = annotated_pdf(tmp_path / "annotated.pdf")
    before = digest(pdf)
    real_path_of = Catalog.path_of
    monkeypatch.setattr(
        Catalog,
        "path_of",
        lambda self, r: pdf if r.id == "digital-poverty" else real_path_of(self, r),
    )
    first = run_json(capsys, "note", "import-pdf", "digital-poverty")
    assert (first["found"], first["taken"], first["skipped"]) == (5, 5, 0)
    code, out, _err = run(capsys, "note", "import-pdf", "digital-poverty")
    assert code == 0 and out.strip() == "digital-poverty: 0 taken from the PDF, 5 taken before"
    listed = run_json(capsys, "note", "list", "--resource", "digital-poverty")
    assert sorted(n["id"] for n in listed) == sorted(first["ids"])
    highlight = next(n for n in listed if n["kind"] == "highlight")
    assert (highlight["quote"], highlight["text"]) == ("broadband early", "Check our own figures")
    assert digest(pdf) == before
    assert run_json(capsys, "note", "import-pdf", "reset-pillar")["taken"] == 0  # none in it
    code, out, err = run(capsys, "note", "import-pdf", "transforming-recruitment")  # a PNG
    assert code == 1 and out == "" and "not a PDF" in err

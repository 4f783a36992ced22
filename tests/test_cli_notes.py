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
    assert made["prefix"].endswith("were ") and made["suffix"].startswith(" they most")
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

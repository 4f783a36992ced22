"""``reader-app search`` finds the user's notes and highlights, and says a hit is one."""

from test_cli import run, run_json


def note_add(capsys, *args: str) -> str:
    code, out, err = run(capsys, "note", "add", *args)
    assert code == 0, err
    return out.strip()


def test_a_new_note_is_found_by_search(capsys) -> None:
    note_id = note_add(
        capsys, "digital-poverty", "--page", "2", "--text", "Ask the zanzibarquokka team"
    )
    result = run_json(capsys, "search", "zanzibarquokka")
    assert result["total"] == 1
    (hit,) = result["hits"]
    assert (hit["resource_id"], hit["page"], hit["origin"]) == ("digital-poverty", 2, "note")
    assert (hit["annotation_id"], hit["annotation_kind"]) == (note_id, "page-note")
    assert hit["snippet"] == "Ask the zanzibarquokka team"


def test_page_hits_say_they_are_pages(capsys) -> None:
    hit = run_json(capsys, "search", "digital poverty", "--limit", "1")["hits"][0]
    assert (hit["origin"], hit["annotation_id"], hit["annotation_kind"]) == ("page", None, None)


def test_readable_output_marks_note_hits(capsys) -> None:
    note_add(
        capsys,
        "digital-poverty",
        "--page",
        "2",
        "--quote",
        "cut off just when",
        "--text",
        "wombles",
    )
    note_add(capsys, "digital-poverty", "--kind", "document-note", "--text", "more wombles")
    code, out, err = run(capsys, "search", "wombles")
    assert code == 0, err
    assert "p. 2, note [digital-poverty]" in out
    assert "“cut off just when” *wombles*" in out
    assert "document note [digital-poverty]" in out
    assert "2 matching pages and notes" in err
    code, out, _ = run(capsys, "search", "wombles", "--group")
    assert code == 0
    assert "  p. 2, note: “cut off just when” *wombles*" in out
    assert "  document note: more *wombles*" in out


def test_edit_and_delete_reach_the_search(capsys) -> None:
    note_id = note_add(capsys, "reset-pillar", "--page", "1", "--text", "bandicoot")
    assert [h["annotation_id"] for h in run_json(capsys, "search", "bandicoot")["hits"]] == [
        note_id
    ]
    assert run(capsys, "note", "edit", note_id, "--text", "bilby")[0] == 0
    assert run_json(capsys, "search", "bandicoot")["hits"] == []
    assert [h["annotation_id"] for h in run_json(capsys, "search", "bilby")["hits"]] == [note_id]
    assert run(capsys, "note", "delete", note_id)[0] == 0
    assert run_json(capsys, "search", "bilby")["hits"] == []


def test_filters_apply_to_note_hits(capsys) -> None:
    note_add(capsys, "digital-poverty", "--page", "1", "--text", "quokkaberry")
    pillars = run_json(capsys, "show", "digital-poverty")["pillars"]
    other = next(p for p in ("reset", "reform", "renew", "resilient") if p not in pillars)
    assert len(run_json(capsys, "search", "quokkaberry", "--pillar", pillars[0])["hits"]) == 1
    assert run_json(capsys, "search", "quokkaberry", "--pillar", other)["hits"] == []

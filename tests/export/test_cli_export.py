"""`reader-app export` and `reader-app import-notes`, as a script or a reader runs them."""

import csv
import io
import sys

from repo_paths import REPO

sys.path.insert(0, str(REPO / "tests"))  # the CLI test helpers live beside this folder

from test_cli import run, run_json


def test_export_each_text_format_to_a_folder(capsys, export_library, tmp_path) -> None:
    tmp_path = tmp_path / "out"  # beside the test's data folder
    tmp_path.mkdir()
    for fmt, extension in (("md", "md"), ("html", "html"), ("csv", "csv"), ("docx", "docx")):
        report = run_json(capsys, "export", "--format", fmt, "-o", str(tmp_path))
        assert report["annotations"] == 5 and report["format"] == fmt
        assert report["path"].endswith(f".{extension}")
    exported = {p.suffix for p in tmp_path.iterdir()}
    assert exported == {".md", ".html", ".csv", ".docx"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_path_ending_in_a_separator_is_a_folder_made_for_it(
    capsys, export_library, tmp_path
) -> None:
    folder = tmp_path / "out" / "notes"
    report = run_json(capsys, "export", "--format", "md", "-o", f"{folder}/")
    assert folder.is_dir() and report["path"].startswith(f"{folder}/")
    assert report["path"].endswith(".md")
    assert not (tmp_path / "out" / "notes.md").exists()


def test_export_filters_and_grouping(capsys, export_library, tmp_path) -> None:
    target = tmp_path / "reset.csv"
    report = run_json(
        capsys,
        "export",
        "--format",
        "csv",
        "--resource",
        "reset-pillar",
        "--color",
        "blue",
        "-o",
        str(target),
    )
    assert report == {"path": str(target), "format": "csv", "annotations": 1}
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [(r["resource_id"], r["page"], r["color"]) for r in rows] == [
        ("reset-pillar", "2", "blue")
    ]
    code, _out, err = run(
        capsys,
        "export",
        "--format",
        "md",
        "--pillar",
        "renew",
        "--group-by",
        "pillar",
        "-o",
        str(tmp_path / "renew.md"),
    )
    assert code == 0, err
    assert "lent laptops" in (tmp_path / "renew.md").read_text(encoding="utf-8")


def test_annotated_pdf_needs_one_resource(capsys, export_library, tmp_path) -> None:
    code, _out, err = run(capsys, "export", "--format", "pdf", "-o", str(tmp_path))
    assert code == 1 and "one resource" in err
    report = run_json(
        capsys, "export", "--format", "pdf", "--resource", "reset-pillar", "-o", str(tmp_path)
    )
    assert report["path"].endswith(".pdf") and report["annotations"] == 3


def test_an_unknown_resource_is_an_error(capsys, export_library, tmp_path) -> None:
    code, _out, err = run(
        capsys, "export", "--format", "md", "--resource", "nope", "-o", str(tmp_path)
    )
    assert code == 1 and "no resource with id 'nope'" in err


def test_export_then_import_notes_adds_nothing_twice(capsys, export_library, tmp_path) -> None:
    path = tmp_path / "notes.jsonld"
    run_json(capsys, "export", "--format", "json", "-o", str(path))
    report = run_json(capsys, "import-notes", str(path))
    assert report["imported"] == 0 and report["skipped"] == 5  # they are already here
    listed = run_json(capsys, "note", "list")
    for note in listed:
        run(capsys, "note", "delete", note["id"])
    assert run_json(capsys, "import-notes", str(path))["imported"] == 5
    assert run_json(capsys, "import-notes", str(path))["imported"] == 0
    assert len(run_json(capsys, "note", "list")) == 5


def test_import_of_a_bad_file_says_why(capsys, export_library, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _out, err = run(capsys, "import-notes", str(bad))
    assert code == 1 and err.startswith("reader-app: error:")

"""W3C annotations crafted to break the import: numbers too large for a float, times at
the calendar's edge, pages beyond the document, boxes out of order. Each is refused
alone, with its reason, as ``note add`` would refuse it; the rest are imported."""

import json
from pathlib import Path
from typing import Any

from reader_app import cli
from reader_app.annotations import Annotations
from reader_app.export import w3c
from reader_app.library import Library


def annotation(key: str, sha: str, **extra: Any) -> dict[str, Any]:
    return {"id": key, "type": "Annotation", "target": f"urn:sha256:{sha}", **extra}


def on_page(sha: str, page: int) -> dict[str, Any]:
    selector = {"type": "FragmentSelector", "value": f"page={page}"}
    return {"source": f"urn:sha256:{sha}", "selector": selector}


def written(tmp_path: Path, items: list[dict[str, Any]]) -> Path:
    page = {"@context": w3c.ANNO_CONTEXT, "type": "AnnotationPage", "items": items}
    path = tmp_path / "notes.jsonld"
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


def test_each_hostile_annotation_is_refused_with_its_reason(
    export_library: Library, tmp_path: Path
) -> None:
    reset = export_library.resource("reset-pillar")
    sha, pages = reset.sha256, reset.pages
    before = len(Annotations(export_library.store).find())
    items = [
        annotation("urn:x:huge-int", sha, **{"rr:quads": [[10**400, 1, 2, 3]]}),
        annotation("urn:x:huge-float", sha, **{"rr:quads": [[1e308, 1, 2, 3]]}),
        annotation(
            "urn:x:reversed",
            sha,
            target=on_page(sha, 1),
            **{"rr:kind": "page-note", "rr:quads": [[300, 100, 72, 114]]},
        ),
        annotation("urn:x:far-page", sha, target=on_page(sha, 9_999_999), body="x"),
        annotation("urn:x:next-page", sha, target=on_page(sha, pages + 1), body="x"),
        annotation("urn:x:whole-with-boxes", sha, **{"rr:quads": [[1, 2, 3, 4]]}),
        annotation(
            "urn:x:other-version-far",
            "ab" * 32,
            target=on_page("ab" * 32, 9_999_999),
            body="x",
            **{"rr:resource": "reset-pillar"},
        ),
        # A time an offset moves past the calendar's end: kept, as of now.
        annotation("urn:x:edge-time", sha, body="kept", created="9999-12-31T23:59:59-23:59"),
        annotation("urn:x:last-page", sha, target=on_page(sha, pages), body="kept too"),
    ]
    report = w3c.import_notes(export_library, written(tmp_path, items))
    reasons = dict(report.refused)
    assert list(reasons) == [
        "urn:x:huge-int",
        "urn:x:huge-float",
        "urn:x:reversed",
        "urn:x:far-page",
        "urn:x:next-page",
        "urn:x:whole-with-boxes",
        "urn:x:other-version-far",
    ]
    assert "rr:quads" in reasons["urn:x:huge-int"] and "rr:quads" in reasons["urn:x:huge-float"]
    assert "not in order" in reasons["urn:x:reversed"]
    assert f"pages 1 to {pages}, not 9999999" in reasons["urn:x:far-page"]
    assert f"not {pages + 1}" in reasons["urn:x:next-page"]
    assert "whole document" in reasons["urn:x:whole-with-boxes"]
    assert "9999999" in reasons["urn:x:other-version-far"]
    kept = {a.origin_key: a for a in report.imported}
    assert set(kept) == {"urn:x:edge-time", "urn:x:last-page"}
    assert kept["urn:x:last-page"].page == pages
    assert kept["urn:x:edge-time"].created.startswith("20")
    stored = Annotations(export_library.store).find()
    assert len(stored) == before + 2
    assert all(a.page is None or 1 <= a.page <= pages for a in stored)


def test_the_command_refuses_a_huge_number_in_one_line(
    export_library: Library, tmp_path: Path, capsys
) -> None:
    """Before: 'internal error: OverflowError: int too large to convert to float'."""
    sha = export_library.resource("reset-pillar").sha256
    export_library.close()
    path = written(tmp_path, [annotation("urn:x:huge", sha, **{"rr:quads": [[1, 2, 3, 10**400]]})])
    code = cli.main(["import-notes", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "internal error" not in err
    (refused,) = json.loads(out)["refused"]
    assert refused["id"] == "urn:x:huge" and "rr:quads" in refused["reason"]


def test_a_page_beyond_the_document_is_not_stored(export_library: Library, tmp_path: Path) -> None:
    """Before: page 9999999 of a 5-page document was stored; ``note add`` refuses it."""
    reset = export_library.resource("reset-pillar")
    items = [annotation("urn:x:far", reset.sha256, target=on_page(reset.sha256, 9_999_999))]
    report = w3c.import_notes(export_library, written(tmp_path, items))
    assert report.imported == [] and [key for key, _ in report.refused] == ["urn:x:far"]
    assert not [a for a in Annotations(export_library.store).find() if a.page == 9_999_999]

"""The W3C Web Annotation export: a golden file, the model's required fields, and the
import that reads it (and other tools' annotations) back without duplicates."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reader_app.annotations import Annotation, AnnotationFilter, Annotations
from reader_app.export import w3c
from reader_app.export.scope import collect
from reader_app.library import Library

GOLDEN = Path(__file__).parent / "golden" / "notes.jsonld"
TITLE = "Notes from Resource Reader"
KEPT = ("resource_id", "doc_sha256", "kind", "page", "quads", "exact", "prefix", "suffix")
KEPT += ("body", "tags", "color", "created", "updated", "anchor")


def exported(library: Library) -> bytes:
    return w3c.render(collect(library), TITLE)


def written(tmp_path: Path, data: bytes | str, name: str = "notes.jsonld") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def all_annotations(library: Library) -> list[Annotation]:
    return Annotations(library.store).find()


def kept(annotation: Annotation) -> dict[str, Any]:
    return {name: getattr(annotation, name) for name in KEPT}


def test_golden_file(export_library: Library) -> None:
    data = exported(export_library)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes()
    assert data.endswith(b"}\n")
    assert exported(export_library) == data  # the same notes, the same file


def test_hostile_note_is_only_a_json_string(export_library: Library) -> None:
    stored = Annotations(export_library.store).get(f"{3:032x}")
    assert stored is not None and "<script>" in stored.body
    collection = json.loads(exported(export_library))
    items = collection["first"]["items"]
    hostile = next(i for i in items if i["id"].endswith("0003"))
    comments = [b for b in hostile["body"] if b["purpose"] == "commenting"]
    assert comments == [
        {
            "type": "TextualBody",
            "value": stored.body,
            "format": "text/plain",
            "purpose": "commenting",
        }
    ]
    tags = [b["value"] for b in hostile["body"] if b["purpose"] == "tagging"]
    assert sorted(tags) == sorted(["=SUM(A1)", "<b>tag</b>"])
    assert "<script>" in exported(export_library).decode()  # as text: JSON escapes nothing


def test_every_annotation_has_the_models_required_fields(export_library: Library) -> None:
    collection = json.loads(exported(export_library))
    assert collection["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["@context"][1]["rr"] == w3c.OUR_NAMESPACE
    assert collection["type"] == "AnnotationCollection"
    assert collection["label"] == TITLE
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    items = page["items"]
    assert collection["total"] == len(items) == 5
    for item in items:
        assert item["id"].startswith("urn:uuid:")
        assert item["type"] == "Annotation"
        assert item["motivation"] in ("highlighting", "commenting")
        assert item["created"].endswith("Z") and item["modified"].endswith("Z")
        for body in item.get("body", []):
            assert body["type"] == "TextualBody"
            assert body["purpose"] in ("commenting", "tagging")
            assert isinstance(body["value"], str)
        target = item["target"]
        assert target["source"].startswith("urn:sha256:") and len(target["source"]) == 75
        for selector in target.get("selector", []):
            assert selector["type"] in ("TextQuoteSelector", "FragmentSelector")
            if selector["type"] == "FragmentSelector":
                assert selector["conformsTo"] == "http://tools.ietf.org/rfc/rfc3778"
                assert selector["value"] == f"page={item['rr:citation']['page']}"
                refined = selector.get("refinedBy")
                assert refined is None or refined["type"] == "TextQuoteSelector"
    by_kind = {item["rr:kind"]: item for item in items}
    assert by_kind["highlight"]["motivation"] == "highlighting"
    assert by_kind["note"]["motivation"] == "commenting"
    assert "selector" not in by_kind["document-note"]["target"]
    assert [s["type"] for s in by_kind["page-note"]["target"]["selector"]] == ["FragmentSelector"]
    quote = by_kind["highlight"]["target"]["selector"][0]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "ethical principles",
        "prefix": "ground recovery in ",
        "suffix": " and in respect",
    }
    assert by_kind["highlight"]["target"]["selector"][1]["refinedBy"] == quote
    citation = by_kind["highlight"]["rr:citation"]
    assert citation["link"] == "resource-reader://open?id=reset-pillar&page=1"


def test_round_trip_restores_every_annotation(export_library: Library, tmp_path: Path) -> None:
    before = all_annotations(export_library)
    path = written(tmp_path, exported(export_library))
    Annotations(export_library.store).delete_many(a.id for a in before)
    assert all_annotations(export_library) == []

    report = w3c.import_notes(export_library, path)

    assert report.to_dict() == {"imported": 5, "skipped": 0, "refused": []}
    after = all_annotations(export_library)
    assert [a.id for a in after] == [a.id for a in before]
    assert [kept(a) for a in after] == [kept(a) for a in before]
    assert {a.origin_key for a in after} == {
        f"urn:uuid:00000000-0000-0000-0000-00000000000{n}" for n in range(1, 6)
    }


def test_importing_twice_adds_nothing(export_library: Library, tmp_path: Path) -> None:
    path = written(tmp_path, exported(export_library))
    annotations = Annotations(export_library.store)
    annotations.delete_many(a.id for a in annotations.find())
    assert w3c.import_notes(export_library, path).to_dict()["imported"] == 5

    again = w3c.import_notes(export_library, path)

    assert again.to_dict() == {"imported": 0, "skipped": 5, "refused": []}
    assert len(annotations.find()) == 5


def test_our_own_export_is_skipped(export_library: Library, tmp_path: Path) -> None:
    path = written(tmp_path, exported(export_library))
    report = w3c.import_notes(export_library, path)
    assert report.to_dict() == {"imported": 0, "skipped": 5, "refused": []}
    assert len(all_annotations(export_library)) == 5


def test_another_tools_annotation_is_a_document_note(
    export_library: Library, tmp_path: Path
) -> None:
    sha = export_library.resource("digital-poverty").sha256
    other = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno1",
        "type": "Annotation",
        "body": "Nice",
        "target": f"urn:sha256:{sha}",
    }
    path = written(tmp_path, json.dumps(other))

    report = w3c.import_notes(export_library, path)

    assert report.to_dict() == {"imported": 1, "skipped": 0, "refused": []}
    (note,) = report.imported
    assert (note.resource_id, note.doc_sha256, note.kind, note.page) == (
        "digital-poverty",
        sha,
        "document-note",
        None,
    )
    assert (note.body, note.color, note.origin_key) == (
        "Nice",
        "yellow",
        "http://example.org/anno1",
    )
    assert len(note.id) == 32 and note.id != "http://example.org/anno1"
    assert w3c.import_notes(export_library, path).to_dict()["skipped"] == 1


def test_other_tools_shapes(export_library: Library, tmp_path: Path) -> None:
    """A list of annotations; a page note; a quote with no boxes (placed later by the
    app: stored as of an unknown version); tags; an annotation without an id."""
    reset = export_library.resource("reset-pillar")
    context = ["http://www.w3.org/ns/anno.jsonld"]
    items = [
        {
            "@context": context,
            "id": "urn:example:page",
            "type": "Annotation",
            "motivation": "commenting",
            "body": {"type": "TextualBody", "value": "On page 2"},
            "target": {
                "source": f"urn:sha256:{reset.sha256}",
                "selector": {"type": "FragmentSelector", "value": "page=2"},
            },
        },
        {
            "@context": context,
            "id": "urn:example:quote",
            "type": ["Annotation"],
            "motivation": "highlighting",
            "body": [
                {"type": "TextualBody", "value": "Recovery", "purpose": "tagging"},
                {"type": "TextualBody", "value": "Pillar", "purpose": ["tagging"]},
            ],
            "target": {
                "source": {"id": f"urn:sha256:{reset.sha256.upper()}"},
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "ethical principles"},
                    {"type": "FragmentSelector", "value": "page=1&zoom=100"},
                ],
            },
        },
        {
            "@context": context,
            "type": "Annotation",
            "bodyValue": "No id",
            "target": {"source": f"urn:sha256:{reset.sha256}"},
        },
    ]
    path = written(tmp_path, json.dumps(items))

    report = w3c.import_notes(export_library, path)

    assert report.to_dict() == {"imported": 3, "skipped": 0, "refused": []}
    by_key = {a.origin_key: a for a in report.imported}
    page_note, highlight = by_key["urn:example:page"], by_key["urn:example:quote"]
    assert (page_note.kind, page_note.page, page_note.body) == ("page-note", 2, "On page 2")
    assert page_note.doc_sha256 == reset.sha256
    assert (highlight.kind, highlight.page, highlight.exact) == (
        "highlight",
        1,
        "ethical principles",
    )
    assert highlight.tags == ("Pillar", "Recovery")
    assert highlight.doc_sha256 == ""  # placed by its quote when the document is opened
    assert Annotations(export_library.store).has_stale("reset-pillar", reset.sha256)
    (whole,) = [a for a in report.imported if a.kind == "document-note"]
    assert whole.body == "No id" and whole.origin_key.startswith("urn:sha256:")
    assert w3c.import_notes(export_library, path).to_dict()["skipped"] == 3


def test_other_version_of_a_document(export_library: Library, tmp_path: Path) -> None:
    """A hash the library does not know, with rr:resource naming one of its resources:
    kept as of that version, so the app re-anchors it."""
    collection = json.loads(exported(export_library))
    item = collection["first"]["items"][0]
    item["id"] = "urn:uuid:12345678-1234-4234-8234-123456789abc"
    item["target"]["source"] = "urn:sha256:" + "ab" * 32
    collection["first"]["items"] = [item]
    report = w3c.import_notes(export_library, written(tmp_path, json.dumps(collection)))
    assert report.to_dict()["imported"] == 1
    (annotation,) = report.imported
    assert annotation.id == "12345678123442348234123456789abc"
    assert (annotation.resource_id, annotation.doc_sha256) == (item["rr:resource"], "ab" * 32)


def test_refused_annotations_are_reported_and_the_rest_imported(
    export_library: Library, tmp_path: Path
) -> None:
    sha = export_library.resource("reset-pillar").sha256

    def note(key: str, **extra: Any) -> dict[str, Any]:
        return {"id": key, "type": "Annotation", "target": f"urn:sha256:{sha}", **extra}

    page = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": [
            note("urn:x:unknown", target="urn:sha256:" + "0" * 64),
            note("urn:x:colour", **{"rr:color": "chartreuse"}),
            note("urn:x:tag", body={"value": "\x07", "purpose": "tagging"}),
            note("urn:x:long", body="x" * 200_001),
            note("urn:x:quads", **{"rr:quads": [[1, 2, 3]]}),
            note("urn:x:fine", body="Kept", **{"rr:color": "#5fb236"}),
        ],
    }
    report = w3c.import_notes(export_library, written(tmp_path, json.dumps(page)))
    result = report.to_dict()
    assert result["imported"] == 1 and result["skipped"] == 0
    reasons = {r["id"]: r["reason"] for r in result["refused"]}
    assert list(reasons) == [
        "urn:x:unknown",
        "urn:x:colour",
        "urn:x:tag",
        "urn:x:long",
        "urn:x:quads",
    ]
    assert "no document of the library" in reasons["urn:x:unknown"]
    assert "chartreuse" in reasons["urn:x:colour"]
    assert "control characters" in reasons["urn:x:tag"]
    assert "longer than 200,000" in reasons["urn:x:long"]
    assert "rr:quads" in reasons["urn:x:quads"]
    assert report.imported[0].color == "green"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json {", "not JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'{"hello": 1}', "@context does not name http://www.w3.org/ns/anno.jsonld"),
        (b"42", "not a JSON object or list"),
        (b"[1, 2]", "annotation 1 is not a JSON object"),
        (b'[{"type": "Annotation", "target": "urn:x"}]', "annotation 1 has no @context"),
        (
            b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}',
            "annotation 1 has no target",
        ),
        (
            b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", '
            b'"target": {"selector": {}}}',
            "its target has no source",
        ),
        (
            b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", '
            b'"items": [{"type": "Highlight", "target": "urn:x"}]}',
            "type is not Annotation",
        ),
        (
            b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection", '
            b'"first": "http://example.org/page1"}',
            "is a link",
        ),
        (
            b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", '
            b'"body": [3], "target": "urn:x"}',
            "neither text nor an object",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b'{"@context": NaN}', "not JSON"),
    ],
)
def test_bad_files_are_refused_whole(
    export_library: Library, tmp_path: Path, data: bytes, message: str
) -> None:
    before = all_annotations(export_library)
    with pytest.raises(w3c.NotesFileError, match=message.replace("(", r"\(")):
        w3c.import_notes(export_library, written(tmp_path, data))
    assert all_annotations(export_library) == before


def test_one_bad_annotation_refuses_the_file(export_library: Library, tmp_path: Path) -> None:
    collection = json.loads(exported(export_library))
    collection["first"]["items"][3]["target"] = {}
    Annotations(export_library.store).delete_many(a.id for a in all_annotations(export_library))
    with pytest.raises(w3c.NotesFileError, match=r"annotation 4 \(urn:uuid:.*\): its target"):
        w3c.import_notes(export_library, written(tmp_path, json.dumps(collection)))
    assert all_annotations(export_library) == []


def test_huge_files_are_refused(
    export_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(w3c, "MAX_FILE", 1000)
    with pytest.raises(w3c.NotesFileError, match="larger than"):
        w3c.import_notes(export_library, written(tmp_path, exported(export_library)))
    with pytest.raises(w3c.NotesFileError, match="larger than"):
        w3c.read(exported(export_library))
    monkeypatch.setattr(w3c, "MAX_FILE", 50_000_000)
    monkeypatch.setattr(w3c, "MAX_ANNOTATIONS", 4)
    with pytest.raises(w3c.NotesFileError, match="more than 4 annotations"):
        w3c.import_notes(export_library, written(tmp_path, exported(export_library)))
    assert len(all_annotations(export_library)) == 5


def test_a_missing_file_is_a_notes_file_error(export_library: Library, tmp_path: Path) -> None:
    with pytest.raises(w3c.NotesFileError, match="cannot read"):
        w3c.import_notes(export_library, tmp_path / "absent.jsonld")


def test_orphaned_annotations_keep_their_mark(export_library: Library, tmp_path: Path) -> None:
    annotations = Annotations(export_library.store)
    (first,) = annotations.find(AnnotationFilter(ids={f"{1:032x}"}))
    annotations.delete(first.id)
    orphan = Annotation(**{**first.__dict__, "anchor": "orphaned", "quads": ()})
    annotations.restore(orphan)
    path = written(tmp_path, exported(export_library))
    annotations.delete(orphan.id)
    assert w3c.import_notes(export_library, path).to_dict()["imported"] == 1
    assert kept(annotations.get(orphan.id)) == kept(orphan)  # type: ignore[arg-type]


def test_a_resources_original_url_as_source(export_library: Library, tmp_path: Path) -> None:
    """The publisher's URL names a resource when only one of the library's comes from it."""
    resources = export_library.catalog.resources
    urls = [r.source_url for r in resources]
    unique = next(r for r in resources if urls.count(r.source_url) == 1)
    shared = next(r for r in resources if urls.count(r.source_url) > 1)
    items = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": f"urn:example:{n}",
            "type": "Annotation",
            "body": "From the web",
            "target": {"source": resource.source_url},
        }
        for n, resource in enumerate((unique, shared))
    ]
    report = w3c.import_notes(export_library, written(tmp_path, json.dumps(items)))
    (note,) = report.imported
    assert (note.resource_id, note.doc_sha256) == (unique.id, unique.sha256)
    (refused,) = report.to_dict()["refused"]
    assert refused["id"] == "urn:example:1" and "does not say which" in refused["reason"]

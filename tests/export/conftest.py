"""Annotations with fixed ids and times (so exports can be compared with golden files),
on two resources of different pillars, with hostile text in notes and tags."""

from collections.abc import Iterator

import pytest

from reader_app import paths
from reader_app.annotations import Annotation, Annotations
from reader_app.library import Library

HOSTILE = (
    '=HYPERLINK("http://evil.example","x") <script>alert(\'x\')</script> '
    "**bold** [link](javascript:alert(1)) # not a heading\n> not a quote\n| a | b |"
)


def fixed(number: int, **fields: object) -> Annotation:
    stamp = f"2026-03-0{number}T10:00:00.000+00:00"
    base: dict[str, object] = {
        "id": f"{number:032x}",
        "resource_id": "reset-pillar",
        "doc_sha256": "",
        "kind": "highlight",
        "page": 1,
        "created": stamp,
        "updated": stamp,
    }
    base.update(fields)
    return Annotation(**base)  # type: ignore[arg-type]


@pytest.fixture
def export_library() -> Iterator[Library]:
    """The bundled library with five annotations of every kind, one note hostile."""
    library = Library.open(paths.resolve(), backup=False)
    reset = library.resource("reset-pillar")
    digital = library.resource("digital-poverty")
    annotations = Annotations(library.store)
    for item in (
        fixed(
            1,
            doc_sha256=reset.sha256,
            quads=((72.0, 100.0, 300.0, 114.0),),
            exact="ethical principles",
            prefix="ground recovery in ",
            suffix=" and in respect",
            body="Use this framing in our strategy.",
            color="yellow",
            tags=("strategy",),
        ),
        fixed(
            2,
            doc_sha256=reset.sha256,
            kind="underline",
            page=2,
            quads=((72.0, 200.0, 250.0, 214.0),),
            exact="social, economic and ecological foundations",
            color="blue",
        ),
        fixed(
            3,
            doc_sha256=reset.sha256,
            kind="page-note",
            page=3,
            quads=((400.0, 300.0, 416.0, 316.0),),
            body=HOSTILE,
            color="red",
            tags=("=SUM(A1)", "<b>tag</b>"),
        ),
        fixed(
            4,
            resource_id="digital-poverty",
            doc_sha256=digital.sha256,
            kind="note",
            page=2,
            quads=((72.0, 150.0, 320.0, 164.0),),
            exact="lent laptops",
            body="Ask the library service.\nSecond line.",
            color="green",
            tags=("inclusion",),
        ),
        fixed(
            5,
            resource_id="digital-poverty",
            doc_sha256=digital.sha256,
            kind="document-note",
            page=None,
            body="Whole-document thought.",
            color="purple",
        ),
    ):
        annotations.restore(item)
    yield library
    library.close()

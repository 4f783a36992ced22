"""A small generated corpus with passages planted on known pages, and fixtures over it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pymupdf
import pytest

from reader_app.catalog import Catalog, Collection, Pillar, Resource
from reader_app.library import Library
from reader_app.store import Store

FILLER = (
    "Councils publish plans every year and review them with partners in open meetings. "
    "Officers gather evidence, members agree priorities and residents give their views. "
)

# resource id -> {page: planted text}
PLANTED = {
    "alpha": {
        1: "Alpha briefing about governance.",
        2: "The council tackled digital poverty by lending tablets to households.",
        3: "A new cafe opened in the library as a warm space for residents.",
    },
    "beta": {
        1: "Beta guide on climate adaptation.",
        2: "Flooding plans were tested with the fire service in the winter exercise.",
        3: "Recruiting developers is hard when salaries lag behind other employers.",
        4: "The zephyrbrook partnership shared data about vulnerable households.",
    },
    "gamma": {
        1: "Gamma case study on the Café Fröhlich scheme.",
        2: "Poverty in rural areas differs from poverty in towns.",
    },
}


def write_pdf(path: Path, pages: dict[int, str], hyphenate: str | None = None) -> str:
    doc = pymupdf.open()
    for number in range(1, max(pages) + 1):
        page = doc.new_page()
        text = pages.get(number, "") + " " + FILLER * 3
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 700), text, fontsize=11)
        if hyphenate and number == max(pages):
            first, second = hyphenate.split("|")
            page.insert_text((50, 740), f"Closing words mention {first}-", fontsize=11)
            page.insert_text((50, 755), f"{second} once more.", fontsize=11)
    doc.save(path)
    return pymupdf.open(path).page_count


@dataclass
class Corpus:
    root: Path
    catalog: Catalog


def _resource(
    rid: str,
    kind: str,
    pillars: tuple[str, ...],
    collection: str,
    date: str,
    pages: int,
    media_type: str = "application/pdf",
    alt: str = "",
) -> Resource:
    return Resource(
        id=rid,
        title=f"{rid.capitalize()} resource",
        kind=kind,
        pillars=pillars,
        collection=collection,
        date=date,
        summary="s",
        source_url="https://example.org/",
        file=f"{rid}.pdf" if media_type == "application/pdf" else f"{rid}.png",
        sha256="0" * 64 if not alt else "1" * 64,
        pages=pages,
        media_type=media_type,
        alt_text=alt,
        transcript="Transcript mentions the harbourmaster." if alt else "",
    )


def build_corpus(tmp_path: Path) -> Corpus:
    root = tmp_path / "collection"
    root.mkdir()
    pages = {
        "alpha": write_pdf(root / "alpha.pdf", PLANTED["alpha"]),
        "beta": write_pdf(root / "beta.pdf", PLANTED["beta"], hyphenate="interopera|bility"),
        "gamma": write_pdf(root / "gamma.pdf", PLANTED["gamma"]),
    }
    pillars = tuple(
        Pillar(p, p.capitalize(), "d", "d", "#000000", ("k",))
        for p in ("reset", "reform", "renew", "resilient")
    )
    collections = (
        Collection("one", "One", "2021", "https://example.org/", "d"),
        Collection("two", "Two", "2022", "https://example.org/", "d"),
    )
    resources = (
        _resource("alpha", "briefing", ("renew", "reset"), "one", "2021-06-30", pages["alpha"]),
        _resource("beta", "guide", ("resilient",), "two", "2022", pages["beta"]),
        _resource("gamma", "case-study", ("reform",), "two", "2022", pages["gamma"]),
        _resource(
            "delta",
            "infographic",
            ("reset",),
            "one",
            "2021",
            1,
            "image/png",
            alt="A chart of lighthouse keepers by region.",
        ),
    )
    return Corpus(root, Catalog(root, pillars, collections, resources))


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return build_corpus(tmp_path)


def open_library(corpus: Corpus, folder: Path) -> Library:
    return Library(corpus.catalog, Store(folder / "db.sqlite3"), folder / "index")


@pytest.fixture
def library(corpus: Corpus, tmp_path: Path):
    lib = open_library(corpus, tmp_path)
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory):
    """One indexed corpus for tests that only read."""
    folder = tmp_path_factory.mktemp("shared")
    lib = open_library(build_corpus(folder), folder)
    yield lib
    lib.close()


def with_resource(catalog: Catalog, resource: Resource) -> Catalog:
    others = tuple(r for r in catalog.resources if r.id != resource.id)
    return replace(catalog, resources=(*others, resource))

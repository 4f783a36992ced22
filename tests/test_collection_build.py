"""The collection builder's rules, without building (no WeasyPrint needed): strategy ids,
labels, dates, and which links a source may hold."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from repo_paths import REPO

sys.path.insert(0, str(REPO / "packaging"))
try:
    import build_collection
    import collection_html
    from collection_markdown import LinkRules, SourceError, markdown_to_html
finally:
    sys.path.remove(str(REPO / "packaging"))

SETUP = build_collection.load_setup(build_collection.SOURCES, build_collection.DIRECTORY)
A_COUNCIL = SETUP.directory[0]
SOCITM = "https://socitm.net/resource-hub/news/reset-reform-renew-resilient/"


def test_strategy_ids_follow_the_shared_rule() -> None:
    assert build_collection.strategy_id("City of York Council") == "strategy-city-of-york-council"
    assert build_collection.strategy_id("Brighton & Hove City Council") == (
        "strategy-brighton-and-hove-city-council"
    )
    assert build_collection.strategy_id("  Comhairle nan Eilean Siar (Western Isles) ") == (
        "strategy-comhairle-nan-eilean-siar-western-isles"
    )
    long = build_collection.strategy_id("A" * 54 + " Borough Council")
    assert long == "strategy-" + "a" * 54  # cut to 55, the trailing "-" stripped
    assert len(build_collection.strategy_id("x" * 200)) == 64  # the manifest's longest id


def test_every_strategy_has_its_own_id() -> None:
    ids = [s["id"] for s in SETUP.directory]
    assert len(ids) == len(set(ids)) >= 60
    assert all(s["id"] == build_collection.strategy_id(s["council"]) for s in SETUP.directory)


def test_labels_say_what_an_item_is() -> None:
    summary = {"summary_of": "Resilience and regeneration: Introduction", "collection": "4rs-2021"}
    assert build_collection.label_of(summary, SETUP) == (
        "Summary of Resilience and regeneration: Introduction, written for Resource Reader; "
        "not the original"
    )
    guidance = {"collection": "resilience-regeneration"}
    assert build_collection.label_of(guidance, SETUP) == (
        "Guidance written for Resource Reader on a theme of "
        "\u201cResilience and regeneration\u201d; "
        "not a Socitm publication"
    )
    assert build_collection.strategy_label("Fife Council") == (
        "Summary written for Resource Reader from Fife Council's public page; "
        "not the council's document"
    )


def test_dates_as_printed() -> None:
    assert collection_html.display_date("2021-06-30") == "30 June 2021"
    assert collection_html.display_date("2021-03") == "March 2021"
    assert collection_html.display_date("2022", approximate=True) == "c. 2022"
    assert collection_html.display_date("") == "Date not given on the council's page"


def test_a_bare_year_is_marked_approximate(tmp_path: Path) -> None:
    meta = {
        "id": "x",
        "title": "T",
        "kind": "guide",
        "pillars": ["reset"],
        "collection": "resilience-regeneration",
        "date": "2022",
        "source_url": SOCITM,
        "summary": "S",
    }
    build_collection.check_meta(meta, tmp_path / "x.md", SETUP)
    assert meta["date_approximate"] is True
    meta["date"] = "2021-06-30"
    build_collection.check_meta(meta, tmp_path / "x.md", SETUP)
    assert meta["date_approximate"] is False


def body(*links: str) -> list[str]:
    text = " ".join(f"[link {i}]({target})" for i, target in enumerate(links))
    return ["## One {#one}", "", text, "", "## Two {#two}", "", "Plain."]


@pytest.mark.parametrize(
    "target",
    [
        "#two",
        SOCITM,
        A_COUNCIL["url"],
        "resource-reader://open?id=reset-pillar",
        f"resource-reader://open?id={A_COUNCIL['id']}",
        "resource-reader://directory",
        "resource-reader://directory?pillar=renew",
        "resource-reader://directory?pillar=reset&nation=Northern%20Ireland&council_type=island",
    ],
)
def test_links_a_source_may_hold(target: str) -> None:
    html, _ = markdown_to_html(body(target), Path("x.md"), SETUP.rules)
    assert 'href="' in html


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("#nowhere", "unknown anchor"),
        ("https://example.org/", "neither in allowed_urls nor a council's address"),
        (A_COUNCIL["url"] + "extra", "neither in allowed_urls"),
        ("resource-reader://open?id=no-such-item", "names no resource"),
        ("resource-reader://open?id=reset-pillar&id=renew-pillar", "must be"),
        ("resource-reader://directory?pillar=rethink", "'rethink' is not a known pillar"),
        ("resource-reader://directory?nation=Mercia", "not a known nation"),
        ("resource-reader://directory?council_type=parish", "not a known council_type"),
        ("resource-reader://directory?year=2021", "unknown or repeated 'year'"),
        ("resource-reader://directory?pillar=reset&pillar=renew", "unknown or repeated"),
        ("resource-reader://settings", "only open and directory links"),
    ],
)
def test_links_that_stop_the_build(target: str, says: str) -> None:
    with pytest.raises(SourceError, match=r"x\.md:3:") as error:
        markdown_to_html(body(target), Path("x.md"), SETUP.rules)
    assert says in str(error.value)


def test_a_council_address_counts_only_when_the_directory_has_it() -> None:
    rules = LinkRules(socitm_urls={SOCITM})
    with pytest.raises(SourceError):
        markdown_to_html(body(A_COUNCIL["url"]), Path("x.md"), rules)


def test_a_strategys_directory_link_is_url_encoded() -> None:
    link = build_collection.directory_link(nation="Northern Ireland", council_type="city")
    assert link == "resource-reader://directory?nation=Northern%20Ireland&council_type=city"


def test_an_infographic_designs_links_follow_the_same_rules(monkeypatch) -> None:
    def design(spec: dict, **_: object) -> str:
        return f'<a href="{spec["link"]}">x</a>'

    monkeypatch.setattr(build_collection.infographics, "infographic_html", design)
    spec = {"id": "four-rs-at-a-glance", "title": "T", "collection": "4rs-2021"}
    spec["link"] = "https://example.org/"
    with pytest.raises(SourceError, match=r"four-rs-at-a-glance\.toml"):
        build_collection.infographic_document(spec, SETUP)
    spec["link"] = "resource-reader://directory?pillar=rethink"
    with pytest.raises(SourceError, match="not a known pillar"):
        build_collection.infographic_document(spec, SETUP)


def test_a_link_inside_an_inline_svg_stops_the_build(monkeypatch) -> None:
    """WeasyPrint 70 draws an <a> inside <svg> as plain text: the link would be dead."""
    svg = '<svg><title>t</title><a href="resource-reader://directory"><text>x</text></a></svg>'
    monkeypatch.setattr(build_collection.infographics, "infographic_html", lambda spec, **_: svg)
    spec = {"id": "four-rs-at-a-glance", "title": "T", "collection": "4rs-2021"}
    with pytest.raises(SourceError, match="not live"):
        build_collection.infographic_document(spec, SETUP)


def test_an_inline_svg_gets_its_alt_text_from_its_title() -> None:
    """What the infographics rely on, and the build's check of it (needs WeasyPrint)."""
    pytest.importorskip("weasyprint")
    import collection_pdf

    def pdf(svg_inside: str) -> bytes:
        body = f'<h1>T</h1><p>x</p><svg role="img" width="40" height="40">{svg_inside}</svg>'
        return collection_pdf.html_to_pdf(
            collection_html.document(title="T", summary="S", keywords="K", css="", body=body)
        )

    assert collection_pdf.figures_without_alt(pdf("<circle r='9'/>")) == 1
    assert collection_pdf.figures_without_alt(pdf("<title>Two bars</title><circle r='9'/>")) == 0

"""The four infographics: one tagged page each, the Socitm figures, alt text on every picture,
and council panels that link only to directory strategies emphasising the panel's pillar."""

import logging
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pymupdf
import pytest
from repo_paths import REPO, SEEDS

sys.path.insert(0, str(REPO / "packaging"))
try:
    import infographics
    import preview_infographics
finally:
    sys.path.remove(str(REPO / "packaging"))

SVG = "{http://www.w3.org/2000/svg}"
SOURCES = REPO / "resources" / "sources"
SETUP = tomllib.loads((SOURCES / "collection.toml").read_text("utf-8"))
PILLARS = SETUP["pillars"]
PILLAR_IDS = [p["id"] for p in PILLARS]
DIRECTORY = preview_infographics.load_directory()
IDS = preview_infographics.INFOGRAPHICS
# The figures the Socitm pages give, and which infographic must show each one.
SEED_FIGURES = {
    "four-rs-at-a-glance": ["30 June 2021", "200+"],
    "championing-place-based-recovery": ["30 June 2021", "200+"],
    "compounding-pressures": ["2,500"],
    "transforming-recruitment": ["July 2022"],
}


def spec_of(rid: str) -> dict[str, Any]:
    return tomllib.loads((SOURCES / f"{rid}.toml").read_text("utf-8"))


def tree_of(rid: str) -> ET.Element:
    return ET.fromstring(preview_infographics.html_for(rid))


def text_of(element: ET.Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def test_the_four_are_the_infographic_sources() -> None:
    found = {p.stem for p in SOURCES.glob("*.toml")} - {"collection"}
    assert set(IDS) == found


@pytest.mark.parametrize("rid", IDS)
def test_renders_to_one_tagged_page_with_fonts_embedded(rid: str, tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    errors: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: errors.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        target = tmp_path / f"{rid}.pdf"
        weasyprint.HTML(string=preview_infographics.html_for(rid)).write_pdf(
            target, pdf_variant="pdf/ua-1"
        )
    finally:
        logger.removeHandler(handler)
    assert errors == []  # WeasyPrint logs a picture without alt text, or a missing lang
    with pymupdf.open(target) as doc:
        assert doc.page_count == 1
        catalog = doc.pdf_catalog()
        assert doc.xref_get_key(catalog, "Lang") == ("string", "en-GB")
        assert doc.xref_get_key(catalog, "StructTreeRoot")[0] == "xref"
        assert doc.metadata["title"] == spec_of(rid)["title"]
        fonts = doc[0].get_fonts()
        assert fonts and all(f[1] == "ttf" and "DejaVu" in f[3] for f in fonts)
        text = " ".join(doc[0].get_text().split())
        assert spec_of(rid)["title"] in text
        uris = {link.get("uri") for link in doc[0].get_links()}
        assert spec_of(rid)["source_url"] in uris


@pytest.mark.parametrize("rid", IDS)
def test_shows_the_figures_the_seeds_give(rid: str) -> None:
    spec = spec_of(rid)
    stats = [el for el in tree_of(rid).iter() if el.get("class") == "stat"]
    shown = [text_of(el) for el in stats]
    values = [f["value"] for f in spec["figures"] if "value" in f]
    assert set(SEED_FIGURES[rid]) <= set(values)
    for value, card in zip(values, shown, strict=False):
        assert value in card
    if SEEDS.is_dir():
        seeds = " ".join(p.read_text("utf-8") for p in SEEDS.iterdir() if p.is_file())
        for value in values:
            # "200+" is given as "over 200" / "more than 200"; the digits must be there.
            assert value.rstrip("+") in " ".join(seeds.split())


@pytest.mark.parametrize("rid", IDS)
def test_every_picture_has_alt_text_and_the_page_is_en_gb(rid: str) -> None:
    root = tree_of(rid)
    assert root.get("lang") == "en-GB"
    assert text_of(root.find("head/title")) == spec_of(rid)["title"]
    svgs = list(root.iter(f"{SVG}svg"))
    assert len(svgs) >= 5  # a diagram and icons, not text boxes alone
    for svg in svgs:
        assert svg.get("role") == "img"
        label = svg.get("aria-label", "").strip()
        title = svg.find(f"{SVG}title")
        assert label and title is not None and title.text == label
    for img in root.iter("img"):
        assert img.get("alt", "").strip()
    diagrams = [f for f in root.iter("figure") if f.find(f"{SVG}svg") is not None]
    assert diagrams and all(f.find(f"{SVG}svg").get("aria-label") for f in diagrams)


@pytest.mark.parametrize("rid", IDS)
def test_pillar_colours_only_on_panels_about_that_pillar(rid: str) -> None:
    colours = {p["id"]: p["colour"] for p in PILLARS}
    for panel in tree_of(rid).iter("section"):
        if "panel" not in panel.get("class", ""):
            continue
        about = panel.get("data-pillar")
        style = panel.get("style", "")
        for pid, colour in colours.items():
            if colour in style:
                assert about == pid
        if about is None:
            assert infographics.NEUTRAL in style


def test_championing_names_directory_councils_under_the_right_pillar() -> None:
    by_id = {infographics.strategy_id(s["council"]): s for s in DIRECTORY}
    panels = {
        el.get("data-pillar"): el
        for el in tree_of("championing-place-based-recovery").iter("section")
        if el.get("data-pillar")
    }
    assert sorted(panels) == sorted(PILLAR_IDS)
    named: list[str] = []
    for pid, panel in panels.items():
        heading = panel.find(".//h2/a")
        assert heading is not None
        assert heading.get("href") == f"resource-reader://directory?pillar={pid}"
        councils = panel.find(".//ul[@class='councils']")
        links = councils.findall(".//a")
        assert 3 <= len(links) <= 6
        for link in links:
            parts = urlsplit(link.get("href"))
            assert (parts.scheme, parts.netloc) == ("resource-reader", "open")
            (sid,) = parse_qs(parts.query)["id"]
            strategy = by_id[sid]
            assert pid in strategy["pillars"]
            assert link.text == strategy["council"]
            named.append(strategy["council"])
        nations = {by_id[parse_qs(urlsplit(a.get("href")).query)["id"][0]]["nation"] for a in links}
        assert len(nations) >= 2  # spread over the UK, not four English councils
    assert len(set(named)) == len(named)  # no council named under two pillars
    text = text_of(tree_of("championing-place-based-recovery"))
    assert "compiled for Resource Reader from councils' public pages" in text
    assert "not Socitm's list" in text


def test_championing_pdf_links_open_the_directory_by_pillar(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    target = tmp_path / "c.pdf"
    html = preview_infographics.html_for("championing-place-based-recovery")
    weasyprint.HTML(string=html).write_pdf(target, pdf_variant="pdf/ua-1")
    with pymupdf.open(target) as doc:
        uris = {link.get("uri") for link in doc[0].get_links()}
    for pid in PILLAR_IDS:
        assert f"resource-reader://directory?pillar={pid}" in uris
    opened = {u for u in uris if u and u.startswith("resource-reader://open?id=strategy-")}
    assert len(opened) >= 12


def test_strategy_id_follows_the_shared_rule() -> None:
    sid = infographics.strategy_id
    assert sid("City of York Council") == "strategy-city-of-york-council"
    assert sid("Brighton & Hove City Council") == "strategy-brighton-and-hove-city-council"
    assert sid("Armagh City, Banbridge and Craigavon Borough Council") == (
        "strategy-armagh-city-banbridge-and-craigavon-borough-council"
    )
    long = sid("A" * 54 + " B council")
    assert long == "strategy-" + "a" * 54 and len(long) == len("strategy-") + 54
    assert len({sid(s["council"]) for s in DIRECTORY}) == len(DIRECTORY)
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import build_collection
    finally:
        sys.path.remove(str(REPO / "packaging"))
    if hasattr(build_collection, "strategy_id"):
        for s in DIRECTORY:
            assert build_collection.strategy_id(s["council"]) == sid(s["council"])


def strategy(council: str, nation: str, pillars: list[str]) -> dict[str, Any]:
    return {"council": council, "nation": nation, "council_type": "unitary", "pillars": pillars}


def test_councils_are_chosen_main_pillar_first_and_spread_over_nations() -> None:
    directory = [
        strategy("E1", "England", ["renew", "reset"]),
        strategy("E2", "England", ["reset"]),
        strategy("E3", "England", ["reset"]),
        strategy("W1", "Wales", ["renew", "reset"]),
        strategy("S1", "Scotland", ["reset"]),
        strategy("N1", "Northern Ireland", ["reform"]),
    ]
    chosen = [s["council"] for s in infographics.councils_for("reset", directory, 3)]
    # One a nation before a second English one; main-pillar entries before the rest.
    assert chosen == ["E2", "S1", "W1"]
    again = infographics.councils_for("reset", directory, 3, taken={"E2"})
    assert [s["council"] for s in again] == ["E3", "S1", "W1"]
    everyone = infographics.councils_for("reset", directory, 10, taken={"E2"})
    assert [s["council"] for s in everyone][-1] == "E2"  # taken ones only to fill up
    assert infographics.councils_for("resilient", directory, 3) == []


@pytest.mark.parametrize("rid", IDS)
def test_transcript_is_the_text_the_infographic_shows(rid: str) -> None:
    spec = spec_of(rid)
    fresh = infographics.infographic_transcript(spec, pillars=PILLARS, directory=DIRECTORY)
    assert spec["transcript"].strip() == fresh, (
        "run packaging/preview_infographics.py --write-transcripts"
    )
    lines = fresh.splitlines()
    body = tree_of(rid).find("body/main")  # the footer's source link is the app's to show
    for heading in body.iter("h2"):
        if text_of(heading) != "Colour key":
            assert text_of(heading) in lines
    for paragraph in body.iter("p"):
        if paragraph.get("class") in (None, "tagline"):
            assert text_of(paragraph) in lines
    for link in body.iter("a"):
        if link.get("href", "").startswith("resource-reader://open"):
            assert any(line.startswith(f"- {link.text} (") for line in lines)


def test_alt_text_states_the_message_not_the_layout() -> None:
    layout_words = re.compile(r"\b(panel|panels|band|box|boxes|column|grid|layout)\b", re.I)
    for rid in IDS:
        spec = spec_of(rid)
        texts = [spec["alt_text"], spec["diagram"]["alt"]]
        texts += [p["wheel_alt"] for p in spec["panels"] if p.get("wheel")]
        for text in texts:
            assert not layout_words.search(text), (rid, text)
            assert len(text.split()) >= 10


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [] if value.startswith("https://") else [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
@pytest.mark.parametrize("rid", IDS)
def test_no_five_word_run_from_the_socitm_pages(rid: str) -> None:
    runs = set()
    for page in SEEDS.glob("0*.txt"):
        w = words(page.read_text("utf-8"))
        runs.update(tuple(w[i : i + 5]) for i in range(len(w) - 4))
    texts = [*strings(spec_of(rid)), text_of(tree_of(rid).find("body"))]
    copied = {
        " ".join(w[i : i + 5])
        for text in texts
        for w in [words(text)]
        for i in range(len(w) - 4)
        if tuple(w[i : i + 5]) in runs
    }
    assert copied == set()

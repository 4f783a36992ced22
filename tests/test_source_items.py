"""The Markdown sources of the bundled collection: front matter, the Markdown subset and links."""

import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from repo_paths import REPO

SOURCES = REPO / "resources" / "sources"
SETUP = tomllib.loads((SOURCES / "collection.toml").read_text("utf-8"))
ITEMS = sorted(p for p in SOURCES.glob("*.md") if p.name != "FORMAT.md")
PILLARS = {p["id"] for p in SETUP["pillars"]}
COLLECTIONS = {c["id"] for c in SETUP["collections"]}
KINDS = {"briefing", "guide", "case-study"}
REQUIRED = {"id", "title", "kind", "pillars", "collection", "date", "source_url", "summary"}

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{2,3}) (.+?)(?: \{#([a-z0-9-]+)\})?$")


def strategy_id(council: str) -> str:
    """The shared id rule for directory entries (issue 15's interface)."""
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower().replace("&", "and")).strip("-")
    return "strategy-" + slug[:55].strip("-")


STRATEGIES = {
    strategy_id(entry["council"]): entry
    for path in sorted((REPO / "resources" / "directory").glob("*.toml"))
    for entry in tomllib.loads(path.read_text("utf-8"))["strategy"]
}
DIRECTORY_VALUES = {
    "pillar": PILLARS,
    "nation": {e["nation"] for e in STRATEGIES.values()},
    "council_type": {e["council_type"] for e in STRATEGIES.values()},
}


def split(path: Path) -> tuple[dict, list[str]]:
    text = path.read_text("utf-8")
    assert text.startswith("+++\n"), path.name
    front, body = text[4:].split("\n+++\n", 1)
    return tomllib.loads(front), body.splitlines()


def links(body: list[str]) -> list[tuple[str, str]]:
    return [m.groups() for line in body for m in _LINK.finditer(line)]


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_front_matter(path: Path) -> None:
    meta, _ = split(path)
    assert set(meta) >= REQUIRED
    assert meta["id"] == path.stem
    assert meta["kind"] in KINDS
    assert meta["pillars"] and set(meta["pillars"]) <= PILLARS
    assert meta["collection"] in COLLECTIONS
    assert re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", meta["date"])
    assert meta["source_url"] in SETUP["allowed_urls"]


def test_order_lists_exactly_the_sources() -> None:
    stems = {p.stem for p in ITEMS} | {p.stem for p in SOURCES.glob("*.toml")} - {"collection"}
    assert sorted(SETUP["order"]) == sorted(stems)
    assert len(SETUP["order"]) == len(set(SETUP["order"]))


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_body_keeps_to_the_subset(path: Path) -> None:
    _, body = split(path)
    anchors = []
    for line in body:
        assert not line.startswith(("|", "<", "    ", "\t", "#### ")), line
        assert "![" not in line and "<" not in line, line
        if line.startswith("#"):
            match = _HEADING.match(line)
            assert match, line
            if match.group(1) == "##":
                assert match.group(3), f"## without an anchor: {line}"
                anchors.append(match.group(3))
    assert len(anchors) == len(set(anchors))
    assert len(anchors) >= 4


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_every_link_goes_somewhere_real(path: Path) -> None:
    _, body = split(path)
    anchors = {m.group(3) for line in body if (m := _HEADING.match(line)) and m.group(3)}
    items = set(SETUP["order"])
    for text, target in links(body):
        if target.startswith("#"):
            assert target[1:] in anchors, target
        elif target.startswith("https://"):
            assert target in SETUP["allowed_urls"], target
        else:
            url = urlsplit(target)
            assert url.scheme == "resource-reader", target
            query = parse_qs(url.query, strict_parsing=bool(url.query))
            if url.netloc == "open":
                (rid,) = query["id"]
                assert rid in items or rid in STRATEGIES, target
                assert rid != path.stem, f"{target} opens the item it is in"
                if rid in STRATEGIES:
                    # The link text names the council it opens.
                    council = STRATEGIES[rid]["council"]
                    assert text in council or council.startswith(text), (text, council)
            else:
                assert url.netloc == "directory", target
                for key, values in query.items():
                    assert key in DIRECTORY_VALUES, target
                    assert set(values) <= DIRECTORY_VALUES[key], target


def test_start_here_links_to_every_item() -> None:
    _, body = split(SOURCES / "start-here.md")
    opened = {urlsplit(t).query.removeprefix("id=") for _, t in links(body) if "open?id=" in t}
    assert opened == set(SETUP["order"]) - {"start-here"}


@pytest.mark.parametrize("pillar", sorted(PILLARS))
def test_councillor_brief(pillar: str) -> None:
    meta, body = split(SOURCES / f"councillor-brief-{pillar}.md")
    assert meta["kind"] == "briefing" and meta["collection"] == "4rs-2021"
    assert meta["pillars"][0] == pillar
    text = "\n".join(body)
    questions = text.split("{#questions}")[1].split("\n## ")[0]
    assert 6 <= len(re.findall(r"^\d+\. .+\?$", questions, flags=re.M)) <= 8
    examples = text.split("{#examples}")[1]
    strategies = [
        STRATEGIES[t.split("id=")[1]] for _, t in links(examples.splitlines()) if "strategy-" in t
    ]
    assert 3 <= len(strategies) <= 5
    assert all(pillar in s["pillars"] for s in strategies)
    assert len({s["nation"] for s in strategies}) >= 2
    assert f"resource-reader://directory?pillar={pillar}" in text
    assert len(text.split()) < 900  # one or two A4 pages


def test_merged_and_dropped_items_are_gone() -> None:
    gone = {
        "vulnerable-residents-data",
        "cost-of-living-data",
        "local-knowledge-data",
        "hybrid-places-case-study",
    }
    assert not gone & {p.stem for p in SOURCES.iterdir()}
    assert not gone & set(SETUP["order"])
    for path in ITEMS:
        assert not any(g in path.read_text("utf-8") for g in gone), path.name

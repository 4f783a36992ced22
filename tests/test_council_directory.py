"""The directory of councils' recovery strategies (resources/directory/*.toml): every entry
is complete, in the app's vocabulary, within the years the collection covers, and its
address absolute and unique. (Each address is one the research found on a council's own
published page; the query that found it is kept with it.)"""

from __future__ import annotations

import re
import tomllib
from urllib.parse import urlsplit

import pytest
from repo_paths import REPO

from reader_app import catalog

DIRECTORY = REPO / "resources" / "directory"
# The app's own vocabulary: an entry the catalog would refuse fails here first.
NATIONS = set(catalog.NATIONS)
COUNCIL_TYPES = set(catalog.COUNCIL_TYPES)
PILLARS = {"reset", "reform", "renew", "resilient"}
THEMES = {
    "economy",
    "high streets",
    "digital inclusion",
    "climate",
    "health and wellbeing",
    "communities",
    "council ways of working",
    "housing",
    "skills and employment",
    "transport",
    "culture and visitors",
    "children and young people",
    "equalities",
    "finance",
}
FIELDS = {
    "council": str,
    "nation": str,
    "council_type": str,
    "title": str,
    "date": str,
    "url": str,
    "summary": str,
    "pillars": list,
    "evidence": dict,
    "themes": list,
    "query": str,
}
# An address must be the council's own published page, not a copy on a document-sharing
# site or a news report: public bodies' domains, and the few councils' own outside them.
OWN_DOMAINS = (".gov.uk", ".gov.wales", ".gov.scot", ".moderngov.co.uk")
OWN_HOSTS = {
    "governance.wmca.org.uk",  # West Midlands Combined Authority's committee papers
    "meetings.derrycityandstrabanedistrict.com",  # Derry City and Strabane's committee papers
}
DATE = re.compile(r"^(?:(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?)?$")
MAX_SUMMARY_WORDS = 120


def entries() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(DIRECTORY.glob("*.toml")):
        with path.open("rb") as file:
            data = tomllib.load(file)
        found += [(f"{path.name}:{n}", entry) for n, entry in enumerate(data["strategy"], 1)]
    return found


ENTRIES = entries()


def test_there_is_a_directory() -> None:
    assert ENTRIES, f"no strategies in {DIRECTORY}"


@pytest.mark.parametrize(("where", "entry"), ENTRIES, ids=[w for w, _ in ENTRIES])
def test_each_entry_is_complete_and_in_the_apps_vocabulary(where: str, entry: dict) -> None:
    assert set(entry) == set(FIELDS), sorted(set(entry) ^ set(FIELDS))
    for field, kind in FIELDS.items():
        assert isinstance(entry[field], kind), field
    for field in ("council", "nation", "title", "url", "summary", "query"):
        assert entry[field].strip(), f"{field} is empty"
    assert entry["nation"] in NATIONS
    assert entry["council_type"] in COUNCIL_TYPES | {""}
    parts = urlsplit(entry["url"])
    assert parts.scheme in ("http", "https") and parts.netloc and " " not in entry["url"]
    host = parts.netloc.lower()
    assert host.endswith(OWN_DOMAINS) or host in OWN_HOSTS, f"{host} is not the council's own"
    match = DATE.match(entry["date"])
    assert match, f"date {entry['date']!r} is not ISO 8601 (or empty)"
    if match.group(1):
        assert 2020 <= int(match.group(1)) <= 2023, "outside the collection's years"
    words = len(entry["summary"].split())
    assert 20 <= words <= MAX_SUMMARY_WORDS, f"summary of {words} words"
    assert 1 <= len(entry["pillars"]) <= 3 and set(entry["pillars"]) <= PILLARS
    assert len(set(entry["pillars"])) == len(entry["pillars"])
    assert set(entry["evidence"]) == set(entry["pillars"]), "evidence for each pillar, no other"
    for phrases in entry["evidence"].values():
        assert phrases and all(isinstance(p, str) and p.strip() for p in phrases)
    assert entry["themes"] and set(entry["themes"]) <= THEMES


def test_addresses_and_councils_are_unique() -> None:
    urls = [entry["url"] for _, entry in ENTRIES]
    assert len(urls) == len(set(urls))
    councils = [entry["council"].casefold() for _, entry in ENTRIES]
    repeated = sorted({c for c in councils if councils.count(c) > 1})
    assert repeated == []


def test_no_summary_repeats_its_title_or_another_summary() -> None:
    """Summaries are written for each entry, not a template filled in."""
    openings = [" ".join(entry["summary"].split()[:8]) for _, entry in ENTRIES]
    repeated = sorted({o for o in openings if openings.count(o) > 1})
    assert repeated == []


def test_the_spread_the_directory_promises() -> None:
    """At least 60 strategies, each nation at least twice, at least five kinds of council."""
    assert len(ENTRIES) >= 60
    nations = [entry["nation"] for _, entry in ENTRIES]
    assert all(nations.count(nation) >= 2 for nation in NATIONS), sorted(set(nations))
    kinds = {entry["council_type"] for _, entry in ENTRIES} - {""}
    assert len(kinds) >= 5, sorted(kinds)

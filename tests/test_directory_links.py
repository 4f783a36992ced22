"""The council strategies directory's core: the pillar x nation spread, and the
``resource-reader://directory`` links that open it filtered, hostile ones included."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import product

import pytest
from strategies import directory_entries

from reader_app.catalog import COUNCIL_TYPES, NATIONS, PILLARS
from reader_app.deep_links import (
    directory_link,
    is_deep_link,
    parse_deep_link,
    parse_directory_link,
)
from reader_app.directory import directory_selection, spread
from reader_app.facets import select
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir


@pytest.fixture
def catalog():
    """The bundled collection, the directory's strategies in it."""
    return load_manifest(bundled_dir() / MANIFEST_NAME)


def no_tags(_rid: str) -> list[str]:
    return []


def test_pillars_are_the_bundled_manifests(catalog) -> None:
    assert tuple(p.id for p in catalog.pillars) == PILLARS


def test_spread_counts_each_strategy_under_each_of_its_pillars(catalog) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for entry in directory_entries():
        for pillar in entry["pillars"]:
            expected[pillar, entry["nation"]] += 1
    matrix = spread(catalog.resources)
    assert list(matrix) == list(PILLARS)
    for pillar, row in matrix.items():
        assert list(row) == list(NATIONS)
        for nation, count in row.items():
            assert count == expected[pillar, nation], (pillar, nation)
    assert sum(matrix["renew"].values()) == sum(
        1 for e in directory_entries() if "renew" in e["pillars"]
    )


def test_spread_ignores_other_kinds_and_strategies_without_a_nation(catalog) -> None:
    others = [r for r in catalog.resources if r.kind != "strategy"]
    assert others
    assert all(n == 0 for row in spread(others).values() for n in row.values())
    strategy = next(r for r in catalog.resources if r.kind == "strategy")
    nowhere = replace(strategy, nation="")
    assert all(n == 0 for row in spread([nowhere]).values() for n in row.values())


def test_each_cell_of_the_spread_opens_a_list_of_that_many(catalog) -> None:
    matrix = spread(catalog.resources)
    for pillar, nation in product(PILLARS, NATIONS):
        values = parse_directory_link(directory_link(pillar=pillar, nation=nation))
        assert values == {"pillar": pillar, "nation": nation}
        shown = select(catalog.resources, directory_selection(values), no_tags)
        assert len(shown) == matrix[pillar][nation]
        assert all(r.kind == "strategy" and pillar in r.pillars for r in shown)


def test_links_round_trip_every_value() -> None:
    assert parse_directory_link(directory_link()) == {}
    for pillar, nation, council_type in product(PILLARS, NATIONS, COUNCIL_TYPES):
        link = directory_link(pillar, nation, council_type)
        assert is_deep_link(link)
        assert " " not in link  # URL-encoded
        assert parse_directory_link(link) == {
            "pillar": pillar,
            "nation": nation,
            "council_type": council_type,
        }
        assert parse_deep_link(link) is None  # not an "open" link


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("resource-reader://directory", {}),
        ("resource-reader://directory/", {}),
        ("resource-reader://directory?pillar=renew", {"pillar": "renew"}),
        ("resource-reader://directory?nation=Northern+Ireland", {"nation": "Northern Ireland"}),
        ("resource-reader://directory?nation=northern%20ireland", {"nation": "Northern Ireland"}),
        (
            "Resource-Reader://Directory?council_type=London%20Borough",
            {"council_type": "london borough"},
        ),
        ("resource-reader://directory?pillar=&nation=Wales", {"nation": "Wales"}),
    ],
)
def test_links_as_written(link, expected) -> None:
    assert parse_directory_link(link) == expected


@pytest.mark.parametrize(
    "link",
    [
        "resource-reader://directory?pillar=rebuild",  # unknown pillar
        "resource-reader://directory?nation=Atlantis",
        "resource-reader://directory?council_type=parish",
        "resource-reader://directory?pillar=renew&pillar=reset",  # repeated
        "resource-reader://directory?nation=Wales&nation=Wales",
        "resource-reader://directory?pillar=renew&colour=red",  # unknown parameter
        "resource-reader://directory?pillar=renew%0Aevil",  # injected text
        "resource-reader://directory?pillar=renew%00",
        "resource-reader://directory?pillar=renew%0A",
        "resource-reader://directory?nation=%20Wales",
        "resource-reader://directory?nation=Wales%1b%5b2J",
        "resource-reader://directory?pillar=renew%20OR%201%3D1",
        "resource-reader://directory?pillar=%E2%80%AErenew",
        "resource-reader://directory?pillar=%ff",
        "resource-reader://directory?pillar=" + "renew" * 1000,
        "resource-reader://directory/../open?id=x",
        "resource-reader://open?id=recovery-prospectus",
        "resource-reader://directory.example?pillar=renew",
        "https://directory?pillar=renew",
        "resource-reader://[::1?pillar=renew",
        "resource-reader:directory?pillar=renew",
        "",
        "&".join(["resource-reader://directory?pillar=renew"] + ["x=1"] * 50),
    ],
)
def test_hostile_links_give_none(link) -> None:
    assert parse_directory_link(link) is None


def test_a_link_that_is_not_text_gives_none() -> None:
    assert parse_directory_link(None) is None  # type: ignore[arg-type]
    assert parse_directory_link(b"resource-reader://directory") is None  # type: ignore[arg-type]


def test_directory_selection_shows_strategies_only(catalog) -> None:
    shown = select(catalog.resources, directory_selection({}), no_tags)
    assert len(shown) == len(directory_entries())
    welsh_counties = select(
        catalog.resources,
        directory_selection({"nation": "Wales", "council_type": "county"}),
        no_tags,
    )
    expected = [
        e for e in directory_entries() if e["nation"] == "Wales" and e["council_type"] == "county"
    ]
    assert len(welsh_counties) == len(expected)

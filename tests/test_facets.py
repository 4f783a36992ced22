from reader_app import facets
from reader_app.facets import Selection
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)
TAGS = {"digital-poverty": ["Board"], "climate-places": ["board", "Later"]}


def tags_of(rid: str) -> list[str]:
    return TAGS.get(rid, [])


def ids(selection: Selection) -> set[str]:
    return {r.id for r in facets.select(CATALOG.resources, selection, tags_of)}


def test_empty_selection_shows_everything() -> None:
    assert Selection().is_empty
    assert ids(Selection()) == {r.id for r in CATALOG.resources}


def test_values_in_one_facet_are_alternatives() -> None:
    both = Selection().toggled("pillar", "reset").toggled("pillar", "renew")
    expected = {r.id for r in CATALOG.resources if {"reset", "renew"} & set(r.pillars)}
    assert ids(both) == expected
    assert ids(both.toggled("pillar", "reset")) == {
        r.id for r in CATALOG.resources if "renew" in r.pillars
    }


def test_facets_combine() -> None:
    chosen = Selection().toggled("pillar", "renew").toggled("kind", "infographic")
    expected = {r.id for r in CATALOG.resources if "renew" in r.pillars and r.kind == "infographic"}
    assert expected and ids(chosen) == expected
    assert ids(chosen.toggled("year", "1999")) == set()


def test_tags_ignore_case() -> None:
    assert ids(Selection().toggled("tag", "BOARD")) == {"digital-poverty", "climate-places"}


def test_counts_say_what_choosing_a_value_would_show() -> None:
    selection = Selection().toggled("kind", "infographic")
    found = facets.counts(CATALOG.resources, selection, tags_of)
    for pillar in ("reset", "reform", "renew", "resilient"):
        assert found["pillar"][pillar] == len(ids(selection.toggled("pillar", pillar)))
    # A facet's own choice does not shrink its counts: the other kinds stay visible.
    assert found["kind"]["briefing"] == sum(r.kind == "briefing" for r in CATALOG.resources)
    assert found["tag"]["board"] == 0  # no infographic is tagged
    assert sum(found["year"].values()) == len(ids(selection))

"""Council strategies in the catalog: their fields, undated entries, and the facets over them."""

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from reader_app.catalog import display_date
from reader_app.facets import Selection, counts, select
from reader_app.manifest import ManifestError, dump_manifest, load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir


@pytest.fixture
def data() -> dict[str, Any]:
    """The bundled manifest, its strategies replaced by three made-up councils'."""
    raw = tomllib.loads((bundled_dir() / MANIFEST_NAME).read_text("utf-8"))
    base = next(r for r in raw["resources"] if r["media_type"] == "application/pdf")
    raw["resources"] = [r for r in raw["resources"] if r.get("kind") != "strategy"]
    for n, (council, nation, ctype, date) in enumerate(
        [
            ("Alpha Council", "Wales", "county", "2020-06-25"),
            ("Beta Council", "Scotland", "island", ""),
            ("Gamma Council", "Wales", "unitary", "2021-07"),
        ]
    ):
        entry = copy.deepcopy(base)
        entry.update(
            id=f"strategy-test-{n}",
            kind="strategy",
            collection="council-strategies",
            date=date,
            council=council,
            nation=nation,
            council_type=ctype,
            themes=["economy", "climate"],
            pillars=["renew", "reset"],
        )
        raw["resources"].append(entry)
    return raw


def load(tmp_path: Path, data: dict[str, Any]):
    path = tmp_path / MANIFEST_NAME
    path.write_text(dump_manifest(data), "utf-8")
    return load_manifest(path)


def test_strategies_load_with_their_fields(tmp_path, data) -> None:
    catalog = load(tmp_path, data)
    alpha, beta, gamma = (catalog.get(f"strategy-test-{n}") for n in range(3))
    assert (alpha.council, alpha.nation, alpha.council_type) == ("Alpha Council", "Wales", "county")
    assert alpha.themes == ("economy", "climate")
    assert (alpha.year, beta.year, gamma.year) == (2020, None, 2021)
    assert (alpha.display_date, beta.display_date, gamma.display_date) == (
        "25 June 2020",
        "Undated",
        "July 2021",
    )
    assert catalog.collection("council-strategies").url == ""
    assert [r.id for r in catalog.filter(nation="Wales", kind="strategy")] == [
        "strategy-test-0",
        "strategy-test-2",
    ]


def test_only_a_strategy_may_be_undated(tmp_path, data) -> None:
    data["resources"][0]["date"] = ""
    with pytest.raises(ManifestError, match="field 'date'"):
        load(tmp_path, data)


@pytest.mark.parametrize(
    "field, value",
    [
        ("nation", "Atlantis"),
        ("council_type", "parish"),
        ("council", ""),
        ("date_approximate", "yes"),
        ("themes", []),
    ],
)
def test_bad_strategy_field_is_named(tmp_path, data, field, value) -> None:
    data["resources"][-1][field] = value
    with pytest.raises(ManifestError, match=f"field '{field}'"):
        load(tmp_path, data)


def test_approximate_year_reads_circa() -> None:
    assert display_date("2022", approximate=True) == "c. 2022"
    assert display_date("2022") == "2022"
    assert display_date("2021-06-30") == "30 June 2021"


def test_nation_council_type_and_undated_year_are_facets(tmp_path, data) -> None:
    catalog = load(tmp_path, data)
    found = counts(catalog.resources, Selection(), lambda _id: ())
    assert found["nation"] == {"Wales": 2, "Scotland": 1}
    assert found["council_type"] == {"county": 1, "island": 1, "unitary": 1}
    assert found["year"]["undated"] == 1
    wales = Selection(nation=frozenset({"Wales"}))
    assert counts(catalog.resources, wales, lambda _id: ())["council_type"] == {
        "county": 1,
        "unitary": 1,
    }
    chosen = select(catalog.resources, wales.toggled("year", "undated"), lambda _id: ())
    assert chosen == []
    chosen = select(catalog.resources, Selection(year=frozenset({"undated"})), lambda _id: ())
    assert [r.id for r in chosen] == ["strategy-test-1"]

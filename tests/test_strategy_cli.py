"""Council strategies on the command line and in the library: list and show with their
fields and filters, the facet counts, and the reader's own documents kept out of the kind."""

from __future__ import annotations

import shutil
import tomllib
from collections import Counter

import pytest
from strategies import directory_entries, strategy_id
from test_cli import run, run_json

from reader_app import database_check, importing, paths
from reader_app.catalog import UNDATED, display_date
from reader_app.deep_links import parse_directory_link
from reader_app.facets import Selection
from reader_app.library import Filters, Library
from reader_app.manifest import dump_manifest, load_manifest
from reader_app.packs import format as pack_format
from reader_app.packs.unzip import PackError
from reader_app.paths import MANIFEST_NAME

ENTRIES = {strategy_id(e["council"]): e for e in directory_entries()}
STRATEGY_KEYS = (
    "council",
    "nation",
    "council_type",
    "pillars",
    "themes",
    "source_url",
    "date",
    "display_date",
    "date_approximate",
)


def test_the_directory_gives_each_strategy_its_own_id() -> None:
    assert len(ENTRIES) == len(directory_entries()) >= 60  # ids unique


def test_list_json_gives_each_strategy_its_fields(capsys) -> None:
    items = run_json(capsys, "list", "--kind", "strategy")
    assert {i["id"] for i in items} == set(ENTRIES)
    for item in items:
        entry = ENTRIES[item["id"]]
        assert item["council"] == entry["council"]
        assert item["nation"] == entry["nation"]
        assert item["council_type"] == entry["council_type"]
        assert item["pillars"] == entry["pillars"]
        assert item["themes"] == entry["themes"]
        assert item["source_url"] == entry["url"]
        assert item["date"] == entry["date"]
        assert item["date_approximate"] is False
        assert item["display_date"] == display_date(entry["date"])
        assert item["display_date"] == "Undated" or entry["date"][:4] in item["display_date"]


def test_every_resource_has_the_strategy_keys_empty_when_not_one(capsys) -> None:
    items = run_json(capsys, "list")
    others = [i for i in items if i["kind"] != "strategy"]
    assert others
    for item in others:
        assert set(STRATEGY_KEYS) <= set(item)
        assert (item["council"], item["nation"], item["council_type"], item["themes"]) == (
            "",
            "",
            "",
            [],
        )
    approximate = [i for i in items if i["date_approximate"]]
    assert all(i["display_date"] == f"c. {i['date']}" for i in approximate)


@pytest.mark.parametrize(
    ("option", "value", "field", "expected"),
    [
        ("--nation", "Scotland", "nation", "Scotland"),
        ("--nation", "northern ireland", "nation", "Northern Ireland"),  # any capitals
        ("--council-type", "London Borough", "council_type", "london borough"),
        ("--council-type", "island", "council_type", "island"),
    ],
)
def test_list_filters_by_nation_and_council_type(capsys, option, value, field, expected) -> None:
    items = run_json(capsys, "list", option, value)
    wanted = {rid for rid, e in ENTRIES.items() if e[field] == expected}
    assert wanted and {i["id"] for i in items} == wanted


def test_list_filters_undated_and_by_year(capsys) -> None:
    undated = run_json(capsys, "list", "--year", UNDATED)
    assert {i["id"] for i in undated} == {rid for rid, e in ENTRIES.items() if not e["date"]}
    assert undated and all(i["display_date"] == "Undated" for i in undated)
    in_2021 = run_json(capsys, "list", "--kind", "strategy", "--year", "2021")
    expected = {rid for rid, e in ENTRIES.items() if e["date"].startswith("2021")}
    assert expected and {i["id"] for i in in_2021} == expected


@pytest.mark.parametrize(
    "args",
    [
        ("--nation", "Atlantis"),
        ("--council-type", "parish"),
        ("--year", "twenty"),
        ("--year", "None"),
    ],
)
def test_list_refuses_unknown_values_in_one_line(capsys, args) -> None:
    code, out, err = run(capsys, "list", *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "usage error" in err


def test_plain_list_and_show_name_the_council(capsys) -> None:
    rid = strategy_id("Shetland Islands Council")
    code, out, _err = run(capsys, "list", "--nation", "Scotland")
    assert code == 0
    assert "council: Shetland Islands Council (Scotland, island)" in out
    block = out[out.index(rid) :].splitlines()[:3]
    assert block[0].split()[2] == UNDATED  # no date: said, not left blank
    code, out, _err = run(capsys, "show", rid)
    assert code == 0
    lines = dict(line.split(":", 1) for line in out.splitlines() if ":" in line[:12])
    assert lines["council"].strip() == "Shetland Islands Council"
    assert lines["nation"].strip() == "Scotland"
    assert lines["type"].strip() == "island"
    assert lines["themes"].strip() == ", ".join(ENTRIES[rid]["themes"])
    assert lines["date"].strip() == "Undated"
    shown = run_json(capsys, "show", rid)
    assert {k: shown[k] for k in ("council", "nation", "council_type")} == {
        "council": "Shetland Islands Council",
        "nation": "Scotland",
        "council_type": "island",
    }


def test_a_council_name_is_shown_inert(capsys, tmp_path, monkeypatch) -> None:
    bundle = tmp_path / "hostile"
    shutil.copytree(paths.bundled_dir(), bundle, ignore=shutil.ignore_patterns("sources"))
    raw = tomllib.loads((bundle / MANIFEST_NAME).read_text("utf-8"))
    target = next(r for r in raw["resources"] if r["kind"] == "strategy")
    target["council"] = "Evil\x1b[2J Council\u202e"
    (bundle / MANIFEST_NAME).write_text(dump_manifest(raw), "utf-8")
    from reader_app import library

    monkeypatch.setattr(paths, "bundled_dir", lambda: bundle)
    monkeypatch.setattr(library, "bundled_dir", lambda: bundle)
    for args in (("list", "--kind", "strategy"), ("show", target["id"])):
        code, out, _err = run(capsys, *args)
        assert code == 0
        assert "\x1b" not in out and "\u202e" not in out
        assert "Evil\\x1b[2J Council\\u202e" in out


# The library's facets


def test_facet_counts_over_nation_council_type_and_undated_years() -> None:
    library = Library.open(paths.resolve(None), backup=False)
    try:
        found = library.facet_counts()
        assert found["nation"] == Counter(e["nation"] for e in ENTRIES.values())
        assert found["council_type"] == Counter(e["council_type"] for e in ENTRIES.values())
        undated = sum(1 for e in ENTRIES.values() if not e["date"])
        assert undated and found["year"][UNDATED] == undated
        assert found["kind"]["strategy"] == len(ENTRIES)
        # Within Wales: the kinds of council there, and every nation still offered.
        wales = library.facet_counts(Selection(nation=frozenset({"Wales"})))
        welsh = [e for e in ENTRIES.values() if e["nation"] == "Wales"]
        assert wales["council_type"] == Counter(e["council_type"] for e in welsh)
        assert wales["nation"] == found["nation"]
        assert sum(wales["kind"].values()) == len(welsh)
        assert len(library.resources(Filters(year=UNDATED))) == undated
    finally:
        library.close()


def test_directory_command_gives_the_spread_and_counts(capsys) -> None:
    report = run_json(capsys, "directory")
    assert report["strategies"] == len(ENTRIES)
    for pillar, row in report["spread"].items():
        for nation, count in row.items():
            assert count == sum(
                1 for e in ENTRIES.values() if pillar in e["pillars"] and e["nation"] == nation
            )
            link = report["links"][pillar][nation]
            assert parse_directory_link(link) == {"pillar": pillar, "nation": nation}
    assert report["nations"] == dict(Counter(e["nation"] for e in ENTRIES.values()))
    assert report["council_types"] == dict(Counter(e["council_type"] for e in ENTRIES.values()))
    assert report["years"][UNDATED] == sum(1 for e in ENTRIES.values() if not e["date"])
    code, out, _err = run(capsys, "directory")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["England", "Scotland", "Wales", "Northern", "Ireland"]
    renew = next(line for line in lines if line.startswith("Renew"))
    assert [int(n) for n in renew.split()[1:]] == list(report["spread"]["renew"].values())


# The reader's own documents and packs are never strategies


def test_an_own_document_cannot_be_made_a_strategy(capsys) -> None:
    code, _out, err = run(capsys, "edit", "anything", "--kind", "strategy")
    assert code == 2 and "invalid choice" in err
    with pytest.raises(importing.ImportRefused, match="no kind 'strategy'"):
        importing.update(None, "anything", kind="strategy")  # type: ignore[arg-type]


def test_commit_refuses_kind_strategy(tmp_path) -> None:
    with pytest.raises(importing.ImportRefused, match="no kind 'strategy'"):
        importing.commit(
            None,  # type: ignore[arg-type]
            tmp_path,
            None,  # type: ignore[arg-type]
            pillars=["renew"],
            kind="strategy",
        )
    assert list(tmp_path.iterdir()) == []


def test_the_database_check_refuses_an_imported_strategy() -> None:
    for rules in (database_check.COLUMN_RULES, database_check.LENIENT_RULES):
        kind_rule = rules["imported_resources"]["kind"]
        assert kind_rule("strategy") != ""
        assert kind_rule("briefing") == ""


def test_a_pack_may_not_bring_a_strategy() -> None:
    catalog = load_manifest(paths.bundled_dir() / MANIFEST_NAME)
    strategy = next(r for r in catalog.resources if r.kind == "strategy")
    raw = {
        "format": pack_format.FORMAT,
        "schema": pack_format.SCHEMA,
        "title": "A pack",
        "resources": [
            {
                "id": "a-pack-strategy",
                "title": "A strategy",
                "kind": "strategy",
                "pillars": ["renew"],
                "collection": "council-strategies",
                "date": "2021",
                "file": "files/a.pdf",
                "sha256": strategy.sha256,
                "pages": 1,
                "media_type": "application/pdf",
                "council": "Some Council",
            }
        ],
    }
    with pytest.raises(PackError, match="kind"):
        pack_format.parse(
            dump_manifest(raw).encode(),
            [p.id for p in catalog.pillars],
            {c.id for c in catalog.collections},
        )
    raw["resources"][0]["kind"] = "briefing"
    parsed = pack_format.parse(
        dump_manifest(raw).encode(),
        [p.id for p in catalog.pillars],
        {c.id for c in catalog.collections},
    )
    assert parsed.resources[0].kind == "briefing"


def test_a_pack_does_not_replace_a_bundled_strategy() -> None:
    from dataclasses import replace

    from reader_app.packs.install import plan

    library = Library.open(paths.resolve(None), backup=False)
    try:
        old = next(r for r in library.catalog.resources if r.kind == "strategy")
        new = replace(old, kind="briefing", council="", edition=old.edition + 1, sha256="0" * 64)
        manifest = pack_format.PackManifest(
            title="A pack", created="", collections=(), resources=(new,), notes="", notes_sha256=""
        )
        (item,) = plan(library, manifest)
        assert item.status == "skipped"
        assert "council strategy" in item.detail
    finally:
        library.close()


def test_the_strategies_cannot_be_exported_as_a_pack(capsys, tmp_path) -> None:
    out = tmp_path / "strategies.rrpack"
    code, _out, err = run(
        capsys, "pack", "export", "--collection", "council-strategies", "-o", str(out)
    )
    assert code == 1
    assert "council strategies" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()

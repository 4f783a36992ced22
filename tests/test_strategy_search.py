"""Search over the council strategies: their pages, their council, nation, kind of council
and themes, and the nation, council type and undated-year filters, in the folder's index
and in the one built in memory."""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import worker_tasks
from strategies import directory_entries, strategy_id

from reader_app import library as library_module
from reader_app import paths
from reader_app.catalog import UNDATED
from reader_app.cli import main
from reader_app.documents import page_texts
from reader_app.facets import Selection
from reader_app.library import Filters, Library
from reader_app.manifest import dump_manifest
from reader_app.paths import MANIFEST_NAME
from reader_app.search.analysis import fold, words
from reader_app.search.index import _shared_fields
from reader_app.search.memory import MemoryIndex
from reader_app.worker import run_isolated

ENTRIES = {strategy_id(e["council"]): e for e in directory_entries()}
# Words in nearly every council's name: a search for them says little.
PLAIN = {"council", "city", "county", "borough", "district", "of", "the", "and", "metropolitan"}
# The real pages name their council and themes; this one's page is swapped for one that
# says neither, so only the indexed fields can find it by them.
UNSAID = strategy_id("Ashford Borough Council")
UNSAID_PAGE = "A plan for after the pandemic, summarised."


def with_unsaid_page(folder: Path) -> Path:
    """A copy of the bundled collection in ``folder``, UNSAID's page replaced."""
    shutil.copytree(paths.bundled_dir(), folder, ignore=shutil.ignore_patterns("sources"))
    raw = tomllib.loads((folder / MANIFEST_NAME).read_text("utf-8"))
    resource = next(r for r in raw["resources"] if r["id"] == UNSAID)
    pdf = folder / resource["file"]
    run_isolated(worker_tasks.make_pages_pdf, str(pdf), [UNSAID_PAGE])
    resource["sha256"] = hashlib.sha256(pdf.read_bytes()).hexdigest()
    (folder / MANIFEST_NAME).write_text(dump_manifest(raw), "utf-8")
    return folder


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """One library over the strategies, its index built once for the module."""
    root = tmp_path_factory.mktemp("strategy-search")
    bundle = with_unsaid_page(root / "bundle")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(library_module, "bundled_dir", lambda: bundle)
        opened = Library.open(paths.resolve(str(root / "data")), backup=False)
    opened.update_index()
    yield opened
    opened.close()


def page_words(library: Library, rid: str) -> set[str]:
    """The words of a strategy's page, read from its PDF."""
    path = library.catalog.path_of(library.resource(rid))
    return set(words(" ".join(run_isolated(page_texts, str(path)))))


def found(library: Library, query: str, filters: Filters | Selection | None = None) -> set[str]:
    hits = library.search(query, filters or Filters(), limit=200).hits
    return {hit.resource_id for hit in hits}


def test_a_strategy_is_found_by_its_page_text(library) -> None:
    rid = strategy_id("Shetland Islands Council")
    assert rid in found(library, "Shetland")
    assert rid in found(library, "Shetland", Filters(kind="strategy"))


def test_a_strategy_is_found_by_a_council_name_its_page_does_not_say(library) -> None:
    # The council's name is searched even where its page does not give it.
    page = page_words(library, UNSAID)
    assert page == set(words(UNSAID_PAGE))
    names = [w for w in words(ENTRIES[UNSAID]["council"]) if w not in PLAIN | page]
    assert names
    for word in names:
        assert UNSAID in found(library, word), word
        # Found, so not taken for a misspelling of some word on a page.
        assert library.search(word).suggestion is None, word


def test_a_strategy_is_found_by_a_theme(library) -> None:
    themed = {rid for rid, e in ENTRIES.items() if "digital inclusion" in e["themes"]}
    assert themed
    hits = found(library, "digital inclusion", Filters(kind="strategy"))
    assert themed <= hits
    assert all(ENTRIES.get(rid) for rid in hits)  # strategies only
    # A theme the page does not name: found by the theme alone.
    page = page_words(library, UNSAID)
    unsaid = [t for t in ENTRIES[UNSAID]["themes"] if not set(words(t)) & page]
    assert unsaid
    for theme in unsaid:
        assert UNSAID in found(library, theme, Filters(kind="strategy")), theme


@pytest.mark.parametrize("nation", ["Wales", "Northern Ireland"])
def test_search_filters_by_nation(library, nation) -> None:
    hits = found(library, "recovery", Filters(nation=nation))
    expected = {rid for rid, e in ENTRIES.items() if e["nation"] == nation}
    assert hits and hits <= expected
    either = found(library, "recovery", Selection(nation=frozenset({nation, "Scotland"})))
    assert hits < either
    assert all(ENTRIES[rid]["nation"] in (nation, "Scotland") for rid in either)


def test_search_filters_by_council_type_and_undated_year(library) -> None:
    hits = found(library, "recovery", Filters(council_type="combined authority"))
    assert hits and all(ENTRIES[rid]["council_type"] == "combined authority" for rid in hits)
    undated = found(library, "recovery", Selection(year=frozenset({UNDATED})))
    assert undated and all(not ENTRIES[rid]["date"] for rid in undated)
    assert found(library, f"recovery year:{UNDATED}") == undated
    assert found(library, 'recovery nation:"northern ireland"') == found(
        library, "recovery", Filters(nation="Northern Ireland")
    )


def test_an_undated_strategy_is_indexed_as_undated_not_none(library) -> None:
    sources = {s.resource_id: s for s in library.index_sources()}
    undated = next(rid for rid, e in ENTRIES.items() if not e["date"])
    fields = _shared_fields(sources[undated])
    assert fields["year"] == UNDATED
    assert fields["nation"] == fold(ENTRIES[undated]["nation"])
    briefing = next(s for s in sources.values() if s.kind == "briefing")
    assert _shared_fields(briefing)["about"] == "" and briefing.year is not None


def test_the_memory_index_answers_the_same(library) -> None:
    sources = library.index_sources()
    memory = MemoryIndex(sources)
    try:
        for query, wanted in [
            ("Shetland", {}),
            ("digital inclusion", {"kind": ["strategy"]}),
            ("recovery", {"nation": ["Wales"]}),
            ("recovery", {"year": [UNDATED], "council_type": ["london borough"]}),
        ]:
            in_memory = {h.resource_id for h in memory.search(query, wanted, 200).hits}
            on_disk = {h.resource_id for h in library.index.search(query, wanted, 200).hits}
            assert in_memory == on_disk and on_disk, query
    finally:
        memory.close()


def test_search_cli_takes_nation_council_type_and_year(capsys, data_dir: Path) -> None:
    code = main(["search", "recovery", "--nation", "scotland", "--limit", "200", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    ids = {h["resource_id"] for h in out["hits"]}
    assert ids and all(ENTRIES[rid]["nation"] == "Scotland" for rid in ids)
    code = main(["search", "recovery", "--year", UNDATED, "--council-type", "island", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    ids = {h["resource_id"] for h in out["hits"]}
    assert ids and all(
        not ENTRIES[rid]["date"] and ENTRIES[rid]["council_type"] == "island" for rid in ids
    )

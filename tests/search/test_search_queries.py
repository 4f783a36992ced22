"""Every query form finds the planted passage on the right page."""

import pytest

from reader_app.library import Filters


@pytest.fixture
def library(shared_library):
    return shared_library


def pages_for(library, query, **filters):
    results = library.search(query, Filters(**filters), limit=50)
    return {(hit.resource_id, hit.page) for hit in results.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tablets", {("alpha", 2)}),  # a plain term
        ("digital poverty tablets", {("alpha", 2)}),  # all words must match
        ('"digital poverty"', {("alpha", 2)}),  # a phrase
        ("households lending", {("alpha", 2)}),  # stemmed: lending ~ lend, households ~ household
        ("recruit developer", {("beta", 3)}),  # stemmed the other way
        ("café", {("alpha", 3), ("gamma", 1)}),  # accents folded in the query
        ("frohlich", {("gamma", 1)}),  # and in the text
        ("zephyrbrook OR tablets", {("alpha", 2), ("beta", 4)}),
        ("poverty NOT rural", {("alpha", 2)}),
        ("poverty -rural", {("alpha", 2)}),
        ("zephyr*", {("beta", 4)}),  # prefix
        ("flood*", {("beta", 2)}),
        ("zephyrbruk~", {("beta", 4)}),  # fuzzy
        ("interoperability", {("beta", 4)}),  # de-hyphenated across a line break
        ("lighthouse", {("delta", 1)}),  # image, by its alt text
        ("harbourmaster", {("delta", 1)}),  # and transcript
        ("title:gamma poverty", {("gamma", 2)}),
    ],
)
def test_query_forms(library, query, expected) -> None:
    assert pages_for(library, query) == expected


def test_phrase_needs_the_words_together(library) -> None:
    assert pages_for(library, '"poverty digital"') == set()
    assert pages_for(library, '"rural areas"') == {("gamma", 2)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("poverty pillar:renew", {("alpha", 2)}),
        ("poverty pillar:reform", {("gamma", 2)}),
        ("plans kind:guide", {("beta", p) for p in (1, 2, 3, 4)}),
        ("poverty collection:two", {("gamma", 2)}),
        ("poverty year:2021", {("alpha", 2)}),
    ],
)
def test_field_filters_in_the_query(library, query, expected) -> None:
    assert pages_for(library, query) == expected


def test_filters_from_options(library) -> None:
    assert pages_for(library, "poverty", pillar="reset") == {("alpha", 2)}
    assert pages_for(library, "poverty", kind="case-study") == {("gamma", 2)}
    assert pages_for(library, "poverty", collection="one") == {("alpha", 2)}
    assert pages_for(library, "poverty", year=2022) == {("gamma", 2)}


def test_tag_filter_follows_the_store(library) -> None:
    assert pages_for(library, "poverty", tag="Board paper") == set()
    library.add_tags("gamma", ["Board paper"])
    assert pages_for(library, "poverty", tag="board paper") == {("gamma", 2)}
    assert pages_for(library, 'poverty tag:"board paper"') == {("gamma", 2)}
    library.remove_tags("gamma", ["Board paper"])
    assert pages_for(library, "poverty", tag="board paper") == set()


def test_hits_have_snippets_with_marked_words(library) -> None:
    results = library.search("digital poverty")
    hit = results.hits[0]
    assert (hit.resource_id, hit.page) == ("alpha", 2)
    marked = [hit.snippet[s:e].lower() for s, e in hit.spans]
    assert "digital" in marked and "poverty" in marked
    assert results.total == 1


def test_fuzzy_and_prefix_matches_are_marked(library) -> None:
    hit = library.search("zephyrbruk~").hits[0]
    assert [hit.snippet[s:e] for s, e in hit.spans] == ["zephyrbrook"]
    hit = library.search("recruit*").hits[0]
    assert "Recruiting" in [hit.snippet[s:e] for s, e in hit.spans]


def test_ranking_prefers_more_matches(library) -> None:
    results = library.search("poverty")
    assert results.hits[0].resource_id == "gamma"  # the page says poverty twice
    assert results.total == 2


def test_did_you_mean(library) -> None:
    results = library.search("zephyrbrok")
    assert results.total == 0
    assert results.suggestion == "zephyrbrook"
    assert library.search("zephyrbrook").suggestion is None


def test_did_you_mean_keeps_the_rest_of_the_query(library) -> None:
    assert (
        library.search("pillar:resilient zephyrbrok").suggestion == "pillar:resilient zephyrbrook"
    )


def test_grouped_by_resource(library) -> None:
    groups = library.search("councils", limit=50).grouped()
    assert [rid for rid, _ in groups].count("beta") == 1
    assert {hit.page for hit in dict(groups)["beta"]} == {1, 2, 3, 4}


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "AND OR",
        "pillar:",
        "NOT",
        "-",
        "*",
        "~",
        "((",
        '""',
        "year:soon",
        "x" * 5000,
        "ctrl\x00\x07chars",
        "unknown:field",
        "a" * 300 + "*",
        "OR poverty",
        "poverty OR",
    ],
)
def test_garbage_queries_never_raise(library, query) -> None:
    results = library.search(query)
    assert results.total >= 0
    assert all(hit.resource_id for hit in results.hits)


def test_or_at_the_edges_is_ignored(library) -> None:
    assert pages_for(library, "OR poverty") == pages_for(library, "poverty OR")
    assert pages_for(library, "poverty") == {("alpha", 2), ("gamma", 2)}


def test_facet_selection_allows_any_value_within_a_facet(library) -> None:
    from reader_app.facets import Selection

    either = Selection(pillar=frozenset({"renew", "reform"}))
    found = {(h.resource_id, h.page) for h in library.search("poverty", either, limit=50).hits}
    assert found == {("alpha", 2), ("gamma", 2)}
    both = Selection(pillar=frozenset({"renew", "reform"}), kind=frozenset({"case-study"}))
    found = {(h.resource_id, h.page) for h in library.search("poverty", both, limit=50).hits}
    assert found == {("gamma", 2)}

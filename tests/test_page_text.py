"""Words on a page: normalising, matching search terms, hit-testing, copying."""

from reader_app.page_text import line_boxes, matching_words, normalise, text_of, word_at
from reader_app.search.analysis import terms

LQ, RQ = "\N{LEFT DOUBLE QUOTATION MARK}", "\N{RIGHT SINGLE QUOTATION MARK}"

WORDS = [
    (10, 10, 40, 20, "The", 0, 0),
    (45, 10, 90, 20, "Councils" + RQ, 0, 0),
    (95, 10, 150, 20, "place-based", 0, 0),
    (10, 30, 60, 40, "Café,", 0, 1),
    (65, 30, 120, 40, "council.", 1, 0),
]


def test_normalise_folds_case_accents_and_end_punctuation() -> None:
    assert normalise("Café,") == "cafe"
    assert normalise(LQ + "Councils" + RQ) == "councils"
    assert normalise("...") == ""
    assert normalise("covid-19") == "covid-19"  # inner punctuation stays


def test_matching_words_by_default_compares_normalised_parts() -> None:
    assert matching_words(WORDS, ["cafe"]) == [3]
    assert matching_words(WORDS, ["based"]) == [2]  # a part of a hyphenated word
    assert matching_words(WORDS, ["council"]) == [4]  # no stemming by default
    assert matching_words(WORDS, []) == []


def test_matching_words_with_the_search_stemmer() -> None:
    assert matching_words(WORDS, ["councils"], terms) == [1, 4]


def test_word_at_a_point_and_the_nearest_word() -> None:
    assert word_at(WORDS, 50, 15) == 1
    assert word_at(WORDS, 42, 15) is None  # between words
    assert word_at(WORDS, 42, 15, nearest=True) in (0, 1)
    # Past the end of a line, the nearest word is on that line, not the next.
    assert word_at(WORDS, 300, 16, nearest=True) == 2
    assert word_at([], 1, 1, nearest=True) is None


def test_text_of_joins_lines_with_newlines() -> None:
    assert text_of(WORDS) == f"The Councils{RQ} place-based\nCafé,\ncouncil."
    assert text_of([]) == ""


def test_line_boxes_cover_each_line() -> None:
    assert line_boxes(WORDS[:3]) == [(10, 10, 150, 20)]
    assert len(line_boxes(WORDS)) == 3

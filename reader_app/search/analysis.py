"""Text analysis shared by indexing and querying: folding, tokens, stems, word pairs.

Pages are analysed in worker processes and handed to Whoosh as finished terms,
so the single index writer does no stemming of its own. Phrases are found
through pairs of neighbouring *common* terms (like Lucene's common grams): a
phrase of rarer words is cheap to check against the few pages that hold them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

# Whoosh's list plus the function words of a question ("what did councils do about …"),
# which would otherwise have to appear on a page for it to match.
_QUESTION_WORDS = """
    about above after again all also am any because been before being both could did do does
    doing done down during each few had has having he her here hers him his how i into its
    itself just me my nor now off once only our ours out over she should so some such than
    then there these they their them those through too under until up very was were what
    where which while who whom why would
"""
STOPS = frozenset(STOP_WORDS) | frozenset(_QUESTION_WORDS.split())
PAIR_JOINER = "_"
WORD = re.compile(r"[a-z0-9]+")
# Letters NFKD does not split into base + accent.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "\u0131": "i",  # dotless i
        "\u2019": "'",
        "\ufb01": "fi",
        "\ufb02": "fl",
    }
)
_MARKS = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without accents: 'Café' -> 'cafe'."""
    text = text.lower()
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_SPECIAL)))


@lru_cache(maxsize=300_000)
def stem_word(word: str) -> str:
    return stem(word)


def words(text: str) -> list[str]:
    """Folded words in order, stop words included."""
    return WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """Index terms in order: folded, stop words dropped, stemmed."""
    return [stem_word(w) for w in WORD.findall(fold(text)) if w not in STOPS]


def pairs(term_list: list[str], common: frozenset[str]) -> list[str]:
    """Neighbouring terms joined, where both are common."""
    return [a + PAIR_JOINER + b for a, b in pairwise(term_list) if a in common and b in common]

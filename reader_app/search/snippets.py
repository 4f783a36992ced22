"""Snippets: the stretch of a page's stored text where the query's words cluster.

A page is not re-analysed: one regex finds words that could match (they start
like a query stem), and only those are folded and stemmed to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader_app.search.analysis import fold, stem_word

WIDTH = 220  # characters in a snippet, about 30 words
LEAD = 40  # characters of context before the first match


@dataclass
class Matcher:
    stems: frozenset[str]
    prefixes: tuple[str, ...]
    candidates: re.Pattern[str] | None

    def matches(self, word: str) -> bool:
        folded = fold(word)
        return stem_word(folded) in self.stems or (
            bool(self.prefixes) and folded.startswith(self.prefixes)
        )

    def find(self, text: str) -> list[tuple[int, int]]:
        if self.candidates is None:
            return []
        return [m.span() for m in self.candidates.finditer(text) if self.matches(m.group())]


def make_matcher(stems: set[str], prefixes: tuple[str, ...]) -> Matcher:
    # Stems are prefixes of their words, give or take a final letter ("poverti"): look for
    # words that start with all but the last letter of a stem, then confirm each.
    starts = {s[:-1] if len(s) > 3 else s for s in stems} | set(prefixes)
    starts.discard("")
    if not starts:
        return Matcher(frozenset(stems), prefixes, None)
    alternatives = "|".join(re.escape(s) for s in sorted(starts, key=len, reverse=True))
    # Accented letters fold to plain ones, so allow any letter where the text may have one.
    pattern = re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)
    return Matcher(frozenset(stems), prefixes, pattern)


def _accent_safe(text: str) -> str:
    if text.isascii():
        return text
    folded = fold(text)
    return folded if len(folded) == len(text) else text


def snippet(text: str, matcher: Matcher) -> tuple[str, list[tuple[int, int]]]:
    """Return the best window of ``text`` and the (start, end) spans of matched words in it."""
    # Search a folded copy when folding keeps offsets, so "café" is found by "cafe".
    found = matcher.find(_accent_safe(text))
    if found:
        best, best_count, j = 0, 0, 0
        for i, (start, _end) in enumerate(found):
            while found[j][0] < start - WIDTH + LEAD:
                j += 1
            count = i - j + 1
            if count > best_count:
                best, best_count = j, count
        begin = max(0, found[best][0] - LEAD)
    else:
        begin = 0
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    end = min(len(text), begin + WIDTH)
    while end < len(text) and not text[end].isspace():
        end += 1
    body = " ".join(text[begin:end].split())
    result = ("… " if begin > 0 else "") + body + (" …" if end < len(text) else "")
    return result, matcher.find(_accent_safe(result))

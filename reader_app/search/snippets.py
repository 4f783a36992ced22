"""Snippets: the stretch of a page's stored text where the query's words cluster."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate

from reader_app.search.analysis import fold, stem_word

TOKEN = re.compile(r"\w+")
WINDOW = 30  # words in a snippet
LEAD = 4  # words of context before the first match

Matcher = Callable[[str], bool]  # folded word -> is it a match?


def make_matcher(stems: set[str], prefixes: tuple[str, ...]) -> Matcher:
    cache: dict[str, bool] = {}

    def matches(word: str) -> bool:
        found = cache.get(word)
        if found is None:
            found = stem_word(word) in stems or (bool(prefixes) and word.startswith(prefixes))
            cache[word] = found
        return found

    return matches


def _flags(text: str, matches: Matcher) -> tuple[list[re.Match[str]], list[int]]:
    # For ASCII text folding is lower-casing, which keeps offsets; fold word by word otherwise.
    if text.isascii():
        tokens = list(TOKEN.finditer(text.lower()))
        return tokens, [matches(t.group()) for t in tokens]
    tokens = list(TOKEN.finditer(text))
    return tokens, [matches(fold(t.group())) for t in tokens]


def snippet(text: str, matches: Matcher) -> tuple[str, list[tuple[int, int]]]:
    """Return the best window of ``text`` and the (start, end) spans of matched words in it."""
    tokens, flags = _flags(text, matches)
    if not tokens:
        return "", []
    sums = [0, *accumulate(flags)]
    best_start, best = 0, -1
    for start in range(max(1, len(tokens) - WINDOW + 1)):
        count = sums[min(len(tokens), start + WINDOW)] - sums[start]
        if count > best:
            best_start, best = start, count
    first = next((i for i in range(best_start, len(tokens)) if flags[i]), best_start)
    begin = max(0, min(best_start, first - LEAD))
    end = min(len(tokens), begin + WINDOW)
    body = " ".join(text[tokens[begin].start() : tokens[end - 1].end()].split())
    result = ("… " if begin > 0 else "") + body + (" …" if end < len(tokens) else "")
    spans = [(m.start(), m.end()) for m in TOKEN.finditer(result) if matches(fold(m.group()))]
    return result, spans

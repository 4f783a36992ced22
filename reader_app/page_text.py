"""The words on a page as the viewer uses them: which word is at a point, which words a
selection covers, the text to copy, and which words match a search."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence

Word = tuple[float, float, float, float, str, int, int]  # x0, y0, x1, y1, text, block, line


def normalise(text: str) -> str:
    """A word as search sees it: case and accents folded, punctuation at the ends gone."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    start, end = 0, len(folded)
    while start < end and not folded[start].isalnum():
        start += 1
    while end > start and not folded[end - 1].isalnum():
        end -= 1
    return folded[start:end]


def split_words(text: str) -> list[str]:
    """A word as the default analysis sees it: normalised, split at hyphens and slashes
    ("place-based" is "place" and "based", as the search index has it)."""
    return [n for part in text.replace("/", "-").split("-") if (n := normalise(part))]


def matching_words(
    words: Sequence[Word],
    terms: Iterable[str],
    analyse: Callable[[str], list[str]] = split_words,
) -> list[int]:
    """Indexes of the words that share an analysed form with one of ``terms``.

    ``analyse`` turns a word into the forms compared: the search passes its stemmer,
    so a search for "councils" also marks "council" on the page.
    """
    wanted = {form for term in terms for form in analyse(term)}
    return [i for i, word in enumerate(words) if wanted.intersection(analyse(word[4]))]


def word_at(words: Sequence[Word], x: float, y: float, nearest: bool = False) -> int | None:
    """The word under (x, y); with ``nearest``, the closest word when none is under it."""
    best, best_distance = None, float("inf")
    for i, (x0, y0, x1, y1, *_rest) in enumerate(words):
        if x0 <= x <= x1 and y0 <= y <= y1:
            return i
        if nearest:
            # Vertical distance counts more: a drag past a line's end stays on that line.
            dx = max(x0 - x, 0.0, x - x1)
            dy = max(y0 - y, 0.0, y - y1)
            distance = dx + 4 * dy
            if distance < best_distance:
                best, best_distance = i, distance
    return best


def text_of(words: Iterable[Word]) -> str:
    """Words joined as they were written: spaces within a line, new lines between lines."""
    pieces: list[str] = []
    previous: tuple[int, int] | None = None
    for word in words:
        line = (word[5], word[6])
        if previous is not None:
            pieces.append(" " if line == previous else "\n")
        pieces.append(word[4])
        previous = line
    return "".join(pieces)


def line_boxes(words: Iterable[Word]) -> list[tuple[float, float, float, float]]:
    """One box per line of ``words``, covering the spaces between them too."""
    lines: dict[tuple[int, int], list[float]] = {}
    for x0, y0, x1, y1, _text, block, line in words:
        box = lines.setdefault((block, line), [x0, y0, x1, y1])
        box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
    return [(b[0], b[1], b[2], b[3]) for b in lines.values()]


def quote_of(
    words: Sequence[Word], start: int, end: int, context: int = 32
) -> tuple[str, str, str, list[tuple[float, float, float, float]]]:
    """Words ``start``..``end`` (inclusive) as an annotation keeps them: the exact text with
    spaces collapsed, up to ``context`` characters either side, and one box per line."""
    exact = " ".join(text_of(words[start : end + 1]).split())
    before = " ".join(w[4] for w in words[max(0, start - context) : start])
    after = " ".join(w[4] for w in words[end + 1 : end + 1 + context])
    prefix = f"{before} " if before else ""
    suffix = f" {after}" if after else ""
    return exact, prefix[-context:], suffix[:context], line_boxes(words[start : end + 1])

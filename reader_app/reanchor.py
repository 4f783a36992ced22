"""Re-anchoring: placing annotations in a new version of their document by the text
they quote (the W3C TextQuoteSelector: exact, prefix, suffix), then saving where they went.

Two halves. ``plan_reanchor`` reads the new version with PyMuPDF (through
``documents.py``), so it runs in a worker process; it takes and returns plain
dataclasses. ``apply_placements`` writes the plan to SQLite in the caller's process,
in one transaction. An annotation whose quote is not in the new version is kept,
marked orphaned (``Annotation.anchor == "orphaned"``): still listed, under its old
page, with its quote, but with no place on the page (no quads).
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader_app.annotations import CONTEXT, Annotation, Annotations, Relocation
from reader_app.documents import DocumentError, Word, document_words
from reader_app.page_text import line_boxes

if TYPE_CHECKING:
    from reader_app.library import Library

Box = tuple[float, float, float, float]

STATUSES = ("placed", "moved", "kept", "orphaned")
HYPHENS = frozenset("-\u00ad\u2010\u2011")
_QUOTE_MARKS = str.maketrans(
    "\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033", "''''''\"\"\"\""
)
MAX_WEIGHED = 5000  # occurrences of one quote weighed, those nearest its old page
MAX_OCCURRENCES = 500_000  # looked at, at most: a common word in a long document
PAGE_DISTANCE_COST = 1  # in characters of matching context, per page away from the old page
WORD_EDGE_BONUS = 3  # for an occurrence that starts (or ends) where a word does


@functools.lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """One character as quotes are compared: case, width, ligatures and curly quotes
    folded; spaces and hyphens dropped (so line breaks and hyphenation do not matter)."""
    if ch.isspace() or ch in HYPHENS:
        return ""
    folded = unicodedata.normalize("NFKC", ch.translate(_QUOTE_MARKS)).casefold()
    return "".join(c for c in folded if not c.isspace() and c not in HYPHENS)


def fold(text: str) -> str:
    """Text as quotes are compared (see ``_fold``)."""
    return "".join(_fold(ch) for ch in text)


class DocumentText:
    """A document's words as one string, each page as ``anchor_quote`` shows it (spaces
    collapsed, a word hyphenated at a line's end joined again), with a folded copy for
    finding quotes and the way back from a character to its word and page."""

    def __init__(self, pages: Sequence[Sequence[Word]]) -> None:
        self.pages = pages
        self.page_first_word: list[int] = []  # document-wide index of each page's first word
        self.page_spans: list[tuple[int, int]] = []  # each page's characters in ``shown``
        self.word_page: list[int] = []  # 0-based page of each word
        self.word_spans: list[tuple[int, int]] = []  # each word's characters in ``shown``
        key: list[str] = []
        self.key_word: list[int] = []  # the word each folded character comes from
        self.key_at: list[int] = []  # and where in ``shown`` its character is
        shown: list[str] = []
        length = 0
        for number, words in enumerate(pages):
            if length:
                shown.append(" ")
                length += 1
            self.page_first_word.append(len(self.word_page))
            page_start = length
            joined = True  # no space before the page's first word
            for i, word in enumerate(words):
                text = word[4]
                after = words[i + 1] if i + 1 < len(words) else None
                join_next = (
                    len(text) > 1
                    and text[-1] in HYPHENS
                    and after is not None
                    and (after[5], after[6]) != (word[5], word[6])
                    and after[5] == word[5]
                )
                if join_next:
                    text = text[:-1]
                if not joined:
                    shown.append(" ")
                    length += 1
                index = len(self.word_page)
                self.word_page.append(number)
                self.word_spans.append((length, length + len(text)))
                for offset, ch in enumerate(text):
                    for k in _fold(ch):
                        key.append(k)
                        self.key_word.append(index)
                        self.key_at.append(length + offset)
                shown.append(text)
                length += len(text)
                joined = join_next
            self.page_spans.append((page_start, length))
        self.shown = "".join(shown)
        self.key = "".join(key)

    def occurrences(self, needle: str, limit: int = MAX_OCCURRENCES) -> list[int]:
        """Where the folded ``needle`` starts in ``key``."""
        found: list[int] = []
        start = self.key.find(needle)
        while start >= 0 and len(found) < limit:
            found.append(start)
            start = self.key.find(needle, start + 1)
        return found

    def word(self, index: int) -> Word:
        page = self.word_page[index]
        return self.pages[page][index - self.page_first_word[page]]

    def quote(self, start: int, end: int, context: int = CONTEXT) -> tuple[str, str, str]:
        """Characters ``start``..``end`` of ``shown`` as exact, prefix and suffix, the
        context kept within the page (as ``anchor_quote`` keeps it)."""
        page_start, _ = self.page_spans[self.word_page[self._word_at(start)]]
        _, page_end = self.page_spans[self.word_page[self._word_at(max(start, end - 1))]]
        return (
            self.shown[start:end],
            self.shown[max(page_start, start - context) : start],
            self.shown[end : min(page_end, end + context)],
        )

    def words_quote(self, first: int, last: int) -> tuple[str, str, str]:
        """Words ``first``..``last`` (document-wide indexes, inclusive) as a quote."""
        return self.quote(self.word_spans[first][0], self.word_spans[last][1])

    def boxes(self, first: int, last: int) -> list[Box]:
        """One box per line of words ``first``..``last``, on ``first``'s page only."""
        page = self.word_page[first]
        return line_boxes(self.word(i) for i in range(first, last + 1) if self.word_page[i] == page)

    def _word_at(self, position: int) -> int:
        return max(0, bisect.bisect_right(self.word_spans, (position, float("inf"))) - 1)


@dataclass(frozen=True)
class Placement(Relocation):
    """Where one annotation goes in the new version, and why."""

    old_page: int | None = None
    status: str = "placed"  # placed (same page), moved, kept (no quote), orphaned
    reason: str = ""  # for the user: how it was placed, or why it could not be

    @property
    def found(self) -> bool:
        return self.status != "orphaned"


def plan_reanchor(path: str | Path, annotations: Sequence[Annotation]) -> list[Placement]:
    """Where each annotation goes in the document at ``path`` (a new version of the one
    they were made on). Reads the file with PyMuPDF: call it in a worker process."""
    pages = document_words(path)
    if not pages:
        raise DocumentError(f"{Path(path).name} has no pages")
    text = DocumentText(pages)
    return [_place(text, annotation) for annotation in annotations]


def _place(text: DocumentText, annotation: Annotation) -> Placement:
    page_count = len(text.pages)
    old_page = annotation.page
    same: dict[str, Any] = {
        "annotation_id": annotation.id,
        "from_sha256": annotation.doc_sha256,
        "old_page": old_page,
    }
    kept_page = None if old_page is None else min(old_page, page_count)
    if not annotation.exact or old_page is None:
        moved = kept_page != old_page
        return Placement(
            **same,
            page=kept_page,
            quads=annotation.quads,
            exact=annotation.exact,
            prefix=annotation.prefix,
            suffix=annotation.suffix,
            orphaned=False,
            status="moved" if moved else "kept",
            reason=f"its page is gone: now on page {kept_page}, the last"
            if moved
            else "not tied to text: stays on its page",
        )
    needle = fold(annotation.exact)
    starts = text.occurrences(needle) if needle else []
    if not starts:
        return Placement(
            **same,
            page=kept_page,
            quads=(),
            exact=annotation.exact,
            prefix=annotation.prefix,
            suffix=annotation.suffix,
            orphaned=True,
            status="orphaned",
            reason="the quoted text is not in this version",
        )
    start = max(
        _candidates(text, annotation, needle, starts),
        key=lambda s: _weigh(text, annotation, s, len(needle)),
    )
    end = start + len(needle)
    first, last = text.key_word[start], text.key_word[end - 1]
    exact, prefix, suffix = text.quote(text.key_at[start], text.key_at[end - 1] + 1)
    page = text.word_page[first] + 1
    return Placement(
        **same,
        page=page,
        quads=tuple(text.boxes(first, last)),
        exact=exact,
        prefix=prefix,
        suffix=suffix,
        orphaned=False,
        status="placed" if page == old_page else "moved",
        reason="found on its page" if page == old_page else f"found on page {page}",
    )


def _candidates(
    text: DocumentText, annotation: Annotation, needle: str, starts: list[int]
) -> list[int]:
    """The occurrences worth weighing: with many, those nearest the old page, and any
    with the whole context around them."""
    if len(starts) <= MAX_WEIGHED:
        return starts
    old_page = annotation.page or 1
    nearest = sorted(starts, key=lambda s: abs(text.word_page[text.key_word[s]] + 1 - old_page))
    prefix = fold(annotation.prefix)
    whole = text.occurrences(prefix + needle + fold(annotation.suffix), MAX_WEIGHED)
    return nearest[:MAX_WEIGHED] + [s + len(prefix) for s in whole]


def _weigh(
    text: DocumentText, annotation: Annotation, start: int, length: int
) -> tuple[float, float, int]:
    """How likely the occurrence at ``start`` is the one quoted: context that matches,
    starting and ending where words do, nearness to the old page, then to the old place
    on the page; the earlier occurrence wins a tie."""
    end = start + length
    prefix, suffix = _folded(annotation.prefix), _folded(annotation.suffix)
    before = text.key[max(0, start - len(prefix)) : start]
    after = text.key[end : end + len(suffix)]
    context = _common_length(prefix[::-1], before[::-1]) + _common_length(suffix, after)
    shown_start, shown_end = text.key_at[start], text.key_at[end - 1] + 1
    edges = (shown_start == 0 or not text.shown[shown_start - 1].isalnum()) + (
        shown_end == len(text.shown) or not text.shown[shown_end].isalnum()
    )
    first_word = text.word(text.key_word[start])
    page = text.word_page[text.key_word[start]] + 1
    distance = abs(page - annotation.page) if annotation.page else 0
    score = context + WORD_EDGE_BONUS * edges - PAGE_DISTANCE_COST * distance
    drift = (
        abs(first_word[1] - annotation.quads[0][1])
        if annotation.quads and page == annotation.page
        else 0.0
    )
    return (score, -drift, -start)


@functools.lru_cache(maxsize=16)
def _folded(context: str) -> str:
    return fold(context)


def _common_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass
class ReanchorReport:
    """What ``apply_placements`` did, placement by placement."""

    placed: list[Placement] = field(default_factory=list)  # found on the same page
    moved: list[Placement] = field(default_factory=list)  # on another page now
    kept: list[Placement] = field(default_factory=list)  # no quote: page (and pin) kept
    orphaned: list[Placement] = field(default_factory=list)  # quote not found
    skipped: list[Placement] = field(default_factory=list)  # changed or gone meanwhile

    def to_dict(self) -> dict[str, Any]:
        def row(p: Placement) -> dict[str, Any]:
            return {
                "id": p.annotation_id,
                "old_page": p.old_page,
                "page": p.page,
                "quote": p.exact,
                "reason": p.reason,
            }

        groups = ("placed", "moved", "kept", "orphaned", "skipped")
        data: dict[str, Any] = {name: len(getattr(self, name)) for name in groups}
        data["annotations"] = [
            {"status": name, **row(p)} for name in groups for p in getattr(self, name)
        ]
        return data


def apply_placements(
    annotations: Annotations, placements: Iterable[Placement], new_sha256: str
) -> ReanchorReport:
    """Save a plan from ``plan_reanchor``: every annotation in it moves to version
    ``new_sha256``, in one transaction. One deleted or re-anchored since the plan was
    made is left alone (reported as skipped)."""
    placements = list(placements)
    done = set(annotations.relocate(new_sha256, placements))
    report = ReanchorReport()
    for placement in placements:
        group = placement.status if placement.annotation_id in done else "skipped"
        getattr(report, group).append(placement)
    return report


def reanchor_resource(library: Library, resource_id: str, timeout: float = 120.0) -> ReanchorReport:
    """Place a resource's notes made on an earlier version of its document in the current
    one: the text is searched in a worker process, the plan saved here. An empty report
    when every note is on the current version."""
    from reader_app.worker import run_isolated

    resource = library.resource(resource_id)
    notes = Annotations(library.store)
    stale = notes.stale(resource.id, resource.sha256)
    if not stale:
        return ReanchorReport()
    path = str(library.catalog.path_of(resource))
    placements = run_isolated(plan_reanchor, path, stale, timeout=timeout)
    return apply_placements(notes, placements, resource.sha256)

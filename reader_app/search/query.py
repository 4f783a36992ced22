"""Our query language, parsed into Whoosh queries. It never fails: what does not
parse is searched as plain words.

    words (all must match)  "exact phrase"  a OR b  NOT a  -a  prefix*  word~
    pillar:reform  kind:infographic  collection:…  tag:…  nation:…  title:…  year:2021
    year:undated
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh import query as wq

from reader_app.catalog import UNDATED
from reader_app.search.analysis import fold, pairs, stem_word, terms

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 64
FILTER_FIELDS = ("pillar", "kind", "collection", "tag", "nation")
# about: a strategy's council, nation, kind of council and themes.
TEXT_FIELDS = ("body", "title", "about")

_PIECE = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?P<value>"[^"]*"?|[^\s"()]+)|(?P<paren>[()"])'
)


@dataclass
class ParsedQuery:
    query: wq.Query
    stems: set[str] = field(default_factory=set)  # for highlighting
    prefixes: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # plain words as typed, for "did you mean"
    phrases: list[list[str]] = field(default_factory=list)  # to check against the page text

    @property
    def is_empty(self) -> bool:
        return self.query is wq.NullQuery


def clean(text: str) -> str:
    """Drop control characters and cap the length, so any input is safe to parse."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return text[:MAX_QUERY_CHARS]


def _either(field_terms: list[str]) -> wq.Query:
    """All terms must appear, each in the body or the title."""
    clauses = [wq.Or([wq.Term(f, t) for f in TEXT_FIELDS]) for t in field_terms]
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)


def _common_prefix(word: str) -> str:
    # Index terms are stems: "poverty*" must match "poverti", so cut to what both share.
    stemmed = stem_word(word)
    n = 0
    while n < min(len(word), len(stemmed)) and word[n] == stemmed[n]:
        n += 1
    return word[: max(n, min(len(word), 2))]


def _clause(piece: re.Match[str], parsed: ParsedQuery, common: frozenset[str]) -> wq.Query | None:
    name = (piece.group("field") or "").lower()
    value = piece.group("value") or ""
    if name in FILTER_FIELDS or name == "title":
        value = value.strip('"')
    if value.startswith('"'):
        found = terms(value.strip('"'))
        parsed.stems.update(found)
        if not found:
            return None
        if len(found) == 1:
            return _either(found)
        pair_terms = pairs(found, common)
        if not (len(found) == 2 and pair_terms):
            parsed.phrases.append(found)  # not fully answered by a pair: check the text
        return wq.And(
            [wq.Term("body", t) for t in found] + [wq.Term("pairs", p) for p in pair_terms]
        )
    if name in FILTER_FIELDS:
        folded = " ".join(fold(value).split())
        return wq.Term(name, folded) if folded else None
    if name == "year":
        value = value.lower()
        return wq.Term("year", value) if value.isdigit() or value == UNDATED else None
    if name == "title":
        found = terms(value)
        parsed.stems.update(found)
        return wq.And([wq.Term("title", t) for t in found]) if found else None
    if name:  # an unknown field: search the whole thing as words
        value = f"{name} {value}"
    if value.endswith("*") and len(value.strip("*")) >= 3:  # shorter would expand to too much
        word = fold(value.strip("*"))
        if not word.isalnum():
            return _words(value, parsed)
        prefix = _common_prefix(word)
        parsed.prefixes.append(prefix)
        return wq.Or([wq.Prefix(f, prefix) for f in TEXT_FIELDS])
    if value.endswith("~") and len(value.strip("~")) >= 3:
        found = terms(value.strip("~"))
        if len(found) != 1:
            return _words(value, parsed)
        parsed.fuzzy.append(found[0])
        parsed.stems.add(found[0])
        return wq.Or(
            [
                wq.FuzzyTerm(f, found[0], maxdist=2 if len(found[0]) > 6 else 1, prefixlength=1)
                for f in TEXT_FIELDS
            ]
        )
    return _words(value, parsed)


def _words(value: str, parsed: ParsedQuery) -> wq.Query | None:
    found = terms(value)
    if not found:
        return None
    parsed.stems.update(found)
    parsed.words.append(value)
    return _either(found)


def parse(text: str, common: frozenset[str] = frozenset()) -> ParsedQuery:
    parsed = ParsedQuery(wq.NullQuery)
    positive: list[wq.Query] = []
    negative: list[wq.Query] = []
    negate_next = or_next = False
    for piece in list(_PIECE.finditer(clean(text)))[:MAX_CLAUSES]:
        if piece.group("paren"):
            continue
        value = piece.group("value")
        if not piece.group("field") and not piece.group("neg") and value in ("AND", "OR", "NOT"):
            negate_next = negate_next or value == "NOT"
            or_next = value == "OR" and bool(positive)
            continue
        clause = _clause(piece, parsed, common)
        if clause is None:
            continue
        if negate_next or piece.group("neg"):
            negative.append(clause)
        elif or_next:
            positive.append(wq.Or([positive.pop(), clause]))
        else:
            positive.append(clause)
        negate_next = or_next = False
    if positive:
        q: wq.Query = positive[0] if len(positive) == 1 else wq.And(positive)
    elif negative:
        q = wq.Every()
    else:
        return parsed
    parsed.query = wq.AndNot(q, wq.Or(negative)) if negative else q
    return parsed

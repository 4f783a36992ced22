"""Pillar suggestion: score a document's text against each pillar's keywords and description.

Each pillar's vocabulary is its keywords (weighted ``KEYWORD_WEIGHT``) and the
words of its definition and description (weight 1), analysed as search analyses
text (folded, stop words dropped, stemmed), so "councils" matches "council".
Keywords of several words ("cost of living", "place-based") match as phrases.
Each feature is discounted by how many pillars share it, an inverse document
frequency over the four pillars, ``log(4 / df)``: a word in every pillar
("council", "digital" where all four use it) weighs nothing.

A document's evidence for a pillar is the sum over the pillar's features of
weight x (1 + log count), so a repeated word counts but does not swamp the
others. A pillar's score is its share of all pillars' evidence (0 to 1, summing
to 1 when there is any evidence), so the document's length cancels out. The
title, when known, counts ``TITLE_BOOST`` times (a heading says what a document is
about more reliably than its body: field weighting as in BM25F).

Lines repeated on more than one page (running heads and feet) and any text the
caller names as boilerplate (a publisher's banner, a collection's name) are
removed first.

Pillar *names* are not evidence: the words "Reset", "Reform", "Renew" and
"Resilient" (any case) are dropped from the text before scoring. Every bundled
document lists its pillars as chips and carries the collection title "Reset.
Reform. Renew. Resilient." in its header, so counting the names would measure the
labels rather than the content. Inflected forms that are ordinary words
("resilience", "reformed", "renewal") still count.

The caller extracts the page texts (``documents.page_texts`` in a worker); this
module does no file or PDF work.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reader_app.catalog import Pillar
from reader_app.search.analysis import STOPS, WORD, fold, stem_word

KEYWORD_WEIGHT = 2.0
DESCRIPTION_WEIGHT = 1.0
PASSAGES_PER_PILLAR = 3
TITLE_BOOST = 8.0
TERMS_PER_PILLAR = 12
PASSAGE_CHARS = 300
DEFAULT_MARGIN = 0.75

Feature = tuple[str, ...]  # one stem, or the stems of a keyword phrase

_TOKEN = re.compile(r"[^\W_]+")
# A sentence ends at . ! or ? before a space; a bullet, or a blank line, also starts a passage.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|\s*[•▪●◦]\s*|\n\s*\n")


@dataclass(frozen=True)
class Passage:
    page: int  # 1-based
    text: str
    score: float  # the weight of the pillar's features it holds


@dataclass(frozen=True)
class PillarScore:
    pillar_id: str
    score: float  # share of the document's pillar evidence, 0..1
    terms: list[tuple[str, int]] = field(
        default_factory=list
    )  # as written, count; weightiest first
    passages: list[Passage] = field(default_factory=list)  # best first


@dataclass(frozen=True)
class _Token:
    stem: str
    start: int
    end: int


def _tokens(text: str, ignored: frozenset[str] = frozenset()) -> list[_Token]:
    """Index terms with their place in ``text``; stop words and ``ignored`` words dropped."""
    tokens = []
    for match in _TOKEN.finditer(text):
        for word in WORD.findall(fold(match.group())):
            if word not in STOPS and word not in ignored:
                tokens.append(_Token(stem_word(word), match.start(), match.end()))
    return tokens


def _features(text: str) -> list[Feature]:
    return [(t.stem,) for t in _tokens(text)]


def _phrase(keyword: str) -> Feature:
    return tuple(t.stem for t in _tokens(keyword))


def pillar_weights(pillars: Sequence[Pillar]) -> dict[str, dict[Feature, float]]:
    """Each pillar's features and their weights (role weight x IDF over the pillars)."""
    roles: dict[str, dict[Feature, float]] = {}
    for pillar in pillars:
        role: dict[Feature, float] = {}
        for text in (pillar.definition, pillar.description):
            for feature in _features(text):
                role[feature] = DESCRIPTION_WEIGHT
        for keyword in pillar.keywords:
            feature = _phrase(keyword)
            if feature:
                role[feature] = KEYWORD_WEIGHT
        roles[pillar.id] = role
    df: Counter[Feature] = Counter(f for role in roles.values() for f in role)
    n = len(pillars)
    return {
        pid: {f: w * math.log(n / df[f]) for f, w in role.items() if df[f] < n}
        for pid, role in roles.items()
    }


def _pillar_names(pillars: Sequence[Pillar]) -> frozenset[str]:
    return frozenset(w for p in pillars for w in WORD.findall(fold(p.name)))


def _matches(
    tokens: list[_Token], features: Iterable[Feature]
) -> dict[Feature, list[tuple[int, int]]]:
    """Where each feature occurs in the token list, as (first, last+1) token indexes."""
    by_first: dict[str, list[Feature]] = defaultdict(list)
    for feature in features:
        by_first[feature[0]].append(feature)
    found: dict[Feature, list[tuple[int, int]]] = defaultdict(list)
    stems = [t.stem for t in tokens]
    for i, stem in enumerate(stems):
        for feature in by_first.get(stem, ()):
            if tuple(stems[i : i + len(feature)]) == feature:
                found[feature].append((i, i + len(feature)))
    return found


def _passages(text: str) -> list[str]:
    parts = (" ".join(p.split()) for p in _SENTENCE_END.split(text))
    return [p for p in parts if p]


def _trim(text: str, limit: int = PASSAGE_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


def _without_boilerplate(page_texts: Sequence[str], boilerplate: Iterable[str]) -> list[str]:
    """Pages without running heads and feet (a line on more than one page) and given phrases."""

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()).casefold())

    pages = [text.splitlines() for text in page_texts]
    seen: Counter[str] = Counter(k for lines in pages for k in {key(x) for x in lines if x.strip()})
    phrases = [" ".join(b.split()) for b in boilerplate if b.strip()]
    cleaned = []
    for lines in pages:
        text = "\n".join(x for x in lines if not x.strip() or seen[key(x)] < 2)
        for phrase in phrases:
            text = re.sub(r"\s+".join(map(re.escape, phrase.split())), " ", text, flags=re.I)
        cleaned.append(text)
    return cleaned


def suggest(
    pillars: Sequence[Pillar],
    page_texts: Sequence[str],
    *,
    title: str = "",
    boilerplate: Iterable[str] = (),
) -> list[PillarScore]:
    """Every pillar's score for the document, with its evidence, best first.

    ``title`` counts ``TITLE_BOOST`` times as much as the body; ``boilerplate`` is
    text to ignore wherever it appears (a publisher's banner, a collection name).
    """
    weights = pillar_weights(pillars)
    ignored = _pillar_names(pillars)
    all_features = {f for w in weights.values() for f in w}
    page_texts = _without_boilerplate(page_texts, boilerplate)
    title_counts = Counter(
        {f: len(spans) for f, spans in _matches(_tokens(title, ignored), all_features).items()}
    )

    counts: Counter[Feature] = Counter()
    written: dict[Feature, Counter[str]] = defaultdict(Counter)
    # (page, passage text, features it holds)
    passages: list[tuple[int, str, Counter[Feature]]] = []
    for page, page_text in enumerate(page_texts, start=1):
        for passage in _passages(page_text):
            tokens = _tokens(passage, ignored)
            held: Counter[Feature] = Counter()
            for feature, spans in _matches(tokens, all_features).items():
                held[feature] = len(spans)
                for first, last in spans:
                    written[feature][passage[tokens[first].start : tokens[last - 1].end]] += 1
            counts.update(held)
            if held:
                passages.append((page, passage, held))

    evidence = {
        pid: sum(w * (1 + math.log(counts[f])) for f, w in ws.items() if counts[f])
        + TITLE_BOOST * sum(w * n for f, n in title_counts.items() if (w := ws.get(f)))
        for pid, ws in weights.items()
    }
    total = sum(evidence.values())
    results = []
    for pillar in pillars:
        ws = weights[pillar.id]
        matched = sorted(
            (f for f in ws if counts[f]),
            key=lambda f: (-ws[f] * (1 + math.log(counts[f])), -counts[f], f),
        )
        terms = [(_as_written(written[f]), counts[f]) for f in matched[:TERMS_PER_PILLAR]]
        scored = [
            (sum(ws.get(f, 0.0) * (1 + math.log(n)) for f, n in held.items()), page, text)
            for page, text, held in passages
        ]
        best = sorted((s for s in scored if s[0] > 0), key=lambda s: -s[0])[:PASSAGES_PER_PILLAR]
        results.append(
            PillarScore(
                pillar_id=pillar.id,
                score=evidence[pillar.id] / total if total else 0.0,
                terms=terms,
                passages=[Passage(page, _trim(text), round(s, 3)) for s, page, text in best],
            )
        )
    order = {p.id: i for i, p in enumerate(pillars)}
    return sorted(results, key=lambda r: (-r.score, order[r.pillar_id]))


def _as_written(forms: Counter[str]) -> str:
    """The commonest way the text writes a term; lower case unless it is always capitalised."""
    form, _ = max(forms.items(), key=lambda kv: (kv[1], kv[0].islower()))
    lowered = [f for f in forms if f.islower()]
    return max(lowered, key=forms.__getitem__) if lowered else form


def suggested(scores: Sequence[PillarScore], threshold: float = DEFAULT_MARGIN) -> list[str]:
    """The main pillar, then any other with evidence scoring at least ``threshold`` x the main's."""
    ranked = sorted(scores, key=lambda s: -s.score)
    if not ranked or ranked[0].score <= 0:
        return []
    top = ranked[0].score
    return [s.pillar_id for s in ranked if s.score > 0 and s.score >= top * threshold]

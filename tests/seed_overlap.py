"""Close-paraphrase check: how near each sentence of ours comes to a sentence of the seed pages.

A sentence is a paraphrase when it keeps an original's wording: a long run of the same words,
or most of the original's word sequence with a few words swapped. Facts stated in our own
sentence shape ("more than 200 local authority recovery and resilience strategies") keep a
short run and little else, and pass.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

# Calibrated on the paraphrases the editor found (test_seed_overlap.py holds them as fixed
# examples that must be flagged) against our own sentences that state the same facts.
# A run of this many shared words is copying, whatever the rest of the sentence does.
MAX_RUN = 8
# Share of our sentence's content words that follow the seed sentence's, in its order, once
# facts are set aside: a paraphrase keeps the original's sequence and swaps a few words.
# 0.6 let through the reviewer's "art of the possible" paraphrases (0.45 and 0.5 followed);
# our own questions on the same subject share at most 0.5 of six words, hence MIN_CONTENT.
MAX_FOLLOWED = 0.45
# Sentences with fewer content words ("Reset.", "Free online resources", a six-word question)
# are names, headings or too short to carry an original's wording; facts alone never do.
MIN_CONTENT = 7

# Function words carry no wording of their own; ordered matches on them alone are chance.
_STOP_WORDS = """a about after all also an and any are as at be been being both but by can could
did do does each for from had has have how i if in into is it its may more most much must no not
now of on one only or other our out over own same should so some such than that the their them
then there these they this those through to too up upon us very was we were what when where
which while who whom why will with within would you your"""
STOP = frozenset(_STOP_WORDS.split())
# Facts the seeds give that any faithful sentence keeps: the pillars' defining terms and the
# collection's names and figures. SOURCES.md's fact list (its own words) is added to these.
FACT_PHRASES = (
    "ethical principles",
    "social economic and ecological foundations",
    "innovation and modernisation",
    "collaborating across place",
    "self sufficiency",
    "disruptive change",
    "disruptive changes",
    "sustainable and inclusive outcomes",
    "post covid",
    "covid 19",
    "place based recovery",
    "resilience and regeneration",
    "reset reform renew resilient",
    "st george's house",
    "william barker",
    "martin ferguson",
    "local public services",
    "local government",
)
FACT_LIST_HEADING = "Facts from those pages"

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ANCHOR = re.compile(r"\s*\{#[a-z0-9-]+\}\s*$")
_MARK = re.compile(r"^\s*(?:#{1,6}\s+|[-*]\s+|\d+\.\s+|>\s*)")


def words(text: str) -> list[str]:
    """Lower-case words with punctuation dropped (curly apostrophes count as straight)."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'").replace("\u2018", "'"))


def sentences(text: str) -> list[str]:
    """Split prose at sentence ends and line breaks (a list item or a heading is a sentence)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def markdown_prose(text: str) -> str:
    """The readable text of a source Markdown body: link text kept, markup dropped."""
    lines = []
    for line in text.splitlines():
        line = _ANCHOR.sub("", _MARK.sub("", line))
        line = _LINK.sub(r"\1", line).replace("**", "").replace("*", "")
        lines.append(line)
    return "\n".join(lines)


def toml_strings(value: object) -> Iterator[str]:
    """Every string in a parsed TOML document, depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from toml_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from toml_strings(item)


def source_sentences(path: Path) -> list[str]:
    """The sentences of one source file: Markdown front matter and body, or a TOML file."""
    text = path.read_text("utf-8")
    if path.suffix == ".md":
        _, front, body = text.split("+++", 2)
        strings = [*toml_strings(tomllib.loads(front)), markdown_prose(body)]
    else:
        strings = list(toml_strings(tomllib.loads(text)))
    found = []
    for string in strings:
        if string.startswith(("http://", "https://", "resource-reader://")):
            continue
        found.extend(sentences(string))
    return found


@dataclass(frozen=True)
class Facts:
    """Word sequences that state a seed fact: shared with a seed, they are not its wording."""

    phrases: frozenset[tuple[str, ...]]
    longest: int

    def covered(self, w: list[str]) -> list[bool]:
        """Which of these words fall inside a fact phrase."""
        mask = [False] * len(w)
        for i in range(len(w)):
            for n in range(2, min(self.longest, len(w) - i) + 1):
                if tuple(w[i : i + n]) in self.phrases:
                    mask[i : i + n] = [True] * n
        return mask


def load_facts(seeds: Path) -> Facts:
    """FACT_PHRASES plus every 3-word run of SOURCES.md's list of facts in our words."""
    phrases = {tuple(words(p)) for p in FACT_PHRASES}
    text = (seeds / "SOURCES.md").read_text("utf-8")
    listed = words(text.split(FACT_LIST_HEADING, 1)[1])
    phrases |= {tuple(listed[i : i + 3]) for i in range(len(listed) - 2)}
    return Facts(frozenset(phrases), max(len(p) for p in phrases))


def content(w: list[str], facts: Facts) -> list[str]:
    """The words that carry a sentence's own wording: no function words, no facts."""
    mask = facts.covered(w)
    return [word for word, fact in zip(w, mask, strict=True) if not fact and word not in STOP]


@dataclass(frozen=True)
class Overlap:
    """How one sentence of ours compares with one seed sentence."""

    run: int  # longest run of consecutive shared words, facts included
    followed: float  # share of our content words matched, in order, in the seed's
    size: int  # how many content words ours has once facts are set aside

    @property
    def too_close(self) -> bool:
        return self.run >= MAX_RUN or (self.size >= MIN_CONTENT and self.followed >= MAX_FOLLOWED)


def overlap(ours: str, seed: str, facts: Facts) -> Overlap:
    a, b = words(ours), words(seed)
    run = SequenceMatcher(None, a, b, autojunk=False).find_longest_match().size if a and b else 0
    ca, cb = content(a, facts), content(b, facts)
    if len(ca) < MIN_CONTENT or len(cb) < MIN_CONTENT:
        return Overlap(run, 0.0, len(ca))
    matched = SequenceMatcher(None, ca, cb, autojunk=False).get_matching_blocks()
    return Overlap(run, sum(m.size for m in matched) / len(ca), len(ca))


def seed_sentences(seeds: Path) -> list[str]:
    """Every sentence of the original pages (the 0*.txt files beside SOURCES.md)."""
    found = []
    for path in sorted(seeds.glob("0*.txt")):
        found.extend(sentences(path.read_text("utf-8")))
    return found


def too_close(ours: str, seeds: list[str], facts: Facts) -> list[tuple[str, Overlap]]:
    """The seed sentences that this sentence of ours comes too close to."""
    hits = []
    for seed in seeds:
        found = overlap(ours, seed, facts)
        if found.too_close:
            hits.append((seed, found))
    return hits

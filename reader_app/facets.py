"""Facets: combinable filters over the library (pillar, kind, collection, nation, council
type, tag, year) and the counts shown beside each value.

Within a facet the chosen values are alternatives (Reset or Renew); across facets
they all apply (Renew and infographic). A value's count is how many resources the
selection would show if that value were chosen too, as in any faceted catalogue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from reader_app.catalog import UNDATED, Resource

FACETS = ("pillar", "kind", "collection", "nation", "council_type", "tag", "year")


@dataclass(frozen=True)
class Selection:
    pillar: frozenset[str] = field(default_factory=frozenset)
    kind: frozenset[str] = field(default_factory=frozenset)
    collection: frozenset[str] = field(default_factory=frozenset)
    tag: frozenset[str] = field(default_factory=frozenset)
    year: frozenset[str] = field(default_factory=frozenset)
    nation: frozenset[str] = field(default_factory=frozenset)
    council_type: frozenset[str] = field(default_factory=frozenset)

    def values(self, facet: str) -> frozenset[str]:
        return getattr(self, facet)

    def toggled(self, facet: str, value: str) -> Selection:
        chosen = self.values(facet)
        return replace(self, **{facet: chosen - {value} if value in chosen else chosen | {value}})

    def without(self, facet: str) -> Selection:
        return replace(self, **{facet: frozenset()})

    @property
    def is_empty(self) -> bool:
        return not any(self.values(f) for f in FACETS)


TagsOf = Callable[[str], Iterable[str]]


def facet_values(resource: Resource, facet: str, tags_of: TagsOf) -> set[str]:
    if facet == "pillar":
        return set(resource.pillars)
    if facet == "tag":
        return {t.casefold() for t in tags_of(resource.id)}
    if facet == "year":
        return {str(resource.year) if resource.year is not None else UNDATED}
    value = getattr(resource, facet)
    return {value} if value else set()  # no nation: not counted under any


def matches(resource: Resource, selection: Selection, tags_of: TagsOf) -> bool:
    for facet in FACETS:
        chosen = selection.values(facet)
        if facet == "tag":
            chosen = frozenset(t.casefold() for t in chosen)
        if chosen and not chosen & facet_values(resource, facet, tags_of):
            return False
    return True


def select(resources: Iterable[Resource], selection: Selection, tags_of: TagsOf) -> list[Resource]:
    return [r for r in resources if matches(r, selection, tags_of)]


def counts(
    resources: Iterable[Resource], selection: Selection, tags_of: TagsOf
) -> Mapping[str, Counter[str]]:
    """For each facet, how many resources each of its values would show."""
    resources = list(resources)
    result: dict[str, Counter[str]] = {}
    for facet in FACETS:
        others = selection.without(facet)
        found: Counter[str] = Counter()
        for resource in resources:
            if matches(resource, others, tags_of):
                found.update(facet_values(resource, facet, tags_of))
        result[facet] = found
    return result

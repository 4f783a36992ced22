"""The council strategies directory: how the strategies spread over the pillars and
nations, and the selection a directory link (``deep_links.parse_directory_link``) asks for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reader_app.catalog import NATIONS, PILLARS, Resource
from reader_app.facets import Selection

KIND = "strategy"


def strategies(resources: Iterable[Resource]) -> list[Resource]:
    return [r for r in resources if r.kind == KIND]


def spread(
    resources: Iterable[Resource], pillars: Iterable[str] = PILLARS
) -> dict[str, dict[str, int]]:
    """pillar -> nation -> how many strategies emphasise that pillar in that nation.

    Every pillar of ``pillars`` and every nation is there, 0 where none is, in their
    usual order (a pillar or nation outside them follows, as first met). A strategy
    counts once under each of its pillars; one without a nation under none.
    """
    found = strategies(resources)
    pillar_order = list(dict.fromkeys([*pillars, *(p for r in found for p in r.pillars)]))
    nation_order = list(dict.fromkeys([*NATIONS, *(r.nation for r in found if r.nation)]))
    matrix = {p: dict.fromkeys(nation_order, 0) for p in pillar_order}
    for resource in found:
        if not resource.nation:
            continue
        for pillar in dict.fromkeys(resource.pillars):  # a pillar named twice counts once
            matrix[pillar][resource.nation] += 1
    return matrix


def directory_selection(values: Mapping[str, str]) -> Selection:
    """The facet selection showing the strategies a directory link's values ask for
    (``parse_directory_link``'s result): kind strategy, and each value given."""
    chosen = {facet: frozenset({value}) for facet, value in values.items() if value}
    return Selection(kind=frozenset({KIND}), **chosen)

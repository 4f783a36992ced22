"""What an export holds: a scope (which annotations), grouped by resource or pillar,
each annotation with the citation a reader's document needs and a link back to its page.

Plain data for every format module; nothing here knows a format."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader_app.annotations import Annotation, AnnotationFilter, Annotations
from reader_app.catalog import Resource
from reader_app.deep_links import deep_link
from reader_app.library import Library

GROUPINGS = ("resource", "pillar")
__all__ = ["deep_link"]  # the formats' link back to a page, from here with the rest


@dataclass(frozen=True)
class ExportScope:
    """Which annotations: every filter given must hold (None: no filter)."""

    resource_ids: frozenset[str] | None = None
    pillar: str | None = None
    tag: str | None = None
    color: str | None = None
    since: str | None = None  # ISO date (YYYY-MM-DD), on the day the annotation was made
    until: str | None = None  # ISO date, inclusive
    annotation_ids: frozenset[str] | None = None  # a selection


@dataclass(frozen=True)
class Citation:
    resource_id: str
    title: str
    collection: str  # the collection's title
    date: str  # the resource's date, as the catalog gives it
    page: int | None  # None: the whole document
    url: str  # the original, on the publisher's site
    link: str  # back to the page in the app (deep_link)

    def text(self) -> str:
        """One line, as a reference list would have it."""
        where = f", p. {self.page}" if self.page else ""
        return f"{self.title}. {self.collection}, {self.date}{where}. {self.url}"


@dataclass(frozen=True)
class ExportItem:
    annotation: Annotation
    citation: Citation


@dataclass
class ExportGroup:
    key: str  # resource id or pillar id
    heading: str  # the resource's title or the pillar's name
    items: list[ExportItem] = field(default_factory=list)


def citation(library: Library, resource: Resource, page: int | None) -> Citation:
    collection = library.catalog.collection(resource.collection)
    return Citation(
        resource_id=resource.id,
        title=resource.title,
        collection=collection.title if collection else resource.collection,
        date=resource.date,
        page=page,
        url=resource.source_url,
        link=deep_link(resource.id, page),
    )


def select(library: Library, scope: ExportScope) -> list[Annotation]:
    """The annotations in ``scope``, by resource then page (as ``Annotations.find``)."""
    ids = scope.resource_ids
    if scope.pillar is not None:
        in_pillar = {r.id for r in library.catalog.resources if scope.pillar in r.pillars}
        ids = in_pillar if ids is None else set(ids) & in_pillar
    found = Annotations(library.store).find(
        AnnotationFilter(
            resource_ids=None if ids is None else set(ids),
            tag=scope.tag,
            color=scope.color,
            ids=None if scope.annotation_ids is None else set(scope.annotation_ids),
        )
    )
    return [
        a
        for a in found
        if library.catalog.get(a.resource_id) is not None
        and (scope.since is None or a.created[:10] >= scope.since)
        and (scope.until is None or a.created[:10] <= scope.until)
    ]


def collect(
    library: Library, scope: ExportScope = ExportScope(), group_by: str = "resource"
) -> list[ExportGroup]:
    """The annotations in ``scope`` with their citations, grouped by resource (in title
    order) or by the resource's main pillar (in the manifest's pillar order); each group
    ordered by resource, then page."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {group_by!r}")
    groups: dict[str, ExportGroup] = {}
    for annotation in select(library, scope):
        resource = library.resource(annotation.resource_id)
        if group_by == "pillar":
            pillar = library.catalog.pillar(resource.main_pillar)
            key, heading = resource.main_pillar, pillar.name if pillar else resource.main_pillar
        else:
            key, heading = resource.id, resource.title
        group = groups.setdefault(key, ExportGroup(key, heading))
        group.items.append(ExportItem(annotation, citation(library, resource, annotation.page)))
    if group_by == "pillar":
        order = {p.id: i for i, p in enumerate(library.catalog.pillars)}
        ordered = sorted(groups.values(), key=lambda g: order.get(g.key, len(order)))
    else:
        ordered = sorted(groups.values(), key=lambda g: g.heading.casefold())
    for group in ordered:
        group.items.sort(
            key=lambda i: (
                i.citation.title.casefold(),
                i.annotation.page or 0,
                i.annotation.quads[0][1] if i.annotation.quads else 0,
                i.annotation.created,
            )
        )
    return ordered

"""The library service: the catalog joined with the user's store.

Constructed once in ``main()`` and handed to the CLI or the GUI; nothing
reaches for a global.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader_app.catalog import Catalog, Resource
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, AppPaths, bundled_dir
from reader_app.store import Store


class UnknownResourceError(LookupError):
    def __init__(self, resource_id: str) -> None:
        super().__init__(f"no resource with id '{resource_id}' (see 'reader-app list')")
        self.resource_id = resource_id


@dataclass(frozen=True)
class Filters:
    pillar: str | None = None
    kind: str | None = None
    collection: str | None = None
    tag: str | None = None
    year: int | None = None


class Library:
    def __init__(self, catalog: Catalog, store: Store) -> None:
        self.catalog = catalog
        self.store = store

    @classmethod
    def open(cls, paths: AppPaths) -> Library:
        catalog = load_manifest(bundled_dir() / MANIFEST_NAME)
        paths.ensure()
        return cls(catalog, Store(paths.database))

    def close(self) -> None:
        self.store.close()

    def resource(self, resource_id: str) -> Resource:
        resource = self.catalog.get(resource_id)
        if resource is None:
            raise UnknownResourceError(resource_id)
        return resource

    def resources(self, filters: Filters = Filters()) -> list[Resource]:
        ids = self.store.resources_tagged(filters.tag) if filters.tag else None
        return self.catalog.filter(
            pillar=filters.pillar,
            kind=filters.kind,
            collection=filters.collection,
            year=filters.year,
            ids=ids,
        )

    def add_tags(self, resource_id: str, tags: list[str]) -> list[str]:
        return self.store.add_tags(self.resource(resource_id).id, tags)

    def remove_tags(self, resource_id: str, tags: list[str]) -> list[str]:
        return self.store.remove_tags(self.resource(resource_id).id, tags)

    def describe(self, resource: Resource, tags: list[str] | None = None) -> dict[str, Any]:
        """The resource as plain data, the shape ``list --json`` prints."""
        collection = self.catalog.collection(resource.collection)
        return {
            "id": resource.id,
            "title": resource.title,
            "kind": resource.kind,
            "pillars": list(resource.pillars),
            "collection": resource.collection,
            "collection_title": collection.title if collection else resource.collection,
            "date": resource.date,
            "pages": resource.pages,
            "tags": tags if tags is not None else self.store.tags_of(resource.id),
            "source": resource.source,
            "summary": resource.summary,
            "label": resource.label,
            "source_url": resource.source_url,
            "media_type": resource.media_type,
            "path": str(self.catalog.path_of(resource)),
        }

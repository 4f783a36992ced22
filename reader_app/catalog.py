"""The catalog: pillars, collections and resources, and the filters over them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader_app.safe_paths import inside

KINDS = ("briefing", "infographic", "guide", "case-study", "strategy")
# What a reader may give their own documents: a strategy is a council's page summarised for the
# bundled directory, and carries fields (council, nation) an imported file does not have.
OWN_KINDS = ("briefing", "infographic", "guide", "case-study")
NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
COUNCIL_TYPES = (
    "county",
    "district",
    "unitary",
    "metropolitan borough",
    "london borough",
    "city",
    "island",
    "combined authority",
)
UNDATED = "undated"  # the year facet's value for a resource with no date
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    definition: str
    description: str
    colour: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    date: str
    url: str
    description: str


@dataclass(frozen=True)
class Resource:
    id: str
    title: str
    kind: str
    pillars: tuple[str, ...]  # main pillar first
    collection: str
    date: str  # ISO date, or year-month / year where only that is known
    summary: str
    source_url: str
    file: str  # relative to the catalog's root
    sha256: str
    pages: int
    media_type: str
    label: str = ""
    alt_text: str = ""
    transcript: str = ""
    source: str = "bundled"  # or "imported" (the reader's own), or "pack"
    edition: int = 1  # a pack's newer edition of a resource replaces it
    date_approximate: bool = False  # a bare year standing for "about then" ("c. 2022")
    council: str = ""  # a strategy's council, nation and kind of council
    nation: str = ""
    council_type: str = ""
    themes: tuple[str, ...] = ()

    @property
    def main_pillar(self) -> str:
        return self.pillars[0]

    @property
    def year(self) -> int | None:
        """None for a strategy whose council's page gives no date."""
        return int(self.date[:4]) if self.date else None

    @property
    def display_date(self) -> str:
        """The date as a reader sees it: "25 June 2020", "June 2021", "c. 2022", "Undated"."""
        return display_date(self.date, approximate=self.date_approximate)


@dataclass(frozen=True)
class Catalog:
    """The validated contents of a manifest; ``root`` is where its files are."""

    root: Path
    pillars: tuple[Pillar, ...]
    collections: tuple[Collection, ...]
    resources: tuple[Resource, ...]
    _by_id: dict[str, Resource] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {r.id: r for r in self.resources})

    def get(self, resource_id: str) -> Resource | None:
        return self._by_id.get(resource_id)

    def path_of(self, resource: Resource) -> Path:
        """Where a resource's file is: a bundled one's name resolved inside ``root``
        (UnsafePathError if it leads outside); the reader's own are absolute, resolved
        inside the data folder when read (``importing.imported_resources``)."""
        if Path(resource.file).is_absolute():
            return Path(resource.file)
        return inside(self.root, resource.file)

    def pillar(self, pillar_id: str) -> Pillar | None:
        return next((p for p in self.pillars if p.id == pillar_id), None)

    def collection(self, collection_id: str) -> Collection | None:
        return next((c for c in self.collections if c.id == collection_id), None)

    def filter(
        self,
        *,
        pillar: str | None = None,
        kind: str | None = None,
        collection: str | None = None,
        year: int | None = None,
        ids: Iterable[str] | None = None,
    ) -> list[Resource]:
        """Resources matching every filter given, in manifest order."""
        wanted = set(ids) if ids is not None else None
        return [
            r
            for r in self.resources
            if (pillar is None or pillar in r.pillars)
            and (kind is None or r.kind == kind)
            and (collection is None or r.collection == collection)
            and (year is None or r.year == year)
            and (wanted is None or r.id in wanted)
        ]

    def years(self) -> Sequence[int]:
        return sorted({r.year for r in self.resources if r.year is not None})


def display_date(value: str, *, approximate: bool = False) -> str:
    if not value:
        return "Undated"
    parts = value.split("-")
    if len(parts) == 1:
        return f"c. {value}" if approximate else value
    month = _MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"

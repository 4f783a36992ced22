"""Search results as plain data, for the CLI and the GUI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Hit:
    resource_id: str
    page: int  # 1-based
    score: float
    snippet: str  # plain text
    spans: list[tuple[int, int]]  # (start, end) of each matched word in the snippet
    origin: str = "page"  # or "note": the hit is an annotation's quote or note text
    annotation_id: str | None = None  # the annotation, for a hit from a note

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResults:
    query: str
    total: int  # matching pages and notes, not only those returned
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    notices: tuple[str, ...] = ()  # for the user: why the results may be incomplete

    def grouped(self) -> list[tuple[str, list[Hit]]]:
        """Hits grouped by resource, groups in order of their best hit."""
        groups: dict[str, list[Hit]] = {}
        for hit in self.hits:
            groups.setdefault(hit.resource_id, []).append(hit)
        return list(groups.items())

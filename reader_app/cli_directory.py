"""``reader-app directory``: how the council strategies spread over the pillars and the
nations, with the counts of each nation, kind of council and year, and the link that
opens each cell's list in the app."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reader_app.catalog import UNDATED
from reader_app.cli_output import print_json, terminal_text
from reader_app.deep_links import directory_link
from reader_app.directory import KIND, spread
from reader_app.facets import Selection
from reader_app.library import Library


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "directory",
        help="the council strategies directory: strategies per pillar and nation",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")


def directory_report(library: Library) -> dict[str, Any]:
    """The spread, the facet counts over the strategies, and each cell's link."""
    matrix = spread(library.catalog.resources, [p.id for p in library.catalog.pillars])
    found = library.facet_counts(Selection(kind=frozenset({KIND})))
    return {
        "strategies": found["kind"][KIND],
        "spread": matrix,
        "links": {
            pillar: {nation: directory_link(pillar=pillar, nation=nation) for nation in row}
            for pillar, row in matrix.items()
        },
        "nations": dict(found["nation"].most_common()),
        "council_types": dict(found["council_type"].most_common()),
        "years": dict(sorted(found["year"].items(), key=lambda kv: (kv[0] == UNDATED, kv[0]))),
    }


def cmd_directory(library: Library, args: argparse.Namespace) -> int:
    report = directory_report(library)
    if args.json:
        print_json(report)
        return 0
    if not report["strategies"]:
        print("No council strategies in the library.", file=sys.stderr)
        return 0
    matrix: dict[str, dict[str, int]] = report["spread"]
    nations = list(next(iter(matrix.values()), {}))
    names = {p.id: p.name for p in library.catalog.pillars}
    first = max((len(names.get(p, p)) for p in matrix), default=6)
    widths = [max(len(n), 3) for n in nations]
    header = "  ".join(f"{n:>{w}}" for n, w in zip(nations, widths, strict=True))
    print(terminal_text(f"{'':<{first}}  {header}"))
    for pillar, row in matrix.items():
        cells = "  ".join(f"{row[n]:>{w}}" for n, w in zip(nations, widths, strict=True))
        print(terminal_text(f"{names.get(pillar, pillar):<{first}}  {cells}"))
    print()
    for title, key in (("Kinds of council", "council_types"), ("Years", "years")):
        counted = ", ".join(f"{value} {n}" for value, n in report[key].items())
        print(terminal_text(f"{title}: {counted or '-'}"))
    print(f"{report['strategies']} strategies (a strategy counts under each of its pillars)")
    return 0

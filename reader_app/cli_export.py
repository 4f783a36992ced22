"""``reader-app export`` and ``reader-app import-notes``: notes out to the documents
people write, and W3C Web Annotation files back in."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from reader_app.cli_output import print_json, terminal_text
from reader_app.export.formats import FORMATS, ExportError, export
from reader_app.export.scope import GROUPINGS, ExportScope
from reader_app.library import Library


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("export", help="export notes and highlights to a file")
    p.add_argument("--format", required=True, choices=list(FORMATS), help="the file's format")
    p.add_argument("--resource", action="append", metavar="ID", help="repeatable")
    p.add_argument("--pillar", metavar="P")
    p.add_argument("--tag", metavar="T")
    p.add_argument("--color", metavar="C")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="made on or after this day")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="made on or before this day")
    p.add_argument("--group-by", choices=GROUPINGS, default="resource")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="a file or a folder")
    p.add_argument("--json", action="store_true", help="print a JSON report")

    p = sub.add_parser("import-notes", help="import notes from a W3C Web Annotation file")
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--json", action="store_true", help="print a JSON report")


def cmd_export(library: Library, args: argparse.Namespace) -> int:
    fmt = FORMATS[args.format]
    for resource_id in args.resource or ():
        library.resource(resource_id)  # an unknown id is an error, not an empty export
    scope = ExportScope(
        resource_ids=frozenset(args.resource) if args.resource else None,
        pillar=args.pillar,
        tag=args.tag,
        color=args.color,
        since=args.since,
        until=args.until,
    )
    output = Path(args.output)
    if args.output.endswith(("/", os.sep)):  # a folder, whether or not it exists yet
        output.mkdir(parents=True, exist_ok=True)
    path, count = export(library, fmt, output, scope, args.group_by)
    if args.json:
        print_json({"path": str(path), "format": fmt.id, "annotations": count})
    else:
        print(f"exported {count} annotation{'s' * (count != 1)} to {terminal_text(path)}")
    return 0


def cmd_import_notes(library: Library, args: argparse.Namespace) -> int:
    from reader_app.export.w3c import NotesFileError, import_notes

    try:
        report = import_notes(library, Path(args.file))
    except NotesFileError as exc:
        raise ExportError(str(exc)) from None  # one line for the user, as every error
    data = report.to_dict()
    if args.json:
        print_json(data)
    else:
        print(f"imported {data['imported']}, skipped {data['skipped']} already there")
        for refused in data["refused"]:  # the file's own ids, quoted in the reasons too
            print(terminal_text(f"refused {refused['id']}: {refused['reason']}"))
    return 1 if data["refused"] and not data["imported"] and not data["skipped"] else 0

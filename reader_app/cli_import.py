"""``reader-app import`` and ``reader-app remove``: the reader's own documents."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reader_app.catalog import OWN_KINDS
from reader_app.cli_output import print_json, terminal_text
from reader_app.library import Library


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("import", help="add your own documents (PDF, EPUB, images) to the library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--pillar", action="append", default=[], metavar="P", help="repeatable")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="repeatable")
    p.add_argument("--title", metavar="T", help="the title (default: from the document)")
    p.add_argument("--password", default="", metavar="PW", help="for an encrypted PDF")
    p.add_argument("--json", action="store_true", help="print a JSON array, one per path")

    p = sub.add_parser("edit", help="change the title, kind or pillars of a document you imported")
    p.add_argument("id")
    p.add_argument("--title", metavar="T")
    p.add_argument("--kind", choices=OWN_KINDS)
    p.add_argument(
        "--pillar", action="append", metavar="P", help="repeatable: replaces its pillars"
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")

    p = sub.add_parser("remove", help="remove a document you imported")
    p.add_argument("id")
    p.add_argument(
        "--delete-notes", action="store_true", help="delete its notes too (kept by default)"
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")


def cmd_import(library: Library, args: argparse.Namespace) -> int:
    results = library.import_files(
        [Path(p) for p in args.paths],
        password=args.password,
        title=args.title,
        pillars=tuple(args.pillar),
        tags=tuple(args.tag),
    )
    if any(r.status == "imported" for r in results):
        library.update_index()  # searchable at once
    if args.json:
        print_json([r.to_dict() for r in results])
    else:
        for r in results:
            what = r.error if r.status == "error" else r.resource_id
            print(terminal_text(f"{r.status:<9} {r.path}: {what}"))
            for notice in r.notices:
                print(f"          {terminal_text(notice)}")
    return 1 if any(r.status == "error" for r in results) else 0


def cmd_edit(library: Library, args: argparse.Namespace) -> int:
    pillars = tuple(args.pillar) if args.pillar else None
    resource = library.edit_resource(args.id, title=args.title, kind=args.kind, pillars=pillars)
    if args.json:
        print_json(library.describe(resource))
    else:
        pillars = ", ".join(resource.pillars)
        print(terminal_text(f"{resource.id}: {resource.title} ({resource.kind}; {pillars})"))
    return 0


def cmd_remove(library: Library, args: argparse.Namespace) -> int:
    resource = library.resource(args.id)
    library.remove_resource(args.id, keep_notes=not args.delete_notes)
    library.update_index()
    if args.json:
        print_json({"removed": args.id, "notes_kept": not args.delete_notes})
    else:
        kept = "" if args.delete_notes else "; its notes are kept"
        print(terminal_text(f"removed {resource.title}{kept}"))
    return 0

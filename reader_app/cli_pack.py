"""``reader-app pack import`` and ``reader-app pack export``: resource packs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reader_app.cli_output import print_json, terminal_text
from reader_app.library import Library
from reader_app.packs.export import export_pack
from reader_app.packs.format import printable
from reader_app.packs.install import PackReport, install_pack


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    pack = sub.add_parser("pack", help="install or write resource packs (collections, updates)")
    actions = pack.add_subparsers(
        dest="pack_command", metavar="ACTION", parser_class=parser_class, required=True
    )
    p = actions.add_parser(
        "import", help="install a pack: new resources, newer editions (notes re-anchored)"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check it and say what would change")
    p.add_argument("--json", action="store_true", help="print a JSON report")

    p = actions.add_parser("export", help="write a collection as a pack")
    p.add_argument("--collection", required=True, metavar="C", help="collection id (see 'list')")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--with-notes", action="store_true", help="include your notes (W3C JSON)")
    p.add_argument("--title", metavar="T", help="the pack's title (default: the collection's)")
    p.add_argument("--json", action="store_true", help="print a JSON object")


def cmd_pack(library: Library, args: argparse.Namespace) -> int:
    if args.pack_command == "export":
        report = export_pack(
            library,
            args.collection,
            Path(args.output),
            with_notes=args.with_notes,
            title=args.title,
        )
        if args.json:
            print_json(report.to_dict())
        else:
            notes = f" and {report.notes} notes" if args.with_notes else ""
            print(
                f"wrote {report.resources} resources{notes} to {terminal_text(report.path)} "
                f"({report.size:,} bytes)"
            )
        return 0
    report = install_pack(library, Path(args.file), dry_run=args.dry_run)
    if report.changed:
        library.update_index()  # searchable at once
    if args.json:
        print_json(report.to_dict())
    else:
        _print_report(report)
    return 1 if report.count("error") else 0


def _print_report(report: PackReport) -> None:
    verb = "would install" if report.dry_run else "installed"
    counts = ", ".join(
        f"{report.count(s)} {s}"
        for s in ("added", "updated", "unchanged", "skipped", "error")
        if report.count(s)
    )
    print(f"{verb} {terminal_text(repr(report.title))}: {counts or 'nothing'}")
    for item in report.items:
        edition = ""
        if item.status == "updated":
            edition = f" (edition {item.old_edition} → {item.new_edition})"
        print(terminal_text(f"  {item.status:<9} {item.resource_id}: {item.title}{edition}"))
        if item.detail:  # may quote a worker's error about a hostile document
            print(f"            {printable(item.detail, 1000)}")
        for change in item.changes:
            print(f"            {terminal_text(change)}")
        if item.reanchored is not None:
            r = item.reanchored
            if r.placed or r.moved or r.orphaned or r.kept:
                print(
                    f"            your notes: {len(r.placed)} in place, {len(r.moved)} moved, "
                    f"{len(r.orphaned)} not found in the new edition"
                )
    if report.notes and "imported" in report.notes:
        print(
            f"  notes: {report.notes['imported']} taken in, {report.notes['skipped']} "
            f"already here, {len(report.notes['refused'])} refused"
        )

"""``reader-app note``: add, list, edit and delete annotations from the command line;
re-anchor them in a new version of their document; take in those a PDF already has."""

from __future__ import annotations

import argparse
from typing import Any

from reader_app.annotations import (
    COLOURS,
    KINDS,
    Annotation,
    AnnotationError,
    AnnotationFilter,
    Annotations,
)
from reader_app.cli_output import print_json, terminal_text
from reader_app.documents import anchor_quote
from reader_app.library import Library
from reader_app.pdf_annotations import read_pdf_annotations, take_into_store
from reader_app.reanchor import reanchor_resource
from reader_app.worker import run_isolated


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    note = sub.add_parser("note", help="add, list, edit or delete notes and highlights")
    actions = note.add_subparsers(
        dest="note_command", metavar="ACTION", parser_class=parser_class, required=True
    )
    colours = ", ".join(COLOURS)

    p = actions.add_parser("add", help="add a note to a page (anchored to a quote with --quote)")
    p.add_argument("id", help="the resource")
    p.add_argument("--page", type=int, metavar="N", help="the page (1-based)")
    p.add_argument("--text", default="", metavar="TEXT", help="the note")
    p.add_argument("--quote", metavar="QUOTED_TEXT", help="text on that page to attach it to")
    p.add_argument("--kind", choices=KINDS, help="default: note with --quote, else page-note")
    p.add_argument("--color", default="yellow", metavar="C", help=colours)
    p.add_argument("--tag", action="append", default=[], metavar="T", help="repeatable")
    p.add_argument("--json", action="store_true", help="print the annotation as JSON")

    p = actions.add_parser("list", help="list notes and highlights, optionally filtered")
    p.add_argument("--resource", metavar="ID")
    p.add_argument("--pillar", metavar="P")
    p.add_argument("--tag", metavar="T")
    p.add_argument("--color", metavar="C", help=colours)
    p.add_argument("--orphaned", action="store_true", help="only those not found in a new version")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = actions.add_parser("edit", help="change a note's text, colour or tags")
    p.add_argument("note_id")
    p.add_argument("--text", metavar="TEXT")
    p.add_argument("--color", metavar="C", help=colours)
    p.add_argument("--tag", action="append", metavar="T", help="the tags, replacing the old")
    p.add_argument("--no-tags", action="store_true", help="remove every tag")
    p.add_argument("--json", action="store_true", help="print the annotation as JSON")

    p = actions.add_parser("delete", help="delete a note or highlight")
    p.add_argument("note_id")
    p.add_argument("--json", action="store_true", help="print the deleted annotation as JSON")

    p = actions.add_parser(
        "reanchor", help="place a resource's notes made on an older version in its current one"
    )
    p.add_argument("id", help="the resource")
    p.add_argument("--json", action="store_true", help="print what happened as JSON")

    p = actions.add_parser(
        "import-pdf", help="take in the highlights and notes the resource's PDF already has"
    )
    p.add_argument("id", help="the resource")
    p.add_argument("--json", action="store_true", help="print how many were taken as JSON")


def cmd_note(library: Library, args: argparse.Namespace) -> int:
    notes = Annotations(library.store)
    if args.note_command == "add":
        annotation = _add(library, notes, args)
    elif args.note_command == "edit":
        tags = [] if args.no_tags else args.tag
        annotation = notes.edit(args.note_id, body=args.text, color=args.color, tags=tags)
    elif args.note_command == "delete":
        annotation = notes.delete(args.note_id)
    elif args.note_command == "reanchor":
        return _reanchor(library, notes, args)
    elif args.note_command == "import-pdf":
        return _import_pdf(library, notes, args)
    else:
        return _list(library, notes, args)
    # Printed only now: the change is committed by the time its id is shown.
    if args.json:
        print_json(annotation.to_dict())
    else:
        print(terminal_text(annotation.id))
    return 0


def _add(library: Library, notes: Annotations, args: argparse.Namespace) -> Annotation:
    resource = library.resource(args.id)
    kind = args.kind or ("note" if args.quote else "page-note")
    if kind != "document-note" and args.page is None:
        raise AnnotationError(f"a {kind} needs --page")
    if args.page is not None and not 1 <= args.page <= resource.pages:
        raise AnnotationError(f"{resource.id} has pages 1 to {resource.pages}, not {args.page}")
    anchor = None
    if args.quote:
        path = str(library.catalog.path_of(resource))
        anchor = run_isolated(anchor_quote, path, args.page, args.quote)
        if anchor is None:
            raise AnnotationError(f"the quoted text is not on page {args.page} of {resource.id}")
    return notes.add(
        resource.id,
        resource.sha256,
        kind,
        args.page,
        quads=anchor.quads if anchor else (),
        exact=anchor.exact if anchor else "",
        prefix=anchor.prefix if anchor else "",
        suffix=anchor.suffix if anchor else "",
        body=args.text,
        color=args.color,
        tags=args.tag,
    )


def _list(library: Library, notes: Annotations, args: argparse.Namespace) -> int:
    where = AnnotationFilter(
        tag=args.tag,
        color=args.color.lower() if args.color else None,
        anchor="orphaned" if args.orphaned else None,
    )
    if args.resource:
        where.resource_ids = {library.resource(args.resource).id}
    if args.pillar:
        if library.catalog.pillar(args.pillar) is None:
            raise AnnotationError(f"unknown pillar {args.pillar!r}")
        ids = {r.id for r in library.catalog.resources if args.pillar in r.pillars}
        where.resource_ids = ids if where.resource_ids is None else where.resource_ids & ids
    found = notes.find(where)
    if args.json:
        print_json([a.to_dict() for a in found])
        return 0
    for a in found:
        where_in = f"p. {a.page}" if a.page else "document"
        quote = f' "{a.exact}"' if a.exact else ""
        tags = f"  [{', '.join(a.tags)}]" if a.tags else ""
        lost = "  (not found in the current version)" if a.orphaned else ""
        print(
            terminal_text(
                f"{a.id}  {a.resource_id} {where_in} {a.kind} {a.color}{quote}{tags}{lost}"
            )
        )
        if a.body:
            # A note keeps its line breaks, each continued at the same indent.
            print("    " + terminal_text(a.body, multiline=True).replace("\n", "\n    "))
    return 0


def _reanchor(library: Library, notes: Annotations, args: argparse.Namespace) -> int:
    resource = library.resource(args.id)
    stale = notes.has_stale(resource.id, resource.sha256)
    report = reanchor_resource(library, resource.id)
    if args.json:
        print_json({"resource_id": resource.id, "doc_sha256": resource.sha256, **report.to_dict()})
        return 0
    if not stale:
        print(terminal_text(f"{resource.id}: every note is on the current version"))
        return 0
    counts = report.to_dict()
    print(
        terminal_text(
            f"{resource.id}: {counts['placed']} found on their page, {counts['moved']} moved, "
            f"{counts['kept']} not tied to text, {counts['orphaned']} not found"
            + (f", {counts['skipped']} changed meanwhile" if counts["skipped"] else "")
        )
    )
    for p in report.moved:
        print(
            terminal_text(
                f"  moved     {p.annotation_id}  p. {p.old_page} -> p. {p.page}  {p.reason}"
            )
        )
    for p in report.orphaned:
        print(terminal_text(f'  not found {p.annotation_id}  p. {p.old_page} "{p.exact}"'))
    return 0


def _import_pdf(library: Library, notes: Annotations, args: argparse.Namespace) -> int:
    resource = library.resource(args.id)
    if resource.media_type != "application/pdf":
        raise AnnotationError(f"{resource.id} is not a PDF, so it has no PDF annotations")
    path = str(library.catalog.path_of(resource))
    embedded = run_isolated(read_pdf_annotations, path)
    report = take_into_store(notes, resource.id, resource.sha256, embedded)
    if args.json:
        print_json({"resource_id": resource.id, "found": len(embedded), **report.to_dict()})
        return 0
    print(
        terminal_text(
            f"{resource.id}: {len(report.taken)} taken from the PDF, "
            f"{report.skipped} taken before"
            + (f", {len(report.refused)} refused" if report.refused else "")
        )
    )
    for why in report.refused:  # may quote the PDF's own text
        print(f"  refused {terminal_text(why)}")
    return 0

"""The ``reader-app`` command line: subcommands over the core, or the GUI with none."""

from __future__ import annotations

import argparse
import errno
import multiprocessing
import os
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn, TextIO
from urllib.parse import urlsplit
from urllib.request import url2pathname

from reader_app import (
    __version__,
    cli_backup,
    cli_directory,
    cli_doctor,
    cli_export,
    cli_import,
    cli_notes,
    cli_pack,
    database_guard,
    paths,
    single_instance,
    startup,
    write_access,
)
from reader_app.annotations import AnnotationError, AnnotationFilter, Annotations
from reader_app.backups import BackupError
from reader_app.catalog import KINDS, UNDATED, Resource
from reader_app.cli_filters import (
    add_strategy_filters,
    council_line,
    strategy_filters,
    strategy_rows,
    year_value,
)
from reader_app.cli_output import begin_output, print_json, print_json_error, terminal_text
from reader_app.deep_links import is_deep_link
from reader_app.documents import DocumentError, document_info
from reader_app.export.formats import ExportError
from reader_app.importing import ImportRefused
from reader_app.library import Filters, Library, UnknownResourceError
from reader_app.manifest import ManifestError
from reader_app.mupdf_messages import route_messages_to_log
from reader_app.packs.export import PackExportError
from reader_app.packs.format import SUFFIX as PACK_SUFFIX
from reader_app.packs.unzip import PackError
from reader_app.restore_journal import RestoreJournalError
from reader_app.search.errors import IndexBusyError, IndexWriteError
from reader_app.search.results import Hit
from reader_app.store import StoreError, TagError
from reader_app.worker import WorkerError, run_isolated

PROG = "reader-app"
EXIT_ERROR = 1
EXIT_USAGE = 2

# Errors with a message meant for the user: printed as one line, exit 1.
USER_ERRORS = (
    ManifestError,
    StoreError,
    TagError,
    UnknownResourceError,
    DocumentError,
    WorkerError,
    FileNotFoundError,
    PermissionError,
    IndexBusyError,
    IndexWriteError,
    AnnotationError,
    BackupError,
    ExportError,
    IsADirectoryError,
    ImportRefused,
    PackError,
    PackExportError,
    RestoreJournalError,
)


class UsageError(Exception):
    """Bad arguments: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Read, search, tag and annotate place-based recovery resources. "
        "With no subcommand, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"keep all user data, settings and caches in DIR (also: ${paths.DATA_DIR_ENV})",
    )
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=_Parser)

    p = sub.add_parser("list", help="list resources, optionally filtered")
    p.add_argument("--pillar", metavar="P", help="reset, reform, renew or resilient")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--collection", metavar="C", help="collection id")
    p.add_argument("--tag", metavar="T", help="only resources with this tag")
    p.add_argument("--year", type=year_value, metavar="YYYY", help=f"a year, or {UNDATED}")
    add_strategy_filters(p)
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = sub.add_parser("show", help="show one resource: metadata, pages, outline")
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help="print a JSON object")

    p = sub.add_parser("tag", help="add tags to a resource (or remove them with --remove)")
    p.add_argument("id")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true", help="remove the tags instead")
    p.add_argument("--json", action="store_true", help="print the resulting tags as JSON")

    p = sub.add_parser("index", help="bring the search index up to date")
    p.add_argument("--rebuild", action="store_true", help="rebuild it from scratch")
    p.add_argument("--json", action="store_true", help="print a JSON report")

    p = sub.add_parser("search", help="full-text search across every resource")
    p.add_argument("query", help='words, "phrases", OR, NOT/-word, prefix*, word~, field:value')
    p.add_argument("--pillar", metavar="P")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--collection", metavar="C")
    p.add_argument("--tag", metavar="T")
    p.add_argument("--year", type=year_value, metavar="YYYY", help=f"a year, or {UNDATED}")
    add_strategy_filters(p)
    p.add_argument("--limit", type=int, default=20, metavar="N", help="hits to show (default 20)")
    p.add_argument("--group", action="store_true", help="group hits by resource")
    p.add_argument("--json", action="store_true", help="print a JSON object")

    cli_notes.add_parser(sub, _Parser)
    cli_export.add_parsers(sub)
    cli_import.add_parsers(sub)
    cli_backup.add_parsers(sub)
    cli_pack.add_parser(sub, _Parser)
    cli_doctor.add_parsers(sub)
    cli_directory.add_parser(sub)

    p = sub.add_parser(
        "restore-backup", help="list the database's backups, or restore one (BACKUP)"
    )
    p.add_argument("backup", nargs="?", metavar="BACKUP", help="a backup's name or path")
    p.add_argument("--json", action="store_true", help="print JSON")

    sub.add_parser("gui", help="start the desktop app (the default)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # worker processes in a frozen bundle
    route_messages_to_log()  # never on stdout: it would break --json
    words = list(sys.argv[1:] if argv is None else argv)
    begin_output()
    try:
        # A link from exported notes (the desktop passes it as the only argument).
        at = _deep_link_at(words)
        link = words.pop(at) if at is not None else None
        packs = _packs_to_open(words)  # a file manager's too
        args = build_parser().parse_args([w for w in words if w not in packs])
        app_paths = paths.resolve(args.data_dir)
        if args.command in (None, "gui"):
            return _run_gui(app_paths, link, list(packs.values()))
        if link is not None:
            raise UsageError("a resource-reader: link opens the app; give no subcommand with it")
        if args.command != "doctor":  # it reports an interrupted restore, and changes nothing
            for notice in startup.prepare(app_paths):
                _fail(f"notice: {notice}")
        if args.command == "backup":
            database_guard.check_before_open(app_paths)
        if args.command == "restore-backup":  # with the database closed
            return cmd_restore_backup(app_paths, args)
        if args.command == "backup":  # reads the database through its own connection
            return cli_backup.cmd_backup(app_paths, args)
        if args.command == "restore":
            return cli_backup.cmd_restore(app_paths, args)
        if args.command == "doctor":  # runs, and says why, when the database cannot open
            return cli_doctor.cmd_doctor(app_paths, args)
        library = Library.open(app_paths, recover=False)  # prepared above, notices said
        try:
            return COMMANDS[args.command](library, args)
        finally:
            library.close()
    except UsageError as exc:
        return _failed(f"usage error: {exc}", EXIT_USAGE, words)
    except USER_ERRORS as exc:
        return _failed(f"error: {exc}", EXIT_ERROR, words)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader closed the pipe (`reader-app list | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:  # last resort: one line, never a traceback
        if os.environ.get("READER_APP_DEBUG"):
            raise
        if why := _not_written(exc):  # a full or read-only disk, not a bug
            return _failed(f"error: {why}", EXIT_ERROR, words)
        return _failed(
            f"internal error: {type(exc).__name__}: {exc} (set READER_APP_DEBUG=1 for details)",
            EXIT_ERROR,
            words,
        )


def _deep_link_at(words: list[str]) -> int | None:
    """Where the deep link the words open is: the first word after the global options,
    and only there, so a note's text that happens to be a link stays an argument."""
    at = 0
    while at < len(words) and words[at].startswith("--d"):  # --data-dir DIR, --data-dir=DIR
        option, equals, _ = words[at].partition("=")
        if not "--data-dir".startswith(option):
            break
        at += 1 if equals else 2
    return at if at < len(words) and is_deep_link(words[at]) else None


def _pack_path(word: str) -> Path | None:
    """The pack file a word names (a path, or a local file: URL, ending in .rrpack)."""
    if word.lower().startswith("file:"):
        parts = urlsplit(word)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(parts.path))
    elif word.startswith("-"):
        return None
    else:
        path = Path(word)
    return path if path.name.lower().endswith(PACK_SUFFIX) else None


def _packs_to_open(words: list[str]) -> dict[str, Path]:
    """The words naming packs for the desktop app to offer to install, as a file manager
    passes them (``reader-app FILE.rrpack``, paths or file: URLs), and their files: none
    unless the other words start the app (``reader-app pack import FILE.rrpack`` names a
    pack too)."""
    packs = {w: path for w in words if (path := _pack_path(w)) is not None}
    if not packs:
        return {}
    try:
        args = build_parser().parse_args([w for w in words if w not in packs])
    except UsageError:
        return {}
    return packs if args.command in (None, "gui") else {}


def _not_written(exc: Exception) -> str:
    """What to say of a write refused by a full or read-only disk ('' if it was not)."""
    if isinstance(exc, OSError) and write_access.reason_of(exc) == write_access.DISK_FULL:
        return f"cannot write {exc.filename or 'a file'}: {write_access.DISK_FULL}"
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return f"cannot write {exc.filename or 'a file'}: the disk is read-only"
    return ""


def _failed(message: str, code: int, words: list[str]) -> int:
    """Say why the command failed, on stderr; with ``--json``, on stdout too as its one
    JSON document (a script reads stdout); return the exit code."""
    _fail(message)
    if "--json" in words:
        print_json_error(message, code)
    return code


def _fail(message: str) -> None:
    # Messages quote arguments, file names and document text: shown, never obeyed.
    print(f"{PROG}: {terminal_text(message)}", file=sys.stderr)


def _check_choice(value: str | None, allowed: list[str], option: str) -> None:
    if value is not None and value not in allowed:
        raise UsageError(f"{option}: '{value}' is not one of {', '.join(allowed)}")


def _filters(library: Library, args: argparse.Namespace) -> Filters:
    """The facet filters ``list`` and ``search`` take, each checked against the catalog."""
    catalog = library.catalog
    _check_choice(args.pillar, [p.id for p in catalog.pillars], "--pillar")
    _check_choice(args.collection, [c.id for c in catalog.collections], "--collection")
    return Filters(
        pillar=args.pillar,
        kind=args.kind,
        collection=args.collection,
        tag=args.tag,
        year=args.year,
        **strategy_filters(args),
    )


def cmd_list(library: Library, args: argparse.Namespace) -> int:
    filters = _filters(library, args)
    found = library.resources(filters)
    tags = library.store.tags_by_resource()
    if args.json:
        print_json([library.describe(r, tags.get(r.id, [])) for r in found])
        return 0
    if not found:
        print("No resources match.", file=sys.stderr)
        return 0
    ids = {r.id: terminal_text(r.id) for r in found}
    width = max(len(shown) for shown in ids.values())
    for r in found:
        date = r.date or UNDATED
        rest = terminal_text(f"{r.kind:<11}  {date:<10}  {r.pages:>2}p  {r.title}")
        print(f"{ids[r.id]:<{width}}  {rest}")
        extra = f"pillars: {', '.join(r.pillars)}"
        if tags.get(r.id):
            extra += f"; tags: {', '.join(tags[r.id])}"
        print(terminal_text(f"{'':<{width}}  {extra}"))
        if council := council_line(r):
            print(terminal_text(f"{'':<{width}}  {council}"))
    print(f"{len(found)} resource{'s' if len(found) != 1 else ''}", file=sys.stderr)
    return 0


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    resource = library.resource(args.id)
    info = run_isolated(document_info, str(library.catalog.path_of(resource)))
    data = library.describe(resource)
    data.update(
        pages_in_file=info.pages,
        alt_text=resource.alt_text,
        transcript=resource.transcript,
        outline=[entry.__dict__ for entry in info.outline],
        last_page=library.store.last_page(resource.id),
        notices=list(info.notices),
    )
    if args.json:
        print_json(data)
    else:
        _print_resource(resource, data)
        for notice in info.notices:  # on stderr: what was cut or repaired in reading it
            print(f"note: {terminal_text(notice)}", file=sys.stderr)
    return 0


def _print_resource(resource: Resource, data: dict[str, Any]) -> None:
    title = terminal_text(resource.title)
    print(title)
    print("=" * min(len(title), 78))
    rows = [
        ("id", resource.id),
        ("kind", resource.kind),
        ("pillars", ", ".join(resource.pillars)),
        ("collection", data["collection_title"]),
        ("date", resource.display_date),
        *strategy_rows(resource),
        ("pages", str(data["pages_in_file"])),
        ("tags", ", ".join(data["tags"]) or "-"),
        ("original", resource.source_url),
        ("file", data["path"]),
    ]
    for key, value in rows:
        print(f"{key + ':':<12}{terminal_text(value)}")
    print(f"\n{terminal_text(resource.label)}\n")
    print(terminal_text(textwrap.fill(resource.summary, 78), multiline=True))
    if resource.alt_text:
        alt_text = terminal_text(textwrap.fill(resource.alt_text, 78), multiline=True)
        print("\nAlt text:\n" + alt_text)
    if data["outline"]:
        print("\nContents:")
        for entry in data["outline"]:
            title = terminal_text(entry["title"])
            print(f"{'  ' * entry['level']}{title} (p. {entry['page']})")


def cmd_tag(library: Library, args: argparse.Namespace) -> int:
    if args.remove:
        tags = library.remove_tags(args.id, args.tags)
    else:
        tags = library.add_tags(args.id, args.tags)
    if args.json:
        print_json({"id": args.id, "tags": tags})
    else:
        print(terminal_text(f"{args.id}: {', '.join(tags) if tags else '(no tags)'}"))
    return 0


def cmd_index(library: Library, args: argparse.Namespace) -> int:
    bar = ProgressBar(sys.stderr)
    report = library.update_index(progress=bar.update, rebuild=args.rebuild)
    bar.finish()
    if args.json:
        print_json(asdict(report))
    else:
        if report.rebuilt == "missing":
            print("Index created.", file=sys.stderr)
        elif report.rebuilt:
            print(f"Index rebuilt ({report.rebuilt}).", file=sys.stderr)
        print(
            f"{len(report.indexed)} resources ({report.pages} pages) indexed, "
            f"{len(report.removed)} removed; the index is up to date."
        )
    for resource_id, why in report.failed:
        _fail(f"warning: {resource_id} could not be indexed: {why}")
    return 0


def cmd_search(library: Library, args: argparse.Namespace) -> int:
    filters = _filters(library, args)
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    results = library.search(args.query, filters, limit=args.limit)
    note_kinds = _note_kinds(library, results.hits)
    hits = [
        {
            "resource_id": hit.resource_id,
            "title": library.resource(hit.resource_id).title,
            "page": hit.page,
            "score": hit.score,
            "snippet": hit.snippet,
            "kind": library.resource(hit.resource_id).kind,
            "pillars": list(library.resource(hit.resource_id).pillars),
            "origin": hit.origin,
            "annotation_id": hit.annotation_id,
            "annotation_kind": note_kinds.get(hit.annotation_id or ""),
        }
        for hit in results.hits
        if library.catalog.get(hit.resource_id) is not None
    ]
    for notice in results.notices:
        _fail(f"notice: {notice}")
    if args.json:
        print_json(
            {
                "query": args.query,
                "total": results.total,
                "suggestion": results.suggestion,
                "hits": hits,
                "notices": list(results.notices),
            }
        )
        return 0
    emphasise = _emphasiser(sys.stdout.isatty())
    if results.suggestion:
        print(f"Did you mean: {terminal_text(results.suggestion)}")
    if args.group:
        for resource_id, group in results.grouped():
            print("\n" + terminal_text(f"{library.resource(resource_id).title} [{resource_id}]"))
            for hit in group:
                print(f"  {_where(hit, note_kinds)}: {emphasise(hit.snippet, hit.spans)}")
    else:
        for hit in results.hits:
            resource = library.resource(hit.resource_id)
            print(
                "\n" + terminal_text(f"{resource.title}, {_where(hit, note_kinds)} [{resource.id}]")
            )
            print(f"  {emphasise(hit.snippet, hit.spans)}")
    shown = len(results.hits)
    print(
        f"\n{results.total} matching "
        + ("page or note" if results.total == 1 else "pages and notes")
        + (f", {shown} shown" if shown < results.total else ""),
        file=sys.stderr,
    )
    return 0


def _note_kinds(library: Library, hits: list[Hit]) -> dict[str, str]:
    """The kind of each annotation a hit came from (highlight, page-note, ...)."""
    ids = {hit.annotation_id for hit in hits if hit.annotation_id}
    if not ids:
        return {}
    return {a.id: a.kind for a in Annotations(library.store).find(AnnotationFilter(ids=ids))}


def _where(hit: Hit, note_kinds: dict[str, str]) -> str:
    """'p. 3' for a page; 'p. 3, highlight' or 'p. 3, page note' for an annotation."""
    if hit.annotation_id is None:
        return f"p. {hit.page}"
    kind = note_kinds.get(hit.annotation_id, "note").replace("-", " ")
    return kind if kind == "document note" else f"p. {hit.page}, {kind}"


def _emphasiser(tty: bool) -> Callable[[str, list[tuple[int, int]]], str]:
    start, end = ("\033[1m", "\033[0m") if tty else ("*", "*")

    def emphasise(text: str, spans: list[tuple[int, int]]) -> str:
        """The snippet made safe to print, with our own escapes around the matches."""
        shown: list[str] = []
        done = 0
        for s, e in sorted(spans):
            if s < done:  # overlapping: already inside an emphasis
                continue
            shown += [terminal_text(text[done:s]), start, terminal_text(text[s:e]), end]
            done = e
        return "".join([*shown, terminal_text(text[done:])])

    return emphasise


class ProgressBar:
    """Pages done / total and the rate, redrawn in place on a terminal."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.line = ""

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < (0.1 if self.tty else 2.0) and done < total:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        filled = int(self.width * done / max(total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        self.line = f"[{bar}] {done}/{total} pages, {rate:.0f} pages/s"
        self.stream.write(("\r" + self.line) if self.tty else self.line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.line:
            self.stream.write("\n")
            self.stream.flush()


def _run_gui(app_paths: paths.AppPaths, link: str | None = None, packs: Sequence[Path] = ()) -> int:
    # The app already running on this data folder opens them (or just comes forward).
    targets = ([link] if link is not None else []) + [str(Path(p).absolute()) for p in packs]
    if single_instance.hand_off(app_paths.data_dir, targets):
        return 0
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        _fail("error: no display to open a window on (try a subcommand: 'reader-app --help')")
        return EXIT_ERROR
    from reader_app.gui.app import run  # Qt is imported only when the GUI starts

    return run(app_paths, link, packs)


def cmd_restore_backup(app_paths: paths.AppPaths, args: argparse.Namespace) -> int:
    from reader_app import backups

    folder = app_paths.data_dir / backups.FOLDER
    found = backups.backups_in(folder)
    if args.backup is None:
        if args.json:
            print_json([b.to_dict() for b in found])
        elif not found:
            print(f"no backups yet in {terminal_text(folder)}")
        for b in found if not args.json else ():
            size = b.path.stat().st_size
            print(f"{terminal_text(b.name)}  {b.taken:%Y-%m-%d %H:%M} UTC  {size:,} bytes")
        return 0
    chosen = next((b.path for b in found if b.name == args.backup), Path(args.backup))
    kept = backups.restore(app_paths.database, chosen)
    if args.json:
        print_json({"restored": str(chosen), "previous_kept_as": str(kept) if kept else None})
    else:
        print(
            terminal_text(
                f"restored {chosen.name}"
                + (f"; the previous database is kept as {kept}" if kept else "")
            )
        )
    return 0


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "tag": cmd_tag,
    "index": cmd_index,
    "search": cmd_search,
    "note": cli_notes.cmd_note,
    "export": cli_export.cmd_export,
    "import-notes": cli_export.cmd_import_notes,
    "import": cli_import.cmd_import,
    "edit": cli_import.cmd_edit,
    "remove": cli_import.cmd_remove,
    "pack": cli_pack.cmd_pack,
    "directory": cli_directory.cmd_directory,
}

"""Whether a database from outside (a backup archive's, or a daily snapshot being
restored) is one this app could have written: its schema exactly what the migrations
make, and every row as the app itself would store it.

The schema is compared with one built by running the migrations in memory, so a
trigger, a view, or a table, column or index of anyone else's is refused before any row
is read. Rows are then checked with the rules the app applies when it writes them
(``ROW_RULES``); ``row_problem`` gives those rules to the code that reads a row, so one
bad row is passed over rather than failing every command.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from reader_app import annotations as notes
from reader_app import catalog, importing, paths
from reader_app.manifest import _DATE, _ID, ManifestError, load_manifest
from reader_app.migrations import LATEST_VERSION, MIGRATIONS
from reader_app.packs.format import LINE_CHARS, MAX_EDITION, TEXT_CHARS, printable
from reader_app.safe_paths import UnsafePathError, inside
from reader_app.store import TagError, connect_read_only, normalise_tag

MAX_PAGES = 1_000_000  # pages of one document: far beyond any real one
MAX_ROWID = 2**63 - 1
MAX_QUADS = 10_000  # boxes of one annotation (as export.w3c takes them in)
MAX_KEY = 2_000  # characters of an annotation's origin (as export.w3c keeps it)
MAX_TIMESTAMP = 64
SHOWN = 3  # problems named before the check stops

_SHA256 = re.compile(r"[0-9a-f]{64}")
_ANNOTATION_ID = re.compile(r"[0-9a-f]{32}")  # uuid hex, as Annotations.make gives it
# importing.slug: up to 40 characters of words from the title, then the hash's first 8.
_SLUG = re.compile(r"(?=[a-z0-9-]{1,40}-[0-9a-f]{8}$)[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{8}")
# SQLite's own whitespace only: to SQLite a no-break space (which \s matches) is part of
# a name, so "tags\u00a0(id)" would be another table while reading as the app's schema.
_SPACE = re.compile(r"[ \t\n\f\r]+")
_PUNCTUATION_SPACE = re.compile(r"[ \t\n\f\r]*([(),])[ \t\n\f\r]*")


class DatabaseCheckError(ValueError):
    """Why a database is refused; the message is for the user."""


Rule = Callable[[Any], str]  # a column's value -> what is wrong with it, or ""


@dataclasses.dataclass(frozen=True)
class Known:
    """What rows are checked against: the pillars, and each document's page count by
    its SHA-256 (bundled ones from the manifest, the reader's own from their rows)."""

    pillars: frozenset[str]
    pages: Mapping[str, int]
    data_dir: Path | None = None  # where the files the rows name are (only lexical if None)


# Column rules


def _text(limit: int, *, empty: bool = True, pattern: re.Pattern[str] | None = None) -> Rule:
    def rule(value: Any) -> str:
        if type(value) is not str:
            return "is not text"
        if not value:
            return "" if empty else "is empty"
        if len(value) > limit:
            return f"is longer than {limit:,} characters"
        if "\x00" in value:
            return "contains a NUL character"
        if pattern is not None and not pattern.fullmatch(value):
            return "is not in the form the app writes"
        return ""

    return rule


def _integer(low: int, high: int) -> Rule:
    def rule(value: Any) -> str:
        if type(value) is not int:
            return "is not a whole number"
        if not low <= value <= high:
            return f"is {value}, outside {low} to {high:,}"
        return ""

    return rule


def _choice(allowed: Collection[str]) -> Rule:
    def rule(value: Any) -> str:
        return "" if type(value) is str and value in allowed else "is not one the app knows"

    return rule


def _nullable(inner: Rule) -> Rule:
    return lambda value: "" if value is None else inner(value)


def _timestamp(value: Any) -> str:
    if type(value) is not str or not 0 < len(value) <= MAX_TIMESTAMP:
        return "is not a time"
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return "is not a time"
    return ""


def _tag_name(value: Any) -> str:
    if type(value) is not str:
        return "is not text"
    try:
        return "" if normalise_tag(value) == value else "is not a tag as the app writes it"
    except TagError as exc:
        return f"is not a tag the app accepts ({exc})"


def _title(value: Any) -> str:
    # Control characters are allowed: versions before 2026-11-30 kept them, and every
    # place that shows a title makes them inert; refusing them would refuse a reader's
    # own backup.
    return _text(TEXT_CHARS, empty=False)(value)


def _pillars(value: Any) -> str:
    if type(value) is not str:
        return "is not text"
    try:
        pillars = json.loads(value)
    except (ValueError, RecursionError):
        return "is not valid JSON"
    if not isinstance(pillars, list) or not pillars:
        return "is not a list of pillars"
    if not all(type(p) is str and _ID.match(p) for p in pillars):
        return "is not a list of pillar ids"
    if len(set(pillars)) != len(pillars):
        return "lists a pillar twice"
    return ""


def _quads(value: Any) -> str:
    if type(value) is not str:
        return "is not text"
    if value == "[]":  # most notes: no boxes
        return ""
    try:
        boxes = json.loads(value)
    except (ValueError, RecursionError):
        return "is not valid JSON"
    if not isinstance(boxes, list) or len(boxes) > MAX_QUADS:
        return f"is not a list of at most {MAX_QUADS:,} boxes"
    for box in boxes:
        if not isinstance(box, list) or len(box) != 4:
            return "holds a box that is not 4 numbers"
        for v in box:
            if type(v) is float:
                if not math.isfinite(v):
                    return "holds a number that is not finite"
            elif type(v) is not int:
                return "holds a box that is not 4 numbers"
            elif abs(v) > 2**53:
                return "holds a number too large for a page"
    return ""


_RESOURCE_ID = _text(64, empty=False, pattern=_ID)
_SHA = _text(64, empty=False, pattern=_SHA256)
_ROWID = _integer(1, MAX_ROWID)
_ANNOTATION = _text(32, empty=False, pattern=_ANNOTATION_ID)
_PAGE = _integer(1, MAX_PAGES)
_LINE = _text(LINE_CHARS)
_LONG = _text(TEXT_CHARS)

# Every column of every table the migrations make -> its rule.
COLUMN_RULES: dict[str, dict[str, Rule]] = {
    "tags": {"id": _ROWID, "name": _tag_name},
    "resource_tags": {"resource_id": _RESOURCE_ID, "tag_id": _ROWID, "added_at": _timestamp},
    "reading_state": {
        "resource_id": _RESOURCE_ID,
        "last_page": _PAGE,
        "last_opened": _timestamp,
    },
    "annotations": {
        "id": _ANNOTATION,
        "resource_id": _RESOURCE_ID,
        "doc_sha256": _text(64, pattern=_SHA256),  # empty: a version not known (w3c)
        "kind": _choice(notes.KINDS),
        "page": _nullable(_PAGE),
        "quads": _quads,
        "exact": _text(notes.MAX_QUOTE),
        "prefix": _text(notes.CONTEXT),
        "suffix": _text(notes.CONTEXT),
        "body": _text(notes.MAX_BODY),
        "color": _choice(notes.COLOURS),
        "created": _timestamp,
        "updated": _timestamp,
        "anchor": _choice(notes.ANCHORS),
        "origin_key": _nullable(_text(MAX_KEY, empty=False)),
    },
    "annotation_tags": {"annotation_id": _ANNOTATION, "tag_id": _ROWID},
    "imported_resources": {
        "id": _RESOURCE_ID,
        "sha256": _SHA,
        "original_sha256": _SHA,
        "file": _text(200, empty=False),  # its form: see _resource_row
        "media_type": _choice(importing.EXTENSIONS),
        "title": _title,
        "kind": _choice(catalog.OWN_KINDS),  # never a strategy: the table has no council
        "pillars": _pillars,
        "pages": _PAGE,
        "original_name": _text(LINE_CHARS),
        "added": _timestamp,
        "source": _choice(("imported", "pack")),
        "collection": _RESOURCE_ID,
        "date": _text(10, pattern=_DATE),
        "summary": _LONG,
        "source_url": _LINE,
        "label": _LINE,
        "alt_text": _LONG,
        "transcript": _LONG,
        "edition": _integer(1, MAX_EDITION),
        "pack": _LINE,
    },
    "pack_collections": {
        "id": _RESOURCE_ID,
        "title": _title,
        "date": _text(10, pattern=_DATE),
        "url": _LINE,
        "description": _LONG,
    },
}


def _any_text(value: Any) -> str:
    return "" if type(value) is str else "is not text"


def _some_text(value: Any) -> str:
    return "is empty" if value == "" else _any_text(value)


# What reading a row of the live database needs of its text: it may hold what an older
# version wrote (long titles, control characters, shown inert when printed), which
# breaks nothing; the forms, types, numbers and paths are checked as above.
LENIENT_RULES: dict[str, dict[str, Rule]] = {
    "imported_resources": {
        **COLUMN_RULES["imported_resources"],
        "title": _some_text,
        **dict.fromkeys(
            ("original_name", "summary", "source_url", "label", "alt_text", "transcript", "pack"),
            _any_text,
        ),
    },
    "pack_collections": {
        **COLUMN_RULES["pack_collections"],
        "title": _some_text,
        "url": _any_text,
        "description": _any_text,
    },
}


# Rules across a row's columns (each given a row whose columns passed their own rules)


def _resource_row(row: Mapping[str, Any], known: Known | None, strict: bool) -> str:
    file = row["file"]
    if strict:
        expected = f"{importing.FILES}/{row['sha256']}.{importing.EXTENSIONS[row['media_type']]}"
        if file != expected:
            return f"file {printable(file, 80)!r} is not where the app keeps it ({expected})"
        if row.get("source", "imported") == "imported":
            resource_id = row["id"]
            if not _SLUG.fullmatch(resource_id) or not resource_id.endswith(row["sha256"][:8]):
                return "id is not one the app makes for an imported document"
    elif not file.startswith(f"{importing.FILES}/"):
        return f"file {printable(file, 80)!r} is not in {importing.FILES}/"
    try:
        inside(known.data_dir if known and known.data_dir else Path("/"), file)
    except UnsafePathError:
        return f"file {printable(file, 80)!r} leads outside the data folder"
    if known is not None:
        unknown = [p for p in json.loads(row["pillars"]) if p not in known.pillars]
        if unknown:
            return f"pillars names an unknown pillar {printable(unknown[0], 64)!r}"
    return ""


def _annotation_row(row: Mapping[str, Any], known: Known | None, strict: bool) -> str:
    kind, page = row["kind"], row["page"]
    if (kind == "document-note") != (page is None):
        return "page does not fit its kind (only a note on the whole document has none)"
    if known is not None and page is not None:
        pages = known.pages.get(row["doc_sha256"])
        if pages is not None and page > pages:
            return f"page is {page}, and its document has {pages} pages"
    return ""


ROW_RULES: dict[str, Callable[[Mapping[str, Any], Known | None, bool], str]] = {
    "imported_resources": _resource_row,
    "annotations": _annotation_row,
}


def row_problem(
    table: str, row: Mapping[str, Any], known: Known | None = None, *, strict: bool = True
) -> str:
    """What is wrong with one row of ``table`` (its columns by name; those it lacks are
    not checked), or "" if the app could have written it. Not ``strict``: only what
    would break the app or reach outside the data folder (for reading the live
    database, where a row the app did not write is passed over, not refused)."""
    rules = COLUMN_RULES[table] if strict else LENIENT_RULES.get(table, COLUMN_RULES[table])
    for column, value in row.items():
        rule = rules.get(column)
        problem = rule(value) if rule is not None else ""
        if problem:
            return f"{column} {problem}"
    across = ROW_RULES.get(table)
    return across(row, known, strict) if across is not None else ""


# Schema


def _normalised(sql: str | None) -> str:
    if sql is None:
        return ""
    return _PUNCTUATION_SPACE.sub(r"\1", _SPACE.sub(" ", sql)).strip(" ").rstrip(";")


def _objects(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, name) -> (table, normalised SQL) of everything in the schema."""
    rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {(str(t), str(n)): (str(tbl), _normalised(sql)) for t, n, tbl, sql in rows}


def _reference(version: int) -> sqlite3.Connection:
    """An empty database in memory, as the migrations make it at ``version``."""
    db = sqlite3.connect(":memory:")
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            db.execute(statement)
    return db


def reference_schema(version: int) -> dict[tuple[str, str], tuple[str, str]]:
    """The schema the migrations make at ``version``, as ``_objects`` reads it."""
    db = _reference(version)
    try:
        return _objects(db)
    finally:
        db.close()


def _schema_problems(db: sqlite3.Connection, version: int) -> list[str]:
    reference = _reference(version)
    try:
        expected = _objects(reference)
        found = _objects(db)
        problems = []
        for (kind, name), (table, sql) in sorted(found.items()):
            shown = printable(name, 64)
            if (kind, name) in expected:
                if expected[kind, name] != (table, sql):
                    how = _columns_differ(db, reference, name, sql) if kind == "table" else ""
                    problems.append(
                        f"its {kind} {shown!r} is not defined as the app defines it{how}"
                    )
            elif kind in ("trigger", "view"):
                instead = " in place of a table" if ("table", name) in expected else ""
                problems.append(f"it has a {kind} {shown!r}{instead}, which the app never makes")
            else:
                article = "an" if kind == "index" else "a"
                problems.append(f"it has {article} {kind} {shown!r} the app does not make")
        for kind, name in sorted(set(expected) - set(found)):
            problems.append(f"its {kind} {name!r} is missing")
        return problems
    finally:
        reference.close()


def _columns_differ(
    db: sqlite3.Connection, reference: sqlite3.Connection, table: str, sql: str
) -> str:
    """How a table's columns (name, type, not null, default, key) differ from the app's,
    as " (…)"; "" if they do not (a constraint differs) or cannot be read safely."""
    if not sql.upper().startswith("CREATE TABLE"):
        return ""  # a virtual table: reading its columns would load its module
    query = f"PRAGMA table_xinfo({table})"  # (a name the app's schema has)
    try:
        found = {row[1]: row[2:6] for row in db.execute(query)}
    except sqlite3.Error:
        return ""
    expected = {row[1]: row[2:6] for row in reference.execute(query)}
    differences = [f"column {printable(c, 64)!r} is extra" for c in found if c not in expected]
    differences += [f"column {c!r} is missing" for c in expected if c not in found]
    differences += [
        f"column {c!r} has another type, default or key"
        for c in expected
        if c in found and found[c] != expected[c]
    ]
    return f" ({', '.join(differences[:SHOWN])})" if differences else ""


# The check


def check_database(path: Path, *, data_dir: Path | None = None, known: Known | None = None) -> None:
    """Raise DatabaseCheckError saying why the database at ``path`` is refused.

    It is opened read-only and never changed. With ``data_dir`` (the live database's
    folder), the files its rows name are resolved there, symlinks and all; ``known``
    defaults to the bundled collection's pillars and documents."""
    try:
        db = connect_read_only(Path(path))  # on a read-only or full disk too
    except sqlite3.Error as exc:
        raise DatabaseCheckError(f"it cannot be opened ({exc})") from None
    try:
        db.execute("PRAGMA query_only = ON")
        db.execute("PRAGMA trusted_schema = OFF")
        _check(db, known, data_dir)
    except sqlite3.Error as exc:  # text that is not UTF-8 among them
        raise DatabaseCheckError(f"it cannot be read ({printable(str(exc), 200)})") from None
    finally:
        db.close()


def _check(db: sqlite3.Connection, known: Known | None, data_dir: Path | None) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > LATEST_VERSION:
        raise DatabaseCheckError(
            f"it was written by a newer version of the app (schema {version}, this "
            f"version knows up to {LATEST_VERSION})"
        )
    if version < 0:
        raise DatabaseCheckError(f"its schema version {version} is not one the app writes")
    if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise DatabaseCheckError("it has tables but no schema version: the app did not make it")
    if version == 0:  # the app always writes its schema before anything is backed up
        raise DatabaseCheckError("it is empty: no library at all (no tables, no schema version)")
    problems = _schema_problems(db, version)
    if problems:
        raise DatabaseCheckError(_joined(problems))
    if known is None:
        known = bundled_known()
    if data_dir is not None:
        known = dataclasses.replace(known, data_dir=data_dir)
    problems = list(_row_problems(db, version, known))
    if problems:
        raise DatabaseCheckError(_joined(problems))


def bundled_known() -> Known:
    """The bundled collection's pillars and documents."""
    try:
        bundled = load_manifest(paths.bundled_dir() / paths.MANIFEST_NAME)
    except (FileNotFoundError, ManifestError) as exc:
        raise DatabaseCheckError(f"the bundled collection cannot be read ({exc})") from None
    return Known(
        frozenset(p.id for p in bundled.pillars), {r.sha256: r.pages for r in bundled.resources}
    )


def _row_problems(db: sqlite3.Connection, version: int, known: Known) -> Iterator[str]:
    """The first few problems with rows (imported documents first: the page counts of
    annotations' documents come from them)."""
    tables = {name for kind, name in reference_schema(version) if kind == "table"}
    order = ["imported_resources", *sorted(tables - {"imported_resources"})]
    pages = dict(known.pages)
    with_imported = Known(known.pillars, pages, known.data_dir)
    found = 0
    for table in (t for t in order if t in tables):
        columns = [row[1] for row in db.execute(f"PRAGMA table_xinfo({table})")]
        listed = ", ".join(columns)
        for rowid, *values in db.execute(f"SELECT rowid, {listed} FROM {table}"):
            row = dict(zip(columns, values, strict=True))
            problem = row_problem(table, row, with_imported)
            if problem:
                found += 1
                yield f"{table} row {_row_name(row, rowid)}: {problem}"
                if found >= SHOWN:
                    return
            elif table == "imported_resources":
                pages[row["sha256"]] = row["pages"]
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check"):
        yield f"{table} row {rowid}: names a row of {parent} that does not exist"
        found += 1
        if found >= SHOWN:
            return


def _row_name(row: Mapping[str, Any], rowid: int) -> str:
    key = row.get("id")
    if type(key) is str:
        return repr(printable(key, 40))
    return str(key) if type(key) is int else f"#{rowid}"


def _joined(problems: list[str]) -> str:
    more = " (and maybe more)" if len(problems) >= SHOWN else ""
    return "; ".join(problems[:SHOWN]) + more

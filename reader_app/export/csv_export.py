"""CSV export: one row per annotation, UTF-8 with a byte-order mark so Excel reads it as
UTF-8, CRLF line endings.

A cell a spreadsheet would read as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return, as OWASP lists) is given a leading apostrophe, so it stays text.
(Named ``csv_export`` so as not to shadow the standard library's ``csv``.)"""

from __future__ import annotations

import csv
import io

from reader_app.export.scope import ExportGroup, ExportItem

COLUMNS = (
    "resource_id",
    "title",
    "collection",
    "date",
    "page",
    "kind",
    "color",
    "quote",
    "note",
    "tags",
    "created",
    "updated",
    "url",
    "link",
    "id",
)
# OWASP's list, with line feed and the full-width forms some spreadsheets also accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell(value: str) -> str:
    """``value`` as a cell no spreadsheet evaluates."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def row(item: ExportItem) -> list[str]:
    annotation, citation = item.annotation, item.citation
    values = {
        "resource_id": annotation.resource_id,
        "title": citation.title,
        "collection": citation.collection,
        "date": citation.date,
        "page": "" if annotation.page is None else str(annotation.page),
        "kind": annotation.kind,
        "color": annotation.color,
        "quote": annotation.exact,
        "note": annotation.body,
        "tags": ", ".join(annotation.tags),
        "created": annotation.created,
        "updated": annotation.updated,
        "url": citation.url,
        "link": citation.link,
        "id": annotation.id,
    }
    # Every cell, not only the user's text: a catalog title or an imported id is text too.
    return [cell(values[column]) for column in COLUMNS]


def render(groups: list[ExportGroup], title: str) -> bytes:
    """The annotations in ``groups`` as CSV, a header row first. ``title`` is not written:
    a CSV file has no place for one (it becomes the file's name)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for group in groups:
        writer.writerows(row(item) for item in group.items)
    return ("\ufeff" + out.getvalue()).encode("utf-8", "replace")

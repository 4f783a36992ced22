"""The export formats, and exporting a scope to a file in one of them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from reader_app.export.files import safe_name, write_atomic
from reader_app.export.scope import ExportGroup, ExportItem, ExportScope, collect
from reader_app.library import Library

DEFAULT_TITLE = "Notes from Resource Reader"
PDF_TIMEOUT = 600.0  # seconds for an annotated PDF copy: a long report takes a while


@dataclass(frozen=True)
class Format:
    id: str
    name: str  # as a menu shows it
    extension: str
    module: str  # the module with ``render(groups, title) -> bytes`` (PDF: ``annotated_pdf``)
    one_resource: bool = False  # an annotated copy of one document


FORMATS = {
    f.id: f
    for f in (
        Format("md", "Markdown", "md", "reader_app.export.markdown"),
        Format("html", "Web page (HTML)", "html", "reader_app.export.html"),
        Format("docx", "Word document", "docx", "reader_app.export.docx_export"),
        Format("csv", "Spreadsheet (CSV)", "csv", "reader_app.export.csv_export"),
        Format("json", "W3C Web Annotations (JSON-LD)", "jsonld", "reader_app.export.w3c"),
        Format("pdf", "Annotated PDF copy", "pdf", "reader_app.export.pdf_export", True),
    )
}


class ExportError(ValueError):
    """An export that cannot be made as asked; the message says why."""


def render(fmt: Format, groups: list[ExportGroup], title: str = DEFAULT_TITLE) -> bytes:
    """The file's bytes for every format but the annotated PDF (which reads a document:
    see ``pdf_items``)."""
    if fmt.one_resource:
        raise ExportError(f"{fmt.name} is made from one document: use pdf_items")
    return importlib.import_module(fmt.module).render(groups, title)  # type: ignore[no-any-return]


def pdf_items(groups: list[ExportGroup]) -> tuple[str, list[ExportItem]]:
    """The one resource an annotated PDF is made of, and its annotations."""
    items = [item for group in groups for item in group.items]
    resources = {item.annotation.resource_id for item in items}
    if len(resources) != 1:
        raise ExportError(
            "an annotated PDF is made for one resource: choose one "
            f"(these notes are on {len(resources)})"
        )
    return resources.pop(), items


def destination(path: Path, fmt: Format, title: str) -> Path:
    """``path`` itself, or a safe file name inside it when it is a folder."""
    if path.is_dir():
        return path / safe_name(title, fmt.extension)
    return path.with_name(safe_name(path.name, fmt.extension))


@dataclass(frozen=True)
class ExportJob:
    """Everything writing an export needs, as plain data: made where the database is,
    run anywhere (the GUI runs it in a worker: rendering can be slow, and an annotated
    PDF is made with PyMuPDF)."""

    format_id: str
    groups: list[ExportGroup]
    target: Path
    title: str
    source_pdf: str | None = None  # the document an annotated PDF is a copy of

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)


def prepare(
    library: Library,
    fmt: Format,
    path: Path,
    scope: ExportScope | None = None,
    group_by: str = "resource",
    title: str = DEFAULT_TITLE,
) -> ExportJob:
    """Gather the annotations in ``scope`` for ``fmt``; ``path`` is a file, or a folder
    to put one in under a name made from the title."""
    groups = collect(library, scope or ExportScope(), group_by)
    source = None
    if fmt.one_resource:
        resource_id, _items = pdf_items(groups)
        resource = library.resource(resource_id)
        if resource.media_type != "application/pdf":
            raise ExportError(f"{resource.title} is not a PDF")
        source = str(library.catalog.path_of(resource))
        title = f"{resource.title} (annotated)"
    return ExportJob(fmt.id, groups, destination(path, fmt, title), title, source)


def run(job: ExportJob) -> Path:
    """Write the export file, atomically; returns where it went."""
    fmt = FORMATS[job.format_id]
    if job.source_pdf is not None:
        _resource, items = pdf_items(job.groups)
        data = importlib.import_module(fmt.module).annotated_pdf(job.source_pdf, items)
    else:
        data = render(fmt, job.groups, job.title)
    return write_atomic(job.target, data)


def export(
    library: Library,
    fmt: Format,
    path: Path,
    scope: ExportScope | None = None,
    group_by: str = "resource",
    title: str = DEFAULT_TITLE,
) -> tuple[Path, int]:
    """Prepare and run an export for the command line: in this process, but an annotated
    PDF (PyMuPDF on the reader's document) in a worker, under its memory limit."""
    job = prepare(library, fmt, path, scope, group_by, title)
    if job.source_pdf is not None:
        from reader_app.worker import run_isolated

        return run_isolated(run, job, timeout=PDF_TIMEOUT), job.count
    return run(job), job.count

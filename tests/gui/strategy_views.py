"""What the GUI tests of the council strategies share: the ids the library list shows,
the strategies the catalog holds for a pillar or nation, and a bundled document opened in
the main window with the links on its page (read from the PDF in a worker) to click."""

from __future__ import annotations

import worker_tasks
from pointer import canvas_point, click

from reader_app.gui.document_view import DocumentView
from reader_app.gui.resource_model import RESOURCE_ROLE
from reader_app.library import Library
from reader_app.worker import run_isolated

TIMEOUT = 30_000
Box = tuple[float, float, float, float]


def shown_ids(window) -> list[str]:
    """The resources the library list shows, in its order."""
    proxy = window.proxy
    return [proxy.index(row, 0).data(RESOURCE_ROLE) for row in range(proxy.rowCount())]


def strategies(library: Library, pillar: str | None = None, nation: str | None = None) -> set[str]:
    """The catalog's strategies emphasising ``pillar`` and from ``nation`` (None: any)."""
    return {
        r.id
        for r in library.catalog.resources
        if r.kind == "strategy"
        and (pillar is None or pillar in r.pillars)
        and (nation is None or r.nation == nation)
    }


def open_page(qtbot, window, resource_id: str) -> DocumentView:
    """The resource open in its tab at page 1, the page laid out."""
    view = window.open_document(resource_id, 1)
    qtbot.waitUntil(lambda: view.page_labels[0].layout_info is not None, timeout=TIMEOUT)
    qtbot.wait(10)  # the landing on the page, queued by open_document
    return view


def page_links(library: Library, resource_id: str) -> list[tuple[str, Box]]:
    """(uri, rectangle in PDF points) of every web or app link on the resource's page 1."""
    path = library.catalog.path_of(library.resource(resource_id))
    return run_isolated(worker_tasks.page_links, str(path), 1)


def click_box(view: DocumentView, box: Box) -> None:
    """A left click with the mouse at the middle of ``box`` on page 1 of the real page."""
    x0, y0, x1, y1 = box
    click(view, canvas_point(view, 1, (x0 + x1) / 2, (y0 + y1) / 2))

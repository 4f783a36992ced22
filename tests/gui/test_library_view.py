"""The library drawn richer: last-read sorting, pillar chips, and the grid of covers."""

import dataclasses
from datetime import datetime

import pytest
from PySide6.QtCore import QDateTime, QLocale, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import QTableView

from reader_app.gui.document_view import DocumentView
from reader_app.gui.library_view import (
    A4_WIDTH,
    COVER_SIZE,
    CoverGrid,
    PillarChipDelegate,
    initials,
    title_lines,
)
from reader_app.gui.render_service import RenderService
from reader_app.gui.resource_model import (
    COLUMNS,
    PILLARS_ROLE,
    RESOURCE_ROLE,
    SORT_ROLE,
    ResourceModel,
)

RENDER_TIMEOUT = 30_000  # ms: the first cover waits for the worker processes to start
LAST_READ = COLUMNS.index("Last read")
PILLARS = COLUMNS.index("Pillars")


@pytest.fixture
def model(library):
    model = ResourceModel(library)
    model.set_resources(list(library.catalog.resources))
    return model


@pytest.fixture
def proxy(model):
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)  # as the main window does
    return proxy


def read_at(monkeypatch, library, *visits: tuple[str, str]) -> None:
    """Open each resource at the given time, without waiting for the clock."""
    for resource_id, when in visits:
        monkeypatch.setattr("reader_app.store.now", lambda when=when: when)
        library.store.set_last_page(resource_id, 1)


def ids_in_order(proxy) -> list[str]:
    return [proxy.index(row, 0).data(RESOURCE_ROLE) for row in range(proxy.rowCount())]


def row_of(proxy, resource_id: str) -> int:
    return ids_in_order(proxy).index(resource_id)


def local_text(iso: str) -> str:
    when = QDateTime.fromSecsSinceEpoch(int(datetime.fromisoformat(iso).timestamp()))
    return QLocale().toString(when, QLocale.FormatType.ShortFormat)


# The model: "Last read", sort keys, pillars


# Chosen so that their display strings sort the other way round from their times,
# in day-first and month-first locales alike.
OLDEST = "2023-12-31T12:00:00+00:00"
NEWEST = "2024-01-02T12:00:00+00:00"
MIDDLE = "2024-01-01T12:00:00+00:00"


def test_last_read_shows_local_time_and_sorts_by_the_real_time(
    monkeypatch, library, model, proxy
) -> None:
    a, b, c = (r.id for r in library.catalog.resources[:3])
    read_at(monkeypatch, library, (a, OLDEST), (b, NEWEST), (c, MIDDLE))
    model.refresh_reading_state()

    proxy.sort(LAST_READ, Qt.SortOrder.DescendingOrder)
    order = ids_in_order(proxy)
    assert order[:3] == [b, c, a]
    assert proxy.index(0, LAST_READ).data() == local_text(NEWEST)
    # Never read: empty, and last when the most recent come first.
    assert {proxy.index(row, LAST_READ).data() for row in range(3, len(order))} == {""}

    proxy.sort(LAST_READ, Qt.SortOrder.AscendingOrder)
    assert ids_in_order(proxy)[-3:] == [a, c, b]


def test_refreshing_reading_state_changes_only_the_last_read_column(
    qtbot, monkeypatch, library, model, proxy
) -> None:
    first, later = library.catalog.resources[0].id, library.catalog.resources[5].id
    read_at(monkeypatch, library, (first, OLDEST))
    model.refresh_reading_state()
    proxy.sort(LAST_READ, Qt.SortOrder.DescendingOrder)
    assert ids_in_order(proxy)[0] == first

    changes = []
    model.dataChanged.connect(lambda tl, br, roles: changes.append((tl.column(), br.column())))
    read_at(monkeypatch, library, (later, NEWEST))
    model.refresh_reading_state()
    assert changes == [(LAST_READ, LAST_READ)]
    assert ids_in_order(proxy)[:2] == [later, first]  # the sorted view follows
    model.refresh_reading_state()  # nothing new: no signal
    assert len(changes) == 1


def test_sort_keys_are_typed_per_column(library, proxy) -> None:
    pages = COLUMNS.index("Pages")
    assert all(isinstance(proxy.index(r, pages).data(SORT_ROLE), int) for r in range(5))
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    titles = [proxy.index(row, 0).data() for row in range(proxy.rowCount())]
    assert titles == sorted(titles, key=str.casefold)
    proxy.sort(COLUMNS.index("Date"), Qt.SortOrder.DescendingOrder)
    # Sorted by the date itself, not by what is shown ("30 June 2021", "c. 2022").
    shown = [
        library.resource(proxy.index(r, 0).data(RESOURCE_ROLE)) for r in range(proxy.rowCount())
    ]
    dates = [r.date for r in shown]
    assert dates == sorted(dates, reverse=True)
    date = COLUMNS.index("Date")
    assert [proxy.index(r, date).data() for r in range(len(shown))] == [
        r.display_date for r in shown
    ]


def test_pillars_role_gives_the_ids_for_every_column(library, proxy) -> None:
    for row in range(proxy.rowCount()):
        resource = library.resource(proxy.index(row, 0).data(RESOURCE_ROLE))
        for column in (0, PILLARS, LAST_READ):
            assert proxy.index(row, column).data(PILLARS_ROLE) == list(resource.pillars)


# The pillar chips


@pytest.fixture
def table(qtbot, proxy):
    view = QTableView()
    view.setModel(proxy)
    view.verticalHeader().hide()
    qtbot.addWidget(view)
    view.resize(1100, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def cell_colours(view: QTableView, row: int, column: int) -> set[str]:
    image = view.viewport().grab(view.visualRect(view.model().index(row, column))).toImage()
    return {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }


FOUR_PILLARS = "recovery-prospectus"


def test_chips_are_painted_in_each_pillars_colour(library, proxy, table) -> None:
    table.setItemDelegateForColumn(PILLARS, PillarChipDelegate(library.catalog, parent=table))
    table.resizeColumnToContents(PILLARS)  # from the delegate's size hint: every chip fits
    row = row_of(proxy, FOUR_PILLARS)
    colours = cell_colours(table, row, PILLARS)
    resource = library.resource(FOUR_PILLARS)
    assert len(resource.pillars) == 4
    for pid in resource.pillars:
        assert library.catalog.pillar(pid).colour in colours
    # Screen readers and copying still get the names as text.
    assert proxy.index(row, PILLARS).data() == "Reset, Reform, Renew, Resilient"


def test_chip_colours_come_from_the_callable(library, proxy, table) -> None:
    chosen = {"reset": "#ff0000", "reform": "#00ff00", "renew": "#0000ff", "resilient": "#ffff00"}
    asked = []

    def colours(pid: str) -> tuple[QColor, QColor]:
        asked.append(pid)
        return QColor(chosen[pid]), QColor("#000000")

    table.setItemDelegateForColumn(PILLARS, PillarChipDelegate(library.catalog, colours, table))
    table.resizeColumnToContents(PILLARS)
    colours_seen = cell_colours(table, row_of(proxy, FOUR_PILLARS), PILLARS)
    assert set(chosen.values()) <= colours_seen
    assert not {p.colour for p in library.catalog.pillars} & colours_seen
    assert set(asked) == set(chosen)


def test_chips_that_do_not_fit_are_left_out(library, proxy, table) -> None:
    table.setItemDelegateForColumn(PILLARS, PillarChipDelegate(library.catalog, parent=table))
    table.horizontalHeader().resizeSection(PILLARS, 110)
    first, *_, last = library.resource(FOUR_PILLARS).pillars
    colours = cell_colours(table, row_of(proxy, FOUR_PILLARS), PILLARS)
    assert library.catalog.pillar(first).colour in colours
    assert library.catalog.pillar(last).colour not in colours


def test_selection_is_drawn_under_the_chips(library, proxy, table) -> None:
    table.setItemDelegateForColumn(PILLARS, PillarChipDelegate(library.catalog, parent=table))
    table.resizeColumnToContents(PILLARS)
    row = row_of(proxy, FOUR_PILLARS)
    table.selectRow(row)
    colours = cell_colours(table, row, PILLARS)
    palette = table.palette()
    highlights = {
        palette.color(group, QPalette.ColorRole.Highlight).name()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
    }
    assert highlights & colours
    assert library.catalog.pillar("reset").colour in colours


# The cover grid


class RecordingRenderService(RenderService):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.requests = []

    def request(self, request) -> None:
        self.requests.append(request)
        super().request(request)


@pytest.fixture
def service():
    svc = RecordingRenderService(workers=2)
    yield svc
    svc.shutdown()


class ServiceFactory:
    """What the main window's ``render_service`` method is to the grid: counts its calls."""

    def __init__(self, service: RenderService) -> None:
        self.service = service
        self.calls = 0

    def __call__(self) -> RenderService:
        self.calls += 1
        return self.service


def make_grid(qtbot, catalog, proxy, service) -> tuple[CoverGrid, ServiceFactory]:
    factory = ServiceFactory(service)
    grid = CoverGrid(catalog, factory)
    grid.setModel(proxy)
    qtbot.addWidget(grid)
    grid.resize(330, 300)  # two columns, a row and a bit: most items are off screen
    return grid, factory


def show(qtbot, grid: CoverGrid) -> None:
    grid.show()
    qtbot.waitExposed(grid)


def viewport_image(grid: CoverGrid) -> QImage:
    return grid.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_covers_are_asked_for_only_when_shown_and_only_when_visible(
    qtbot, library, proxy, service
) -> None:
    grid, factory = make_grid(qtbot, library.catalog, proxy, service)
    qtbot.wait(100)  # well past the request delay
    assert service.requests == [] and factory.calls == 0  # hidden: no workers needed yet

    show(qtbot, grid)
    qtbot.waitUntil(lambda: bool(service.requests))
    visible = grid.visible_ids()
    assert 0 < len(visible) < proxy.rowCount()
    assert [r.key for r in service.requests] == [
        ("cover", rid, r.zoom) for rid, r in zip(visible, service.requests, strict=True)
    ]
    assert {(r.page, r.zoom) for r in service.requests} == {
        (1, round(COVER_SIZE.width() * grid.devicePixelRatioF() / A4_WIDTH, 4))
    }
    qtbot.waitUntil(
        lambda: all(grid.cover(rid) is not None for rid in visible), timeout=RENDER_TIMEOUT
    )
    last = proxy.index(proxy.rowCount() - 1, 0).data(RESOURCE_ROLE)
    assert grid.cover(last) is None

    grid.scrollToBottom()
    qtbot.waitUntil(lambda: last in {r.key[1] for r in service.requests})
    qtbot.wait(100)
    asked = [r.key[1] for r in service.requests]
    assert len(asked) == len(set(asked)) < proxy.rowCount()  # each once; the middle never


def test_sorting_asks_for_the_covers_it_brings_into_view(qtbot, library, proxy, service) -> None:
    grid, _ = make_grid(qtbot, library.catalog, proxy, service)
    show(qtbot, grid)
    qtbot.waitUntil(lambda: bool(service.requests))
    before = grid.visible_ids()
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    after = grid.visible_ids()
    assert set(after) - set(before)
    qtbot.waitUntil(lambda: set(after) <= {r.key[1] for r in service.requests})


def test_a_rendered_cover_is_shown(qtbot, library, proxy, service) -> None:
    grid, _ = make_grid(qtbot, library.catalog, proxy, service)
    index = proxy.index(0, 0)
    resource_id = index.data(RESOURCE_ROLE)
    placeholder_box = grid.cover_rect(index)
    show(qtbot, grid)
    qtbot.waitUntil(lambda: grid.cover(resource_id) is not None, timeout=RENDER_TIMEOUT)
    pixmap = grid.cover(resource_id)
    assert pixmap.width() == round(COVER_SIZE.width() * grid.devicePixelRatioF())
    drawn = grid.cover_rect(index)
    assert placeholder_box.contains(drawn)
    shown = viewport_image(grid).copy(drawn)
    assert shown == pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_a_failed_cover_keeps_its_placeholder(qtbot, library, proxy, service, tmp_path) -> None:
    # A catalog whose files are not there: render_page raises DocumentError in the worker.
    catalog = dataclasses.replace(library.catalog, root=tmp_path / "missing")
    grid, _ = make_grid(qtbot, catalog, proxy, service)
    failures = {}
    grid.cover_failed.connect(failures.__setitem__)
    show(qtbot, grid)
    qtbot.waitUntil(
        lambda: bool(failures) and set(failures) == set(grid.visible_ids()),
        timeout=RENDER_TIMEOUT,
    )
    assert all("cannot open" in message for message in failures.values())
    index = proxy.index(0, 0)
    assert grid.cover(index.data(RESOURCE_ROLE)) is None
    box = grid.cover_rect(index)
    image = viewport_image(grid)
    fill = grid.palette().color(QPalette.ColorRole.AlternateBase).name()
    assert image.pixelColor(box.left() + 3, box.top() + 3).name() == fill
    asked = len(service.requests)
    grid.request_visible()
    assert len(service.requests) == asked  # a failed cover is not asked for again


def test_keys_that_are_not_covers_are_ignored(qtbot, library, proxy, service) -> None:
    grid, _ = make_grid(qtbot, library.catalog, proxy, service)
    show(qtbot, grid)
    first = proxy.index(0, 0).data(RESOURCE_ROLE)
    qtbot.waitUntil(lambda: grid.cover(first) is not None, timeout=RENDER_TIMEOUT)
    covers = {rid: grid.cover(rid) for rid in grid.visible_ids()}
    image = QImage(4, 4, QImage.Format.Format_RGB888)
    for key in ("k", (12345, 1, 1.25), ("page", 7, 1, 1.0), ("cover", "not-asked-for", 0.2)):
        service.rendered.emit(key, image)
        service.failed.emit(key, "not ours")
    assert grid.cover("not-asked-for") is None
    assert {rid: grid.cover(rid) for rid in covers} == covers


def test_a_document_view_shares_the_service_with_the_grid(qtbot, library, proxy, service) -> None:
    # Every view connected to the service sees every key: the cover keys must not upset
    # a document view (any exception in its slot fails this test).
    resource = library.catalog.resources[0]
    document = DocumentView(resource, str(library.catalog.path_of(resource)), service)
    qtbot.addWidget(document)
    grid, _ = make_grid(qtbot, library.catalog, proxy, service)
    show(qtbot, grid)
    qtbot.waitUntil(
        lambda: all(grid.cover(rid) is not None for rid in grid.visible_ids()),
        timeout=RENDER_TIMEOUT,
    )


def test_keyboard_moves_and_enter_activates(qtbot, library, proxy, service) -> None:
    grid, _ = make_grid(qtbot, library.catalog, proxy, service)
    show(qtbot, grid)
    assert grid.accessibleName() == "Resource covers"
    assert grid.toolTip()
    grid.setFocus()
    grid.setCurrentIndex(proxy.index(0, 0))
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.currentIndex().row() == 1
    with qtbot.waitSignal(grid.activated) as blocker:
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    activated: QModelIndex = blocker.args[0]
    assert activated.data(RESOURCE_ROLE) == proxy.index(1, 0).data(RESOURCE_ROLE)


def test_titles_wrap_to_two_lines_and_elide() -> None:
    font = QFont()
    long = "Renew: communities, collaboration across place and self-sufficiency"
    lines = title_lines(long, font, 120)
    assert len(lines) == 2
    assert lines[1].endswith("…")
    assert title_lines("Short", font, 120) == ["Short"]
    assert initials("The 4Rs at a glance") == "T4"
    assert initials("") == ""

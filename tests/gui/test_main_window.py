"""The minimal main window, driven through pytest-qt."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from reader_app import paths
from reader_app.gui.main_window import MainWindow
from reader_app.gui.resource_model import RESOURCE_ROLE
from reader_app.library import Library


@pytest.fixture
def library():
    lib = Library.open(paths.resolve())
    yield lib
    lib.close()


@pytest.fixture
def window(qtbot, library, tmp_path):
    win = MainWindow(library, QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def shown_ids(window) -> set[str]:
    proxy = window.proxy
    return {proxy.index(row, 0).data(RESOURCE_ROLE) for row in range(proxy.rowCount())}


def test_lists_the_whole_collection(window, library) -> None:
    assert shown_ids(window) == {r.id for r in library.catalog.resources}
    assert str(len(library.catalog.resources)) in window.statusBar().currentMessage()


def test_pillar_filter(window, library) -> None:
    combo = window.pillar_filter
    combo.setCurrentIndex(combo.findData("renew"))
    expected = {r.id for r in library.catalog.resources if "renew" in r.pillars}
    assert shown_ids(window) == expected
    combo.setCurrentIndex(0)
    assert len(shown_ids(window)) == len(library.catalog.resources)


def test_selecting_shows_details_as_plain_text(window, library) -> None:
    window.table.selectRow(0)
    rid = window.proxy.index(0, 0).data(RESOURCE_ROLE)
    resource = library.resource(rid)
    assert window.detail_title.text() == resource.title
    assert window.detail_summary.text() == resource.summary
    assert "written for the Resource Reader app" in window.detail_label.text()
    for label in window.details.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_sorting_by_title(window) -> None:
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    titles = [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())]
    assert titles == sorted(titles, key=str.casefold)


def test_controls_have_accessible_names(window) -> None:
    assert window.pillar_filter.accessibleName()
    assert window.table.accessibleName()


def test_geometry_is_restored(qtbot, library, tmp_path) -> None:
    state = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
    first = MainWindow(library, state)
    qtbot.addWidget(first)
    first.resize(640, 480)
    first.show()
    first.close()
    second = MainWindow(library, state)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (640, 480)

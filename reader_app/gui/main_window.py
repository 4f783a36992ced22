"""The main window: the library list with a pillar filter and a details pane.

A first, minimal window; the full reader (facets, search, viewer) builds on it.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QSettings, QSortFilterProxyModel, Qt
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader_app import APP_NAME
from reader_app.gui.resource_model import COLUMNS, RESOURCE_ROLE, ResourceModel
from reader_app.library import Filters, Library


class MainWindow(QMainWindow):
    def __init__(self, library: Library, state: QSettings) -> None:
        super().__init__()
        self._library = library
        self._state = state
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 700)

        self.model = ResourceModel(library)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.pillar_filter = QComboBox(accessibleName="Pillar filter")
        self.pillar_filter.setToolTip("Show only resources under one pillar")
        self.pillar_filter.addItem("All pillars", None)
        for pillar in library.catalog.pillars:
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(pillar.colour))
            self.pillar_filter.addItem(QIcon(swatch), pillar.name, pillar.id)
            index = self.pillar_filter.count() - 1
            self.pillar_filter.setItemData(index, pillar.definition, Qt.ItemDataRole.ToolTipRole)
        self.pillar_filter.currentIndexChanged.connect(self.on_filter_changed)

        toolbar = QToolBar("Filters", objectName="filters", movable=False)
        toolbar.addWidget(QLabel("Pillar: "))
        toolbar.addWidget(self.pillar_filter)
        self.addToolBar(toolbar)

        self.table = QTableView(
            accessibleName="Resources",
            sortingEnabled=True,
            alternatingRowColors=True,
            selectionBehavior=QAbstractItemView.SelectionBehavior.SelectRows,
            selectionMode=QAbstractItemView.SelectionMode.SingleSelection,
        )
        self.table.setModel(self.proxy)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)

        self.details = self._make_details_pane()
        splitter = QSplitter(objectName="main_splitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.setCentralWidget(splitter)

        quit_action = self.addAction("Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        self.on_filter_changed()
        self._size_columns()
        self._restore_geometry()

    def _size_columns(self) -> None:
        self.table.resizeColumnsToContents()
        # Long cells (every pillar, a collection's title) elide so the title keeps its room.
        for name, width in (("Pillars", 150), ("Collection", 160)):
            self.table.horizontalHeader().resizeSection(COLUMNS.index(name), width)

    def _make_details_pane(self) -> QWidget:
        pane = QWidget()
        layout = QVBoxLayout(pane)
        self.detail_title = self._plain_label("Select a resource", "Resource title")
        self.detail_title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.detail_meta = self._plain_label("", "Resource details")
        self.detail_summary = self._plain_label("", "Summary")
        self.detail_label = self._plain_label("", "About this summary")
        self.detail_label.setStyleSheet("font-style: italic;")
        for label in (self.detail_title, self.detail_meta, self.detail_summary, self.detail_label):
            layout.addWidget(label)
        layout.addStretch(1)
        return pane

    @staticmethod
    def _plain_label(text: str, name: str) -> QLabel:
        # Document and user text is always shown as plain text, never as rich text.
        label = QLabel(text, accessibleName=name, wordWrap=True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def on_filter_changed(self) -> None:
        pillar = self.pillar_filter.currentData()
        resources = self._library.resources(Filters(pillar=pillar))
        self.model.set_resources(resources)
        count = len(resources)
        self.statusBar().showMessage(f"{count} resource{'s' if count != 1 else ''}")

    def on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        resource = self._library.resource(indexes[0].data(RESOURCE_ROLE))
        catalog = self._library.catalog
        pillars = ", ".join(p.name for pid in resource.pillars if (p := catalog.pillar(pid)))
        collection = catalog.collection(resource.collection)
        self.detail_title.setText(resource.title)
        self.detail_meta.setText(
            f"{resource.kind.capitalize()} · {pillars}\n"
            f"{collection.title if collection else resource.collection} · {resource.date} · "
            f"{resource.pages} page{'s' if resource.pages != 1 else ''}\n"
            f"Original: {resource.source_url}"
        )
        self.detail_summary.setText(resource.summary)
        self.detail_label.setText(resource.label)

    def _restore_geometry(self) -> None:
        geometry = self._state.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._state.setValue("main_window/geometry", self.saveGeometry())
        self._state.sync()
        super().closeEvent(event)

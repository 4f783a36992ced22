"""The Notes view: every annotation across the library in one table, filtered by
pillar, resource, tag, colour and text; each opens the document at its page."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader_app.annotations import COLOURS, Annotation, AnnotationFilter
from reader_app.catalog import Catalog
from reader_app.gui.annotation_editing import AnnotationEditor
from reader_app.gui.annotation_model import ANNOTATION_ROLE, COLUMNS, AnnotationModel
from reader_app.gui.annotation_panel import combo, refill

TYPING_DELAY_MS = 150


class NotesView(QWidget):
    open_requested = Signal(str, int, str)  # resource id, page, annotation id
    export_requested = Signal()

    def __init__(self, editor: AnnotationEditor, catalog: Catalog) -> None:
        super().__init__(accessibleName="Notes")
        self.editor, self.catalog = editor, catalog
        self._stale = True  # reloaded when next shown, not on every change elsewhere

        self.pillar_filter = combo(
            "Filter by pillar", "Notes on resources of one pillar", "All pillars"
        )
        for pillar in catalog.pillars:
            self.pillar_filter.addItem(pillar.name, pillar.id)
        self.resource_filter = combo("Filter by resource", "Notes on one resource", "All resources")
        for resource in sorted(catalog.resources, key=lambda r: r.title.casefold()):
            self.resource_filter.addItem(resource.title, resource.id)
        for box in (self.pillar_filter, self.resource_filter):
            # Long titles must not make the window wider than the reader wants it.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(10)
        self.resource_filter.setMaximumWidth(320)
        self.tag_filter = combo("Filter by tag", "Notes with this tag", "All tags")
        self.colour_filter = combo("Filter by colour", "Notes of one colour", "All colours")
        for name in COLOURS:
            self.colour_filter.addItem(name.capitalize(), name)
        self.text_filter = QLineEdit(
            accessibleName="Filter by text",
            placeholderText="Words in the quote or the note",
            clearButtonEnabled=True,
        )
        self.text_filter.setToolTip("Show notes whose quote or text contains these words")
        self.count = QLabel(accessibleName="Note count")
        self.count.setToolTip("Notes shown")
        for box in (self.pillar_filter, self.resource_filter, self.tag_filter, self.colour_filter):
            box.activated.connect(self.reload)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._typing.timeout.connect(self.reload)
        self.text_filter.textChanged.connect(self._typing.start)

        self.model = AnnotationModel({r.id: r.title for r in catalog.resources})
        self.table = QTableView(accessibleName="Notes table", sortingEnabled=True)
        self.table.setToolTip("Press Enter or double-click to open a note at its page")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in zip(COLUMNS, (220, 50, 130, 80, 300, 300, 120, 130), strict=True):
            self.table.setColumnWidth(COLUMNS.index(column), width)
        for column in ("Quote", "Note"):  # the words get the room the window has
            header.setSectionResizeMode(COLUMNS.index(column), QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(COLUMNS.index("Updated"), Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(self.on_activated)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)

        filters = QHBoxLayout()
        for widget in (
            self.pillar_filter,
            self.resource_filter,
            self.tag_filter,
            self.colour_filter,
        ):
            filters.addWidget(widget)
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.count)
        export = QPushButton("Export…", accessibleName="Export notes")
        export.setToolTip("Export the notes shown, or those chosen, to a file")
        export.clicked.connect(self.export_requested)
        filters.addWidget(export)
        column = QVBoxLayout(self)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        editor.changed.connect(self.on_changed)

    def set_catalog(self, catalog: Catalog) -> None:
        """The library's documents changed: the resource filter lists them, and notes
        kept from a removed document still show its title."""
        self.catalog = catalog
        titles = {r.id: r.title for r in catalog.resources}
        self.model.titles = {**self.model.titles, **titles}
        chosen = self.resource_filter.currentData()
        while self.resource_filter.count() > 1:
            self.resource_filter.removeItem(1)
        for resource in sorted(catalog.resources, key=lambda r: r.title.casefold()):
            self.resource_filter.addItem(resource.title, resource.id)
        self.resource_filter.setCurrentIndex(max(0, self.resource_filter.findData(chosen)))
        self.on_changed(set())

    def filter(self) -> AnnotationFilter:
        ids: set[str] | None = None
        pillar = self.pillar_filter.currentData()
        if pillar is not None:
            ids = {r.id for r in self.catalog.resources if pillar in r.pillars}
        resource = self.resource_filter.currentData()
        if resource is not None:
            ids = {resource} if ids is None else ids & {resource}
        return AnnotationFilter(
            resource_ids=ids,
            tag=self.tag_filter.currentData(),
            color=self.colour_filter.currentData(),
            text=self.text_filter.text().strip() or None,
        )

    def reload(self) -> None:
        self._stale = False
        refill(self.tag_filter, self.editor.annotations.all_tags())  # tags on annotations
        items = self.editor.annotations.find(self.filter())
        self.model.set_annotations(items)
        self.count.setText(f"{len(items)} note{'s' * (len(items) != 1)}")

    def on_changed(self, _resource_ids: set[str]) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.reload()

    def selected(self) -> list[Annotation]:
        rows = self.table.selectionModel().selectedRows()
        return [i.data(ANNOTATION_ROLE) for i in rows]

    def on_activated(self, index: QModelIndex) -> None:
        item: Annotation = index.data(ANNOTATION_ROLE)
        self.open_requested.emit(item.resource_id, item.page or 1, item.id)

    def delete_selected(self) -> None:
        items = self.selected()
        if items:
            self.editor.delete([a.id for a in items])

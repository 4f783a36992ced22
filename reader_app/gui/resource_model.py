"""A table model of the library's resources, for the library view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from reader_app.catalog import Resource
from reader_app.library import Library

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Title", "Kind", "Pillars", "Collection", "Date", "Pages")
RESOURCE_ROLE = Qt.ItemDataRole.UserRole + 1


class ResourceModel(QAbstractTableModel):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self._rows: list[Resource] = []

    def set_resources(self, resources: list[Resource]) -> None:
        self.beginResetModel()
        self._rows = list(resources)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        resource = self._rows[index.row()]
        if role == RESOURCE_ROLE:
            return resource.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(resource, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return resource.summary
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()] == "Pages":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, resource: Resource, column: int) -> Any:
        name = COLUMNS[column]
        if name == "Title":
            return resource.title
        if name == "Kind":
            return resource.kind
        if name == "Pillars":
            catalog = self._library.catalog
            return ", ".join(
                p.name for pid in resource.pillars if (p := catalog.pillar(pid)) is not None
            )
        if name == "Collection":
            collection = self._library.catalog.collection(resource.collection)
            return collection.title if collection else resource.collection
        if name == "Date":
            return resource.date
        return resource.pages

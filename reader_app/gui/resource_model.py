"""A table model of the library's resources, for the library view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from reader_app.catalog import Resource
from reader_app.library import Library

Index = QModelIndex | QPersistentModelIndex

# "From": a strategy's council and nation, any other resource's collection (a strategy's
# is always "Council strategies"; one column, so the list keeps room for titles).
COLUMNS = ("Title", "Kind", "Pillars", "From", "Date", "Pages", "Last read")
RESOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
# What the proxy sorts by: a key of the right type for every column (numbers for
# numbers, the real time for "Last read"), so sorting never compares display strings.
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
PILLARS_ROLE = Qt.ItemDataRole.UserRole + 3  # list of pillar ids, main pillar first

NEVER_READ = -1.0  # the "Last read" sort key of a resource never opened: before any real time


class ResourceModel(QAbstractTableModel):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self._rows: list[Resource] = []
        # resource id -> (POSIX time, text shown), for resources opened at least once
        self._last_read: dict[str, tuple[float, str]] = self._read_last_opened()

    def set_resources(self, resources: list[Resource]) -> None:
        self.beginResetModel()
        self._rows = list(resources)
        self._last_read = self._read_last_opened()
        self.endResetModel()

    def row_of(self, resource_id: str) -> int | None:
        """The row showing ``resource_id``, or None if it is not shown."""
        return next((row for row, r in enumerate(self._rows) if r.id == resource_id), None)

    def refresh_reading_state(self) -> None:
        """Re-read when each resource was last opened; only the "Last read" column changes."""
        last_read = self._read_last_opened()
        if last_read == self._last_read:
            return
        self._last_read = last_read
        if self._rows:
            column = COLUMNS.index("Last read")
            self.dataChanged.emit(
                self.index(0, column),
                self.index(len(self._rows) - 1, column),
                [Qt.ItemDataRole.DisplayRole, SORT_ROLE],
            )

    def _read_last_opened(self) -> dict[str, tuple[float, str]]:
        locale = QLocale()
        result = {}
        for resource_id, opened in self._library.store.last_opened().items():
            try:
                when = datetime.fromisoformat(opened).timestamp()
            except ValueError:
                continue  # not a time this version wrote: shown as never read
            local = QDateTime.fromMSecsSinceEpoch(round(when * 1000))  # in local time
            result[resource_id] = (when, locale.toString(local, QLocale.FormatType.ShortFormat))
        return result

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
        name = COLUMNS[index.column()]
        if role == RESOURCE_ROLE:
            return resource.id
        if role == PILLARS_ROLE:
            return list(resource.pillars)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(resource, name)
        if role == SORT_ROLE:
            return self._sort_key(resource, name)
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "Title":
                return resource.summary
            if name == "Pillars":  # the chips may not all fit in the column
                return self._display(resource, name)
            if name == "From" and resource.council:
                kind = resource.council_type.capitalize()
                return f"{resource.council} ({kind}, {resource.nation})"
        if role == Qt.ItemDataRole.TextAlignmentRole and name == "Pages":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, resource: Resource, name: str) -> Any:
        if name == "Title":
            return resource.title
        if name == "Kind":
            return resource.kind
        if name == "Pillars":
            catalog = self._library.catalog
            return ", ".join(
                p.name for pid in resource.pillars if (p := catalog.pillar(pid)) is not None
            )
        if name == "From" and resource.council:
            return f"{resource.council}, {resource.nation}"
        if name == "From":
            collection = self._library.catalog.collection(resource.collection)
            return collection.title if collection else resource.collection
        if name == "Date":  # "25 June 2020", "c. 2022", "Undated"
            return resource.display_date
        if name == "Last read":
            last = self._last_read.get(resource.id)
            return last[1] if last else ""
        return resource.pages

    def _sort_key(self, resource: Resource, name: str) -> Any:
        if name == "Pages":
            return resource.pages
        if name == "Date":
            return resource.date  # ISO, a prefix of it, or "" (undated): sorts as text
        if name == "Last read":
            last = self._last_read.get(resource.id)
            return last[0] if last else NEVER_READ
        return str(self._display(resource, name)).casefold()

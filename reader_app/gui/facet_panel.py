"""The facet sidebar: pillars (with their colours), kind, collection, nation, council type,
tags and year, each value checkable and followed by how many resources choosing it would
show. A facet with no values (no nations in a library without strategies) is hidden."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from reader_app.catalog import COUNCIL_TYPES, NATIONS, UNDATED, Catalog
from reader_app.colours import pillar_chip
from reader_app.facets import FACETS, Selection

TITLES = {
    "pillar": "Pillars",
    "kind": "Kind",
    "collection": "Collection",
    "nation": "Nation",
    "council_type": "Council type",
    "tag": "Tags",
    "year": "Year",
}
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class FacetPanel(QTreeWidget):
    selection_changed = Signal(object)  # Selection

    def __init__(self, catalog: Catalog) -> None:
        super().__init__(
            accessibleName="Filters", headerHidden=True, rootIsDecorated=False, columnCount=2
        )
        # Counts in a column of their own, so a long name elides without hiding its count.
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setMinimumWidth(200)
        self.setToolTip("Tick values to filter the library and the search results")
        self._catalog = catalog
        self._selection = Selection()
        self.dark = False  # the theme: pillar swatches use its WCAG-checked colours
        self._groups: dict[str, QTreeWidgetItem] = {}
        for facet in FACETS:
            group = QTreeWidgetItem(self, [TITLES[facet]])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self._groups[facet] = group
        self.itemChanged.connect(self.on_item_changed)

    @property
    def selection(self) -> Selection:
        return self._selection

    def set_catalog(self, catalog: Catalog) -> None:
        """The library's documents changed; ``set_counts`` shows them next."""
        self._catalog = catalog

    def set_selection(self, selection: Selection) -> None:
        """Tick exactly the values ``selection`` holds (the directory's cells choose them)."""
        if selection != self._selection:
            self._selection = selection
            self.selection_changed.emit(self._selection)

    def reset_selection(self) -> None:
        """Untick every value: the whole library is shown."""
        if self._selection != Selection():
            self._selection = Selection()
            self.selection_changed.emit(self._selection)

    def _label(self, facet: str, value: str) -> str:
        if facet == "pillar" and (pillar := self._catalog.pillar(value)):
            return pillar.name
        if facet == "collection" and (collection := self._catalog.collection(value)):
            return collection.title
        if facet in ("kind", "council_type"):
            return value.replace("-", " ").capitalize()
        if facet == "year" and value == UNDATED:
            return "Undated"
        return value

    def set_counts(self, counts: Mapping[str, Counter[str]]) -> None:
        """Show every value that has resources, or is chosen, with its count."""
        self.blockSignals(True)
        try:
            for facet, group in self._groups.items():
                chosen = self._selection.values(facet)
                values = {v for v, n in counts[facet].items() if n} | set(chosen)
                group.takeChildren()
                for value in self._ordered(facet, values):
                    label = self._label(facet, value)
                    item = QTreeWidgetItem(group, [label, str(counts[facet][value])])
                    item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                    item.setToolTip(0, label)
                    item.setData(0, VALUE_ROLE, (facet, value))
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(
                        0, Qt.CheckState.Checked if value in chosen else Qt.CheckState.Unchecked
                    )
                    if facet == "pillar" and (pillar := self._catalog.pillar(value)):
                        item.setIcon(0, swatch(pillar_chip(pillar.colour, self.dark).fill))
                        item.setToolTip(0, pillar.definition)
                group.setHidden(group.childCount() == 0)
            self.expandAll()
        finally:
            self.blockSignals(False)

    def _ordered(self, facet: str, values: set[str]) -> list[str]:
        if facet == "pillar":
            return [p.id for p in self._catalog.pillars if p.id in values]
        if facet == "collection":
            return [c.id for c in self._catalog.collections if c.id in values]
        if facet == "nation":
            return [n for n in NATIONS if n in values] + sorted(values - set(NATIONS))
        if facet == "council_type":
            known = [t for t in COUNCIL_TYPES if t in values]
            return known + sorted(values - set(COUNCIL_TYPES))
        if facet == "year":  # newest first; undated ones last
            return sorted(values - {UNDATED}, reverse=True) + [UNDATED] * (UNDATED in values)
        return sorted(values, key=str.casefold)

    def toggle(self, facet: str, value: str) -> None:
        self._selection = self._selection.toggled(facet, value)
        self.selection_changed.emit(self._selection)

    def on_item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, VALUE_ROLE)
        if data is not None:
            self.toggle(*data)

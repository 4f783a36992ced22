"""The council strategies directory: how the bundled strategies spread over the four
pillars and the nations, as a table of counts. Each cell opens the library's list of
the strategies it counts (the facets chosen so); View > Council Strategies Directory and
``resource-reader://directory?…`` links open it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader_app import deep_links, directory
from reader_app.catalog import COUNCIL_TYPES, NATIONS, Catalog
from reader_app.colours import (
    DARK_BACKGROUND,
    LIGHT_BACKGROUND,
    parse_hex,
    pillar_chip,
    readable_on,
    to_hex,
)

if TYPE_CHECKING:
    from reader_app.gui.main_window import MainWindow

Index = QModelIndex | QPersistentModelIndex

CAPTION = (
    "Council strategies, compiled for Resource Reader from councils' public pages; "
    "not Socitm's list."
)
HOW_TO_READ = (
    "Each cell counts the strategies that emphasise a pillar in a nation. A strategy can "
    "emphasise more than one pillar, so the pillar rows add up to more than the total. "
    "Click a cell, or choose it with the arrow keys and press Enter, to list those strategies."
)
ALL_NATIONS = "All nations"
ALL_STRATEGIES = "All strategies"
FACETS_ROLE = Qt.ItemDataRole.UserRole + 1  # the facets (facet -> value) a cell opens


def _count(number: int) -> str:
    return f"{number} strateg{'y' if number == 1 else 'ies'}"


def _blend(base: str, colour: str, share: float) -> str:
    """``share`` of ``colour`` over ``base``: the heat of a cell."""
    mixed = (
        round(b + (c - b) * share) for b, c in zip(parse_hex(base), parse_hex(colour), strict=True)
    )
    return to_hex(*mixed)


class SpreadModel(QAbstractTableModel):
    """Rows: the catalog's pillars, then all strategies; columns: the pillar, each nation,
    then all nations. A cell's display is its count, its ``FACETS_ROLE`` what it opens."""

    def __init__(self, catalog: Catalog, dark: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dark = dark
        self._catalog = catalog
        self._load(catalog)

    def _load(self, catalog: Catalog) -> None:
        self._catalog = catalog
        strategies = directory.strategies(catalog.resources)
        self._spread = directory.spread(strategies, [p.id for p in catalog.pillars])
        self._pillars = list(catalog.pillars)
        self._nations = list(NATIONS)
        self._per_nation = {n: sum(r.nation == n for r in strategies) for n in self._nations}
        self._total = len(strategies)
        cells = [n for by_nation in self._spread.values() for n in by_nation.values()]
        self._most = max(cells, default=0)

    def set_catalog(self, catalog: Catalog) -> None:
        self.beginResetModel()
        self._load(catalog)
        self.endResetModel()

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    @property
    def total(self) -> int:
        return self._total

    @property
    def nations(self) -> list[str]:
        return list(self._nations)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._pillars) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._nations) + 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Pillar"
        return ALL_NATIONS if section == len(self._nations) + 1 else self._nations[section - 1]

    def cell(self, row: int, column: int) -> tuple[str | None, str | None]:
        """The (pillar id, nation) a cell stands for; None for "all"."""
        pillar = self._pillars[row].id if row < len(self._pillars) else None
        nation = self._nations[column - 1] if 0 < column <= len(self._nations) else None
        return pillar, nation

    def count(self, row: int, column: int) -> int:
        pillar, nation = self.cell(row, column)
        if pillar is None:
            return self._total if nation is None else self._per_nation[nation]
        by_nation = self._spread.get(pillar, {})
        return sum(by_nation.values()) if nation is None else by_nation.get(nation, 0)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        pillar_id, nation = self.cell(row, column)
        pillar = self._catalog.pillar(pillar_id) if pillar_id else None
        name = pillar.name if pillar else ALL_STRATEGIES
        count = self.count(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return name if column == 0 else str(count)
        if role == FACETS_ROLE:
            return {
                facet: value
                for facet, value in (("pillar", pillar_id), ("nation", nation))
                if value is not None
            }
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{name}, {nation or 'all nations'}: {_count(count)}"
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and pillar and column == 0:
            return pillar.definition
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f" in {nation}" if nation else ""
            what = f"emphasising {name}" if pillar else "in all"
            return f"{_count(count)} {what}{where}: click or press Enter to list them"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Counts centred under their nation, as in a chart; names read from the left.
            horizontal = (
                Qt.AlignmentFlag.AlignLeft if column == 0 else Qt.AlignmentFlag.AlignHCenter
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        total = pillar is None or column in (0, len(self._nations) + 1)
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = self._colours(pillar.colour if pillar else None, column, count)
            if colours is not None:
                return QColor(colours[0 if role == Qt.ItemDataRole.BackgroundRole else 1])
        return None

    def _colours(self, colour: str | None, column: int, count: int) -> tuple[str, str] | None:
        """(fill, text) of a cell: the pillar's chip for its name, its hue by count in the
        nations' cells (text black or white, whichever reads better: AA either way)."""
        if colour is None:
            return None
        chip = pillar_chip(colour, self._dark)
        if column == 0:
            return chip.fill, chip.text
        if column > len(self._nations) or count == 0 or self._most == 0:
            return None
        base = DARK_BACKGROUND if self._dark else LIGHT_BACKGROUND
        fill = _blend(base, chip.fill, 0.2 + 0.8 * count / self._most)
        return fill, readable_on(fill)


class DirectoryView(QWidget):
    """The caption, the pillar-by-nation table, and how to read it. Choosing a cell emits
    ``list_requested`` with the facets it stands for (facet -> value)."""

    list_requested = Signal(dict)

    def __init__(self, catalog: Catalog, dark: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent, accessibleName="Council strategies directory")
        self.model = SpreadModel(catalog, dark, parent=self)
        self.heading = self._label("", "Directory heading")
        # Fonts, not style sheets: a widget with a style sheet keeps the palette it had,
        # and its text vanished when the theme turned from dark to light.
        font = self.heading.font()
        font.setPointSizeF(16)
        font.setWeight(QFont.Weight.DemiBold)
        self.heading.setFont(font)
        self.caption = self._label(CAPTION, "About this directory")
        font = self.caption.font()
        font.setItalic(True)
        self.caption.setFont(font)
        self.table = QTableView(
            accessibleName="Strategies by pillar and nation",
            selectionMode=QAbstractItemView.SelectionMode.SingleSelection,
            selectionBehavior=QAbstractItemView.SelectionBehavior.SelectItems,
            editTriggers=QAbstractItemView.EditTrigger.NoEditTriggers,
            tabKeyNavigation=False,  # Tab leaves the table; the arrows move in it
            wordWrap=False,
        )
        self.table.setToolTip("Click a cell, or press Enter on it, to list those strategies")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(max(36, self.fontMetrics().height() * 2))
        self.table.clicked.connect(self.on_chosen)
        self.table.activated.connect(self.on_chosen)  # Enter, or a double click
        self.how_to_read = self._label(HOW_TO_READ, "How to read the table")
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.caption, self.table, self.how_to_read):
            layout.addWidget(widget)
        self._fit_table()
        layout.addStretch(1)
        self.model.modelReset.connect(self._fit_table)
        self._update_heading()

    @staticmethod
    def _label(text: str, name: str) -> QLabel:
        label = QLabel(text, accessibleName=name, wordWrap=True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # council names are shown as they are
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _fit_table(self) -> None:
        """As tall as its rows: the table is a chart, not a list to scroll."""
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.model.rowCount()))
        self.table.setFixedHeight(height)

    def _update_heading(self) -> None:
        total = self.model.total
        last = self.model.rowCount() - 1
        nations = sum(self.model.count(last, c + 1) > 0 for c in range(len(self.model.nations)))
        self.heading.setText(
            f"Council strategies directory: {_count(total)} from {nations} "
            f"nation{'s' if nations != 1 else ''}"
        )

    def set_catalog(self, catalog: Catalog) -> None:
        self.model.set_catalog(catalog)
        self._update_heading()

    def set_dark(self, dark: bool) -> None:
        self.model.set_dark(dark)

    def index_of(self, pillar: str | None, nation: str | None) -> QModelIndex:
        """The cell of a pillar (None: all strategies) and a nation (None: all nations)."""
        rows = range(self.model.rowCount())
        row = next(r for r in rows if self.model.cell(r, 1)[0] == pillar)
        columns = range(1, self.model.columnCount())
        column = next(c for c in columns if self.model.cell(0, c)[1] == nation)
        return self.model.index(row, column)

    def on_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.list_requested.emit(index.data(FACETS_ROLE))


class DirectoryActions(QObject):
    """View > Council Strategies Directory (and its tool bar button) in a main window,
    the directory's tab, and where its cells and links lead: the library, filtered."""

    def __init__(self, window: MainWindow, catalog: Catalog, dark: bool = False) -> None:
        super().__init__(window)
        self._window = window
        self._catalog = catalog
        # Owned by the window, hidden there until its tab is opened.
        self.view = DirectoryView(catalog, dark, parent=window)
        self.view.hide()
        self.view.list_requested.connect(self.show_list)
        self.action = QAction(
            "Council Strategies &Directory",
            self,
            shortcut=QKeySequence("Ctrl+Shift+D"),
            toolTip="How the councils' strategies spread over the pillars and the nations",
            triggered=self.show_directory,
        )
        self.action.setIconText("Strategies directory")

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.addAction(self.action)
        button = toolbar.widgetForAction(self.action)
        if button is not None:  # a tool bar's button is named for screen readers too
            button.setAccessibleName("Council strategies directory")

    def set_catalog(self, catalog: Catalog) -> None:
        """The library's documents changed: the table counts them."""
        self._catalog = catalog
        self.view.set_catalog(catalog)

    def show_directory(self) -> None:
        """Bring the directory's tab forward, opening it beside the notes if closed."""
        tabs = self._window.tabs
        if tabs.indexOf(self.view) < 0:
            index = tabs.insertTab(2, self.view, "Strategies directory")
            tabs.setTabToolTip(index, CAPTION)
        tabs.setCurrentWidget(self.view)
        self.view.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_list(self, chosen: Mapping[str, str]) -> None:
        """The library, showing the strategies ``chosen`` (facet -> value) picks."""
        window = self._window
        if window.search_field.text():
            window.search_field.clear()  # the list, not search results
        window.facet_panel.set_selection(directory.directory_selection(chosen))
        window.tabs.setCurrentIndex(0)
        window.library_view().setFocus(Qt.FocusReason.OtherFocusReason)

    def open_link(self, link: str) -> bool:
        """Follow a ``resource-reader://directory`` link: with facets, the list they
        choose; without, the directory. False if it is not such a link, or names a
        pillar, nation or kind of council there is not."""
        chosen = deep_links.parse_directory_link(link)
        known = {
            "pillar": {p.id for p in self._catalog.pillars},
            "nation": set(NATIONS),
            "council_type": set(COUNCIL_TYPES),
        }
        if chosen is None or any(v not in known.get(f, ()) for f, v in chosen.items()):
            return False  # the window says the link points to nothing here
        if chosen:
            self.show_list(chosen)
        else:
            self.show_directory()
        return True

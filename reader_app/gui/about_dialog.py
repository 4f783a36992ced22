"""Help > About Resource Reader: what the app is, where it keeps the reader's data, the
versions it runs on, and the licences of everything it ships, each readable in full.

Everything here is shown as plain text: paths, addresses and licence texts are never
read as markup. PyMuPDF and Whoosh versions come from package metadata, so opening the
dialog imports neither.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    qVersion,
)
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader_app import APP_NAME, __version__, backups, licences
from reader_app.catalog import Collection
from reader_app.licences import Component
from reader_app.paths import AppPaths

if TYPE_CHECKING:
    from reader_app.gui.link_opener import LinkOpener
    from reader_app.gui.main_window import MainWindow

DESCRIPTION = (
    "An offline reader for briefings on place-based recovery for UK councils: "
    "search, tag, annotate and export."
)
COLLECTION_NOTE = (
    "The bundled collection is our own writing: every item is a summary written for this "
    "app, built on the facts of public resources published by Socitm. Each item says so on "
    "its first page and links to its original on socitm.net. Nothing here is published or "
    "endorsed by Socitm."
)


def source_notice() -> str:
    """The AGPL notice, saying honestly where this version's source code is."""
    if licences.SOURCE_CODE_URL:
        where = f"The complete source code of this version is at {licences.SOURCE_CODE_URL}"
    else:
        where = (
            "The complete source code of this version is included in its source distribution "
            f"(resource_reader-{__version__}.tar.gz) and is available on request from whoever "
            "supplied you with the app"
        )
    return (
        f"{APP_NAME} is free software: you can redistribute it and/or modify it under the "
        "terms of the GNU Affero General Public License as published by the Free Software "
        "Foundation, either version 3 of the License, or (at your option) any later "
        "version. It comes with ABSOLUTELY NO WARRANTY; the Licences tab has the licence "
        f"and those of the components it ships. {where}."
    )


def data_locations(app_paths: AppPaths) -> list[tuple[str, str, Path]]:
    """(label, what is there, folder) for each place the app keeps things."""
    return [
        ("Your data", "notes, tags, reading places and your documents", app_paths.data_dir),
        ("Settings", "preferences and window layout", app_paths.config_dir),
        ("Cache", "the search index; safe to delete", app_paths.cache_dir),
        ("Backups", "daily copies of your data, 7 kept", app_paths.data_dir / backups.FOLDER),
    ]


def versions() -> list[tuple[str, str]]:
    """(component, version) for the app and what it runs on."""
    unknown = "not recorded"
    return [
        (APP_NAME, __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("PyMuPDF", licences.installed_version("pymupdf-lite", "PyMuPDF") or unknown),
        ("Whoosh", licences.installed_version("whoosh-reloaded", "Whoosh") or unknown),
        ("platformdirs", licences.installed_version("platformdirs") or unknown),
    ]


def plain_label(text: str = "", name: str = "", *, selectable: bool = False) -> QLabel:
    label = QLabel(accessibleName=name or text, wordWrap=True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
    return label


class ComponentModel(QAbstractTableModel):
    """The components of the licence index: name and licence."""

    HEADERS = ("Component", "Licence")

    def __init__(self, components: Sequence[Component], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.components = tuple(components)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.components)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if not index.isValid():
            return None
        component = self.components[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 1:
                return component.licence
            return (
                f"{component.name} (standalone bundle)" if component.bundle_only else component.name
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            where = " (standalone bundle only)" if component.bundle_only else ""
            return f"{component.name} {component.version}{where}: {component.spdx}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class AboutDialog(QDialog):
    """The About box: what the app is; its folders and versions; the licences."""

    def __init__(
        self,
        app_paths: AppPaths,
        *,
        collections: Sequence[Collection] = (),
        link_opener: LinkOpener | None = None,
        components: Sequence[Component] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, accessibleName=f"About {APP_NAME}")
        self.setWindowTitle(f"About {APP_NAME}")
        self.app_paths = app_paths
        self.link_opener = link_opener
        self.folder_fields: dict[str, QLineEdit] = {}
        self.folder_buttons: dict[str, QPushButton] = {}
        self.tabs = QTabWidget(accessibleName="About")
        self.tabs.addTab(self._about_tab(collections), "&About")
        self.tabs.addTab(self._details_tab(), "&Folders and Versions")
        self.tabs.addTab(self._licences_tab(components), "&Licences")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Close, accessibleName="Dialog buttons"
        )
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(740, 520)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.close_button.setFocus()  # Enter or Escape closes; no link is one key away

    # The About tab

    def _about_tab(self, collections: Sequence[Collection]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = plain_label(APP_NAME, "Application name")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.version_label = plain_label(f"Version {__version__}", "Version", selectable=True)
        layout.addWidget(title)
        layout.addWidget(self.version_label)
        layout.addWidget(plain_label(DESCRIPTION, "Description"))
        layout.addSpacing(8)
        layout.addWidget(plain_label(COLLECTION_NOTE, "About the bundled collection"))
        if collections:
            layout.addWidget(self._originals_box(collections))
        layout.addSpacing(8)
        self.source_label = plain_label(source_notice(), "Licence and source code", selectable=True)
        layout.addWidget(self.source_label)
        layout.addStretch(1)
        return self._scrolled(page, "About the app")

    def _details_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._folders_box())
        layout.addWidget(self._versions_box())
        layout.addStretch(1)
        return self._scrolled(page, "Folders and versions")

    @staticmethod
    def _scrolled(page: QWidget, name: str) -> QScrollArea:
        scroll = QScrollArea(widgetResizable=True, accessibleName=name)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _originals_box(self, collections: Sequence[Collection]) -> QGroupBox:
        box = QGroupBox("The originals, on socitm.net", accessibleName="The originals")
        grid = QGridLayout(box)
        grid.setColumnStretch(0, 1)
        for n, collection in enumerate(collections):
            grid.addWidget(plain_label(collection.title, collection.title), 2 * n, 0)
            address = plain_label(
                collection.url, f"Original of {collection.title}", selectable=True
            )
            grid.addWidget(address, 2 * n + 1, 0)
            if self.link_opener is not None:
                button = QPushButton(
                    "Open Original…", accessibleName=f"Open the original of {collection.title}"
                )
                button.setToolTip("Open Socitm's page in your web browser (you are asked first)")
                button.clicked.connect(
                    lambda _=False, url=collection.url: self.link_opener.open(url)  # type: ignore[union-attr]
                )
                grid.addWidget(button, 2 * n, 1, 2, 1)
        return box

    def _folders_box(self) -> QGroupBox:
        box = QGroupBox("Where your data is kept", accessibleName="Where your data is kept")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        for row, (label, what, folder) in enumerate(data_locations(self.app_paths)):
            name = plain_label(label, label)
            name.setToolTip(what)
            field = QLineEdit(str(folder), readOnly=True, accessibleName=f"{label} folder")
            field.setToolTip(f"{what} (select to copy)")
            field.setCursorPosition(0)
            button = QPushButton("Open Folder", accessibleName=f"Open the {label} folder")
            button.setToolTip(f"Show the {label.lower()} folder in your file manager")
            button.clicked.connect(lambda _=False, f=folder: self.open_folder(f))
            if not folder.is_dir():
                button.setEnabled(False)
                button.setToolTip("Not made yet: the app makes it when it is first needed")
            caption = plain_label(what[:1].upper() + what[1:], f"What the {label} folder holds")
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a dimmer caption
            grid.addWidget(name, 2 * row, 0)
            grid.addWidget(field, 2 * row, 1)
            grid.addWidget(button, 2 * row, 2)
            grid.addWidget(caption, 2 * row + 1, 1, 1, 2)
            self.folder_fields[label] = field
            self.folder_buttons[label] = button
        return box

    def _versions_box(self) -> QGroupBox:
        box = QGroupBox("Versions", accessibleName="Versions")
        form = QFormLayout(box)
        self.versions_text = "\n".join(f"{name} {version}" for name, version in versions())
        for name, version in versions()[1:]:
            form.addRow(plain_label(name), plain_label(version, f"{name} version", selectable=True))
        copy = QPushButton("Copy Details", accessibleName="Copy the versions and folders")
        copy.setToolTip("Copy the versions and the folders, to paste in a message about a problem")
        copy.clicked.connect(self.copy_details)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(copy)
        form.addRow(row)
        return box

    def open_folder(self, folder: Path) -> bool:
        """Show a local folder in the file manager (never anything but a local folder)."""
        if not folder.is_dir():
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def details(self) -> str:
        folders = "\n".join(
            f"{label}: {folder}" for label, _what, folder in data_locations(self.app_paths)
        )
        return f"{self.versions_text}\n\n{folders}\n"

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())

    # The Licences tab

    def _licences_tab(self, components: Sequence[Component] | None) -> QWidget:
        self.model = ComponentModel(
            licences.components() if components is None else components, self
        )
        self.components_view = QTableView(
            accessibleName="Components",
            selectionBehavior=QAbstractItemView.SelectionBehavior.SelectRows,
            selectionMode=QAbstractItemView.SelectionMode.SingleSelection,
            showGrid=False,
            wordWrap=False,
        )
        self.components_view.setModel(self.model)
        rows = self.components_view.verticalHeader()
        rows.hide()
        rows.setDefaultSectionSize(self.components_view.fontMetrics().height() + 8)
        header = self.components_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.components_view.selectionModel().selectionChanged.connect(self.on_component_chosen)
        self.licence_text = QPlainTextEdit(readOnly=True, accessibleName="Licence text")
        self.licence_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licence_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        splitter = QSplitter(Qt.Orientation.Vertical, childrenCollapsible=False)
        splitter.addWidget(self.components_view)
        splitter.addWidget(self.licence_text)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([180, 360])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            plain_label(
                f"{APP_NAME} is built on these components. Choose one to read its licence.",
                "About the licences",
            )
        )
        layout.addWidget(splitter, 1)
        if self.model.rowCount():
            self.components_view.selectRow(0)
        return page

    def show_licence(self, name: str) -> None:
        """Show the licences tab at the component called ``name``."""
        for row, component in enumerate(self.model.components):
            if component.name == name:
                self.tabs.setCurrentIndex(self.tabs.count() - 1)
                self.components_view.selectRow(row)
                return
        raise KeyError(name)

    def on_component_chosen(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = {index.row() for index in selected.indexes()}
        if not rows:
            return
        component = self.model.components[min(rows)]
        try:
            text = component.full_text()
        except OSError as exc:
            text = f"{component.name}: the licence text could not be read ({exc})."
        self.licence_text.setPlainText(text)


class AboutActions(QObject):
    """Help > About Resource Reader in a main window, and the dialog behind it (one at a
    time; choosing the action again brings it to the front)."""

    def __init__(
        self,
        window: MainWindow,
        app_paths: AppPaths,
        collections: Sequence[Collection] = (),
    ) -> None:
        super().__init__(window)
        self._window, self._paths, self._collections = window, app_paths, tuple(collections)
        self.dialog: AboutDialog | None = None
        self.about_action = QAction(
            f"&About {APP_NAME}",
            self,
            menuRole=QAction.MenuRole.AboutRole,
            toolTip="Version, where your data is kept, and licences",
            triggered=self.show_about,
        )
        window.help_menu.addAction(self.about_action)

    def show_about(self) -> AboutDialog:
        if self.dialog is None:
            self.dialog = AboutDialog(
                self._paths,
                collections=self._collections,
                link_opener=self._window.link_opener,
                parent=self._window,
            )
        if self.dialog.isVisible():  # behind the main window, perhaps: bring it forward
            self.dialog.raise_()
            self.dialog.activateWindow()
        else:
            self.dialog.show()
        return self.dialog

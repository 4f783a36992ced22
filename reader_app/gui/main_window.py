"""The main window: facets on the left, the library or the search results in the middle,
details of the chosen resource on the right, and the search field always at the top."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QTabWidget,
    QToolBar,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader_app import APP_NAME, facets, write_access
from reader_app.annotations import Annotations
from reader_app.catalog import Resource
from reader_app.colours import pillar_chip
from reader_app.deep_links import is_deep_link, parse_deep_link
from reader_app.export.scope import ExportScope
from reader_app.facets import Selection
from reader_app.gui.annotation_editing import AnnotationEditor
from reader_app.gui.directory_view import DirectoryActions
from reader_app.gui.document_view import DocumentView
from reader_app.gui.export_dialog import ExportDialog
from reader_app.gui.facet_panel import FacetPanel
from reader_app.gui.import_dialog import ImportSession
from reader_app.gui.indexing import IndexingThread
from reader_app.gui.library_view import CoverGrid, PillarChipDelegate
from reader_app.gui.link_opener import LinkOpener
from reader_app.gui.notes_view import NotesView
from reader_app.gui.pack_dialogs import PackActions
from reader_app.gui.plain_text import plain_tooltip
from reader_app.gui.read_only_notice import add_read_only_notice
from reader_app.gui.render_service import RenderService
from reader_app.gui.resource_editing import (
    LibraryChanges,
    edit_resource,
    editable,
    remove_resource,
)
from reader_app.gui.resource_model import COLUMNS, RESOURCE_ROLE, SORT_ROLE, ResourceModel
from reader_app.gui.search_panel import HIT_ROLE, ResultsView, SearchRunner, hit_terms
from reader_app.gui.theme import ThemeFollower
from reader_app.library import Library
from reader_app.search.results import SearchResults
from reader_app.settings import SETTINGS_FILE, THEMES, Settings
from reader_app.store import StoreError

ImportHandler = Callable[[list[Path]], None]
PAGE_SAVE_DELAY_MS = 500  # a page the reader stays on this long is remembered
REINDEX_DELAY_MS = 800  # notes are re-indexed for search once editing pauses this long


class MainWindow(QMainWindow):
    def __init__(
        self,
        library: Library,
        state: QSettings,
        settings: Settings | None = None,
        theme: ThemeFollower | None = None,
    ) -> None:
        super().__init__()
        self._library = library
        self._state = state
        # Preferences sit beside the remembered window state, in the config folder.
        self.settings = settings or Settings.load(Path(state.fileName()).with_name(SETTINGS_FILE))
        self._theme = theme
        self.link_opener = LinkOpener(self)
        self._import_handler: ImportHandler | None = None
        self._results: SearchResults | None = None
        self._open_hit: tuple[str, int] | None = None
        self._pages_read: dict[str, int] = {}
        self._page_timer = QTimer(self, singleShot=True, interval=PAGE_SAVE_DELAY_MS)
        self._page_timer.timeout.connect(self._save_pages_read)
        self._indexing: IndexingThread | None = None
        self._index_again = False
        self._closing = False
        self.annotation_editor = AnnotationEditor(
            Annotations(library.store), self, known_tags=library.store.all_tags
        )
        self.annotation_editor.failed.connect(self.on_save_failed)
        self._reindex_timer = QTimer(self, singleShot=True, interval=REINDEX_DELAY_MS)
        self._reindex_timer.timeout.connect(self.start_indexing)
        self.annotation_editor.changed.connect(self._reindex_timer.start)
        # Adding, editing and removing the reader's own documents: one signal refreshes all.
        self.changes = LibraryChanges(library, self)
        self.changes.catalog_changed.connect(self.on_catalog_changed)
        self.changes.removing.connect(self.close_documents_of)
        self.importer = ImportSession(self.changes, self, state, show=self.select_resource)
        # Resource packs: installed in a thread, then every view is brought up to date.
        self.packs = PackActions(library, state, self)
        self.packs.catalog_changed.connect(self.on_pack_installed)
        self.packs.message.connect(lambda text: self.statusBar().showMessage(text, 20_000))
        self.set_import_handler(self.importer.start)  # files dropped on the window
        self.setWindowTitle(APP_NAME)
        self.resize(1200, 720)

        self.search_field = QLineEdit(
            accessibleName="Search",
            placeholderText="Search every resource (Ctrl+K)",
            clearButtonEnabled=True,
        )
        self.search_field.setToolTip(
            'Words, "phrases", OR, -word, prefix*, word~, pillar:reform, tag:…'
        )
        self.suggestion = QPushButton(accessibleName="Did you mean", flat=True)
        self.suggestion.setToolTip("Search for this spelling instead")
        toolbar = QToolBar("Search", objectName="search", movable=False)
        toolbar.addWidget(self.search_field)
        # A widget in a tool bar is shown and hidden through its action.
        self.suggestion_action = toolbar.addWidget(self.suggestion)
        self.suggestion_action.setVisible(False)
        self.addToolBar(toolbar)
        self.search_toolbar = toolbar
        # Ctrl+K is the Edit menu's; "/" as in browsers and mail readers.
        QShortcut(QKeySequence("/"), self, activated=self.focus_search)

        self.facet_panel = FacetPanel(library.catalog)
        self.model = ResourceModel(library)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)  # dates, pages and times sort as what they are
        self._dark = bool(theme and theme.dark)
        self.table = self._make_table()
        self.grid = CoverGrid(library.catalog, self.render_service, self.chip_colours)
        self.grid.setModel(self.proxy)
        self.grid.setSelectionModel(self.table.selectionModel())  # one selection, two views
        self.grid.activated.connect(self.on_table_activated)
        for view in (self.table, self.grid):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda pos, v=view: self.show_library_menu(v, pos)
            )
        self.results = ResultsView(library.catalog)
        self.centre = QStackedWidget()
        for widget in (self.table, self.grid, self.results):
            self.centre.addWidget(widget)
        self.centre.setCurrentWidget(self.library_view())
        self.details = self._make_details_pane()

        self.splitter = QSplitter(objectName="main_splitter")
        for widget, stretch in ((self.facet_panel, 1), (self.centre, 4), (self.details, 2)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)

        # The library is the first tab; documents open in tabs beside it, with the
        # whole width of the window for reading (as in Zotero).
        self.tabs = QTabWidget(tabsClosable=True, documentMode=True, accessibleName="Tabs")
        self.tabs.setToolTip("The library and your open documents")
        self.tabs.addTab(self.splitter, "Library")
        self.notes_view = NotesView(self.annotation_editor, library.catalog)
        self.notes_view.open_requested.connect(self.open_annotation)
        self.notes_view.export_requested.connect(self.export_notes)
        self.tabs.addTab(self.notes_view, "Notes")
        self.tabs.setTabToolTip(1, "Every note and highlight, across the library")
        for tab in (0, 1):  # the library and the notes stay
            for side in (QTabBar.ButtonPosition.LeftSide, QTabBar.ButtonPosition.RightSide):
                self.tabs.tabBar().setTabButton(tab, side, None)
        self.tabs.tabCloseRequested.connect(self.on_tab_close_requested)
        self._render_service: RenderService | None = None
        self.setCentralWidget(self.tabs)
        if library.read_only:  # a full disk or a read-only data folder: nothing is saved
            self.read_only_notice = add_read_only_notice(self, library.read_only_reason)

        self.progress = QProgressBar(
            accessibleName="Indexing progress", maximumWidth=200, visible=False
        )
        self.statusBar().addPermanentWidget(self.progress)

        # The council strategies directory: a tab opened from View, the tool bar or a link.
        self.directory = DirectoryActions(self, library.catalog, self._dark)
        self._make_menus()
        if library.read_only:  # what only adds to the library is offered greyed, with why
            for action in (self.add_documents_action, self.install_pack_action):
                action.setEnabled(False)
                action.setToolTip(f"Not available: {library.read_only_reason}")

        self.runner = SearchRunner(library.index_dir, parent=self)
        self.search_field.textChanged.connect(self.on_search_text_changed)
        self.search_field.returnPressed.connect(self.runner.run_now)
        self.suggestion.clicked.connect(self.on_suggestion_clicked)
        self.runner.results_ready.connect(self.on_results_ready)
        self.runner.search_failed.connect(self.on_search_failed)
        self.facet_panel.selection_changed.connect(self.on_selection_changed)
        self.results.open_requested.connect(self.on_open_requested)
        self.results.currentItemChanged.connect(self.on_result_selected)

        if theme is not None:
            theme.theme_changed.connect(self.on_theme_changed)
        self.facet_panel.dark = bool(theme and theme.dark)
        self.on_selection_changed(Selection())
        self._size_columns()
        self._restore_state()
        # Keyboard order: the search field, then what it shows, then the filters.
        order = [self.search_field, self.table, self.grid, self.results, self.facet_panel]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)
        self.search_field.installEventFilter(self)

    # Building

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = file_menu = bar.addMenu("&File")
        self.add_documents_action = self._action(
            file_menu, "&Add Documents…", self.importer.choose_files, "Ctrl+Shift+O"
        )
        self.add_documents_action.setToolTip(
            "Add your own PDFs, EPUBs and images to the library (or drop them on the window)"
        )
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setToolTip("Documents you read lately")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(file_menu, "&Export Notes…", self.export_notes, "Ctrl+Shift+E")
        file_menu.addSeparator()
        self.install_pack_action = self._action(
            file_menu, "&Install Resource Pack…", self.packs.install
        )
        self.install_pack_action.setToolTip(
            "Add a collection, or newer editions of resources, from a resource pack"
        )
        self._action(file_menu, "Export Collection as &Pack…", self.packs.export).setToolTip(
            "Write a collection (and your notes on it, if you like) as a pack to share"
        )
        file_menu.addSeparator()
        self.quit_action = self._action(
            file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit
        )

        edit_menu = bar.addMenu("&Edit")
        stack = self.annotation_editor.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, "&Redo")
        # Ctrl+Shift+Z everywhere, and the platform's own (Ctrl+Y on Windows) too.
        self.redo_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Z"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)]
        )
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self._action(edit_menu, "&Find…", self.find, QKeySequence.StandardKey.Find)
        self._action(edit_menu, "Find &Next", self.find_next, QKeySequence.StandardKey.FindNext)
        self._action(
            edit_menu, "Find Pre&vious", self.find_previous, QKeySequence.StandardKey.FindPrevious
        )
        edit_menu.addSeparator()
        self._action(edit_menu, "&Search All Resources", self.focus_search, "Ctrl+K")

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "Zoom &In", lambda: self._on_view("zoom_in"), "Ctrl++")
        self._action(view_menu, "Zoom &Out", lambda: self._on_view("zoom_out"), "Ctrl+-")
        self._action(view_menu, "Fit &Width", lambda: self._on_view("fit_width"), "Ctrl+2")
        self._action(view_menu, "Fit &Page", lambda: self._on_view("fit_page"), "Ctrl+3")
        view_menu.addSeparator()
        self.grid_action = self._action(view_menu, "Library as &Covers", self.on_grid_toggled)
        self.grid_action.setCheckable(True)
        self.grid_action.setChecked(self.settings.library_view == "grid")
        view_menu.addAction(self.directory.action)
        self.directory.add_to_toolbar(self.search_toolbar)
        sort_menu = view_menu.addMenu("&Sort Library By")
        for label, column, order in (
            ("&Title", "Title", Qt.SortOrder.AscendingOrder),
            ("&Date, Newest First", "Date", Qt.SortOrder.DescendingOrder),
            ("&Recently Read", "Last read", Qt.SortOrder.DescendingOrder),
        ):
            sort_menu.addAction(
                label, lambda c=column, o=order: self.table.sortByColumn(COLUMNS.index(c), o)
            )
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_actions = QActionGroup(self, exclusive=True)
        for choice in THEMES:
            label = {"system": "Follow the &System", "light": "&Light", "dark": "&Dark"}[choice]
            action = theme_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(choice == self.settings.theme)
            action.setData(choice)
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
            self.theme_actions.addAction(action)

        go_menu = bar.addMenu("&Go")
        self._action(go_menu, "&Library", lambda: self.tabs.setCurrentIndex(0), "Ctrl+L")
        self._action(
            go_menu, "N&otes", lambda: self.tabs.setCurrentWidget(self.notes_view), "Ctrl+Shift+N"
        )
        self._action(go_menu, "&Next Search Hit", self.next_hit, "F8")
        self._action(go_menu, "&Previous Search Hit", self.previous_hit, "Shift+F8")
        self._action(go_menu, "Close &Tab", self.close_current_tab, QKeySequence.StandardKey.Close)

        # Help > About is added by AboutActions (about_dialog.py), given the app's folders.
        self.help_menu = bar.addMenu("&Help")

    def _action(
        self,
        menu: QMenu,
        name: str,
        slot: Callable[[], object],
        keys: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = menu.addAction(name)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        return action

    def _make_table(self) -> QTableView:
        table = QTableView(
            accessibleName="Resources",
            sortingEnabled=True,
            alternatingRowColors=True,
            selectionBehavior=QAbstractItemView.SelectionBehavior.SelectRows,
            selectionMode=QAbstractItemView.SelectionMode.SingleSelection,
        )
        table.setToolTip("The library: click a column heading to sort")
        table.setModel(self.proxy)
        table.setItemDelegateForColumn(
            COLUMNS.index("Pillars"),
            PillarChipDelegate(self._library.catalog, self.chip_colours, table),
        )
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.selectionModel().selectionChanged.connect(self.on_table_selection_changed)
        table.activated.connect(self.on_table_activated)
        return table

    def _size_columns(self) -> None:
        self.table.resizeColumnsToContents()
        # Long cells (every pillar, a collection's title) elide so the title keeps its room.
        for name, width in (("Pillars", 130), ("From", 140)):
            self.table.horizontalHeader().resizeSection(COLUMNS.index(name), width)

    def _make_details_pane(self) -> QWidget:
        pane = QWidget()
        layout = QVBoxLayout(pane)
        self.detail_title = self._plain_label("Select a resource", "Resource title")
        # Fonts, not style sheets: a widget with a style sheet keeps the palette it had,
        # and its text vanished when the theme turned from dark to light.
        font = self.detail_title.font()
        font.setPointSizeF(16)
        font.setWeight(QFont.Weight.DemiBold)
        self.detail_title.setFont(font)
        self.detail_meta = self._plain_label("", "Resource details")
        # A council's long address must not widen the pane and squeeze the list's titles.
        self.detail_meta.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail_summary = self._plain_label("", "Summary")
        self.detail_label = self._plain_label("", "About this summary")
        font = self.detail_label.font()
        font.setItalic(True)
        self.detail_label.setFont(font)
        for label in (self.detail_title, self.detail_meta, self.detail_summary, self.detail_label):
            layout.addWidget(label)
        self._detail_id: str | None = None
        self.edit_button = QPushButton(
            "Edit Details…", accessibleName="Edit details", visible=False
        )
        self.edit_button.setToolTip("Change the title, kind, pillars and tags of your document")
        self.edit_button.clicked.connect(lambda: self.edit_details(self._detail_id))
        layout.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return pane

    @staticmethod
    def _plain_label(text: str, name: str) -> QLabel:
        # Document and user text is always shown as plain text, never as rich text.
        label = QLabel(text, accessibleName=name, wordWrap=True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # Library and facets

    def on_selection_changed(self, selection: Selection) -> None:
        catalog, store = self._library.catalog, self._library.store
        tags = store.tags_by_resource()

        def tags_of(resource_id: str) -> list[str]:
            return tags.get(resource_id, [])

        shown = facets.select(catalog.resources, selection, tags_of)
        self.model.set_resources(shown)
        self.facet_panel.set_counts(facets.counts(catalog.resources, selection, tags_of))
        self.runner.set_selection(selection)
        self._library_message = f"{len(shown)} resource{'s' if len(shown) != 1 else ''}"
        if not self.search_field.text().strip():
            self.statusBar().showMessage(self._library_message)

    def on_table_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.show_details(self._library.resource(indexes[0].data(RESOURCE_ROLE)))

    def show_details(self, resource: Resource, page: int | None = None) -> None:
        catalog = self._library.catalog
        pillars = ", ".join(p.name for pid in resource.pillars if (p := catalog.pillar(pid)))
        collection = catalog.collection(resource.collection)
        where = f" · opened at page {page}" if page else ""
        council = (
            f"{resource.council} · {resource.council_type.capitalize()} · {resource.nation}\n"
            if resource.council
            else ""
        )
        source = "Council's page" if resource.council else "Original"
        self.detail_title.setText(resource.title)
        self.detail_meta.setText(
            f"{resource.kind.replace('-', ' ').capitalize()} · {pillars}\n{council}"
            f"{collection.title if collection else resource.collection} · "
            f"{resource.display_date} · "
            f"{resource.pages} page{'s' if resource.pages != 1 else ''}{where}"
            + (f"\n{source}: {resource.source_url}" if resource.source_url else "")
        )
        # The pane may be too narrow for a long address: the tip has it whole.
        self.detail_meta.setToolTip(
            plain_tooltip(resource.source_url) if resource.source_url else ""
        )
        self.detail_summary.setText(resource.summary)
        self.detail_label.setText(resource.label)
        self._detail_id = resource.id
        self.edit_button.setVisible(editable(resource))

    # Search

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the search field moves into what is shown below it, as in a browser.
        if (
            watched is self.search_field
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down  # type: ignore[attr-defined]
            and self.tabs.currentIndex() == 0
        ):
            self.centre.currentWidget().setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def on_search_text_changed(self, text: str) -> None:
        if text.strip():
            self.runner.set_query(text)
        else:
            self.runner.set_query("")
            self.results.clear()
            self.suggestion_action.setVisible(False)
            self.centre.setCurrentWidget(self.library_view())
            self.statusBar().showMessage(self._library_message)

    def on_results_ready(self, results: SearchResults) -> None:
        self._results = results
        self.results.show_results(results)
        self.centre.setCurrentWidget(self.results)
        if self.search_field.hasFocus():
            self.tabs.setCurrentIndex(0)  # typing a query brings the results forward
        if results.suggestion:
            self.suggestion.setText(f"Did you mean: {results.suggestion}")
            self.suggestion.setProperty("query", results.suggestion)
        self.suggestion_action.setVisible(bool(results.suggestion))
        count = results.total
        self.statusBar().showMessage(f"{count} match{'es' if count != 1 else ''}")

    def on_search_failed(self, message: str) -> None:
        self.statusBar().showMessage("The search index is damaged; rebuilding it…")
        self.start_indexing(rebuild=True)

    def on_result_selected(self, item: QTreeWidgetItem | None, _old: object) -> None:
        if item is not None and (hit := item.data(0, HIT_ROLE)):
            self.show_details(self._library.resource(hit[0]))

    def on_suggestion_clicked(self) -> None:
        self.search_field.setText(self.suggestion.property("query"))

    def on_open_requested(
        self, resource_id: str, page: int, terms: list[str], annotation_id: str = ""
    ) -> None:
        self._open_hit = (resource_id, page)
        if annotation_id:  # a hit in a note: open the note
            self.open_annotation(resource_id, page, annotation_id)
        else:
            self.open_document(resource_id, page, terms)

    def _hit_list(self) -> list[tuple[str, int, list[str]]]:
        if self._results is None:
            return []
        return [
            (resource_id, hit.page, hit_terms(hit))
            for resource_id, hits in self._results.grouped()
            if self._library.catalog.get(resource_id) is not None
            for hit in hits
        ]

    def next_hit(self) -> None:
        self._step_hit(+1)

    def previous_hit(self) -> None:
        self._step_hit(-1)

    def _step_hit(self, step: int) -> None:
        """Open the next (or previous) page hit of the current search, across documents."""
        hits = self._hit_list()
        if not hits:
            self.statusBar().showMessage("No search hits: search first (Ctrl+K)", 4000)
            return
        where = [(rid, page) for rid, page, _terms in hits]
        if self._open_hit in where:
            index = (where.index(self._open_hit) + step) % len(hits)
        else:
            index = 0 if step > 0 else len(hits) - 1
        resource_id, page, terms = hits[index]
        self._open_hit = (resource_id, page)
        self.results.select_hit(resource_id, page)
        self.open_document(resource_id, page, terms)
        self.statusBar().showMessage(f"Hit {index + 1} of {len(hits)}")

    def on_table_activated(self, index: QModelIndex) -> None:
        resource_id = index.data(RESOURCE_ROLE)
        self.open_document(resource_id, self._library.store.last_page(resource_id) or 1)

    # Documents

    def render_service(self) -> RenderService:
        if self._render_service is None:  # worker processes start with the first document
            self._render_service = RenderService(parent=self)
        return self._render_service

    def document_views(self) -> list[DocumentView]:
        return [
            w
            for i in range(self.tabs.count())
            if isinstance(w := self.tabs.widget(i), DocumentView)
        ]

    def open_document(
        self, resource_id: str, page: int = 1, terms: list[str] | None = None
    ) -> DocumentView:
        """Open (or show) a document at ``page``, marking the words of a search hit."""
        resource = self._library.resource(resource_id)
        self.show_details(resource, page)
        view = next((v for v in self.document_views() if v.resource.id == resource_id), None)
        if view is None:
            path = str(self._library.catalog.path_of(resource))
            view = DocumentView(
                resource,
                path,
                self.render_service(),
                analyse=_hit_analysis(),
                editor=self.annotation_editor,
            )
            view.page_changed.connect(lambda number, rid=resource_id: self._page_read(rid, number))
            view.external_link_requested.connect(self.follow_link)
            if view.notes is not None:
                view.notes.panel.export_requested.connect(self.export_notes)
            index = self.tabs.addTab(view, resource.title)
            self.tabs.setTabToolTip(index, resource.title)
            bar = self.tabs.tabBar()
            for side in (QTabBar.ButtonPosition.LeftSide, QTabBar.ButtonPosition.RightSide):
                if (close := bar.tabButton(index, side)) is not None:
                    close.setAccessibleName(f"Close {resource.title}")
                    close.setToolTip(f"Close this document ({QKeySequence('Ctrl+W').toString()})")
        self.tabs.setCurrentWidget(view)

        def land() -> None:  # once the tab has its size
            view.go_to_page(page)
            view.show_hits(terms or [], page if terms else None)

        QTimer.singleShot(0, land)
        self._remember(resource_id, page)
        return view

    def follow_link(self, uri: str) -> None:
        """A link clicked in a document: ours open in the app, at once; any other leaves
        it only once the reader has seen the address and agreed."""
        if is_deep_link(uri):
            self.open_link(uri)
        else:
            self.link_opener.open(uri)

    def open_link(self, link: str) -> DocumentView | None:
        """Open the page a resource-reader: link (from exported notes, or in a document)
        points to, or the strategies directory (filtered) a directory link asks for."""
        if self.directory.open_link(link):
            return None
        target = parse_deep_link(link)
        if target is None or self._library.catalog.get(target[0]) is None:
            self.statusBar().showMessage(f"This link points to nothing in the library: {link}")
            return None
        resource_id, page = target
        return self.open_document(resource_id, min(page, self._library.resource(resource_id).pages))

    def open_annotation(self, resource_id: str, page: int, annotation_id: str) -> None:
        """Open a document at an annotation, chosen in its notes panel."""
        view = self.open_document(resource_id, page)
        if view.notes is not None:
            notes = view.notes
            QTimer.singleShot(0, lambda: (notes.choose(annotation_id), notes.show_panel()))

    def export_scopes(self) -> dict[str, tuple[str, ExportScope]]:
        """What the Export dialog offers, from where the reader is: the open document's
        notes, or those the Notes tab shows or has chosen, and always all of them."""
        scopes: dict[str, tuple[str, ExportScope]] = {}
        view = self.current_document()
        if view is not None:
            scopes["document"] = (
                f"This document's: {view.resource.title}",
                ExportScope(resource_ids=frozenset({view.resource.id})),
            )
        if self.tabs.currentWidget() is self.notes_view:
            chosen = self.notes_view.selected()
            if chosen:
                ids = frozenset(a.id for a in chosen)
                scopes["selection"] = (f"The {len(ids)} chosen", ExportScope(annotation_ids=ids))
            shown = frozenset(a.id for a in self.notes_view.model.items)
            scopes["filter"] = (
                f"The {len(shown)} shown in the Notes tab",
                ExportScope(annotation_ids=shown),
            )
        scopes["all"] = ("All notes", ExportScope())
        return scopes

    def export_notes(self) -> ExportDialog:
        dialog = ExportDialog(
            self._library, self.render_service(), self._state, self.export_scopes(), self
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(dialog.message.text(), 20_000))
        dialog.open()  # modal to the window, without a nested event loop
        return dialog

    def on_save_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 20_000)

    def _update_settings(self, **changes: str) -> None:
        """Apply preferences; where they cannot be saved they last until the app closes."""
        try:
            self.settings.update(**changes)
        except OSError as exc:  # a full or read-only disk
            why = write_access.reason_of(exc) or exc.strerror or str(exc)
            self.on_save_failed(f"The preference was not saved: {why}.")

    def current_document(self) -> DocumentView | None:
        view = self.tabs.currentWidget()
        return view if isinstance(view, DocumentView) else None

    def _on_view(self, method: str) -> None:
        view = self.current_document()
        if view is not None:
            getattr(view, method)()

    def find(self) -> None:
        """Find in the open document; in the library, search every resource."""
        view = self.current_document()
        if view is None:
            self.focus_search()
        else:
            view.open_find()

    def find_next(self) -> None:
        self._on_view("find_next")

    def find_previous(self) -> None:
        self._on_view("find_previous")

    def close_current_tab(self) -> None:
        if self.tabs.currentIndex() > 0:
            self.on_tab_close_requested(self.tabs.currentIndex())

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for resource_id in self._library.store.recently_read(10):
            resource = self._library.catalog.get(resource_id)
            if resource is None:
                continue
            page = self._library.store.last_page(resource_id) or 1
            action = self.recent_menu.addAction(
                resource.title.replace("&", "&&"),  # an ampersand is not a mnemonic here
                lambda rid=resource_id, p=page: self.open_document(rid, p),
            )
            action.setToolTip(f"{resource.title}, page {page}")
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("Nothing read yet").setEnabled(False)

    # Theme

    def set_theme(self, choice: str) -> None:
        if self._theme is None:
            app = QApplication.instance()
            assert isinstance(app, QApplication)
            self._theme = ThemeFollower(app, choice, parent=self)
            self._theme.theme_changed.connect(self.on_theme_changed)
            self.on_theme_changed(self._theme.dark)
        else:
            self._theme.set_choice(choice)
        self._update_settings(theme=choice)
        for action in self.theme_actions.actions():
            action.setChecked(action.data() == choice)

    def chip_colours(self, pillar_id: str) -> tuple[QColor, QColor]:
        """A pillar's chip colours in the current theme (WCAG AA against it)."""
        pillar = self._library.catalog.pillar(pillar_id)
        chip = pillar_chip(pillar.colour if pillar else "#595959", self._dark)
        return QColor(chip.fill), QColor(chip.text)

    def on_theme_changed(self, dark: bool) -> None:
        if self._closing:
            return  # the library may be closed already
        self._dark = dark
        self.table.viewport().update()
        self.grid.viewport().update()
        self.directory.view.set_dark(dark)
        self.facet_panel.dark = dark
        self.on_selection_changed(self.facet_panel.selection)  # repaints the swatches

    # Files dropped on the window (the import feature plugs in here)

    def set_import_handler(self, handler: ImportHandler | None) -> None:
        self._import_handler = handler
        self.setAcceptDrops(handler is not None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if self._import_handler is not None and urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if self._import_handler is not None and paths:
            event.acceptProposedAction()
            self._import_handler(paths)

    def _page_read(self, resource_id: str, page: int) -> None:
        # Scrolling passes many pages a second: the store (an fsync per write) hears of
        # the page the reader settles on, not of every page passed.
        self._pages_read[resource_id] = page
        self._page_timer.start()

    def _save_pages_read(self) -> None:
        self._page_timer.stop()
        pages, self._pages_read = self._pages_read, {}
        for resource_id, page in pages.items():
            self._remember(resource_id, page)

    def _remember(self, resource_id: str, page: int) -> None:
        if self._library.read_only:  # the banner says why the page is not remembered
            return
        if self._library.store.last_page(resource_id) != page:
            try:
                self._library.store.set_last_page(resource_id, page)
            except StoreError as exc:  # the disk filled since the library opened
                self.on_save_failed(str(exc))
                return
            self.model.refresh_reading_state()

    # Library views

    def library_view(self) -> QAbstractItemView:
        """The list or the cover grid, whichever the user chose."""
        return self.grid if self.settings.library_view == "grid" else self.table

    def on_grid_toggled(self) -> None:
        self._update_settings(library_view="grid" if self.grid_action.isChecked() else "list")
        if self.centre.currentWidget() is not self.results:
            self.centre.setCurrentWidget(self.library_view())

    def on_tab_close_requested(self, index: int) -> None:
        view = self.tabs.widget(index)
        if isinstance(view, DocumentView):
            if view.notes is not None:
                view.notes.panel.save_note()  # a note typed just now
            self.tabs.removeTab(index)
            view.deleteLater()
        elif view is self.directory.view:  # kept, for the next time it is opened
            self.tabs.removeTab(index)

    # The reader's own documents: added, edited, removed

    def show_library_menu(self, view: QAbstractItemView, pos: QPoint) -> None:
        menu = self.library_menu(view, pos)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(view.viewport().mapToGlobal(pos))

    def library_menu(self, view: QAbstractItemView, pos: QPoint) -> QMenu | None:
        """The right-click menu of the resource at ``pos`` (in the view's viewport)."""
        index = view.indexAt(pos)
        if not index.isValid():
            return None
        resource_id = index.data(RESOURCE_ROLE)
        own = editable(self._library.resource(resource_id))
        menu = QMenu(self)
        menu.addAction("&Open", lambda: self.on_table_activated(index))
        menu.addSeparator()
        for name, slot in (
            ("&Edit Details…", lambda: self.edit_details(resource_id)),
            ("&Remove from Library…", lambda: self.remove_from_library(resource_id)),
        ):
            action = menu.addAction(name, slot)
            # The bundled collection is not the reader's to change; nothing is, read-only.
            action.setEnabled(own and not self._library.read_only)
        menu.addSeparator()
        menu.addAction("Add &Documents…", self.importer.choose_files).setEnabled(
            not self._library.read_only
        )
        return menu

    def edit_details(self, resource_id: str | None) -> None:
        if resource_id is not None:
            edit_resource(self.changes, resource_id, self)

    def remove_from_library(self, resource_id: str) -> None:
        remove_resource(self.changes, self.annotation_editor, resource_id, self)

    def close_documents_of(self, resource_id: str) -> None:
        for view in self.document_views():
            if view.resource.id == resource_id:
                self.on_tab_close_requested(self.tabs.indexOf(view))

    def on_catalog_changed(self, _changed: set[str]) -> None:
        """Documents were added, edited or removed (``library.catalog`` is the new one):
        every view shows it, and the index takes the change in."""
        catalog = self._library.catalog
        chosen = self.table.currentIndex().data(RESOURCE_ROLE)
        for view in (
            self.facet_panel,
            self.grid,
            self.results,
            self.notes_view,
            self.directory,
        ):
            view.set_catalog(catalog)
        for view in self.document_views():
            resource = catalog.get(view.resource.id)
            if resource is None:
                self.close_documents_of(view.resource.id)
            elif resource != view.resource:
                view.resource = resource
                view.setAccessibleName(f"Document: {resource.title}")
                view.setToolTip(resource.title)
                index = self.tabs.indexOf(view)
                self.tabs.setTabText(index, resource.title)
                self.tabs.setTabToolTip(index, resource.title)
        self.on_selection_changed(self.facet_panel.selection)
        if chosen and catalog.get(chosen) is not None:
            self.select_resource(chosen, reveal=False)  # the model was reset
        if self._detail_id is not None and (shown := catalog.get(self._detail_id)) is not None:
            self.show_details(shown)  # edited, perhaps out of the filter's reach now
        elif self._detail_id is not None:  # removed
            self._detail_id = None
            for label in (self.detail_meta, self.detail_summary, self.detail_label):
                label.clear()
            self.detail_title.setText("Select a resource")
            self.edit_button.hide()
        self.start_indexing()

    def on_pack_installed(self, changed: set[str]) -> None:
        """A pack went in (``library.catalog`` is the new one): documents whose file it
        replaced are opened again, the views refreshed, and open documents show the notes
        it re-anchored or brought."""
        reopened = self.reopen_replaced_documents()
        if changed:
            # Undoing an edit made before would put back a re-anchored note's old page
            # and edition (undo entries hold whole annotations).
            self.annotation_editor.undo_stack.clear()
        self.on_catalog_changed(changed)
        for view in self.document_views():
            if view.notes is not None:
                view.notes.reload()
        if reopened:
            names = ", ".join(reopened)
            self.statusBar().showMessage(
                f"The new edition of {names} replaced the one open, and was opened in its place",
                20_000,
            )

    def reopen_replaced_documents(self) -> list[str]:
        """Open again, at their page and in their place, the documents in tabs whose file
        has been replaced by a newer edition: a view shows only the file it opened. Returns
        their titles."""
        current = self.tabs.currentWidget()
        titles = []
        for view in self.document_views():
            resource = self._library.catalog.get(view.resource.id)
            if resource is None or resource.sha256 == view.resource.sha256:
                continue
            index, page = self.tabs.indexOf(view), view.current_page()
            self.on_tab_close_requested(index)
            fresh = self.open_document(resource.id, min(page, resource.pages))
            self.tabs.tabBar().moveTab(self.tabs.indexOf(fresh), index)
            if view is current:
                current = fresh
            titles.append(resource.title)
        self.tabs.setCurrentWidget(current)
        return titles

    def select_resource(self, resource_id: str, reveal: bool = True) -> None:
        """Choose a resource in the library; with ``reveal``, bring the library forward
        and clear the filters and search that hide it."""
        if reveal:
            self.tabs.setCurrentIndex(0)
            if self.search_field.text():
                self.search_field.clear()
        row = self.model.row_of(resource_id)
        if row is None and reveal:
            self.facet_panel.reset_selection()
            row = self.model.row_of(resource_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.library_view().scrollTo(index)
        self.show_details(self._library.resource(resource_id))

    # Indexing

    def start_indexing(self, rebuild: bool = False) -> None:
        if self._closing:
            return
        if self._indexing is not None and self._indexing.isRunning():
            self._index_again = True  # notes changed while indexing: once more after
            return
        if rebuild and not self._library.read_only:
            # The rebuild itself runs in the thread (a full disk there is reported, and
            # the old index kept); the searches' runner lets go of the damaged one.
            self.runner.shutdown()
            self.runner = self._new_runner()
        self._indexing = IndexingThread(
            self._library.index_dir,
            self._library.index_sources(),
            parent=self,
            read_only=self._library.read_only,
            rebuild=rebuild,
        )
        self._indexing.memory_index_ready.connect(self.runner.use_index)
        self._indexing.progress.connect(self.on_index_progress)
        self._indexing.report_ready.connect(self.on_index_finished)
        self._indexing.failed.connect(self.on_index_failed)
        self._indexing.start()

    @property
    def indexing(self) -> bool:
        return self._indexing is None or self._indexing.isRunning()

    def _new_runner(self) -> SearchRunner:
        runner = SearchRunner(self._library.index_dir, parent=self)
        runner.results_ready.connect(self.on_results_ready)
        runner.search_failed.connect(self.on_search_failed)
        runner.set_selection(self.facet_panel.selection)
        return runner

    def on_index_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"Indexing {done}/{total} pages")
        self.progress.show()

    def on_index_finished(self, _report: object) -> None:
        if self._indexing is not None:
            # It has sent its answer and only returns now: wait, so isRunning() is False
            # when the indexing asked for meanwhile starts (it would be dropped otherwise).
            self._indexing.wait()
        self.progress.hide()
        if self._index_again:
            self._index_again = False
            QTimer.singleShot(0, self.start_indexing)
        if self.search_field.text().strip():
            self.runner.set_query(self.search_field.text())  # results now include new pages

    def on_index_failed(self, message: str) -> None:
        """The index could not be written (a full disk, another process writing): say
        why; searches answer from the index as it was, and nothing is retried in a loop."""
        if self._indexing is not None:
            self._indexing.wait()
        self.progress.hide()
        self._index_again = False
        self.statusBar().showMessage(message[:1].upper() + message[1:])

    # State

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._indexing is None:
            QTimer.singleShot(0, self.start_indexing)  # after the first paint
            QTimer.singleShot(0, self._reopen_tabs)

    def _reopen_tabs(self) -> None:
        try:
            tabs = json.loads(self._state.value("main_window/tabs", "[]"))
        except (TypeError, ValueError):
            return  # state from elsewhere: start with the library alone
        for item in tabs if isinstance(tabs, list) else []:
            if (
                isinstance(item, list)
                and len(item) == 2
                and self._library.catalog.get(str(item[0])) is not None
                and isinstance(item[1], int)
            ):
                self.open_document(str(item[0]), item[1])
        self.tabs.setCurrentIndex(0)

    def _restore_state(self) -> None:
        geometry = self._state.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self._state.value("main_window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:  # the list gets most of the room: seven columns, and titles are long
            width = self.width()
            self.splitter.setSizes([190, width - 190 - width // 5, width // 5])

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_pages_read()  # the page the reader was on, even if they just got there
        for view in self.document_views():
            if view.notes is not None:
                view.notes.panel.save_note()  # a note typed just now, before its pause
        self._closing = True  # a start_indexing still queued must not start a thread now
        self.importer.shutdown()
        self.packs.shutdown()
        if self._indexing is not None:
            self._indexing.cancel()
            self._indexing.wait()
        self.runner.shutdown()
        if self._render_service is not None:
            self._render_service.shutdown()
            self._render_service = None
        self._state.setValue("main_window/geometry", self.saveGeometry())
        self._state.setValue("main_window/splitter", self.splitter.saveState())
        open_tabs = [[view.resource.id, view.current_page()] for view in self.document_views()]
        self._state.setValue("main_window/tabs", json.dumps(open_tabs))
        self._state.sync()
        super().closeEvent(event)


def _hit_analysis() -> Callable[[str], list[str]]:
    """Words on the page are compared with a hit's words as the index compares them
    (folded and stemmed), so "councils" also marks "council". The search module is
    loaded by then: this runs when a document opens, after the window is up."""
    from reader_app.search.analysis import terms

    return terms

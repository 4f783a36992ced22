"""The Export dialog: which notes (all, a document's, the chosen ones, or those the Notes
view shows), grouped how, in which format, to where. It remembers the last choices, writes
the file in a worker process, and can show the result in the file manager."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader_app.export.formats import FORMATS, ExportError, ExportJob, prepare, run
from reader_app.export.scope import GROUPINGS, ExportScope
from reader_app.gui.render_service import RenderService
from reader_app.library import Library

STATE = "export/"  # keys of the remembered choices in the window state
FILE_STEMS = {"all": "All notes", "filter": "Notes", "selection": "Chosen notes"}


class ExportDialog(QDialog):
    def __init__(
        self,
        library: Library,
        service: RenderService,
        state: QSettings,
        scopes: dict[str, tuple[str, ExportScope]],
        parent: QWidget | None = None,
    ) -> None:
        """``scopes`` maps a choice ("all", "document", "selection", "filter") to its
        label and scope; the first is chosen unless the last export used another."""
        super().__init__(parent, accessibleName="Export notes")
        self.setWindowTitle("Export Notes")
        self.library, self.service, self.state = library, service, state
        self.scopes = scopes
        self.job: ExportJob | None = None
        self.result_path: Path | None = None

        self.scope_buttons = QButtonGroup(self)
        scope_box = QVBoxLayout()
        remembered = str(state.value(f"{STATE}scope", ""))
        for index, (key, (label, _scope)) in enumerate(scopes.items()):
            button = QRadioButton(label, accessibleName=label)
            button.setProperty("scope", key)
            button.setChecked(key == remembered or (index == 0 and remembered not in scopes))
            button.toggled.connect(self.on_choice_changed)
            self.scope_buttons.addButton(button)
            scope_box.addWidget(button)
        self.dated = QCheckBox("Only notes made from", accessibleName="Only notes made between")
        self.dated.setToolTip("Export only the notes made between these days")
        today = QDate.currentDate()
        self.since = QDateEdit(today.addMonths(-1), accessibleName="From", calendarPopup=True)
        self.since.setToolTip("The first day")
        self.until = QDateEdit(today, accessibleName="To", calendarPopup=True)
        self.until.setToolTip("The last day")
        for edit in (self.since, self.until):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            self.dated.toggled.connect(edit.setEnabled)
        self.group_box = QComboBox(accessibleName="Group by")
        self.group_box.setToolTip("Group the notes by resource or by pillar")
        for grouping in GROUPINGS:
            self.group_box.addItem(grouping.capitalize(), grouping)
        self._choose(self.group_box, state.value(f"{STATE}group_by", "resource"))
        self.format_box = QComboBox(accessibleName="Format")
        self.format_box.setToolTip("The kind of file to write")
        for fmt in FORMATS.values():
            self.format_box.addItem(fmt.name, fmt.id)
        self._choose(self.format_box, state.value(f"{STATE}format", "md"))
        self.format_box.currentIndexChanged.connect(self.on_choice_changed)
        self.folder = QLineEdit(
            str(state.value(f"{STATE}folder", str(Path.home()))), accessibleName="Folder"
        )
        self.folder.setToolTip("The folder to write the file in")
        browse = QPushButton("Choose…", accessibleName="Choose the folder")
        browse.setToolTip("Choose the folder to write the file in")
        browse.clicked.connect(self.choose_folder)
        self.name = QLineEdit(accessibleName="File name")
        self.name.setToolTip("The file's name; unsafe characters are replaced")
        self.show_folder = QCheckBox("Show the file in its folder afterwards")
        self.show_folder.setToolTip("Open the file manager at the exported file")
        self.show_folder.setChecked(state.value(f"{STATE}show_folder", "false") == "true")
        self.message = QLabel(accessibleName="Export status", wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel, accessibleName="Export buttons"
        )
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setToolTip("Write the file")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(browse)
        form = QFormLayout()
        dates = QHBoxLayout()
        dates.addWidget(self.dated)
        dates.addWidget(self.since)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.until)
        dates.addStretch(1)
        form.addRow("Notes:", scope_box)
        form.addRow("", dates)
        form.addRow("Group by:", self.group_box)
        form.addRow("Format:", self.format_box)
        form.addRow("Folder:", where)
        form.addRow("File name:", self.name)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.show_folder)
        column.addWidget(self.message)
        column.addWidget(self.buttons)
        service.finished.connect(self.on_finished)
        service.failed.connect(self.on_failed)
        self.on_choice_changed()

    @staticmethod
    def _choose(box: QComboBox, value: object) -> None:
        box.setCurrentIndex(max(0, box.findData(value)))

    def scope_key(self) -> str:
        button = self.scope_buttons.checkedButton()
        return str(button.property("scope")) if button else next(iter(self.scopes))

    def on_choice_changed(self) -> None:
        fmt = FORMATS[self.format_box.currentData()]
        label, _scope = self.scopes[self.scope_key()]
        stem = FILE_STEMS.get(self.scope_key(), "Notes")
        if self.scope_key() == "document":  # "This document's: <title>"
            stem = f"Notes on {label.split(': ', 1)[-1]}"
        if fmt.one_resource:
            self.name.setText("")
            self.name.setPlaceholderText("named after the document")
        else:
            self.name.setPlaceholderText("")
            self.name.setText(f"{stem}.{fmt.extension}")
        self.message.setText(
            "An annotated PDF is a copy of one document with your highlights and notes in "
            "it, for Acrobat, Okular or Zotero; the original is not changed."
            if fmt.one_resource
            else ""
        )

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export to", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def start(self) -> None:
        """Gather the notes here (the database is this thread's) and write the file in a
        worker."""
        fmt = FORMATS[self.format_box.currentData()]
        _label, scope = self.scopes[self.scope_key()]
        if self.dated.isChecked():
            since, until = (e.date().toString("yyyy-MM-dd") for e in (self.since, self.until))
            scope = replace(scope, since=since, until=until)
        folder = Path(self.folder.text()).expanduser()
        if not folder.is_dir():
            self.message.setText(f"There is no folder {folder}: choose one that exists.")
            return
        target = folder / self.name.text() if self.name.text().strip() else folder
        try:
            job = prepare(self.library, fmt, target, scope, self.group_box.currentData())
        except ExportError as exc:
            self.message.setText(str(exc))
            return
        if not job.count:
            self.message.setText("There are no notes to export in that choice.")
            return
        self._remember()
        self.job = job
        self.export_button.setEnabled(False)
        self.message.setText(f"Exporting {job.count} notes…")
        self.service.call(("export", id(self)), run, job)

    def _remember(self) -> None:
        for key, value in (
            ("scope", self.scope_key()),
            ("group_by", self.group_box.currentData()),
            ("format", self.format_box.currentData()),
            ("folder", self.folder.text()),
            ("show_folder", "true" if self.show_folder.isChecked() else "false"),
        ):
            self.state.setValue(f"{STATE}{key}", value)

    def on_finished(self, key: object, result: object) -> None:
        if key != ("export", id(self)) or self.job is None:
            return
        self.result_path = Path(str(result))
        count = self.job.count
        self.message.setText(f"Exported {count} note{'s' * (count != 1)} to {self.result_path}")
        self.export_button.setEnabled(True)
        if self.show_folder.isChecked():
            # The file manager, at the folder: a local path, never a web address.
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_path.parent)))
        self.accept()

    def on_failed(self, key: object, message: str) -> None:
        if key == ("export", id(self)):
            self.message.setText(f"The export failed: {message}")
            self.export_button.setEnabled(True)

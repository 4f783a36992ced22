"""The Export dialog as a reader uses it: from a document or the Notes tab, the scope
offered from where they are, the file written in a worker, the choices remembered, and
the file manager opened at the result when asked."""

import pytest
from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices

from reader_app.annotations import Annotations
from reader_app.gui.export_dialog import ExportDialog

TIMEOUT = 30_000


@pytest.fixture
def notes(library):
    annotations = Annotations(library.store)
    reset = library.resource("reset-pillar")
    return [
        annotations.add("reset-pillar", reset.sha256, "page-note", 1, body="A note on Reset"),
        annotations.add("renew-pillar", "x", "page-note", 2, body="A note on Renew"),
    ]


def run_export(qtbot, dialog, folder, fmt: str):
    dialog.folder.setText(str(folder))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(fmt))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result_path is not None, timeout=TIMEOUT)
    return dialog.result_path


def test_a_documents_notes_exported_from_its_panel(qtbot, window, notes, tmp_path) -> None:
    view = window.open_document("reset-pillar", 1)
    window.tabs.setCurrentWidget(view)
    view.notes.panel.export_requested.emit()  # its Export… button
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.scope_key() == "document"  # offered first, from where the reader is
    path = run_export(qtbot, dialog, tmp_path, "md")
    text = path.read_text(encoding="utf-8")
    assert "A note on Reset" in text and "A note on Renew" not in text
    assert "1 note to" in window.statusBar().currentMessage()


def test_choices_are_remembered_and_the_folder_shown(
    qtbot, window, notes, tmp_path, monkeypatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = window.export_notes()
    assert list(dialog.scopes) == ["all"]  # the library tab: no document, no Notes tab
    dialog.group_box.setCurrentIndex(dialog.group_box.findData("pillar"))
    dialog.show_folder.setChecked(True)
    path = run_export(qtbot, dialog, tmp_path, "csv")
    assert path.parent == tmp_path and path.suffix == ".csv"
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]
    again = window.export_notes()
    assert again.format_box.currentData() == "csv"
    assert again.group_box.currentData() == "pillar"
    assert again.folder.text() == str(tmp_path)
    assert again.show_folder.isChecked()
    again.reject()


def test_the_notes_tab_offers_what_it_shows_and_what_is_chosen(
    qtbot, window, notes, tmp_path
) -> None:
    window.tabs.setCurrentWidget(window.notes_view)
    window.notes_view.text_filter.setText("Renew")
    qtbot.waitUntil(lambda: window.notes_view.model.rowCount() == 1, timeout=TIMEOUT)
    dialog = window.export_notes()
    assert list(dialog.scopes) == ["filter", "all"]
    dialog.scope_buttons.buttons()[0].setChecked(True)
    text = run_export(qtbot, dialog, tmp_path, "md").read_text(encoding="utf-8")
    assert "A note on Renew" in text and "A note on Reset" not in text


def test_an_annotated_pdf_needs_one_document(qtbot, window, notes, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dialog = window.export_notes()
    dialog.folder.setText(str(out))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("pdf"))
    dialog.start()
    assert "made for one resource" in dialog.message.text()
    assert list(out.iterdir()) == []
    dialog.reject()


def test_a_date_range_narrows_the_export(qtbot, window, library, notes, tmp_path) -> None:
    old = Annotations(library.store).add("reform-pillar", "x", "page-note", 1, body="Old note")
    library.store.query(
        "UPDATE annotations SET created = '2020-01-05T10:00:00.000+00:00' WHERE id = ?", (old.id,)
    )
    dialog = window.export_notes()
    dialog.dated.setChecked(True)
    dialog.since.setDate(QDate(2020, 1, 1))
    dialog.until.setDate(QDate(2020, 1, 31))
    text = run_export(qtbot, dialog, tmp_path, "md").read_text(encoding="utf-8")
    assert "Old note" in text and "A note on Reset" not in text

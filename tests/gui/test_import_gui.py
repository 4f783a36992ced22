"""Adding the reader's own documents through the window, as a reader does: File > Add
Documents… or a drop, the pillars suggested with their evidence, a password asked for,
failures reported while the other files go on; then editing and removing them."""

from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QLineEdit, QMenu, QMessageBox

from reader_app.annotations import AnnotationFilter, Annotations
from reader_app.gui.import_dialog import ImportDialog
from reader_app.gui.resource_editing import EditResourceDialog, RemoveResourceBox
from reader_app.gui.resource_model import RESOURCE_ROLE

TIMEOUT = 20_000
PAGE_ONE = (
    "Cyber resilience and emergency continuity. Councils must prepare business continuity "
    "plans for cyber attacks, ransomware, flooding and other emergencies. Resilience to "
    "disruptive change means emergency planning, risk registers and recovery exercises "
    "that keep services running."
)
PAGE_TWO = (
    "Emergency planning and flood recovery exercises test continuity. A cyber incident "
    "response plan names who decides, and resilience is rehearsed every year."
)


def make_pdf(path: Path, title: str, pages: list[str], **save: object) -> Path:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        assert page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), text, fontsize=11) >= 0
    doc.set_metadata({"title": title})
    doc.save(path, **save)
    doc.close()
    return path


@pytest.fixture
def cyber_pdf(tmp_path) -> Path:
    return make_pdf(
        tmp_path / "cyber.pdf", "Cyber resilience and emergency continuity", [PAGE_ONE, PAGE_TWO]
    )


def import_dialog(qtbot, window) -> ImportDialog:
    qtbot.waitUntil(lambda: window.importer.dialog is not None, timeout=TIMEOUT)
    dialog = window.importer.dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def message_box(qtbot, window, containing: str) -> QMessageBox:
    def found() -> QMessageBox | None:
        return next(
            (
                box
                for box in window.findChildren(QMessageBox)
                if box.isVisible() and containing in box.text()
            ),
            None,
        )

    qtbot.waitUntil(lambda: found() is not None, timeout=TIMEOUT)
    return found()


def password_prompt(qtbot, window, containing: str) -> QInputDialog:
    def found() -> QInputDialog | None:
        return next(
            (
                ask
                for ask in window.findChildren(QInputDialog)
                if ask.isVisible() and containing in ask.labelText()
            ),
            None,
        )

    qtbot.waitUntil(lambda: found() is not None, timeout=TIMEOUT)
    return found()


def table_titles(window) -> list[str]:
    return [window.proxy.index(row, 0).data() for row in range(window.proxy.rowCount())]


def test_a_document_added_from_the_file_menu_with_its_pillars_evidence_and_tags(
    qtbot, window, library, cyber_pdf, monkeypatch
) -> None:
    asked = []

    def choose(parent, caption, folder, filters):
        asked.append(filters)
        return [str(cyber_pdf)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    assert window.add_documents_action.shortcut().toString() == "Ctrl+Shift+O"
    window.add_documents_action.trigger()
    assert "All files (*)" in asked[0]
    dialog = import_dialog(qtbot, window)

    form = dialog.form
    assert form.title_edit.text() == "Cyber resilience and emergency continuity"
    assert next(iter(form.pillar_boxes)) == "resilient"  # the main suggestion first
    assert form.pillars() == ("resilient",)
    evidence = "\n".join(label.text() for label in dialog.evidence.findChildren(QLabel))
    assert "Resilient: " in evidence and "of the evidence" in evidence
    assert "emergency \N{MULTIPLICATION SIGN}" in evidence  # a word found, with its count
    assert "Page 1: \N{LEFT DOUBLE QUOTATION MARK}" in evidence  # a passage, with its page
    for label in [dialog.file_label, *dialog.evidence.findChildren(QLabel)]:
        assert label.textFormat() == Qt.TextFormat.PlainText  # its text is never markup

    form.pillar_boxes["resilient"].setChecked(False)  # no pillar: it cannot be imported
    assert not dialog.import_button.isEnabled()
    assert dialog.message.text() == "Choose at least one pillar."
    form.pillar_boxes["resilient"].setChecked(True)
    form.pillar_boxes["reform"].setChecked(True)
    form.title_edit.setText("Cyber <b>resilience</b> plan")
    form.tags_edit.setText("cyber, emergency planning")
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not window.importer.running, timeout=TIMEOUT)

    added = next(r for r in library.catalog.resources if r.source == "imported")
    assert added.title == "Cyber <b>resilience</b> plan"
    assert added.pillars == ("resilient", "reform")
    assert sorted(library.store.tags_of(added.id)) == ["cyber", "emergency planning"]
    assert "Cyber <b>resilience</b> plan" in table_titles(window)
    assert window.table.currentIndex().data(RESOURCE_ROLE) == added.id  # shown, chosen
    assert window.detail_title.text() == added.title
    facet_labels = [
        window.facet_panel.topLevelItem(i).child(j).text(0)
        for i in range(window.facet_panel.topLevelItemCount())
        for j in range(window.facet_panel.topLevelItem(i).childCount())
    ]
    assert "My documents" in facet_labels and "emergency planning" in facet_labels
    assert "Added" in window.statusBar().currentMessage()

    # Searchable at once: the window indexes it, and a search finds its words.
    qtbot.waitUntil(lambda: not window.indexing, timeout=TIMEOUT)
    window.search_field.setText("ransomware")
    qtbot.waitUntil(lambda: window.results.topLevelItemCount() > 0, timeout=TIMEOUT)
    assert window.results.topLevelItem(0).text(0).startswith("Cyber <b>resilience</b> plan")
    assert added.id in {hit.resource_id for hit in library.search("ransomware").hits}


def test_dropped_files_each_go_their_way_and_a_summary_follows(
    qtbot, window, library, cyber_pdf, tmp_path
) -> None:
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"this is not a PDF, whatever its name says " * 20)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\ngarbage garbage\n")
    bundled = library.resource("reset-pillar")
    copy = tmp_path / "copy of reset.pdf"
    copy.write_bytes(library.catalog.path_of(bundled).read_bytes())

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (garbage, cyber_pdf, broken, copy)])
    where, action = QPointF(300, 300), Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(300, 300), action, mime, buttons, keys)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(where, action, mime, buttons, keys))

    dialog = import_dialog(qtbot, window)  # the garbage was reported, the PDF goes on
    assert dialog.windowTitle() == "Add Document 2 of 4"
    assert dialog.skip_button.isVisible() and dialog.cancel_button.text() == "Cancel All"
    dialog.import_button.click()

    duplicate = message_box(qtbot, window, "is already in the library")
    assert bundled.title in duplicate.text()
    next(b for b in duplicate.buttons() if b.text() == "Show It").click()

    summary = message_box(qtbot, window, "Added 1 of 4 files.")
    text = summary.text()
    assert "garbage.pdf is not a document this app reads" in text
    assert "broken.pdf cannot be read" in text
    assert f"copy of reset.pdf: {bundled.title}" in text
    assert summary.textFormat() == Qt.TextFormat.PlainText
    summary.accept()
    imported = [r for r in library.catalog.resources if r.source == "imported"]
    assert [r.title for r in imported] == ["Cyber resilience and emergency continuity"]
    assert window.table.currentIndex().data(RESOURCE_ROLE) == imported[0].id


def test_an_encrypted_pdf_asks_for_its_password_until_it_is_right(
    qtbot, window, library, tmp_path
) -> None:
    secret = make_pdf(
        tmp_path / "secret.pdf",
        "Emergency continuity plan",
        [PAGE_ONE],
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        user_pw="letmein",
        owner_pw="owner",
    )
    window.importer.start([secret])
    ask = password_prompt(qtbot, window, "secret.pdf is encrypted")
    assert ask.textEchoMode() == QLineEdit.EchoMode.Password
    ask.setTextValue("wrong")
    ask.accept()
    ask = password_prompt(qtbot, window, "the password is not right")
    ask.setTextValue("letmein")
    ask.accept()
    dialog = import_dialog(qtbot, window)
    assert dialog.form.title() == "Emergency continuity plan"
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not window.importer.running, timeout=TIMEOUT)
    added = next(r for r in library.catalog.resources if r.source == "imported")
    stored = library.catalog.path_of(added).read_bytes()
    assert b"/Encrypt" not in stored  # kept decrypted, so it opens without asking


def test_an_encrypted_pdf_left_without_a_password_is_skipped(
    qtbot, window, library, tmp_path
) -> None:
    secret = make_pdf(
        tmp_path / "secret.pdf",
        "Secret",
        [PAGE_ONE],
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        user_pw="letmein",
        owner_pw="owner",
    )
    finished = []
    window.importer.finished.connect(finished.append)
    window.importer.start([secret])
    password_prompt(qtbot, window, "is encrypted").reject()
    qtbot.waitUntil(lambda: bool(finished), timeout=TIMEOUT)
    assert finished[0].skipped == ["secret.pdf: no password was given"]
    assert not [r for r in library.catalog.resources if r.source == "imported"]


def test_an_image_is_added_once_its_pillars_are_chosen(qtbot, window, library, tmp_path) -> None:
    chart = tmp_path / "chart.png"
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 30), False)
    pixmap.clear_with(200)
    pixmap.save(str(chart))
    window.importer.start([chart])
    dialog = import_dialog(qtbot, window)
    assert dialog.form.kind() == "infographic" and dialog.form.title() == "chart"
    assert dialog.form.pillars() == ()  # an image has no text to suggest them from
    assert "choose them yourself" in dialog.evidence.widget().findChild(QLabel).text()
    assert not dialog.import_button.isEnabled()
    dialog.form.pillar_boxes["renew"].setChecked(True)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not window.importer.running, timeout=TIMEOUT)
    [added] = [r for r in library.catalog.resources if r.source == "imported"]
    assert (added.media_type, added.pillars) == ("image/png", ("renew",))


@pytest.fixture
def own(library, cyber_pdf) -> str:
    """A document of the reader's, added before the window opens."""
    [result] = library.import_files([cyber_pdf], pillars=("resilient",), tags=("cyber",))
    assert result.status == "imported", result.error
    return result.resource_id


def library_menu(window, resource_id: str) -> QMenu:
    """The menu a right-click on the resource's row in the library would pop up."""
    row = window.proxy.mapFromSource(window.model.index(window.model.row_of(resource_id), 0))
    return window.library_menu(window.table, window.table.visualRect(row).center())


def action(menu: QMenu, name: str) -> QAction:
    return next(a for a in menu.actions() if a.text() == name)


def test_editing_ones_own_document_changes_it_everywhere(qtbot, own, window, library) -> None:
    view = window.open_document(own, 1)
    window.tabs.setCurrentIndex(0)
    edit = action(library_menu(window, own), "&Edit Details…")
    assert edit.isEnabled()
    edit.trigger()
    dialog = window.findChild(EditResourceDialog)
    qtbot.waitUntil(dialog.isVisible)
    form = dialog.form
    assert form.title() == "Cyber resilience and emergency continuity"
    assert form.tags_edit.text() == "cyber"
    form.title_edit.setText("Continuity plan, 2025")
    form.kind_box.setCurrentIndex(form.kind_box.findData("guide"))
    form.pillar_boxes["resilient"].setChecked(False)
    form.pillar_boxes["renew"].setChecked(True)
    form.tags_edit.setText("plans, continuity")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    resource = library.resource(own)
    assert (resource.title, resource.kind, resource.pillars) == (
        "Continuity plan, 2025",
        "guide",
        ("renew",),
    )
    assert sorted(library.store.tags_of(own)) == ["continuity", "plans"]
    assert "Continuity plan, 2025" in table_titles(window)
    assert window.tabs.tabText(window.tabs.indexOf(view)) == "Continuity plan, 2025"
    assert window.detail_title.text() == "Continuity plan, 2025"


def test_the_bundled_collection_cannot_be_edited_or_removed(qtbot, own, window) -> None:
    menu = library_menu(window, "reset-pillar")
    assert not action(menu, "&Edit Details…").isEnabled()
    assert not action(menu, "&Remove from Library…").isEnabled()
    assert action(menu, "&Open").isEnabled()
    window.select_resource("reset-pillar")
    assert not window.edit_button.isVisible()
    window.select_resource(own)
    assert window.edit_button.isVisible()
    window.remove_from_library("reset-pillar")  # refused quietly: nothing is asked
    assert window.findChild(RemoveResourceBox) is None


@pytest.mark.parametrize("delete_notes", [False, True])
def test_removing_keeps_the_notes_unless_asked(qtbot, own, window, library, delete_notes) -> None:
    annotations = Annotations(library.store)
    annotations.add(own, library.resource(own).sha256, "page-note", 1, body="Ring the team")
    view = window.open_document(own, 1)
    window.tabs.setCurrentIndex(0)
    remove = action(library_menu(window, own), "&Remove from Library…")
    remove.trigger()
    box = window.findChild(RemoveResourceBox)
    qtbot.waitUntil(box.isVisible)
    assert "Your 1 note on it will be kept" in box.informativeText()
    assert box.checkBox().text() == "Also delete my 1 note on it"
    assert not box.checkBox().isChecked()
    box.checkBox().setChecked(delete_notes)
    box.remove_button.click()

    assert library.catalog.get(own) is None
    assert "Cyber resilience and emergency continuity" not in table_titles(window)
    assert view not in window.document_views()  # its tab closed
    left = annotations.find(AnnotationFilter(resource_ids={own}))
    assert [a.body for a in left] == ([] if delete_notes else ["Ring the team"])
    assert window.detail_title.text() != "Cyber resilience and emergency continuity"

"""Resource packs from the File menu as a reader uses them: the pack chosen, checked and
previewed, installed in a thread, and the window showing the result (new resources listed
and searchable, a newer edition's title, an open document replaced); a refused pack
changes nothing; a collection exported as a pack installs again."""

import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from reader_app import paths
from reader_app.annotations import Annotations
from reader_app.gui import pack_dialogs
from reader_app.gui.facet_panel import VALUE_ROLE
from reader_app.gui.pack_dialogs import ExportPackDialog, InstallPackDialog
from reader_app.gui.resource_model import RESOURCE_ROLE
from reader_app.library import Library
from reader_app.packs.install import install_pack
from tests.packs.test_packs import (
    KEPT_PASSAGE,
    pdf_bytes,
    reset_second_edition,
    resource_entry,
    sha,
    snapshot,
    write_pack,
)

TIMEOUT = 60_000  # ms: installing starts worker processes; the first search builds the index


@pytest.fixture
def flood_pack(tmp_path) -> Path:
    paper = pdf_bytes("Our flood resilience plan for the quayside zephyrwick district")
    entry = resource_entry("flood-plan", paper, title="Flood plan <b>for</b> the quayside")
    return write_pack(tmp_path / "flood.rrpack", [(entry, paper)], title="Council papers 2023")


def file_action(window, text: str):
    return next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == text)


def open_install(qtbot, window, monkeypatch, pack: Path) -> InstallPackDialog:
    """File > Install Resource Pack…, the pack chosen; returns once it is checked."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pack), ""))
    file_action(window, "&Install Resource Pack…").trigger()
    (dialog,) = [d for d in window.findChildren(InstallPackDialog) if d.isVisible()]
    qtbot.waitUntil(lambda: not dialog.working, timeout=TIMEOUT)
    return dialog


def install(qtbot, dialog: InstallPackDialog) -> None:
    dialog.install_button.click()
    assert dialog.working and not dialog.close_button.isEnabled()  # busy, cannot be closed
    dialog.reject()
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.working, timeout=TIMEOUT)


def rows(dialog: InstallPackDialog) -> list[tuple[str, str, list[str]]]:
    """Each resource's title, what happens to it, and the lines under it."""
    model = dialog.model
    shown = []
    for row in range(model.rowCount()):
        title = model.item(row, 0)
        details = [title.child(i).text() for i in range(title.rowCount())]
        shown.append((title.text(), model.item(row, 1).text(), details))
    return shown


def titles(window) -> dict[str, str]:
    proxy = window.proxy
    return {
        proxy.index(r, 0).data(RESOURCE_ROLE): proxy.index(r, 0).data()
        for r in range(proxy.rowCount())
    }


def facet_values(window, facet: str) -> dict[str, str]:
    panel, labels = window.facet_panel, {}
    for i in range(panel.topLevelItemCount()):
        group = panel.topLevelItem(i)
        for j in range(group.childCount()):
            found, value = group.child(j).data(0, VALUE_ROLE)
            if found == facet:
                labels[value] = group.child(j).text(0)
    return labels


def test_a_new_resource_is_previewed_installed_listed_and_searchable(
    qtbot, window, monkeypatch, flood_pack, data_dir
) -> None:
    before = snapshot(data_dir)
    dialog = open_install(qtbot, window, monkeypatch, flood_pack)
    assert dialog.heading.text() == "Council papers 2023"
    assert rows(dialog) == [("Flood plan <b>for</b> the quayside", "Will be added", [])]
    assert "1 to add" in dialog.summary.text()
    assert dialog.install_button.isEnabled()
    assert snapshot(data_dir) == before  # checking writes nothing

    install(qtbot, dialog)
    assert dialog.result is not None and dialog.result.count("added") == 1
    assert rows(dialog)[0][1] == "Added"
    assert "1 added" in dialog.summary.text()
    assert dialog.install_button.isHidden() and dialog.close_button.text() == "Close"
    # The window: the new resource listed, its collection among the filters, searchable.
    assert titles(window)["flood-plan"] == "Flood plan <b>for</b> the quayside"
    assert facet_values(window, "collection")["council-papers"] == "Council papers"
    # Indexed by the window: a search made now is answered again once indexing ends.
    qtbot.waitUntil(lambda: not window.indexing, timeout=TIMEOUT)
    window.search_field.setText("zephyrwick")
    qtbot.waitUntil(lambda: window.results.topLevelItemCount() > 0, timeout=TIMEOUT)
    assert window.results.topLevelItem(0).text(0) == "Flood plan <b>for</b> the quayside (1)"
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_the_preview_says_what_happens_to_each_resource(
    qtbot, window, monkeypatch, flood_pack, library, data_dir, tmp_path
) -> None:
    install_pack(library, flood_pack)  # already in: unchanged
    library.reload_catalog()
    old_reset = pdf_bytes("An older Reset")
    older = resource_entry("reset-pillar", old_reset, collection="4rs-2021", date="2020-01-01")
    fresh = pdf_bytes("A new paper on waste")
    with zipfile.ZipFile(flood_pack) as zf:
        flood_data = zf.read("files/flood-plan.pdf")
    flood = resource_entry("flood-plan", flood_data, title="Flood plan <b>for</b> the quayside")
    pack = write_pack(
        tmp_path / "mixed.rrpack",
        [(flood, flood_data), (resource_entry("waste", fresh), fresh), (older, old_reset)],
    )
    dialog = open_install(qtbot, window, monkeypatch, pack)
    shown = {title: (outcome, details) for title, outcome, details in rows(dialog)}
    assert shown["Flood plan <b>for</b> the quayside"] == ("Already in your library", [])
    assert shown["Resource waste"] == ("Will be added", [])
    outcome, (reason,) = shown["Resource reset-pillar"]
    assert outcome == "Skipped" and "is not newer" in reason
    assert "1 to add, 1 already in your library, 1 to skip" in dialog.summary.text()
    before = snapshot(data_dir)
    dialog.close_button.click()  # Cancel: nothing installed
    assert not dialog.isVisible()
    assert snapshot(data_dir) == before and "waste" not in titles(window)


def test_a_newer_edition_updates_the_title_and_the_open_document(
    qtbot, window, monkeypatch, library, tmp_path
) -> None:
    old = library.resource("reset-pillar")
    note = Annotations(library.store).add(
        old.id, old.sha256, "note", 2, body="kept", exact=KEPT_PASSAGE
    )
    view = window.open_document("reset-pillar", 2)
    window.annotation_editor.edit(note.id, body="kept, and edited")
    assert window.annotation_editor.undo_stack.count() == 1
    new, entry = reset_second_edition(old)
    pack = write_pack(tmp_path / "update.rrpack", [(entry, new)], title="Reset update")
    dialog = open_install(qtbot, window, monkeypatch, pack)
    ((title, outcome, changes),) = rows(dialog)
    assert (title, outcome) == ("Reset, second edition", "Newer edition (1 → 2)")
    assert f"new document file ({old.pages} → 6 pages)" in changes
    assert any(c.startswith("title:") for c in changes)
    assert "You have 1 note on it: placed again in the new edition" in changes

    install(qtbot, dialog)
    ((_title, outcome, details),) = rows(dialog)
    assert outcome == "Updated (edition 1 → 2)"
    assert "Your notes: 1 moved to another page" in details
    assert titles(window)["reset-pillar"] == "Reset, second edition"
    # The tab now shows the new file, in the same place, and the note where it moved to.
    (fresh,) = window.document_views()
    assert fresh is not view and fresh.resource.sha256 == sha(new)
    assert window.tabs.indexOf(fresh) == 2 and window.tabs.tabText(2) == "Reset, second edition"
    assert [(a.id, a.page) for a in fresh.notes.items] == [(note.id, 3)]
    # An undo would put back the note's old page and edition: the history is cleared.
    assert window.annotation_editor.undo_stack.count() == 0
    assert "new edition of Reset, second edition" in window.statusBar().currentMessage()


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: (folder / "garbage.rrpack").write_bytes(b"not a zip at all" * 100),
        lambda folder: write_pack(
            folder / "escape.rrpack",
            [(resource_entry("evil", b"%PDF-1.7", file="../evil.pdf"), b"%PDF-1.7")],
        ),
    ],
    ids=["garbage", "path-traversal"],
)
def test_a_refused_pack_says_why_and_changes_nothing(
    qtbot, window, monkeypatch, library, data_dir, tmp_path, make
) -> None:
    make(tmp_path)
    pack = next(tmp_path.glob("*.rrpack"))
    before, shown = snapshot(data_dir), titles(window)
    dialog = open_install(qtbot, window, monkeypatch, pack)
    assert dialog.error.startswith("This pack was refused and nothing was changed.")
    assert dialog.summary.text() == dialog.error and dialog.items.isHidden()
    assert dialog.install_button.isHidden() and dialog.close_button.text() == "Close"
    assert snapshot(data_dir) == before and titles(window) == shown
    assert not (tmp_path / "evil.pdf").exists() and not (data_dir / "evil.pdf").exists()


def test_an_install_that_fails_midway_says_so_and_the_window_shows_what_is_in(
    qtbot, window, monkeypatch, flood_pack
) -> None:
    def failing(library, path, dry_run=False):
        if dry_run:
            return install_pack(library, path, dry_run=True)
        raise OSError("No space left on device")

    monkeypatch.setattr(pack_dialogs, "install_pack", failing)
    dialog = open_install(qtbot, window, monkeypatch, flood_pack)
    with qtbot.waitSignal(window.packs.catalog_changed) as refreshed:
        install(qtbot, dialog)
    assert refreshed.args == [{"flood-plan"}]  # the views look again at what may be in
    assert dialog.error == "The pack could not be installed: No space left on device"
    assert dialog.install_button.isHidden() and "flood-plan" not in titles(window)


def test_export_writes_a_pack_that_installs_again(
    qtbot, window, monkeypatch, library, tmp_path
) -> None:
    reset = library.resource("reset-pillar")
    Annotations(library.store).add(reset.id, reset.sha256, "page-note", 1, body="Shared note")
    offered: list[str] = []

    def save_as(_parent, _caption, default, _filter):
        offered.append(default)
        return str(tmp_path / "out" / "shared"), ""  # no extension: the dialog adds it

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    (tmp_path / "out").mkdir()
    file_action(window, "Export Collection as &Pack…").trigger()
    (dialog,) = [d for d in window.findChildren(ExportPackDialog) if d.isVisible()]
    with_resources = [
        c for c in library.catalog.collections if library.catalog.filter(collection=c.id)
    ]
    assert dialog.collection.count() == len(with_resources)
    dialog.collection.setCurrentIndex(dialog.collection.findData("4rs-2021"))
    assert dialog.with_notes.text() == "Include my notes (1)"
    dialog.with_notes.setChecked(True)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: dialog.close_button.isEnabled())

    # Named after the collection ("Reset. Reform. Renew. Resilient."), made safe.
    assert Path(offered[0]).name == "Reset. Reform. Renew. Resilient.rrpack"
    out = tmp_path / "out" / "shared.rrpack"
    count = len(library.catalog.filter(collection="4rs-2021"))
    assert dialog.result.path == out and dialog.result.notes == 1
    assert dialog.message.text().startswith(f"Wrote {count} resources and 1 note to {out} (")
    assert out.name in window.statusBar().currentMessage()
    dialog.close_button.click()

    other = Library.open(paths.resolve(str(tmp_path / "other")), backup=False)
    try:
        report = install_pack(other, out, dry_run=True)
    finally:
        other.close()
    assert len(report.items) == count and report.count("unchanged") == count
    assert report.notes == {"in_pack": True}

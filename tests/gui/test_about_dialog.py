"""Help > About Resource Reader: the version, the test's data folders (each opened as a
local folder), every component of the licence index with its full text, all as plain
text."""

import platform

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit

from reader_app import __version__, licences, paths
from reader_app.gui.about_dialog import AboutActions, AboutDialog
from reader_app.licences import Component


def make_dialog(qtbot, **kwargs) -> AboutDialog:
    dialog = AboutDialog(paths.resolve(), **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def label_texts(dialog: AboutDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel)]


# Choosing About again raises the open box, which the offscreen platform cannot do.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_help_menu_opens_the_about_box(qtbot, window, library, data_dir) -> None:
    actions = AboutActions(window, paths.resolve(), library.bundled.collections)
    assert window.help_menu.title() == "&Help"
    assert actions.about_action in window.help_menu.actions()
    actions.about_action.trigger()
    dialog = actions.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.parent() is window
    actions.about_action.trigger()  # again: the same box comes to the front
    assert actions.dialog is dialog
    texts = "\n".join(label_texts(dialog))
    assert "socitm.net" in texts and "summary written for this app" in texts
    for collection in library.bundled.collections:
        assert collection.url in texts
    dialog.close()


def test_shows_the_version_and_the_data_folders(qtbot, data_dir) -> None:
    app_paths = paths.resolve()
    app_paths.ensure()
    dialog = make_dialog(qtbot)
    assert f"Version {__version__}" in label_texts(dialog)
    data_field = dialog.folder_fields["Your data"]
    assert data_field.text() == str(data_dir.resolve())
    assert data_field.isReadOnly()
    assert dialog.folder_fields["Settings"].text() == str(app_paths.config_dir)
    assert dialog.folder_fields["Cache"].text() == str(app_paths.cache_dir)
    assert dialog.folder_fields["Backups"].text() == str(app_paths.data_dir / "backups")
    assert platform.python_version() in label_texts(dialog)
    details = dialog.details()
    assert f"Resource Reader {__version__}" in details
    assert "Python " in details and "PyMuPDF " in details and "Whoosh " in details
    assert str(data_dir.resolve()) in details
    dialog.copy_details()
    assert QGuiApplication.clipboard().text() == details


def test_open_folder_opens_a_local_file_url(qtbot, monkeypatch, data_dir) -> None:
    paths.resolve().ensure()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = make_dialog(qtbot)
    button = dialog.folder_buttons["Your data"]
    assert button.isEnabled()
    button.click()
    [url] = opened
    assert url.isLocalFile()
    assert url.toLocalFile() == str(data_dir.resolve())
    # The backups folder is made with the first backup: until then there is nothing to open.
    assert not dialog.folder_buttons["Backups"].isEnabled()
    assert dialog.open_folder(data_dir / "nowhere") is False
    assert len(opened) == 1


def test_lists_every_component_and_shows_the_whoosh_licence(qtbot) -> None:
    dialog = make_dialog(qtbot)
    model = dialog.model
    names = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert names == [
        f"{c.name} (standalone bundle)" if c.bundle_only else c.name for c in licences.components()
    ]
    assert "Python (standalone bundle)" in names
    shown = {model.index(row, 0).data(): model.index(row, 1).data() for row in range(len(names))}
    assert shown["Resource Reader"] == "AGPL-3.0-or-later"
    assert shown["Qt for Python (PySide6)"] == "LGPL-3.0-only"
    # The app's own licence is shown first.
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in dialog.licence_text.toPlainText()
    dialog.show_licence("Whoosh-Reloaded")
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "&Licences"
    text = dialog.licence_text.toPlainText()
    assert text.startswith("Whoosh-Reloaded\nLicence: BSD-2-Clause-Views")
    assert "Copyright 2011 Matt Chaput. All rights reserved." in text
    assert dialog.licence_text.isReadOnly()


def test_everything_is_plain_text(qtbot, tmp_path) -> None:
    (tmp_path / "odd.txt").write_text("<b>not bold</b> &amp; <a href='x'>no link</a>\n")
    (tmp_path / "index.toml").write_text(
        '[[component]]\nname = "<i>Odd</i>"\nspdx = "MIT"\nfiles = ["odd.txt"]\n'
        'texts_from = "a test"\n',
        encoding="utf-8",
    )
    components = licences.components(tmp_path / "index.toml")
    assert components == (
        Component(
            name="<i>Odd</i>",
            spdx="MIT",
            files=("odd.txt",),
            folder=tmp_path,
            texts_from="a test",
        ),
    )
    dialog = make_dialog(qtbot, components=components)
    assert dialog.model.index(0, 0).data() == "<i>Odd</i>"
    text = dialog.licence_text.toPlainText()
    assert "<b>not bold</b> &amp; <a href='x'>no link</a>" in text
    for label in dialog.findChildren(QLabel):
        assert label.textFormat().name == "PlainText", label.text()
    for field in dialog.findChildren(QLineEdit):
        assert field.isReadOnly()


def test_source_notice_is_honest_about_where_the_source_is(qtbot, monkeypatch) -> None:
    dialog = make_dialog(qtbot)
    notice = dialog.source_label.text()
    assert "GNU Affero General Public License" in notice
    assert f"resource_reader-{__version__}.tar.gz" in notice and "on request" in notice
    assert "http" not in notice
    monkeypatch.setattr(licences, "SOURCE_CODE_URL", "https://example.org/resource-reader")
    from reader_app.gui.about_dialog import source_notice

    assert "https://example.org/resource-reader" in source_notice()

"""Fixtures shared by the GUI tests."""

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox
from windows import make_window

from reader_app import paths
from reader_app.library import Library


@pytest.fixture
def library() -> Iterator[Library]:
    """The bundled library, with its user data in the test's temporary folder."""
    lib = Library.open(paths.resolve())
    yield lib
    lib.close()


@pytest.fixture
def window(qtbot, library, tmp_path):
    """The main window at a laptop's size, its start-up (reopening tabs) done; test
    modules that need another size define their own."""
    win = make_window(qtbot, library, tmp_path / "state.ini", (1100, 760))
    qtbot.wait(10)
    yield win
    win.close()


@pytest.fixture
def browser(monkeypatch):
    """Stands in for the system browser and the message boxes: records each box's (text,
    text format) and each address handed to the browser, and never opens anything."""
    browser = SimpleNamespace(opened=[], boxes=[], answer=QMessageBox.StandardButton.Open)

    def fake_exec(box: QMessageBox) -> int:
        browser.boxes.append((box.text(), box.textFormat()))
        return browser.answer

    def fake_open(url: QUrl) -> bool:
        browser.opened.append(url.toString())
        return True

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    return browser

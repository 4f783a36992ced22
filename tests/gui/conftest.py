"""Fixtures shared by the GUI tests."""

from collections.abc import Iterator

import pytest
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


@pytest.fixture(scope="session")
def strategy_bundle(tmp_path_factory):
    """A bundled folder with the council strategies in it (strategy_bundle.py), built once;
    gives (folder, the strategy whose page has links)."""
    from strategy_bundle import build_bundle

    return build_bundle(tmp_path_factory.mktemp("strategy-bundle"))


@pytest.fixture
def strategy_library(strategy_bundle, monkeypatch) -> Iterator[Library]:
    """The library opened on that folder, its user data in the test's temporary folder."""
    from reader_app import library as library_module

    folder, _linked = strategy_bundle
    monkeypatch.setattr(library_module, "bundled_dir", lambda: folder)
    lib = Library.open(paths.resolve())
    yield lib
    lib.close()

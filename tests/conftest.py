"""Test setup: offscreen Qt, and a temporary data folder for every test."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fixtures over a generated corpus with planted passages, for the search tests.
pytest_plugins = ["search_corpus"]

# Set before Qt is imported anywhere, so no test ever needs a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


SLOW_ENV = "READER_APP_SLOW_TESTS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow", action="store_true", help=f"also run tests marked slow (or set {SLOW_ENV}=1)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked slow (building the desktop bundle) run only when asked: .ci/run asks."""
    if config.getoption("--slow") or os.environ.get(SLOW_ENV) == "1":
        return
    skip = pytest.mark.skip(reason=f"slow: run with --slow or {SLOW_ENV}=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder; nothing touches the real user's."""
    folder = tmp_path / "data"
    monkeypatch.setenv("READER_APP_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    yield folder


_exit_status: int | None = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Delete the widgets and threads tests left behind while Qt still runs."""
    global _exit_status
    _exit_status = int(exitstatus)
    if "PySide6.QtCore" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    gc.collect()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave without interpreter finalisation once Qt has been loaded.

    After the GUI tests (dozens of windows, thread pools and worker threads), PySide6
    6.12 sometimes aborts while Python tears its objects down ("bool_dealloc"), after
    every test has passed and been reported; about one run in six here. The app itself
    exits cleanly (checked with a scripted search, open and close, 8 runs of 8). Exiting
    here keeps pytest's own exit status, so CI sees the real result.
    """
    if _exit_status is not None and "PySide6.QtCore" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)

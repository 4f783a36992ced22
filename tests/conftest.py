"""Test setup: offscreen Qt, and a temporary data folder for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fixtures over a generated corpus with planted passages, for the search tests.
pytest_plugins = ["search_corpus"]

# Set before Qt is imported anywhere, so no test ever needs a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder; nothing touches the real user's."""
    folder = tmp_path / "data"
    monkeypatch.setenv("READER_APP_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    yield folder

"""Fixtures shared by the GUI tests."""

from collections.abc import Iterator

import pytest

from reader_app import paths
from reader_app.library import Library


@pytest.fixture
def library() -> Iterator[Library]:
    """The bundled library, with its user data in the test's temporary folder."""
    lib = Library.open(paths.resolve())
    yield lib
    lib.close()

"""Every location the app reads or writes, resolved in one place.

Defaults come from platformdirs; ``--data-dir DIR`` or ``READER_APP_DATA_DIR``
put everything (data, config, cache) under one folder instead, which is what
tests and scripts use.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from reader_app import APP_ID

DATA_DIR_ENV = "READER_APP_DATA_DIR"
MANIFEST_NAME = "collection.toml"


@dataclass(frozen=True)
class AppPaths:
    """Where user data, settings and derived caches live."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "library.sqlite3"

    @property
    def index_dir(self) -> Path:
        # Derived data: safe to delete, rebuilt from the catalog and the store.
        return self.cache_dir / "index"

    @property
    def tmp_dir(self) -> Path:
        # Temporary copies of user data stay in the data folder (swept at start), never
        # in the system's temporary folder where others may read them.
        return self.data_dir / "tmp"

    def ensure(self) -> None:
        for folder in (self.data_dir, self.config_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)


def resolve(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """Return the app's locations: explicit ``data_dir``, then the env var, then platformdirs."""
    override = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV) or None
    if override is not None:
        root = Path(override).expanduser().resolve()
        return AppPaths(data_dir=root, config_dir=root / "config", cache_dir=root / "cache")
    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
    )


def bundled_dir() -> Path:
    """The folder holding the bundled collection's manifest and files.

    In a wheel or a frozen bundle it is the ``reader_app/resources`` package
    data; in a source checkout it is the top-level ``resources/`` folder.
    """
    candidates = []
    if getattr(sys, "frozen", False):
        candidates.append(Path(getattr(sys, "_MEIPASS", "")) / "reader_app" / "resources")
    candidates.append(Path(str(resources.files("reader_app"))) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    for candidate in candidates:
        if (candidate / MANIFEST_NAME).is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"the bundled collection is missing (looked in {searched})")

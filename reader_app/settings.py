"""The user's preferences: a small typed registry with defaults, kept as JSON in the config dir.

Preferences are what the user chooses (theme, library view). Remembered state such as
window geometry lives elsewhere (``reader_app.gui.app``), so resetting one leaves the other.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from reader_app.paths import AppPaths

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"

Theme = Literal["system", "light", "dark"]
LibraryView = Literal["list", "grid"]
THEMES: tuple[Theme, ...] = ("system", "light", "dark")
LIBRARY_VIEWS: tuple[LibraryView, ...] = ("list", "grid")


@dataclass(frozen=True)
class Option:
    """One preference: its default and the values it accepts."""

    default: str
    choices: tuple[str, ...]
    description: str


OPTIONS: Mapping[str, Option] = {
    "theme": Option("system", THEMES, "Colour scheme: follow the system, or always light or dark"),
    "library_view": Option("list", LIBRARY_VIEWS, "Show the library as a list or a grid"),
}


def _from_unversioned(data: dict[str, Any]) -> dict[str, Any]:
    # Files from before settings carried a version hold the same keys.
    return data


# UPGRADES[n] takes a file from version n to n + 1. Never edit a step that has shipped;
# append a new one.
UPGRADES: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (_from_unversioned,)
VERSION = len(UPGRADES)


def _problem(name: str, value: object) -> str:
    """What is wrong with setting ``name`` to ``value``, or '' if nothing is."""
    option = OPTIONS.get(name)
    if option is None:
        return f"no such setting: {name}"
    if value not in option.choices:
        return f"{name} must be one of {', '.join(option.choices)}, not {value!r}"
    return ""


def settings_path(app_paths: AppPaths) -> Path:
    return app_paths.config_dir / SETTINGS_FILE


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring stored settings up to the current version, one step at a time.

    A file from a newer version of the app is read as it is: the keys this version knows
    still apply, and the rest are ignored.
    """
    version = data.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        version = 0
    for step in UPGRADES[version:]:
        data = step(data)
    return {**data, "version": max(version, VERSION)}


class Settings:
    """The preferences stored in one file. Read with ``load``; change with ``update``."""

    def __init__(self, path: Path, values: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self._values = {name: option.default for name, option in OPTIONS.items()}
        for name, value in (values or {}).items():
            if name not in OPTIONS:
                continue  # "version", or a setting from a newer version of the app
            problem = _problem(name, value)
            if problem:
                log.warning("settings: ignoring %s in %s", problem, path)
            else:
                self._values[name] = value

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read the settings at ``path``; defaults if it is missing, unreadable or corrupt.

        Loading never writes, so a damaged file stays as it is until the user changes a setting.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, RecursionError) as exc:  # nested deeply: a restored one
            log.warning("settings: cannot read %s (%s); using defaults", path, exc)
            return cls(path)
        if not isinstance(data, dict):
            log.warning("settings: %s does not hold an object; using defaults", path)
            return cls(path)
        return cls(path, upgrade(data))

    @property
    def theme(self) -> Theme:
        return cast(Theme, self._values["theme"])

    @property
    def library_view(self) -> LibraryView:
        return cast(LibraryView, self._values["library_view"])

    def as_dict(self) -> dict[str, str]:
        return dict(self._values)

    def update(self, **changes: str) -> None:
        """Check every change, then apply them all and save; raise ValueError if any is invalid."""
        problems = [p for name, value in changes.items() if (p := _problem(name, value))]
        if problems:
            raise ValueError("; ".join(problems))
        self._values.update(changes)
        self.save()

    def save(self) -> None:
        """Write the settings atomically: a reader sees the old file or the new, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"version": VERSION, **self._values}, indent=2, sort_keys=True) + "\n"
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

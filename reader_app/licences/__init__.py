"""The licence texts of Resource Reader and of the components it ships, and their index.

The texts sit beside this module, so they travel inside the package: in the wheel, in
the sdist and (collected as package data) in the PyInstaller bundle. ``index.toml``
says which component each text belongs to and where it was copied from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

LICENCES_DIR = Path(__file__).resolve().parent
INDEX = LICENCES_DIR / "index.toml"
APP_LICENCE = "AGPL-3.0.txt"  # identical to the repository's LICENSE (tests/test_licences.py)

# The public address of the project's source code. There is none yet: until this is set,
# Help > About says the source is in the source distribution and available on request.
SOURCE_CODE_URL: str | None = None


@dataclass(frozen=True)
class Component:
    """One entry of the index: a piece of software the app ships, and its licence."""

    name: str
    spdx: str
    files: tuple[str, ...]
    folder: Path = LICENCES_DIR
    distribution: str = ""
    version: str = ""
    used_under: str = ""
    dist_files: tuple[str, ...] = ()
    homepage: str = ""
    texts_from: str = ""
    bundle_only: bool = False
    note: str = ""

    @property
    def licence(self) -> str:
        """The licence the app uses it under (its own choice where the authors offer several)."""
        return self.used_under or self.spdx

    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.files]

    def full_text(self) -> str:
        """A short header (name, licence, home page, note), then each licence text whole."""
        header = [self.name]
        if self.used_under:
            header.append(f"Licence: {self.spdx}; used under {self.used_under}")
        else:
            header.append(f"Licence: {self.spdx}")
        if self.homepage:
            header.append(f"Home page: {self.homepage}")
        if self.bundle_only:
            header.append("Shipped in the standalone bundle only.")
        if self.note:
            header.append(self.note)
        parts = ["\n".join(header)]
        for path in self.paths():
            rule = "=" * 72
            parts.append(f"{rule}\n{path.name}\n{rule}\n\n{path.read_text(encoding='utf-8')}")
        return "\n\n".join(parts)


def components(index: Path = INDEX) -> tuple[Component, ...]:
    """The components listed in ``index`` (texts are read from the index's folder)."""
    data = tomllib.loads(index.read_text(encoding="utf-8"))
    found = []
    for entry in data["component"]:
        entry = dict(entry)
        entry["files"] = tuple(entry["files"])
        entry["dist_files"] = tuple(entry.get("dist_files", ()))
        found.append(Component(folder=index.parent, **entry))
    return tuple(found)


def installed_version(*distributions: str) -> str | None:
    """The version of the first of ``distributions`` that is installed, read from its
    metadata (nothing is imported); None if none is, or a bundle left its metadata out."""
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None

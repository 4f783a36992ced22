"""The council strategies directory as the tests read it, apart from the build: every
``[[strategy]]`` table of resources/directory/*.toml, and the shared id rule, so a test
can check the bundled collection against the directory it was built from."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from repo_paths import REPO

DIRECTORY = REPO / "resources" / "directory"


def strategy_id(council: str) -> str:
    """The shared id rule: 'strategy-' + the council's slug, cut to 55 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower().replace("&", "and")).strip("-")
    return "strategy-" + slug[:55].strip("-")


def directory_entries() -> list[dict[str, Any]]:
    """Every ``[[strategy]]`` table of the directory, in file order."""
    entries: list[dict[str, Any]] = []
    for file in sorted(DIRECTORY.glob("*.toml")):
        entries += tomllib.loads(file.read_text("utf-8")).get("strategy", [])
    return entries

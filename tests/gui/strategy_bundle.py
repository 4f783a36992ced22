"""A bundled folder with the council strategies in it, for the GUI tests of the directory:
the real manifest and files, plus one strategy resource per ``[[strategy]]`` of
resources/directory/*.toml (as packaging/build_collection.py makes them), each file a copy
of a bundled one-page PDF. One strategy's page is made with links on it instead: to its
council's address, to the directory filtered to its pillar and nation, and to an item."""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

from reader_app.manifest import dump_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir
from reader_app.worker import run_isolated

COLLECTION = {
    "id": "council-strategies",
    "title": "Council strategies",
    "date": "2023",
    "url": "",
    "description": (
        "Council strategies, compiled for Resource Reader from councils' public pages; "
        "not Socitm's list."
    ),
}
PAGE_PDF = "championing-place-based-recovery.pdf"  # a bundled one-page PDF
LINKED_NATION = "Wales"  # the first strategy from here gets the page with links
OPEN_TARGET = "recovery-prospectus"

# Where the links are on the linked page, in PDF points: (x0, y0, x1, y1).
COUNCIL_BOX = (72.0, 150.0, 400.0, 170.0)
DIRECTORY_BOX = (72.0, 200.0, 400.0, 220.0)
OPEN_BOX = (72.0, 250.0, 400.0, 270.0)


def strategy_id(council: str) -> str:
    """The shared rule: "strategy-" + the council's slug, cut to 55 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower().replace("&", "and")).strip("-")
    return "strategy-" + slug[:55].strip("-")


def directory_entries() -> list[dict[str, Any]]:
    entries = []
    for path in sorted((bundled_dir() / "directory").glob("*.toml")):
        entries += tomllib.loads(path.read_text("utf-8")).get("strategy", [])
    return entries


def directory_link(pillar: str, nation: str) -> str:
    from urllib.parse import urlencode

    return "resource-reader://directory?" + urlencode({"pillar": pillar, "nation": nation})


def make_linked_page(path: str, council_url: str, directory: str, open_link: str) -> None:
    """A strategy's summary page with its three links (run in a worker: PyMuPDF)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "A council's strategy, summarised", fontsize=18)
    for box, text, uri in (
        (COUNCIL_BOX, "The council's page", council_url),
        (DIRECTORY_BOX, "Other strategies like this one", directory),
        (OPEN_BOX, "The recovery prospectus", open_link),
    ):
        rect = pymupdf.Rect(*box)
        page.insert_text((rect.x0, rect.y1 - 4), text, fontsize=14)
        page.insert_link({"kind": pymupdf.LINK_URI, "from": rect, "uri": uri})
    doc.save(path)
    doc.close()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_bundle(folder: Path) -> tuple[Path, dict[str, Any]]:
    """Write the bundled folder into ``folder``; return it and the linked strategy's entry
    (with ``links``: council, directory, open)."""
    source = bundled_dir()
    shutil.copytree(source / "files", folder / "files")
    raw = tomllib.loads((source / MANIFEST_NAME).read_text("utf-8"))
    # Whatever strategies the shipped manifest has by now, these replace them.
    raw["collections"] = [c for c in raw["collections"] if c["id"] != COLLECTION["id"]]
    raw["collections"].append(COLLECTION)
    raw["resources"] = [r for r in raw["resources"] if r.get("kind") != "strategy"]
    base = next(r for r in raw["resources"] if r["file"] == f"files/{PAGE_PDF}")
    linked: dict[str, Any] | None = None
    for entry in directory_entries():
        rid = strategy_id(entry["council"])
        file = folder / "files" / f"{rid}.pdf"
        if linked is None and entry["nation"] == LINKED_NATION:
            links = {
                "council": entry["url"],
                "directory": directory_link(entry["pillars"][0], entry["nation"]),
                "open": f"resource-reader://open?id={OPEN_TARGET}",
            }
            run_isolated(make_linked_page, str(file), *links.values())
            linked = {"id": rid, **entry, "links": links}
        else:
            shutil.copyfile(source / base["file"], file)
        raw["resources"].append(
            {
                "id": rid,
                "title": entry["title"],
                "kind": "strategy",
                "pillars": entry["pillars"],
                "collection": COLLECTION["id"],
                "date": entry["date"],
                "summary": entry["summary"],
                "source_url": entry["url"],
                "file": f"files/{rid}.pdf",
                "sha256": sha256_of(file),
                "pages": 1,
                "media_type": "application/pdf",
                "label": (
                    f"Summary written for Resource Reader from {entry['council']}'s public "
                    "page; not the council's document"
                ),
                "council": entry["council"],
                "nation": entry["nation"],
                "council_type": entry["council_type"],
                "themes": entry["themes"],
            }
        )
    assert linked is not None
    (folder / MANIFEST_NAME).write_text(dump_manifest(raw), "utf-8")
    return folder, linked

"""The resource pack format: a zip holding ``pack.toml``, the files it lists (each with
its SHA-256) and, optionally, notes as W3C Web Annotations.

``pack.toml`` reads like the bundled ``collection.toml``, without the pillars (a pack
files its resources under the app's four) and with what a pack needs besides::

    format = "resource-reader-pack"
    schema = 1
    title = "Resilience and regeneration, 2023 update"
    created = "2026-11-30T12:00:00Z"
    notes = "notes.jsonld"            # optional
    notes_sha256 = "…"                # with notes

    [[collections]]                   # new collections; known ones may be used unlisted
    …
    [[resources]]                     # as in collection.toml, plus edition (default 1)
    file = "files/<id>.pdf"
    sha256 = "…"
    edition = 2                       # at most 1,000,000
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Collection as Ids
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from reader_app.catalog import Collection, Resource
from reader_app.inert_text import terminal_text
from reader_app.manifest import (
    Entry,
    ManifestError,
    dump_manifest,
    load_collections,
    load_resources,
)
from reader_app.packs.unzip import PackError

MANIFEST = "pack.toml"
NOTES = "notes.jsonld"
FORMAT = "resource-reader-pack"
SCHEMA = 1
SUFFIX = ".rrpack"  # a zip; registered with the desktop as application/x-resource-reader-pack
FILES = "files/"
LINE_CHARS = 300  # a title, label or address; as long as an imported document's title
TEXT_CHARS = 50_000  # a summary, description, alt text or transcript
MESSAGE_CHARS = 500
MAX_EDITION = 1_000_000  # above it an edition could pin a resource against every update
MAX_MANIFEST_BYTES = 16 * 1024**2  # thousands of resources with long summaries fit
# tomllib recurses once per nested array or inline table (100,000 of them: RecursionError)
# and is quadratic in a dotted key's parts (4,000: 70 MB; 100,000: out of memory), so both
# are bounded before it reads a byte, far beyond what a manifest needs (two levels).
MAX_NESTING = 32
MAX_KEY_PARTS = 32
# Bidirectional overrides and isolates: they make printed text read other than it is.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class PackManifest:
    title: str
    created: str
    collections: tuple[Collection, ...]  # those the pack defines
    resources: tuple[Resource, ...]  # ``file`` is the entry's name in the pack
    notes: str = ""  # the notes entry's name, if the pack has notes
    notes_sha256: str = ""

    def expected(self) -> dict[str, str]:
        """Every file entry of the pack -> its SHA-256, as ``safe_extract`` checks them."""
        listed = {r.file: r.sha256 for r in self.resources}
        if self.notes:
            listed[self.notes] = self.notes_sha256
        return listed


def parse(data: bytes, pillar_ids: Ids[str], collection_ids: Ids[str]) -> PackManifest:
    """Read and check a pack's manifest; ``collection_ids`` are those the library has
    already. Raises PackError saying what is wrong and where."""
    file = Path(MANIFEST)
    if len(data) > MAX_MANIFEST_BYTES:
        raise PackError(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES // 1024**2} MiB")
    try:
        text = data.decode("utf-8")
        too_deep = _too_deep(text)
        if too_deep:
            raise PackError(f"{MANIFEST} is not a pack manifest: {too_deep}")
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError(f"{MANIFEST} is not valid TOML ({exc})") from None
    except RecursionError:  # should the bounds above ever let one through
        raise PackError(f"{MANIFEST} nests too deeply to read") from None
    try:
        return _clean(_parse(file, raw, set(pillar_ids), set(collection_ids)))
    except ManifestError as exc:
        # The message quotes the pack's own values: escape them before anyone prints it.
        raise PackError(printable(str(exc))) from None


# What the nesting scan steps over (comments and strings, whose brackets and dots are
# text) and what it counts; anything else is passed by.
_TOML_TOKENS = re.compile(
    r"""\#[^\n]*
    | "{3}(?:[^"\\]|\\.|"(?!""))*"{3,5}
    | '{3}(?:[^']|'(?!''))*'{3,5}
    | "(?:[^"\\\n]|\\.)*"
    | '[^'\n]*'
    | (?P<mark>[\[\]{}.=,\n])""",
    re.VERBOSE | re.DOTALL,
)


def _too_deep(text: str) -> str:
    """Why ``text`` nests deeper, or dots a key longer, than a manifest may; '' if not.
    Counts outside strings and comments; dots are counted between separators, so a
    key's parts are counted and a number's decimal point is not more than one."""
    depth = parts = 0
    for found in _TOML_TOKENS.finditer(text):
        mark = found.group("mark")
        if mark is None:
            continue
        if mark in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return f"arrays or tables nested more than {MAX_NESTING} deep"
        elif mark in "]}":
            depth -= 1
        elif mark == ".":
            parts += 1
            if parts >= MAX_KEY_PARTS:
                return f"a dotted key of more than {MAX_KEY_PARTS} parts"
        else:
            parts = 0
    return ""


def printable(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` with every control character and bidirectional override written as an
    escape (so a terminal shows it rather than obeys it), cut to ``limit`` characters."""
    shown = terminal_text(text[: limit * 2])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _hidden(c: str) -> bool:
    return unicodedata.category(c) == "Cc" or c in _BIDI


def _visible(text: str) -> str:
    """Line breaks as "\\n", tabs as spaces, other control characters (terminal escapes
    among them) and bidirectional overrides dropped."""
    return "".join(
        "\n" if c in _BREAKS else " " if c == "\t" else "" if _hidden(c) else c for c in text
    )


def one_line(text: str) -> str:
    """A title as the library keeps it: one line, no control characters (terminal
    escapes among them) or bidirectional overrides, of bounded length."""
    return " ".join(_visible(text).split())[:LINE_CHARS].strip()


def _text(text: str) -> str:
    return _visible(text.replace("\r\n", "\n")).strip()[:TEXT_CHARS].rstrip()


def _clean(manifest: PackManifest) -> PackManifest:
    """A pack's text as the library keeps and prints it: titles on one line, no
    control characters or bidirectional overrides, nothing of unbounded length."""
    return replace(
        manifest,
        title=one_line(manifest.title) or "Untitled pack",
        created=one_line(manifest.created),
        collections=tuple(
            replace(
                c,
                title=one_line(c.title) or c.id,
                url=one_line(c.url),
                description=_text(c.description),
            )
            for c in manifest.collections
        ),
        resources=tuple(
            replace(
                r,
                title=one_line(r.title) or r.id,
                label=one_line(r.label),
                source_url=one_line(r.source_url),
                summary=_text(r.summary),
                alt_text=_text(r.alt_text),
                transcript=_text(r.transcript),
            )
            for r in manifest.resources
        ),
    )


def _parse(file: Path, raw: dict[str, Any], pillar_ids: set[str], known: set[str]) -> PackManifest:
    top = Entry(file, "", raw)
    if raw.get("format") != FORMAT:
        raise top.fail("format", f"must be {FORMAT!r}: this is not a resource pack")
    if raw.get("schema") != SCHEMA:
        raise top.fail(
            "schema", f"{raw.get('schema')!r} is not supported (this app reads {SCHEMA})"
        )
    collections = (
        load_collections(file, raw["collections"], url_required=False)
        if "collections" in raw
        else []
    )
    resources = load_resources(
        file,
        raw.get("resources"),
        pillar_ids,
        known | {c.id for c in collections},
        from_pack=True,
    )
    files: set[str] = set()
    for r in resources:
        if r.edition > MAX_EDITION:
            raise ManifestError(
                file, f"must be at most {MAX_EDITION:,}", f"resource '{r.id}'", "edition"
            )
        name = PurePosixPath(r.file)
        if r.file in files:
            raise ManifestError(file, f"{r.file!r} is listed twice", f"resource '{r.id}'", "file")
        if not r.file.startswith(FILES) or len(name.parts) != 2:
            raise ManifestError(
                file, f"{r.file!r} must be a file in {FILES}", f"resource '{r.id}'", "file"
            )
        files.add(r.file)
    notes = top.text("notes", required=False)
    notes_sha256 = ""
    if notes:
        if notes != NOTES:
            raise top.fail("notes", f"must be {NOTES!r}")
        notes_sha256 = top.text("notes_sha256")
        if len(notes_sha256) != 64 or not all(c in "0123456789abcdef" for c in notes_sha256):
            raise top.fail("notes_sha256", "is not a SHA-256 in hex")
    return PackManifest(
        title=top.text("title"),
        created=top.text("created", required=False),
        collections=tuple(collections),
        resources=tuple(resources),
        notes=notes,
        notes_sha256=notes_sha256,
    )


RESOURCE_FIELDS = (
    "id", "title", "kind", "pillars", "collection", "date", "summary", "source_url",
    "file", "sha256", "pages", "media_type", "label", "alt_text", "transcript", "edition",
)  # fmt: skip


def render(manifest: PackManifest) -> str:
    data: dict[str, Any] = {
        "format": FORMAT,
        "schema": SCHEMA,
        "title": manifest.title,
        "created": manifest.created,
    }
    if manifest.notes:
        data["notes"] = manifest.notes
        data["notes_sha256"] = manifest.notes_sha256
    if manifest.collections:
        data["collections"] = [
            {"id": c.id, "title": c.title, "date": c.date, "url": c.url,
             "description": c.description}
            for c in manifest.collections
        ]  # fmt: skip
    data["resources"] = [
        {
            name: list(value) if isinstance(value := getattr(r, name), tuple) else value
            for name in RESOURCE_FIELDS
            if getattr(r, name) != "" or name in ("summary",)
        }
        for r in manifest.resources
    ]
    return dump_manifest(data, header="A Resource Reader pack: see reader-app pack --help")

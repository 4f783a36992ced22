"""Reading and validating a collection manifest (``collection.toml``).

Every problem is reported as a ``ManifestError`` naming the file, the entry
and the field, so a broken manifest is fixed in one look.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from reader_app.catalog import COUNCIL_TYPES, KINDS, NATIONS, Catalog, Collection, Pillar, Resource
from reader_app.safe_paths import UnsafePathError, inside

SCHEMA_VERSION = 1
MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg")
PACK_MEDIA_TYPES = (
    "application/pdf",
    "application/epub+zip",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/tiff",
    "image/bmp",
)

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ManifestError(ValueError):
    """A manifest that cannot be used, with where the problem is."""

    def __init__(self, file: Path, message: str, entry: str = "", field: str = "") -> None:
        self.file, self.entry, self.field = file, entry, field
        where = file.name
        if entry:
            where += f": {entry}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")


class Entry:
    """Typed access to one table of the manifest, raising ManifestError on bad fields."""

    def __init__(self, file: Path, name: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise ManifestError(file, "must be a table", name)
        self.file, self.name, self.data = file, name, data

    def fail(self, field: str, message: str) -> ManifestError:
        return ManifestError(self.file, message, self.name, field)

    def text(
        self, field: str, *, required: bool = True, pattern: re.Pattern[str] | None = None
    ) -> str:
        value = self.data.get(field)
        if value is None:
            if required:
                raise self.fail(field, "is missing")
            return ""
        if not isinstance(value, str):
            raise self.fail(field, f"must be text, not {type(value).__name__}")
        value = value.strip()
        if required and not value:
            raise self.fail(field, "is empty")
        if pattern is not None and value and not pattern.match(value):
            raise self.fail(field, f"'{value}' is not in the expected form")
        return value

    def choice(self, field: str, allowed: tuple[str, ...]) -> str:
        value = self.text(field)
        if value not in allowed:
            raise self.fail(field, f"'{value}' is not one of {', '.join(allowed)}")
        return value

    def text_list(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field)
        if value is None:
            raise self.fail(field, "is missing")
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "must be a list of non-empty text values")
        if not value:
            raise self.fail(field, "must list at least one value")
        return tuple(v.strip() for v in value)

    def url(self, field: str) -> str:
        value = self.text(field)
        if not value.startswith(("https://", "http://")):
            raise self.fail(field, f"'{value}' is not an http(s) URL")
        return value

    def flag(self, field: str) -> bool:
        value = self.data.get(field, False)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def optional_choice(self, field: str, allowed: tuple[str, ...]) -> str:
        value = self.text(field, required=False)
        if value and value not in allowed:
            raise self.fail(field, f"'{value}' is not one of {', '.join(allowed)}")
        return value

    def optional_text_list(self, field: str) -> tuple[str, ...]:
        return self.text_list(field) if field in self.data else ()

    def positive_int(self, field: str, default: int | None = None) -> int:
        value = self.data.get(field)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(field, "must be a whole number of at least 1")
        return value


def load_manifest(path: Path) -> Catalog:
    """Parse and validate ``path``; the files it names are resolved next to it."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(path, "file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(path, f"not valid TOML ({exc})") from None
    schema = raw.get("schema")
    if schema != SCHEMA_VERSION:
        raise ManifestError(path, f"schema {schema!r} is not supported (expected {SCHEMA_VERSION})")
    pillars = _load_pillars(path, raw.get("pillars"))
    collections = load_collections(path, raw.get("collections"))
    resources = load_resources(
        path, raw.get("resources"), {p.id for p in pillars}, {c.id for c in collections}
    )
    for resource in resources:
        try:
            inside(path.parent, resource.file)  # a symlink out of the folder too
        except UnsafePathError as exc:
            raise ManifestError(path, str(exc), f"resources ('{resource.id}')", "file") from None
    return Catalog(path.parent, tuple(pillars), tuple(collections), tuple(resources))


def _tables(file: Path, value: Any, name: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise ManifestError(file, f"needs at least one [[{name}]] table")
    return value


def _check_unique(file: Path, entry: Entry, seen: set[str], value: str) -> None:
    if value in seen:
        raise ManifestError(file, f"duplicate id '{value}'", entry.name, "id")
    seen.add(value)


def _load_pillars(file: Path, value: Any) -> list[Pillar]:
    pillars, seen = [], set()
    for i, data in enumerate(_tables(file, value, "pillars")):
        e = Entry(file, f"pillars[{i}]", data)
        pillar = Pillar(
            id=e.text("id", pattern=_ID),
            name=e.text("name"),
            definition=e.text("definition"),
            description=e.text("description"),
            colour=e.text("colour", pattern=_COLOUR),
            keywords=e.text_list("keywords"),
        )
        _check_unique(file, e, seen, pillar.id)
        pillars.append(pillar)
    return pillars


def load_collections(file: Path, value: Any, *, url_required: bool = True) -> list[Collection]:
    collections, seen = [], set()
    for i, data in enumerate(_tables(file, value, "collections")):
        e = Entry(file, f"collections[{i}]", data)
        collection = Collection(
            id=e.text("id", pattern=_ID),
            title=e.text("title"),
            date=e.text("date", pattern=_DATE),
            # url = "" says there is no page (a list compiled for the app has none).
            url=e.url("url") if e.data.get("url") or (url_required and "url" not in data) else "",
            description=e.text("description"),
        )
        _check_unique(file, e, seen, collection.id)
        collections.append(collection)
    return collections


def load_resources(
    file: Path,
    value: Any,
    pillar_ids: set[str],
    collection_ids: set[str],
    *,
    from_pack: bool = False,
) -> list[Resource]:
    """The resources of a manifest; ``from_pack`` allows what a pack may hold and the
    bundled collection may not: the reader's own documents, with no summary or source."""
    media_types = PACK_MEDIA_TYPES if from_pack else MEDIA_TYPES
    resources, seen = [], set()
    for i, data in enumerate(_tables(file, value, "resources")):
        rid = data.get("id") if isinstance(data, dict) else None
        e = Entry(file, f"resources[{i}]" + (f" ('{rid}')" if isinstance(rid, str) else ""), data)
        pillars = e.text_list("pillars")
        for p in pillars:
            if p not in pillar_ids:
                raise e.fail("pillars", f"unknown pillar '{p}'")
        if len(set(pillars)) != len(pillars):
            raise e.fail("pillars", "lists a pillar twice")
        collection = e.text("collection")
        if collection not in collection_ids:
            raise e.fail("collection", f"unknown collection '{collection}'")
        media_type = e.choice("media_type", media_types)
        kind = e.choice("kind", KINDS)
        # Only a council's strategy may be undated: its page is all we know of it.
        date = e.text("date", pattern=_DATE, required=kind != "strategy")
        resource = Resource(
            id=e.text("id", pattern=_ID),
            title=e.text("title"),
            kind=kind,
            pillars=pillars,
            collection=collection,
            date=date,
            summary=e.text("summary", required=not from_pack),
            source_url=e.url("source_url") if not from_pack or data.get("source_url") else "",
            file=_relative_file(e),
            sha256=e.text("sha256", pattern=_SHA256),
            pages=e.positive_int("pages"),
            media_type=media_type,
            label=e.text("label", required=not from_pack),
            alt_text=e.text("alt_text", required=media_type.startswith("image/") and not from_pack),
            transcript=e.text("transcript", required=False),
            edition=e.positive_int("edition", default=1),
            date_approximate=e.flag("date_approximate"),
            council=e.text("council", required=kind == "strategy"),
            nation=e.optional_choice("nation", NATIONS),
            council_type=e.optional_choice("council_type", COUNCIL_TYPES),
            themes=e.optional_text_list("themes"),
        )
        _check_unique(file, e, seen, resource.id)
        resources.append(resource)
    return resources


def _relative_file(e: Entry) -> str:
    value = e.text("file")
    pure = PurePosixPath(value)
    if pure.is_absolute() or ".." in pure.parts or "\\" in value or ":" in value:
        raise e.fail("file", f"'{value}' must be a relative path inside the collection")
    return value


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # A JSON string literal is also a valid TOML basic string, once DEL (which JSON
        # leaves as it is and TOML does not allow) is escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a manifest")


def dump_manifest(data: dict[str, Any], header: str = "") -> str:
    """Write manifest-shaped data (scalars, then arrays of tables) as TOML text."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    if lines:
        lines.append("")
    tables = {k: v for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], dict)}
    lines += [f"{k} = {_toml_value(v)}" for k, v in data.items() if k not in tables]
    for name, rows in tables.items():
        for row in rows:
            lines += ["", f"[[{name}]]"]
            lines += [f"{key} = {_toml_value(value)}" for key, value in row.items()]
    return "\n".join(lines) + "\n"

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from reader_app.manifest import ManifestError, dump_manifest, load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir


@pytest.fixture(scope="module")
def bundled_data() -> dict[str, Any]:
    return tomllib.loads((bundled_dir() / MANIFEST_NAME).read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "collection.toml"
    path.write_text(dump_manifest(data), encoding="utf-8")
    return path


def test_round_trip_through_dump(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    original = load_manifest(bundled_dir() / MANIFEST_NAME)
    again = load_manifest(write(tmp_path, bundled_data))
    assert again.resources == original.resources
    assert again.pillars == original.pillars


def test_dump_escapes_awkward_text(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    data = copy.deepcopy(bundled_data)
    awkward = 'Quotes " and \\ backslash, newline\nand tab\t and <b>html</b> and café'
    data["resources"][0]["summary"] = awkward
    catalog = load_manifest(write(tmp_path, data))
    assert catalog.resources[0].summary == awkward


def set_field(data, table, index, field, value):
    if value is DELETE:
        del data[table][index][field]
    else:
        data[table][index][field] = value


DELETE = object()

CASES = [
    ("resources", 0, "kind", "poster", "kind"),
    ("resources", 0, "pillars", ["reset", "rebuild"], "pillars"),
    ("resources", 0, "pillars", [], "pillars"),
    ("resources", 0, "pillars", ["reset", "reset"], "pillars"),
    ("resources", 0, "collection", "nope", "collection"),
    ("resources", 0, "date", "30/06/2021", "date"),
    ("resources", 0, "sha256", "abc", "sha256"),
    ("resources", 0, "pages", 0, "pages"),
    ("resources", 0, "pages", "5", "pages"),
    ("resources", 0, "source_url", "ftp://example.org/x", "source_url"),
    ("resources", 0, "file", "../../etc/passwd", "file"),
    ("resources", 0, "file", "/etc/passwd", "file"),
    ("resources", 0, "title", DELETE, "title"),
    ("resources", 0, "title", 42, "title"),
    ("resources", 0, "id", "Bad Id!", "id"),
    ("pillars", 0, "colour", "green", "colour"),
    ("pillars", 0, "keywords", "not a list", "keywords"),
    ("collections", 0, "url", DELETE, "url"),
]


@pytest.mark.parametrize(("table", "index", "field", "value", "expected_field"), CASES)
def test_bad_field_is_named(tmp_path, bundled_data, table, index, field, value, expected_field):
    data = copy.deepcopy(bundled_data)
    set_field(data, table, index, field, value)
    with pytest.raises(ManifestError) as caught:
        load_manifest(write(tmp_path, data))
    error = caught.value
    assert error.field == expected_field
    assert error.entry.startswith(f"{table}[{index}]")
    message = str(error)
    assert "collection.toml" in message and f"'{expected_field}'" in message


def test_image_needs_alt_text(tmp_path, bundled_data) -> None:
    data = copy.deepcopy(bundled_data)
    index = next(i for i, r in enumerate(data["resources"]) if r["media_type"] == "image/png")
    del data["resources"][index]["alt_text"]
    with pytest.raises(ManifestError, match="alt_text"):
        load_manifest(write(tmp_path, data))


def test_duplicate_resource_id(tmp_path, bundled_data) -> None:
    data = copy.deepcopy(bundled_data)
    data["resources"][1]["id"] = data["resources"][0]["id"]
    with pytest.raises(ManifestError, match="duplicate id") as caught:
        load_manifest(write(tmp_path, data))
    assert caught.value.entry.startswith("resources[1]")


def test_wrong_schema_version(tmp_path, bundled_data) -> None:
    data = copy.deepcopy(bundled_data)
    data["schema"] = 99
    with pytest.raises(ManifestError, match="schema 99"):
        load_manifest(write(tmp_path, data))


def test_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "collection.toml"
    path.write_text("this is [not toml", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"collection\.toml: not valid TOML"):
        load_manifest(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="file not found"):
        load_manifest(tmp_path / "collection.toml")


def test_no_resources(tmp_path, bundled_data) -> None:
    data = copy.deepcopy(bundled_data)
    data["resources"] = []
    with pytest.raises(ManifestError, match=r"\[\[resources\]\]"):
        load_manifest(write(tmp_path, data))

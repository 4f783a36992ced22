"""A pack manifest is bounded before it is parsed (nesting, dotted keys, size) and its
editions after: crafted ones are refused with a PackError, never an internal error,
and a manifest with brackets, dots and quotes in its text is still read."""

import zipfile
from pathlib import Path

import pytest
from packs.test_packs import open_library, pdf_bytes, resource_entry, snapshot, write_pack

from reader_app import cli
from reader_app.packs import format as pack_format
from reader_app.packs.install import install_pack
from reader_app.packs.unzip import PackError

PILLARS = ["reset", "reform", "renew", "resilient"]
HEAD = 'format = "resource-reader-pack"\nschema = 1\ntitle = "T"\n'
RESOURCE = """
[[resources]]
id = "good"
title = {title}
kind = "briefing"
pillars = ["reset"]
collection = "4rs-2021"
date = "2023-05-01"
summary = {summary}
file = "files/good.pdf"
sha256 = "{sha}"
pages = 1
media_type = "application/pdf"
edition = {edition}
"""


def manifest(edition: int = 1, title: str = '"Good"', summary: str = '"A test."') -> bytes:
    text = HEAD + RESOURCE.format(title=title, summary=summary, sha="0" * 64, edition=edition)
    return text.encode()


def parse(data: bytes) -> pack_format.PackManifest:
    return pack_format.parse(data, PILLARS, ["4rs-2021"])


def zipped(path: Path, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(pack_format.MANIFEST, data)
    return path


DEEP_ARRAYS = HEAD.encode() + b"x = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"
DEEP_TABLES = HEAD.encode() + b"x = " + b"{a = " * 100_000 + b"1" + b"}" * 100_000 + b"\n"
LONG_KEY = HEAD.encode() + b"x." + b".".join([b"a"] * 2_000) + b" = 1\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (DEEP_ARRAYS, "nested more than 32 deep"),
        (DEEP_TABLES, "nested more than 32 deep"),
        (LONG_KEY, "dotted key of more than 32 parts"),
        (b"[" + b".".join([b"a"] * 2_000) + b"]\n", "dotted key"),
    ],
)
def test_deep_or_long_toml_is_refused_before_parsing(data: bytes, message: str) -> None:
    """Before: RecursionError from tomllib (and a dotted key of 100,000 parts took the
    process's memory)."""
    with pytest.raises(PackError, match=message):
        parse(data)


def test_an_oversized_manifest_is_refused() -> None:
    with pytest.raises(PackError, match="larger than 16 MiB"):
        parse(manifest() + b"#" * pack_format.MAX_MANIFEST_BYTES)


def test_brackets_dots_and_quotes_in_text_are_only_text() -> None:
    dots = "." * 100
    title = f'"""Dots{dots} [[[[[{{{{{{""" '
    summary = f"'''{'[' * 40} \"\"\" {dots}\n{'{' * 40}''' # comment {'[' * 40}{dots}"
    data = manifest(title=title, summary=summary) + b"# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
    data += b"created = '" + b"[" * 40 + b"'\n"
    parsed = parse(data)
    assert parsed.resources[0].title.startswith("Dots" + dots)
    assert parsed.resources[0].summary.startswith("[" * 40)


def test_an_edition_beyond_the_bound_is_refused() -> None:
    """Before: edition 2**63-1 was accepted, and no later update could replace it."""
    assert parse(manifest(edition=pack_format.MAX_EDITION)).resources[0].edition == (
        pack_format.MAX_EDITION
    )
    for edition in (pack_format.MAX_EDITION + 1, 2**63 - 1):
        with pytest.raises(PackError, match=r"edition.*at most 1,000,000"):
            parse(manifest(edition=edition))


def test_a_pinning_edition_installs_nothing(data_dir: Path, tmp_path: Path) -> None:
    library = open_library(data_dir)
    data = pdf_bytes("Pinned")
    entry = resource_entry("pinned", data, edition=2**63 - 1)
    pack = write_pack(tmp_path / "pin.rrpack", [(entry, data)])
    before = snapshot(data_dir)
    with pytest.raises(PackError, match="edition"):
        install_pack(library, pack)
    library.close()
    assert snapshot(data_dir) == before


def test_the_command_refuses_a_deep_manifest_in_one_line(tmp_path: Path, capsys) -> None:
    pack = zipped(tmp_path / "deep.rrpack", DEEP_ARRAYS)
    assert cli.main(["pack", "import", str(pack)]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err and "nested more than 32 deep" in err
    assert err.count("\n") == 1

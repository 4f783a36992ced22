"""The one checked archive reader, as backups and EPUBs use it: zip bombs, lying headers,
too many entries and hostile manifests are refused with the reason, before a byte of the
archive reaches the data folder or MuPDF."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from test_importing import make_epub

from reader_app import archive_reader, backup_archive, importing, paths
from reader_app.annotations import Annotations
from reader_app.archive_reader import BACKUP_LIMITS, ArchiveRefused, EpubRefused, epub_problem
from reader_app.backup_archive import ArchiveError, restore_archive, verify_archive, write_archive
from reader_app.cli import main
from reader_app.packs.unzip import PackError
from reader_app.store import Store

MiB = 1024**2
# The backup limits with a 4 MiB exemption from the ratio, so small bombs show the rules.
SMALL_EXEMPTION = dataclasses.replace(BACKUP_LIMITS, ratio_exempt_bytes=4 * MiB)


@pytest.fixture
def app_paths() -> paths.AppPaths:
    """A small library: a note, an imported file and settings."""
    found = paths.resolve()
    found.ensure()
    with Store(found.database) as store:
        Annotations(store).add("reset-pillar", "ab" * 32, "page-note", 1, body="keep me")
    files = found.data_dir / "files"
    files.mkdir(parents=True)
    (files / "strategy.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 40)
    (found.config_dir / "settings.json").write_text('{"version": 1}\n')
    return found


@pytest.fixture
def good(app_paths: paths.AppPaths, tmp_path: Path) -> Path:
    return write_archive(app_paths, tmp_path / "good.zip").path


def snapshot(app_paths: paths.AppPaths) -> dict[str, bytes]:
    root = app_paths.data_dir
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rebuild(
    good: Path,
    out: Path,
    extra: dict[str, bytes] | None = None,
    manifest: bytes | None = None,
    listed_as: dict[str, bytes] | None = None,
    zeros: dict[str, int] | None = None,
) -> Path:
    """``good`` with ``extra`` members added (listed truthfully in its manifest, unless
    ``listed_as`` gives other bytes to list them by) and members of ``zeros`` MiB of
    zeros, or with ``manifest`` as its manifest.json."""
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
        listed = json.loads(zf.read("manifest.json"))
    extra = extra or {}
    members.update(extra)
    listed["members"] = [m for m in listed["members"] if m["name"] not in extra]
    claimed = {**extra, **(listed_as or {})}
    listed["members"] += [{"name": n, "size": len(d), "sha256": sha(d)} for n, d in claimed.items()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data, compresslevel=1)
        for name, mib in (zeros or {}).items():  # streamed: never all in memory
            digest, chunk = hashlib.sha256(), bytes(MiB)
            with zf.open(name, "w", force_zip64=True) as member:
                for _ in range(mib):
                    digest.update(chunk)
                    member.write(chunk)
            listed["members"].append(
                {"name": name, "size": mib * MiB, "sha256": digest.hexdigest()}
            )
        zf.writestr("manifest.json", manifest if manifest is not None else json.dumps(listed))
    return out


def lie_about_size(archive: Path, name: str, size: int, crc: int) -> None:
    """Make the central directory declare ``size`` bytes (with ``crc``) for ``name``."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        names = [i.filename for i in zf.infolist()]
    at, index = data.find(b"PK\x01\x02"), 0
    while names[index] != name:
        at, index = data.find(b"PK\x01\x02", at + 1), index + 1
    struct.pack_into("<L", data, at + 16, crc)
    struct.pack_into("<L", data, at + 24, size)
    archive.write_bytes(bytes(data))


def assert_refused_and_unchanged(
    app_paths: paths.AppPaths, archive: Path, why: str
) -> ArchiveError:
    before = snapshot(app_paths)
    with pytest.raises(ArchiveError, match="is refused") as refused:
        restore_archive(app_paths, archive)
    message = str(refused.value)
    assert why in message
    assert message.endswith("; nothing was changed")
    assert snapshot(app_paths) == before
    assert not list(app_paths.data_dir.glob(".restoring-*"))
    assert not list(app_paths.data_dir.glob("before-restore-*"))
    return refused.value


# Backups


def test_a_deflate_bomb_in_a_backup_is_refused_before_anything_is_written(
    app_paths: paths.AppPaths, good: Path, tmp_path: Path
) -> None:
    # 260 MiB of zeros from about 260 KB, truthfully listed: past the 256 MiB exemption
    # and far past the 200:1 ratio, under the default limits.
    bomb = rebuild(good, tmp_path / "bomb.zip", zeros={"files/zeros.pdf": 260})
    assert bomb.stat().st_size < 1 * MiB
    assert_refused_and_unchanged(
        app_paths, bomb, "entry 'files/zeros.pdf' declares a compression ratio over 200:1"
    )


def test_many_small_bombs_are_refused_by_the_overall_ratio(
    app_paths: paths.AppPaths, good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each member is under the per-entry exemption; together they are a bomb.
    monkeypatch.setattr(backup_archive, "LIMITS", SMALL_EXEMPTION, raising=False)
    extra = {f"files/zeros-{i}.pdf": bytes(3 * MiB) for i in range(3)}
    bomb = rebuild(good, tmp_path / "bomb.zip", extra)
    assert_refused_and_unchanged(app_paths, bomb, "overall compression ratio over 200:1")


def test_a_header_lying_about_a_size_is_caught_by_counting(
    app_paths: paths.AppPaths, good: Path, tmp_path: Path
) -> None:
    # The directory, the manifest and the CRC all agree on the first 1000 bytes; the
    # compressed data holds 5 MB. zipfile alone stops at the declared size and is happy.
    payload = b"%PDF-1.7 " + bytes(5 * MiB)
    name = "files/liar.pdf"
    liar = rebuild(good, tmp_path / "liar.zip", {name: payload}, listed_as={name: payload[:1000]})
    lie_about_size(liar, name, 1000, zlib.crc32(payload[:1000]))
    assert_refused_and_unchanged(
        app_paths, liar, "'files/liar.pdf' holds more than the 1000 bytes its header declares"
    )


def test_a_backup_with_too_many_entries_is_refused(
    app_paths: paths.AppPaths, good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = dataclasses.replace(BACKUP_LIMITS, max_entries=5)
    monkeypatch.setattr(backup_archive, "LIMITS", few, raising=False)
    extra = {f"files/{i}.pdf": b"%PDF-1.7 small" for i in range(3)}
    crowded = rebuild(good, tmp_path / "crowded.zip", extra)
    assert_refused_and_unchanged(app_paths, crowded, "has 7 entries; at most 5 allowed")


def test_a_database_bomb_never_reaches_the_temporary_copy(
    app_paths: paths.AppPaths, good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 4 MB archive wrote 4 GiB to /tmp before its database was refused: the
    # declared ratio stops it before a byte is copied.
    monkeypatch.setattr(backup_archive, "LIMITS", SMALL_EXEMPTION, raising=False)
    database = b"SQLite format 3\x00" + bytes(20 * MiB)
    bomb = rebuild(good, tmp_path / "bomb.zip", {"library.sqlite3": database})
    written: list[int] = []
    real = archive_reader.stream_entry

    def counting(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *args: object) -> str:
        written.append(info.file_size)
        return real(zf, info, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup_archive, "stream_entry", counting, raising=False)
    with pytest.raises(ArchiveError, match=r"'library\.sqlite3' declares a compression ratio"):
        verify_archive(bomb)
    assert written == []


@pytest.mark.parametrize(
    ("manifest", "why"),
    [
        (b"[" * 100_000, "manifest.json is nested too deeply"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "manifest.json is nested too deeply"),
        (
            b'{"format": "resource-reader-backup", "version": ' + b"7" * 100_000 + b"}",
            "it holds a number with thousands of digits",
        ),
        (
            b'{"format": "resource-reader-backup", "version": ' + b"7" * 4000 + b"}",
            "it is in format version 7777",
        ),
    ],
    ids=["arrays", "objects", "huge-int", "long-int"],
)
def test_a_hostile_manifest_is_refused_in_one_short_line(
    app_paths: paths.AppPaths,
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    manifest: bytes,
    why: str,
) -> None:
    bad = rebuild(good, tmp_path / "bad.zip", manifest=manifest)
    error = assert_refused_and_unchanged(app_paths, bad, why)
    assert len(str(error)) < 400

    before = snapshot(app_paths)
    code = main(["restore", str(bad)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "is refused" in err and why in err
    assert "internal error" not in err and "Traceback" not in err
    assert snapshot(app_paths) == before


def test_a_manifest_member_with_an_absurd_size_is_refused_briefly(
    app_paths: paths.AppPaths, good: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(good) as zf:
        listed = json.loads(zf.read("manifest.json"))
    listed["members"][0]["size"] = int("9" * 4000)
    bad = rebuild(good, tmp_path / "bad.zip", manifest=json.dumps(listed).encode())
    error = assert_refused_and_unchanged(app_paths, bad, "has a malformed entry")
    assert len(str(error)) < 400


def test_a_very_compressible_library_still_backs_up_and_restores(
    app_paths: paths.AppPaths, tmp_path: Path
) -> None:
    # An uncompressed scan (a blank BMP compresses about 1000:1), under the exemption.
    scan = b"BM" + bytes(30 * MiB)
    (app_paths.data_dir / "files" / "scan.bmp").write_bytes(scan)
    make_epub(app_paths.data_dir / "files" / "hubs.epub")  # an EPUB passes its own check
    archive = write_archive(app_paths, tmp_path / "backup.zip").path
    before = snapshot(app_paths)
    restore_archive(app_paths, archive)
    after = snapshot(app_paths)
    assert after["files/scan.bmp"] == scan
    assert after["files/hubs.epub"] == before["files/hubs.epub"]
    assert after["files/strategy.pdf"] == before["files/strategy.pdf"]


def test_an_epub_bomb_in_a_backup_is_refused_before_the_swap(
    app_paths: paths.AppPaths, good: Path, tmp_path: Path
) -> None:
    # The viewer would hand it to MuPDF: it is held to the limits an import is.
    bomb = epub_bomb(tmp_path / "bomb.epub").read_bytes()
    archive = rebuild(good, tmp_path / "with-epub.zip", {"files/bomb.epub": bomb})
    assert_refused_and_unchanged(
        app_paths, archive, "entry 'images/blank.xhtml' declares a compression ratio over 100:1"
    )


# EPUBs


def epub_bomb(path: Path) -> Path:
    make_epub(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as epub:
        epub.writestr("images/blank.xhtml", bytes(5 * MiB))  # about 5 KB packed: ~1000:1
    return path


def test_an_epub_bomb_is_refused_before_mupdf_sees_it(tmp_path: Path) -> None:
    bomb = epub_bomb(tmp_path / "bomb.epub")
    opened: list[str] = []

    def inspector(path: str, password: str) -> importing.Inspection:
        opened.append(path)
        raise AssertionError("MuPDF must not open a zip bomb")

    with pytest.raises(importing.ImportRefused, match="compression ratio over 100:1") as refused:
        importing.prepare(bomb, known={}, pillars=[], inspector=inspector)
    assert opened == []
    assert str(refused.value).startswith("bomb.epub is refused: entry 'images/blank.xhtml'")


def test_an_epub_bomb_is_refused_at_reader_app_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    bomb = epub_bomb(tmp_path / "bomb.epub")
    code = main(["import", str(bomb), "--pillar", "reset"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "bomb.epub is refused" in out + err
    assert "declares a compression ratio over 100:1" in out + err
    assert not (data_dir / "files").exists() or not any((data_dir / "files").iterdir())


def test_an_epub_whose_header_lies_is_refused(tmp_path: Path) -> None:
    epub = make_epub(tmp_path / "liar.epub")
    chapter = b"<p>hubs</p>" * 100_000
    with zipfile.ZipFile(epub, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("c2.xhtml", chapter)
    lie_about_size(epub, "c2.xhtml", 10, zlib.crc32(chapter[:10]))
    assert "'c2.xhtml' holds more than the 10 bytes" in epub_problem(epub.read_bytes(), "x")


def test_an_ordinary_epub_passes(tmp_path: Path) -> None:
    assert epub_problem(make_epub(tmp_path / "fine.epub").read_bytes(), "fine.epub") == ""
    # Names that would be refused as paths do not matter in a file that is read in place.
    odd = make_epub(tmp_path / "odd.epub")
    with zipfile.ZipFile(odd, "a") as zf:
        zf.writestr("OEBPS/what?.css", b"p {}")
    assert epub_problem(odd.read_bytes(), "odd.epub") == ""


def test_too_many_entries_in_an_epub_are_refused(tmp_path: Path) -> None:
    crowded = make_epub(tmp_path / "crowded.epub")
    with zipfile.ZipFile(crowded, "a") as zf:
        for i in range(archive_reader.EPUB_LIMITS.max_entries):
            zf.writestr(f"s/{i}.css", b"")
    assert "EPUB has 10004 entries; at most 10000 allowed" in epub_problem(
        crowded.read_bytes(), "crowded.epub"
    )


# One reader, each caller's own errors


@pytest.mark.parametrize(
    ("refusal", "noun"), [(PackError, "pack"), (EpubRefused, "EPUB"), (ArchiveRefused, "archive")]
)
def test_each_caller_gets_its_own_refusal(
    tmp_path: Path, refusal: type[ArchiveRefused], noun: str
) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(3):
            zf.writestr(f"{i}.txt", b"x")
    few = dataclasses.replace(BACKUP_LIMITS, max_entries=2)
    with zipfile.ZipFile(archive) as zf, pytest.raises(refusal, match=f"^{noun} has 3 entries"):
        archive_reader.check_archive(zf, few, refusal)
    assert issubclass(PackError, ArchiveRefused)


def test_an_epub_bomb_in_a_pack_is_left_out_before_mupdf_sees_it(
    data_dir: Path, tmp_path: Path
) -> None:
    from reader_app.packs.install import install_pack
    from tests.packs.test_packs import open_library, pdf_bytes, resource_entry, write_pack

    good = pdf_bytes("The good paper about neighbourhood partnerships")
    bomb = epub_bomb(tmp_path / "bomb.epub").read_bytes()
    epub = resource_entry("bomb", bomb, file="files/bomb.epub", media_type="application/epub+zip")
    pack = write_pack(tmp_path / "p.rrpack", [(resource_entry("good", good), good), (epub, bomb)])
    library = open_library(data_dir)
    try:
        report = install_pack(library, pack)
        status = {i.resource_id: (i.status, i.detail) for i in report.items}
        assert status["good"] == ("added", "")
        assert status["bomb"][0] == "error"
        assert "'images/blank.xhtml' declares a compression ratio over 100:1" in status["bomb"][1]
        assert library.catalog.get("bomb") is None
    finally:
        library.close()

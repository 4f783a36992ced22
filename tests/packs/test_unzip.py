"""Safe unpacking: a hostile pack set, each refused with nothing written; good packs unpack."""

from __future__ import annotations

import hashlib
import random
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader_app.packs import unzip
from reader_app.packs.unzip import Limits, PackError, check_name, read_entry, safe_extract

GOOD = {
    "manifest.json": b'{"format": "resource-pack"}',
    "files/strategy.pdf": b"%PDF-1.7\n" + b"strategy " * 2000,
    "files/notes/readme.txt": "Ünïcode text\n".encode(),
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_zip(path: Path, entries: dict[str, bytes] | list[tuple[Any, bytes]]) -> Path:
    """Write a zip with the given entries (names or ZipInfo objects), duplicates allowed."""
    items = entries.items() if isinstance(entries, dict) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return path


def central_entries(data: bytes) -> list[int]:
    """Offsets of the central-directory file headers in a zip's bytes."""
    offsets, at = [], data.find(b"PK\x01\x02")
    while at >= 0:
        offsets.append(at)
        at = data.find(b"PK\x01\x02", at + 1)
    return offsets


def patch_central(path: Path, index: int, **fields: int) -> None:
    """Overwrite fields of one central-directory entry: compress_size, file_size,
    header_offset (the parts a lying or overlapping pack forges)."""
    where = {"compress_size": 20, "file_size": 24, "header_offset": 42}
    data = bytearray(path.read_bytes())
    entry = central_entries(bytes(data))[index]
    for name, value in fields.items():
        struct.pack_into("<L", data, entry + where[name], value)
    path.write_bytes(bytes(data))


@pytest.fixture
def target(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    return tmp_path / "out" / "pack"


def assert_nothing_written(target: Path) -> None:
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no .staging-* folder left either


def refuse(pack: Path, target: Path, match: str, **kwargs: Any) -> PackError:
    with pytest.raises(PackError, match=match) as caught:
        safe_extract(pack, target, **kwargs)
    assert_nothing_written(target)
    return caught.value


# A good pack


def test_a_good_pack_unpacks_with_the_right_bytes(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "good.zip", GOOD)
    expected = {name: sha(data) for name, data in GOOD.items()}
    written = safe_extract(pack, target, expected=expected)
    assert written == [target / name for name in GOOD]
    for name, data in GOOD.items():
        assert (target / name).read_bytes() == data
        assert sha((target / name).read_bytes()) == expected[name]
    assert [p.name for p in target.parent.iterdir()] == ["pack"]


def test_folder_entries_and_stored_entries_unpack(tmp_path: Path, target: Path) -> None:
    pack = tmp_path / "good.zip"
    with zipfile.ZipFile(pack, "w") as zf:
        zf.mkdir("files")
        zf.writestr("files/a.txt", b"stored bytes", compress_type=zipfile.ZIP_STORED)
        zf.writestr("empty/", b"")
    assert safe_extract(pack, target) == [target / "files" / "a.txt"]
    assert (target / "files" / "a.txt").read_bytes() == b"stored bytes"
    assert (target / "empty").is_dir()


def test_the_manifest_can_stay_out_of_its_own_hash_list(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "good.zip", GOOD)
    expected = {name: sha(data) for name, data in GOOD.items() if name != "manifest.json"}
    safe_extract(pack, target, expected=expected, unhashed={"manifest.json"})
    assert (target / "manifest.json").read_bytes() == GOOD["manifest.json"]


def test_read_entry_reads_the_manifest_without_unpacking(tmp_path: Path) -> None:
    pack = make_zip(tmp_path / "good.zip", GOOD)
    assert read_entry(pack, "manifest.json") == GOOD["manifest.json"]
    with pytest.raises(PackError, match="missing"):
        read_entry(pack, "nope.json")
    with pytest.raises(PackError, match="declares"):
        read_entry(pack, "files/strategy.pdf", max_bytes=100)


def test_an_existing_target_is_left_alone(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "good.zip", GOOD)
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    with pytest.raises(FileExistsError):
        safe_extract(pack, target)
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    assert [p.name for p in target.parent.iterdir()] == ["pack"]


# Names


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "empty name"),
        ("../evil", r"'\.\.' component"),
        ("files/../../evil", r"'\.\.' component"),
        ("/etc/passwd", "absolute path"),
        ("C:x", "drive letter"),
        ("C:/Windows/evil", "drive letter"),
        ("files\\evil", "backslash"),
        ("..\\evil", "backslash"),
        ("a\x00b", "control character"),
        ("a\nb", "control character"),
        ("./a", r"'\.' component"),
        ("a/./b", r"'\.' component"),
        ("a/.../b", r"'\.\.\.' component"),
        ("a//b", "empty path component"),
        ("files/a/", "ends with '/'"),
        ("CON", "reserved device name"),
        ("files/nul.txt", "reserved device name"),
        ("com1", "reserved device name"),
        ("LPT9.pdf", "reserved device name"),
        ("report.", "dot or space"),
        ("report ", "dot or space"),
        ("notes.txt:stream", "Windows does not allow"),
        ("what?.pdf", "Windows does not allow"),
        ("x" * 241, "longer than 240"),
        ("d/" + "x" * 230, ""),  # fine: long but under the limits
    ],
)
def test_check_name(name: str, problem: str) -> None:
    if not problem:
        assert str(check_name(name)) == name
        return
    with pytest.raises(PackError, match=problem) as caught:
        check_name(name)
    assert repr(name) in str(caught.value)


def test_check_name_accepts_ordinary_names() -> None:
    for name in ["a.pdf", "files/notes/readme.txt", "Ünïcode/dé jà.pdf", ".hidden", "a..b"]:
        assert check_name(name).as_posix() == name
    assert check_name("d/" + "x" * 250, max_length=300).name == "x" * 250


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil", "climbs out"),
        ("/abs/evil", "absolute path"),
        ("C:/evil", "drive letter"),
        ("C:evil", "drive letter"),
        ("..\\evil", "backslash"),
    ],
)
def test_hostile_names_in_a_pack_are_refused(
    tmp_path: Path, target: Path, name: str, problem: str
) -> None:
    pack = make_zip(tmp_path / "bad.zip", {"files/ok.txt": b"fine", name: b"evil"})
    error = refuse(pack, target, problem)
    assert repr(name) in str(error)
    assert not (tmp_path / "evil").exists()
    assert not (tmp_path / "out" / "evil").exists()


# Entry types


def test_a_symlink_entry_is_refused(tmp_path: Path, target: Path) -> None:
    link = zipfile.ZipInfo("files/link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    pack = make_zip(tmp_path / "bad.zip", [("files/ok.txt", b"fine"), (link, b"/etc/passwd")])
    refuse(pack, target, "'files/link' is a symbolic link")


def test_a_special_file_entry_is_refused(tmp_path: Path, target: Path) -> None:
    fifo = zipfile.ZipInfo("files/pipe")
    fifo.create_system = 3
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    pack = make_zip(tmp_path / "bad.zip", [(fifo, b"")])
    refuse(pack, target, "special file")


def test_a_folder_entry_with_data_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", [("files/", b"hidden payload")])
    refuse(pack, target, "folder entry that carries data")


def test_an_encrypted_entry_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", {"secret.pdf": b"x" * 100})
    data = bytearray(pack.read_bytes())
    for at in central_entries(bytes(data)):
        data[at + 8] |= 0x1  # general purpose flag bit 0: encrypted
    data[6] |= 0x1  # and in the local header
    pack.write_bytes(bytes(data))
    refuse(pack, target, "'secret.pdf' is encrypted")


def test_an_unusual_compression_method_is_refused(tmp_path: Path, target: Path) -> None:
    pack = tmp_path / "bad.zip"
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr("a.txt", b"bzip2 output can be a bomb that zipfile will not bound")
    refuse(pack, target, "compression method 12")


def test_garbage_is_not_a_pack(tmp_path: Path, target: Path) -> None:
    pack = tmp_path / "bad.zip"
    pack.write_bytes(b"%PDF-1.7 not a zip at all")
    refuse(pack, target, "not a readable zip")


# Duplicates and collisions


def test_duplicate_names_are_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", [("a.pdf", b"first"), ("a.pdf", b"second")])
    refuse(pack, target, "'a.pdf' appears twice")


def test_case_collisions_are_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", [("A.pdf", b"first"), ("a.pdf", b"second")])
    refuse(pack, target, "'a.pdf' collides with 'A.pdf'")


def test_folder_case_collisions_are_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", [("Files/a.pdf", b"1"), ("files/b.pdf", b"2")])
    refuse(pack, target, "collides with 'Files'")


def test_unicode_normalisation_collisions_are_refused(tmp_path: Path, target: Path) -> None:
    composed, decomposed = "caf\u00e9.pdf", "cafe\u0301.pdf"
    pack = make_zip(tmp_path / "bad.zip", [(composed, b"1"), (decomposed, b"2")])
    refuse(pack, target, "collides")


def test_a_name_used_as_file_and_folder_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", [("files/a", b"1"), ("files/a/b.pdf", b"2")])
    refuse(pack, target, "'files/a' is used both as a file and a folder")


# Limits and zip bombs


def test_too_many_entries_are_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", {f"f{i}.txt": b"x" for i in range(6)})
    refuse(pack, target, "6 entries; at most 5", limits=Limits(max_entries=5))


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bomb.zip", {"zeros.bin": bytes(50 * 1024**2)})
    refuse(pack, target, "'zeros.bin' declares a compression ratio over 100:1 .*: a zip bomb")


def test_a_zip_bomb_is_refused_by_its_size(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bomb.zip", {"zeros.bin": bytes(50 * 1024**2)})
    small = Limits(max_entry_bytes=10 * 1024**2, max_ratio=1e9)
    refuse(pack, target, "'zeros.bin' declares 52428800 bytes; at most 10485760", limits=small)


def test_a_pack_over_the_total_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "big.zip", {f"f{i}.bin": bytes(1000) for i in range(5)})
    refuse(pack, target, "5000 bytes in all; at most 4000", limits=Limits(max_total_bytes=4000))


def test_many_small_entries_over_the_overall_ratio_are_refused(
    tmp_path: Path, target: Path
) -> None:
    pack = make_zip(tmp_path / "bomb.zip", {f"f{i}.bin": bytes(500_000) for i in range(4)})
    refuse(pack, target, "overall compression ratio", limits=Limits(ratio_exempt_bytes=600_000))


def test_a_lying_size_header_is_caught_while_streaming(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "liar.zip", {"ok.txt": b"fine", "zeros.bin": bytes(5 * 1024**2)})
    patch_central(pack, 1, file_size=1000)  # declares 1000 bytes; really holds 5 MB
    error = refuse(pack, target, "'zeros.bin' holds more than the 1000 bytes its header declares")
    assert "zeros.bin" in str(error)


def test_a_header_declaring_too_much_is_caught_too(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "liar.zip", {"a.txt": b"short"})
    patch_central(pack, 0, file_size=50)
    refuse(pack, target, "'a.txt' holds 5 bytes but its header declares 50")


def test_an_overlapping_entry_bomb_is_refused(tmp_path: Path, target: Path) -> None:
    # Two directory entries share one local header and its data.
    pack = make_zip(tmp_path / "overlap.zip", {"a.bin": bytes(100_000), "b.bin": b"x"})
    patch_central(pack, 1, header_offset=0)
    refuse(pack, target, "'a.bin' and 'b.bin' overlap .*overlapping-entry zip bomb")


def test_an_entry_whose_data_covers_the_next_is_refused(tmp_path: Path, target: Path) -> None:
    # The Fifield kind: an entry's compressed data runs over the next entry's header.
    pack = make_zip(tmp_path / "overlap.zip", {"a.txt": b"a" * 10, "b.txt": b"b" * 10})
    second = zipfile.ZipFile(pack).infolist()[1].header_offset
    patch_central(pack, 0, compress_size=second)
    refuse(pack, target, "'a.txt' and 'b.txt' overlap")


def test_an_entry_pointing_past_the_data_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", {"a.txt": b"a" * 10})
    patch_central(pack, 0, compress_size=10_000)
    refuse(pack, target, "runs past the end")


# Manifests whose hashes lie


def test_a_hash_mismatch_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", GOOD)
    expected = {name: sha(data) for name, data in GOOD.items()}
    expected["files/strategy.pdf"] = sha(b"the real edition")
    refuse(pack, target, "'files/strategy.pdf': its SHA-256 does not match", expected=expected)


def test_a_file_missing_from_the_pack_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", GOOD)
    expected = {name: sha(data) for name, data in GOOD.items()}
    expected["files/gone.pdf"] = sha(b"")
    refuse(
        pack, target, "'files/gone.pdf' is listed in the manifest but missing", expected=expected
    )


def test_a_file_not_in_the_manifest_is_refused(tmp_path: Path, target: Path) -> None:
    pack = make_zip(tmp_path / "bad.zip", {**GOOD, "files/extra.exe": b"MZ"})
    expected = {name: sha(data) for name, data in GOOD.items()}
    refuse(pack, target, "'files/extra.exe' is not listed", expected=expected)


# Interruptions


class FailingFile:
    """Wraps a real file; the second write raises ``error``."""

    def __init__(self, real: Any, error: BaseException) -> None:
        self.real, self.error, self.writes = real, error, 0

    def write(self, data: bytes) -> int:
        self.writes += 1
        if self.writes == 2:
            raise self.error
        return self.real.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


def failing_open(error: BaseException, calls: list[str]) -> Callable[..., FailingFile]:
    def fake_open(path: Path, mode: str) -> FailingFile:
        calls.append(str(path))
        return FailingFile(open(path, mode), error)

    return fake_open


@pytest.mark.parametrize(
    ("error", "raised"),
    [(KeyboardInterrupt(), KeyboardInterrupt), (OSError(28, "No space left"), PackError)],
)
def test_an_interrupted_extraction_leaves_nothing_behind(
    tmp_path: Path,
    target: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    raised: type[BaseException],
) -> None:
    # Files written before the failure, and a partial one, must all go.
    pack = make_zip(
        tmp_path / "good.zip", {"a.txt": b"a", "b.bin": random.Random(7).randbytes(1024**2)}
    )
    calls: list[str] = []
    monkeypatch.setattr(unzip, "open", failing_open(error, calls), raising=False)
    with pytest.raises(raised):
        safe_extract(pack, target)
    assert len(calls) == 2 and ".staging-" in calls[0]
    assert_nothing_written(target)


def test_streaming_limits_hold_even_without_the_upfront_checks(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Defence in depth: if the directory checks missed something, counting bytes as they
    # stream still stops a bomb before it fills the disk.
    monkeypatch.setattr(
        unzip, "check_archive", lambda zf, *args: [i for i in zf.infolist() if not i.is_dir()]
    )
    pack = make_zip(tmp_path / "bomb.zip", {"zeros.bin": bytes(50 * 1024**2)})
    refuse(pack, target, "'zeros.bin' unpacks past a compression ratio of 100:1")
    small = Limits(max_entry_bytes=1024**2, max_ratio=1e9)
    refuse(pack, target, "'zeros.bin' exceeds 1048576 bytes", limits=small)
    few = Limits(max_total_bytes=2 * 1024**2, max_ratio=1e9)
    refuse(pack, target, "pack exceeds 2097152 bytes in all", limits=few)

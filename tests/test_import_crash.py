"""`reader-app import` killed (SIGKILL) at moments spread over its run, again and again:
after every kill the library opens, its database is intact, every document it lists has
its whole file, and nothing it listed is lost; importing again finishes the job, with each
document imported once (those already in reported as duplicates) and found by search."""

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pymupdf
import pytest

from reader_app import paths
from reader_app.export.files import ABANDONED_AFTER
from reader_app.library import Library

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

WORDS = ("marrowfell", "quintbrook", "ashenvale", "drumlinford", "hazelmere", "ottercombe")
PADDING = 3_000_000  # bytes of noise in each PDF, so writing its copy takes a moment
KILLS = 15
# Writing six 3 MB copies and their rows takes ~0.2 s of an import's 2-5 s here, so a
# moment picked from the whole run would seldom land there. A third of the kills come at
# a moment of the run (starting, reading the documents in workers, indexing); the others
# as soon as a new file shows in the files folder: a temporary one (a copy being
# written) or any (a copy just renamed into place, its row not yet committed).
EARLIEST, LATEST = 0.3, 2.5


def make_pdfs(folder: Path, chance: random.Random) -> list[Path]:
    """Six different PDFs of about 3 MB, each with a word of its own on every page."""
    made = []
    for word in WORDS:
        doc = pymupdf.open()
        for n in range(3):
            page = doc.new_page()
            page.insert_text((72, 100), f"{word.title()} neighbourhood plan", fontsize=20)
            page.insert_text((72, 140), f"Page {n + 1}: the {word} reform of services", fontsize=11)
        doc.embfile_add("survey.bin", chance.randbytes(PADDING))
        path = folder / f"{word}.pdf"
        doc.save(path)
        doc.close()
        made.append(path)
    return made


def import_command(data_dir: Path, pdfs: list[Path]) -> list[str]:
    return [
        sys.executable, "-m", "reader_app", "--data-dir", str(data_dir),
        "import", *map(str, pdfs), "--pillar", "reform", "--json",
    ]  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(data_dir: Path, sources: dict[str, Path]) -> tuple[set[str], set[str], set[str]]:
    """Open the library and check it; return the SHA-256 of the documents it lists, and
    the names of the files in its files folder it does not list: whole copies of a
    source (written, not yet listed) and temporary files (a write cut short)."""
    library = Library.open(paths.resolve(data_dir), backup=False)
    try:
        assert library.store.integrity_check() == "ok"
        rows = library.store.query(
            "SELECT id, sha256, original_sha256, file FROM imported_resources"
        )
        listed: set[str] = set()
        for rid, sha, original, file in rows:
            copy = data_dir / file
            assert not copy.name.startswith(".") and copy.suffix == ".pdf", file
            data = copy.read_bytes()  # fails if the listed file is missing
            assert hashlib.sha256(data).hexdigest() == sha == original, file
            assert len(data) == sources[sha].stat().st_size, file
            assert library.resource(rid).title.lower().startswith(sources[sha].stem)
            listed.add(sha)
        files = data_dir / "files"
        names = {p.name for p in files.iterdir()} if files.is_dir() else set()
        unlisted = names - {f"{sha}.pdf" for sha in listed}
        whole = {n for n in unlisted if n.removesuffix(".pdf") in sources}
        partial = {n for n in unlisted if n.startswith(".") and n.endswith(".part")}
        assert unlisted == whole | partial, f"unexpected files: {unlisted - whole - partial}"
        for name in whole:  # a copy whose row was never committed is still a whole copy
            assert sha256(files / name) == name.removesuffix(".pdf")
        return listed, whole, partial
    finally:
        library.close()


def group_members(pgid: int) -> set[int]:
    """Live processes of a process group (the killed import's document workers); read
    from /proc, so found on Linux only."""
    found = set()
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # not a zombie
            found.add(int(entry.name))
    return found


def inodes(folder: Path) -> dict[str, int]:
    try:
        with os.scandir(folder) as entries:
            return {e.name: e.inode() for e in entries}
    except FileNotFoundError:
        return {}


def wait_for_a_write(
    folder: Path, there: dict[str, int], importer: subprocess.Popen, whole: bool
) -> bool:
    """Wait until a file not in ``there`` shows in ``folder``: any (the import is writing
    a copy), or with ``whole`` one under its final name (a copy just renamed into place,
    perhaps over a copy left by an earlier kill). False if the import ended first."""
    deadline = time.monotonic() + 30
    while importer.poll() is None and time.monotonic() < deadline:
        new = {name for name, inode in inodes(folder).items() if there.get(name) != inode}
        if any(not whole or not name.startswith(".") for name in new):
            return True
        time.sleep(0.0005)
    return False


def remove_all(data_dir: Path) -> None:
    """Take every imported document out again, so the next imports have work to do."""
    library = Library.open(paths.resolve(data_dir), backup=False)
    try:
        for (rid,) in library.store.query("SELECT id FROM imported_resources"):
            library.remove_resource(rid, keep_notes=False)
    finally:
        library.close()


def test_killed_imports_leave_the_library_consistent(tmp_path) -> None:
    chance = random.Random(20261130)  # the same files and moments on every run
    pdfs = make_pdfs(tmp_path, chance)
    sources = {sha256(p): p for p in pdfs}
    data_dir = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    third = KILLS // 3
    width = (LATEST - EARLIEST) / third
    moments = [("run", EARLIEST + (k + chance.random()) * width) for k in range(third)]
    moments += [("copying", 0.0)] * third
    moments += [("copied", 0.0)] * (KILLS - 2 * third)
    chance.shuffle(moments)
    landed, groups, emptied = 0, [], 0
    long_ago = time.time() - ABANDONED_AFTER - 60
    seen = {"partly listed": 0, "whole copies unlisted": 0, "temporary files": 0}
    listed: set[str] = set()
    for phase, moment in moments:
        files = data_dir / "files"
        there = inodes(files)
        importer = subprocess.Popen(
            import_command(data_dir, pdfs),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its workers share its group, to be found
        )
        if phase != "run":
            wait_for_a_write(files, there, importer, whole=phase == "copied")
        time.sleep(moment)
        landed += importer.poll() is None
        importer.send_signal(signal.SIGKILL)  # the import alone: its workers must notice
        importer.wait()
        groups.append(importer.pid)
        before = listed
        listed, whole, partial = check(data_dir, sources)
        assert before <= listed  # nothing listed is ever lost
        seen["partly listed"] += 0 < len(listed) < len(sources)
        seen["whole copies unlisted"] += bool(whole)
        seen["temporary files"] += bool(partial)
        for name in partial:  # as if the kill was long ago: the next write of it sweeps it
            os.utime(data_dir / "files" / name, (long_ago, long_ago))
        if listed == set(sources):
            remove_all(data_dir)
            emptied += 1
            listed = set()
    print(f"{landed} of {KILLS} kills landed; emptied {emptied} times; {seen}")
    assert landed >= KILLS // 2  # most kills found the import at work

    # Importing again finishes the job: each document once, those in already duplicates.
    done = subprocess.run(
        import_command(data_dir, pdfs), capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    results = {Path(r["path"]).name: r for r in json.loads(done.stdout)}
    now_listed, whole, partial = check(data_dir, sources)
    assert now_listed == set(sources) and whole == set()
    assert partial == set()  # every temporary file a kill left was swept by a later write
    library = Library.open(paths.resolve(data_dir), backup=False)
    try:
        ids = {}
        for sha, source in sources.items():
            result = results[source.name]
            assert result["status"] == ("duplicate" if sha in listed else "imported")
            ids[source.stem] = result["resource_id"]
        assert len(set(ids.values())) == len(sources)
        for word, rid in ids.items():
            assert {h.resource_id for h in library.search(word).hits} == {rid}
    finally:
        library.close()

    # The killed imports' document workers saw their parent go and left by themselves.
    deadline = time.monotonic() + 10
    while any(map(group_members, groups)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(group_members, groups)), "workers outlived their killed import"

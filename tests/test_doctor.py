"""reader-app doctor: every check passes on a fresh data folder, and each kind of damage is
reported (exit code 1, a readable line) without making anything worse."""

import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

import doctor_tasks
import pymupdf
import pytest

from reader_app import backups, doctor, migrations, paths
from reader_app.cli import main
from reader_app.library import Library
from reader_app.store import Store

CHECKS = [
    "data folders",
    "restore leftovers",
    "database",
    "bundled collection",
    "your documents",
    "search index",
    "page rendering",
    "search",
    "gui",
]


def run_text(capsys, *args: str, options: tuple[str, ...] = ()) -> tuple[int, dict[str, str], str]:
    """Exit code, each check's line(s) by name, and the whole report; ``options`` go
    before the subcommand."""
    code = main([*options, "doctor", *args])
    out = capsys.readouterr().out
    lines: dict[str, str] = {}
    current = ""
    for line in out.splitlines()[1:]:  # after the header
        if line.startswith(" ") and current:
            lines[current] += " " + line.strip()
            continue
        status, _, rest = line.partition(" ")
        rest = rest.lstrip()
        if status not in ("ok", "warn", "FAIL", "skip"):
            break  # the summary
        current = next(name for name in CHECKS if rest.startswith(name + " "))
        lines[current] = f"{status} {rest}"
    return code, lines, out


def run_json(capsys, *args: str) -> tuple[int, dict[str, dict]]:
    code = main(["doctor", "--json", *args])
    results = json.loads(capsys.readouterr().out)
    assert [r["check"] for r in results] == CHECKS
    return code, {r["check"]: r for r in results}


def statuses(results: dict[str, dict]) -> dict[str, str]:
    return {name: r["status"] for name, r in results.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A data folder with a database and a current search index, made once (building the
    index takes a second) and copied for each test that needs one."""
    folder = tmp_path_factory.mktemp("built") / "data"
    results = doctor.run_checks(paths.resolve(folder), offscreen=True)
    assert doctor.passed(results), [r.to_dict() for r in results]
    return folder


@pytest.fixture
def library(built: Path, data_dir: Path) -> Path:
    shutil.copytree(built, data_dir)
    return data_dir


def test_a_fresh_data_folder_passes_every_check(capsys, data_dir: Path) -> None:
    code, lines, out = run_text(capsys)
    assert code == 0, out
    assert list(lines) == CHECKS
    assert all(line.startswith("ok ") for line in lines.values()), out
    assert "no library yet: created" in lines["database"]
    assert "not built yet" in lines["search index"]
    assert " s  " in lines["gui"]  # each check is timed
    assert out.splitlines()[-1].startswith(f"All {len(CHECKS)} checks passed")
    # It made what the app makes on first start, and nothing else: no temporary files
    # left, no backup taken.
    assert (data_dir / "library.sqlite3").is_file()
    assert not list(data_dir.rglob(".doctor-*"))
    assert not (data_dir / "backups").exists()

    code, results = run_json(capsys)
    assert code == 0
    for result in results.values():
        assert set(result) == {"check", "status", "detail", "fix", "seconds"}
        assert result["status"] == "ok" and result["fix"] == ""
        assert isinstance(result["seconds"], float)
    assert results["search index"]["detail"].startswith("up to date")
    assert "found on page 1" in results["search"]["detail"]
    assert "offscreen" in results["gui"]["detail"]


def test_a_data_folder_that_is_a_file(capsys, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data-file"
    not_a_folder.write_text("not a folder")
    code, lines, _out = run_text(capsys, options=("--data-dir", str(not_a_folder)))
    assert code == 1
    assert lines["data folders"].startswith("FAIL data folders")
    assert "it is a file, not a folder" in lines["data folders"]
    assert "--data-dir" in lines["data folders"]  # what to do about it
    assert lines["database"].startswith("FAIL database")
    assert lines["search index"].startswith("skip search index")
    assert not_a_folder.read_text() == "not a folder"


def test_a_folder_that_cannot_be_written(capsys, library: Path, monkeypatch) -> None:
    # Tests run as root, where chmod does not stop writes: refuse them in the cache.
    real = tempfile.mkstemp
    cache = str(paths.resolve().cache_dir)

    def refuse_in_cache(*args, **kwargs):
        if str(kwargs.get("dir")) == cache:
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(doctor.tempfile, "mkstemp", refuse_in_cache)
    code, lines, out = run_text(capsys)
    assert code == 1
    assert lines["data folders"].startswith("FAIL data folders")
    assert f"cache folder {cache}: Permission denied" in lines["data folders"]
    assert "to fix:" in lines["data folders"]
    assert out.splitlines()[-1].startswith(f"1 of {len(CHECKS)} checks failed (data folders)")


def test_a_corrupted_database_is_reported_and_left_alone(capsys, data_dir: Path) -> None:
    data_dir.mkdir()
    garbage = b"this is not a database, just bytes \x00\xff" * 200
    (data_dir / "library.sqlite3").write_bytes(garbage)
    code, lines, _out = run_text(capsys)
    assert code == 1
    assert lines["database"].startswith("FAIL database")
    assert "not a database" in lines["database"]
    assert "reader-app restore" in lines["database"]
    assert lines["your documents"].startswith("skip")
    assert lines["search"].startswith("skip")
    assert lines["bundled collection"].startswith("ok")
    assert lines["gui"].startswith("ok")
    assert (data_dir / "library.sqlite3").read_bytes() == garbage


def test_a_damaged_database_points_to_the_daily_backups(capsys, library: Path) -> None:
    # A backup as the app takes it; then the database itself is damaged.
    backups.take_daily_backup(library / "library.sqlite3", library / backups.FOLDER)
    (library / "library.sqlite3").write_bytes(b"\x00" * 4096)
    code, results = run_json(capsys)
    assert code == 1
    assert results["database"]["status"] == "fail"
    fix = results["database"]["fix"]
    assert "reader-app restore-backup library-" in fix
    # The advice works: restore that backup, and the database passes.
    assert main(["restore-backup", fix.split("restore-backup ")[1].split("'")[0]]) == 0
    capsys.readouterr()
    code, results = run_json(capsys)
    assert code == 0
    assert results["database"]["status"] == "ok"


def test_a_database_from_a_newer_app(capsys, data_dir: Path) -> None:
    data_dir.mkdir()
    database = data_dir / "library.sqlite3"
    Store(database).close()
    newer = migrations.LATEST_VERSION + 1
    with sqlite3.connect(database) as db:
        db.execute(f"PRAGMA user_version = {newer}")
    db.close()
    before = database.read_bytes()
    code, results = run_json(capsys)
    assert code == 1
    assert results["database"]["status"] == "fail"
    assert "newer version of the app" in results["database"]["detail"]
    assert f"schema {newer}" in results["database"]["detail"]
    assert "install the version of Resource Reader that wrote it" in results["database"]["fix"]
    assert database.read_bytes() == before


def test_a_changed_bundled_file(capsys, library: Path, tmp_path: Path, monkeypatch) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(paths.bundled_dir(), bundle, ignore=shutil.ignore_patterns("sources"))
    changed = bundle / "files" / "climate-places.pdf"
    changed.write_bytes(changed.read_bytes() + b"\n% one more line\n")
    monkeypatch.setattr(paths, "bundled_dir", lambda: bundle)
    code, lines, _out = run_text(capsys)
    assert code == 1
    assert lines["bundled collection"].startswith("FAIL bundled collection")
    total = len(list((bundle / "files").iterdir()))
    assert total > 20  # the 20 items and the council strategies' pages
    assert f"1 of the {total} files" in lines["bundled collection"]
    assert "files/climate-places.pdf has changed" in lines["bundled collection"]
    assert "reinstall Resource Reader" in lines["bundled collection"]
    assert lines["page rendering"].startswith("ok")


def make_pdf(path: Path, text: str) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), text, fontsize=14)
    doc.save(path)
    doc.close()


def test_changed_and_missing_imported_files(capsys, library: Path, tmp_path: Path) -> None:
    make_pdf(tmp_path / "hubs.pdf", "Our neighbourhood resilience hubs plan")
    make_pdf(tmp_path / "pledge.pdf", "Our digital inclusion pledge")
    imported = main(["import", str(tmp_path / "hubs.pdf"), str(tmp_path / "pledge.pdf"),
                     "--pillar", "renew", "--json"])  # fmt: skip
    assert imported == 0
    ids = [r["resource_id"] for r in json.loads(capsys.readouterr().out)]
    hubs, pledge = (Path(importing_file(library, rid)) for rid in ids)
    hubs.write_bytes(hubs.read_bytes() + b"\n% changed on disk\n")
    pledge.unlink()
    code, lines, _out = run_text(capsys)
    assert code == 1
    line = lines["your documents"]
    assert line.startswith("FAIL your documents")
    assert "2 of 2 documents do not match" in line
    assert f"'Our neighbourhood resilience hubs plan' [{ids[0]}]" in line
    assert "has changed" in line
    assert f"[{ids[1]}]" in line and "is missing" in line
    assert "reader-app remove" in line


def importing_file(data: Path, resource_id: str) -> str:
    with sqlite3.connect(data / "library.sqlite3") as db:
        (relative,) = db.execute(
            "SELECT file FROM imported_resources WHERE id = ?", (resource_id,)
        ).fetchone()
    db.close()
    return str(data / relative)


@pytest.mark.parametrize(
    ("worker", "check"),
    [("probe_render", "page rendering"), ("probe_search", "search"), ("probe_gui", "gui")],
)
def test_a_crashing_worker(capsys, library: Path, monkeypatch, worker: str, check: str) -> None:
    monkeypatch.setattr(doctor, worker, doctor_tasks.crash)
    code, results = run_json(capsys)
    assert code == 1
    assert results[check]["status"] == "fail"
    assert "the worker process crashed (exit code 9)" in results[check]["detail"]
    assert results[check]["fix"]
    # The other checks still ran: a crash in one worker is that check's alone.
    assert {name for name, s in statuses(results).items() if s != "ok"} == {check}


def test_a_damaged_index_is_rebuilt(capsys, library: Path) -> None:
    index = library / "cache" / "index"
    for file in index.iterdir():
        if file.name != "reader-state.json":
            file.write_bytes(b"garbage" * 100)
    code, results = run_json(capsys)
    assert code == 0  # a warning passes
    assert results["search index"]["status"] == "warn"
    assert results["search index"]["detail"].startswith("was damaged")
    assert "rebuilt" in results["search index"]["detail"]
    assert {name for name, s in statuses(results).items() if s != "ok"} == {"search index"}
    opened = Library.open(paths.resolve(), backup=False)
    try:
        assert opened.index.out_of_step(opened.index_sources()) == ""  # left current
    finally:
        opened.close()


def test_garbage_for_the_whole_index_is_rebuilt(capsys, library: Path) -> None:
    index = library / "cache" / "index"
    shutil.rmtree(index)
    index.mkdir()
    (index / "junk").write_bytes(b"\x00garbage")
    code, results = run_json(capsys)
    assert code == 0
    assert results["search index"]["status"] == "ok"
    assert (
        "rebuilt" in results["search index"]["detail"]
        or "brought up" in (results["search index"]["detail"])
    )
    assert results["search"]["status"] == "ok"


def test_qt_platform_choice(monkeypatch) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert doctor.qt_platform(offscreen=True) == "offscreen"
    monkeypatch.setattr(sys, "platform", "linux")
    assert doctor.qt_platform(offscreen=False) == "offscreen"  # no display
    monkeypatch.setenv("DISPLAY", ":0")
    assert doctor.qt_platform(offscreen=False) is None  # Qt's own choice: xcb
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setattr(sys, "platform", "win32")
    assert doctor.qt_platform(offscreen=False) is None  # native
    monkeypatch.setenv("QT_QPA_PLATFORM", "minimal")
    monkeypatch.setattr(sys, "platform", "linux")
    assert doctor.qt_platform(offscreen=False) is None  # honoured by Qt itself

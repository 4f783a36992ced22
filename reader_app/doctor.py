"""``reader-app doctor``: a self-check of the data folders, the database, the bundled and
imported files and the search index, and of rendering, searching and Qt, each of the
last three in a worker process as the app runs them.

Qt-free: the Qt check is ``reader_app.gui.self_check``, imported only in its worker.
Everything a worker runs is a module-level function here, so it works from a frozen
bundle (the worker is the bundle's executable again, not ``python -m``).

The doctor opens the library as the app does on start: it creates the folders and an
empty database on a first run, upgrades an older database and brings the search index
up to date (rebuilding a damaged one). It takes no daily backup, and it never writes to
a database it cannot read or one from a newer version of the app.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader_app import backups, database_check, database_guard, importing, paths, write_access
from reader_app.catalog import Catalog, Resource
from reader_app.documents import DocumentError, RenderedPage
from reader_app.library import Library
from reader_app.manifest import ManifestError, load_manifest
from reader_app.migrations import LATEST_VERSION
from reader_app.paths import MANIFEST_NAME, AppPaths
from reader_app.search.errors import IndexBusyError, IndexDamagedError
from reader_app.store import CannotWriteError, Store, StoreError, connect_read_only
from reader_app.worker import WorkerError, run_isolated

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
PASSING = (OK, WARN)  # a warning is worth reading but needs nothing done
WORKER_TIMEOUT = 30.0
GUI_TIMEOUT = 60.0  # a first Qt start may build the font cache
RENDER_ZOOM = 1.0  # 72 dpi: an A4 page is 595 x 842 pixels
MIN_INK = 0.001  # a rendered page with less than this share of non-white bytes is blank
LOW_SPACE = 200 * 1024 * 1024
SEARCH_LIMIT = 1000
PROBE_BYTES = b"reader-app doctor: can this folder be written?\n" * 32
EDGES = re.compile(r"^\W+|\W+$")
WORD = re.compile(r"^[^\W\d_]{6,}$")  # a word of letters, long enough to be no stop word

REINSTALL = "reinstall Resource Reader"
WORKER_FIX = (
    "the app runs this in a worker process too: if it persists, reinstall Resource Reader, "
    "and check that security software lets it start copies of itself"
)
FOREIGN_FIX = (
    "the app would not restore a database like it: restore a daily backup from before it "
    "came in ('reader-app restore-backup' lists them) or a backup archive ('reader-app "
    "restore FILE'); each is checked the same way first, and the current file kept"
)
INDEX_FIX = (
    "delete the search index folder {folder} (it holds nothing that is not rebuilt) "
    "and run 'reader-app index'"
)


@dataclass
class CheckResult:
    """One line of the report: what was checked, how it went, and what to do about it."""

    check: str
    status: str  # ok, warn, fail, or skip (could not be checked: an earlier check failed)
    detail: str
    fix: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "status": self.status,
            "detail": self.detail,
            "fix": self.fix,
            "seconds": round(self.seconds, 3),
        }


class Problem(Exception):
    """A check that did not pass: what is wrong, and what to do about it."""

    def __init__(self, detail: str, fix: str = "", status: str = FAIL) -> None:
        super().__init__(detail)
        self.detail, self.fix, self.status = detail, fix, status


def skipped(why: str) -> Problem:
    return Problem(f"not checked: {why}", status=SKIP)


@dataclass
class RenderProbe:
    """What the render worker saw of page 1."""

    size: tuple[float, float]  # the page's size in points
    page: RenderedPage
    words: list[str]  # the words on the page, in reading order


@dataclass
class SearchProbe:
    total: int
    hits: list[tuple[str, int]]  # (resource id, page)


@dataclass
class GuiProbe:
    """What the Qt worker found (plain data: the doctor's process loads no Qt)."""

    qt_version: str
    binding_version: str
    platform: str
    painted: bool = False
    font: str = ""
    image_formats: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # Qt's warnings while it ran


# Worker functions: module-level, so a spawned worker (or a frozen bundle's) finds them.


def probe_render(path: str, zoom: float) -> RenderProbe:
    """Render page 1 of ``path`` and read its size and words. Runs in a worker."""
    from reader_app.documents import document_layout, page_layout, render_page

    size = document_layout(path).sizes[0]
    page = render_page(path, 1, zoom)
    words = [word[4] for word in page_layout(path, 1).words]
    return RenderProbe(size, page, words)


def probe_search(where: AppPaths, word: str) -> SearchProbe:
    """Open the library on ``where`` as the app does and search the index for ``word``.
    Runs in a worker: it searches the index as it is (the doctor has brought it up to
    date), since a worker cannot start the workers an update needs."""
    library = Library.open(where, backup=False, recover=False)  # the doctor only reports
    try:
        results = library.index.search(word, None, SEARCH_LIMIT)
    finally:
        library.close()
    return SearchProbe(results.total, [(hit.resource_id, hit.page) for hit in results.hits])


def probe_gui(platform: str | None, page: RenderedPage | None, log: str) -> GuiProbe:
    """Start Qt on ``platform`` (Qt's own choice if None) and paint ``page``; Qt's
    warnings go to the file ``log`` too. Runs in a worker: a Qt that cannot load its
    platform plugin aborts the process, and ``log`` says why."""
    if platform:
        os.environ["QT_QPA_PLATFORM"] = platform
    from reader_app.gui.self_check import check_qt

    return check_qt(page, log)


def qt_platform(offscreen: bool) -> str | None:
    """The platform the Qt check asks for: offscreen when asked, or on Linux with no
    display; otherwise Qt's own choice (which honours $QT_QPA_PLATFORM)."""
    if offscreen:
        return "offscreen"
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    no_display = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    return "offscreen" if sys.platform.startswith("linux") and no_display else None


class Doctor:
    """Runs the checks in order; later checks use what earlier ones opened or found."""

    def __init__(self, where: AppPaths, offscreen: bool = False) -> None:
        self.where = where
        self.offscreen = offscreen
        self.store: Store | None = None
        self.catalog: Catalog | None = None  # the bundled collection, once it is loaded
        self.changed: set[str] = set()  # bundled resources whose file does not match
        self._library: Library | None = None
        self.index_ready = False
        self.rendered: tuple[Resource, RenderProbe] | None = None
        self.checks: list[tuple[str, Callable[[], str]]] = [
            ("data folders", self.check_folders),
            ("restore leftovers", self.check_leftovers),
            ("database", self.check_database),
            ("bundled collection", self.check_bundled),
            ("your documents", self.check_imported),
            ("search index", self.check_index),
            ("page rendering", self.check_render),
            ("search", self.check_search),
            ("gui", self.check_gui),
        ]

    def run(self) -> Iterator[CheckResult]:
        """Each check's result as it finishes."""
        try:
            for name, check in self.checks:
                started = time.perf_counter()
                try:
                    result = CheckResult(name, OK, check())
                except Problem as problem:
                    result = CheckResult(name, problem.status, problem.detail, problem.fix)
                except Exception as exc:  # a check's own bug must not hide the others
                    result = CheckResult(name, FAIL, f"unexpected error: {_describe(exc)}")
                result.seconds = time.perf_counter() - started
                yield result
        finally:
            self.close()

    def close(self) -> None:
        if self._library is not None:
            self._library.close()  # and its store
        elif self.store is not None:
            self.store.close()
        self._library = self.store = None

    # 1. Folders

    def check_folders(self) -> str:
        w = self.where
        folders = (("data", w.data_dir), ("settings", w.config_dir), ("cache", w.cache_dir))
        problems = [f"{label} folder {folder}: {why}" for label, folder in folders
                    if (why := _write_problem(folder))]  # fmt: skip
        if problems:
            reason = write_access.why_unwritable(w.data_dir) if w.data_dir.is_dir() else ""
            raise Problem(
                "cannot write in " + "; ".join(problems),
                self._unwritable_fix(reason)
                if reason
                else "make sure the folder exists and you may write to it, or keep your data "
                f"elsewhere with --data-dir DIR (or ${paths.DATA_DIR_ENV})",
            )
        detail = ", ".join(f"{label} {folder}" for label, folder in folders)
        free = shutil.disk_usage(w.data_dir).free
        detail = f"can write in each: {detail} ({_size(free)} free)"
        if free < LOW_SPACE:
            raise Problem(detail, "free some space: notes cannot be saved on a full disk", WARN)
        return detail

    # 2. Database

    def check_leftovers(self) -> str:
        """What a restore, a backup or a start left in the data folder (never changed)."""
        found = database_guard.leftovers(self.where)
        worst = next((s for s in (FAIL, WARN) if any(f.status == s for f in found)), OK)
        if worst != OK:
            fixes = [f.fix for f in found if f.status != OK]
            raise Problem("; ".join(f.detail for f in found), "; ".join(fixes), worst)
        if found:
            return "; ".join(f"{f.detail} ({f.fix})" for f in found)
        return "none: no interrupted restore, no temporary copies"

    def check_database(self) -> str:
        database = self.where.database
        problem = database_guard.database_problem(self.where)
        if problem:  # opening it would make a new, empty library in its place
            raise Problem(problem, database_guard.backups_advice(self.where))
        before = _schema_version(database) if database.exists() else None
        try:
            store = Store(database)  # as the app opens it: created on a first run, upgraded
        except CannotWriteError as exc:
            raise Problem(str(exc), self._unwritable_fix(exc.reason)) from None
        except StoreError as exc:
            if reason := write_access.why_unwritable(self.where.data_dir):
                raise Problem(str(exc), self._unwritable_fix(reason)) from None
            newer = before is not None and before > LATEST_VERSION
            raise Problem(
                str(exc),
                "install the version of Resource Reader that wrote it, or a newer one"
                if newer
                else self._restore_advice(),
            ) from None
        except OSError as exc:  # the data folder is not one (see the first check)
            raise Problem(
                f"cannot open {database}: {exc.strerror or exc}",
                "make the data folder one you may write to (see 'data folders')",
            ) from None
        try:
            integrity = store.integrity_check()
        except sqlite3.DatabaseError as exc:
            integrity = str(exc)
        if integrity != "ok":
            store.close()
            found = " ".join(integrity.split())
            raise Problem(
                f"{database} is damaged (PRAGMA integrity_check: {_clip(found, 160)})",
                self._restore_advice(),
            )
        self.store = store
        try:
            database_check.check_database(database, data_dir=self.where.data_dir)
        except database_check.DatabaseCheckError as exc:
            raise Problem(
                f"{database} is not as the app writes it: {exc}",
                FOREIGN_FIX,
            ) from None
        version = store.schema_version
        notes = store.query("SELECT count(*) FROM annotations")[0][0]
        own = store.query("SELECT count(*) FROM imported_resources")[0][0]
        contents = f"{_count(notes, 'note')}, {_count(own, 'document')} of yours"
        if before is None:
            return (
                f"no library yet: created {database} as the app does on first start "
                f"(schema {version}, integrity ok)"
            )
        upgraded = f", upgraded from schema {before}" if before < version else ""
        detail = f"{database}: integrity ok, schema {version}{upgraded}; {contents}"
        if store.read_only_reason:
            raise Problem(
                f"{detail}; opened read-only, as the app does, because {store.read_only_reason}: "
                "changes cannot be saved",
                self._unwritable_fix(store.read_only_reason),
            )
        return detail

    def _unwritable_fix(self, reason: str) -> str:
        """What to do when nothing can be saved in the data folder because ``reason``."""
        folder = self.where.data_dir
        until = (
            "; until then the app opens your library read-only: reading, searching and "
            "exporting to another disk work, changes are not saved"
        )
        if reason == write_access.DISK_FULL:
            return f"free some space on the disk holding {folder}{until}"
        return (
            f"make {folder} writable again (is its disk mounted read-only?), or keep your "
            f"data elsewhere with --data-dir DIR (or ${paths.DATA_DIR_ENV}){until}"
        )

    def _restore_advice(self) -> str:
        found = backups.backups_in(self.where.data_dir / backups.FOLDER)
        if found:
            return (
                f"restore the latest daily backup with 'reader-app restore-backup "
                f"{found[0].name}' ('reader-app restore-backup' lists all {len(found)}); "
                "the current file is kept beside it"
            )
        return (
            "restore a backup archive with 'reader-app restore FILE' if you have one; "
            f"otherwise move {self.where.database.name} out of {self.where.data_dir} and "
            "start the app again for a new, empty library"
        )

    # 3. Files

    def check_bundled(self) -> str:
        try:
            folder = paths.bundled_dir()
            catalog = load_manifest(folder / MANIFEST_NAME)
        except (FileNotFoundError, ManifestError) as exc:
            raise Problem(str(exc), REINSTALL) from None
        self.catalog = catalog
        bad = []
        for resource in catalog.resources:
            why = _file_problem(catalog.path_of(resource), resource.sha256)
            if why:
                bad.append(f"{resource.file} {why}")
                self.changed.add(resource.id)
        total = len(catalog.resources)
        if bad:
            raise Problem(
                f"{len(bad)} of the {total} files in {folder} do not match {MANIFEST_NAME}: "
                + _listed(bad),
                f"{REINSTALL}: its collection has been changed or damaged",
            )
        return f"{_count(total, 'file')} in {folder}, each with the SHA-256 {MANIFEST_NAME} gives"

    def check_imported(self) -> str:
        if self.store is None:
            raise skipped("the database could not be opened")
        own = importing.imported_resources(self.store, self.where.data_dir)
        if not own:
            return "none added yet"
        bad = [
            f"'{r.title}' [{r.id}]: {r.file} {why}"
            for r in own
            if (why := _file_problem(Path(r.file), r.sha256))
        ]
        if bad:
            raise Problem(
                f"{len(bad)} of {_count(len(own), 'document')} do not match the library: "
                + _listed(bad),
                "remove each ('reader-app remove ID') and add the original again, or restore "
                "the library from a backup archive ('reader-app restore FILE')",
            )
        folder = self.where.data_dir / importing.FILES
        return f"{_count(len(own), 'document')} in {folder}, each with its SHA-256"

    # 4. Search index

    def library(self) -> Library:
        """The library as the app opens it, from what the checks so far opened."""
        if self._library is None:
            if self.store is None or self.catalog is None:
                raise skipped("it needs the database and the bundled collection")
            library = Library(self.catalog, self.store, self.where.index_dir)
            library.data_dir = self.where.data_dir
            library.reload_catalog()
            self._library = library
        return self._library

    def check_index(self) -> str:
        library = self.library()
        folder = self.where.index_dir
        sources = library.index_sources()
        before = library.index.out_of_step(sources)
        if not before:
            self.index_ready = True
            pages = sum(s.pages for s in sources)
            return f"up to date ({_count(len(library.catalog.resources), 'resource')}, " \
                f"{pages} pages and notes) in {folder}"  # fmt: skip
        fix = INDEX_FIX.format(folder=folder)
        if library.read_only:
            usable = before.startswith("out of date")
            self.index_ready = usable
            uses = "the index as it is" if usable else "an index built in memory"
            raise Problem(
                f"{before}, and cannot be updated while {library.read_only_reason}: "
                f"searches use {uses} (see 'data folders' for what to do)",
                status=WARN,
            )
        try:
            report = library.update_index()
        except IndexBusyError:
            raise Problem(
                "another process (the app?) is updating the search index: not checked",
                "run the doctor again once it has finished",
                WARN,
            ) from None
        except Exception as exc:
            reason = write_access.reason_of(exc) if isinstance(exc, OSError) else ""
            raise Problem(
                f"was {before} and could not be updated: "
                + (f"{reason} ({folder})" if reason else _describe(exc)),
                self._unwritable_fix(reason) if reason else fix,
            ) from None
        after = library.index.out_of_step(library.index_sources())
        if after:
            raise Problem(f"was {before}, and still is {after} after an update", fix)
        self.index_ready = True
        done = f"{report.pages} pages and {report.notes} notes indexed"
        if report.failed:
            failed = [f"{rid}: {why}" for rid, why in report.failed]
            raise Problem(
                f"brought up to date ({done}), but {_count(len(failed), 'resource')} could "
                "not be indexed: " + _listed(failed),
                "check the resources named with 'reader-app show ID'",
                WARN,
            )
        if before == "missing":
            return f"not built yet (the app builds it on first use): built now, {done}"
        if before.startswith("damaged"):
            raise Problem(f"was {before}: rebuilt from the library, {done}", status=WARN)
        return f"was {before}: brought up to date, {done}"

    # 5. Rendering, searching and Qt, in workers

    def check_render(self) -> str:
        if self.catalog is None:
            raise skipped("the bundled collection could not be read")
        catalog = self.catalog
        library = self._library
        chosen = next(
            (
                r
                for r in catalog.resources
                if r.media_type == "application/pdf"
                and r.id not in self.changed
                # a pack's newer edition replaces it: search would find that one's words
                and (library is None or library.resource(r.id).sha256 == r.sha256)
            ),
            None,
        )
        if chosen is None:
            raise skipped("no intact PDF in the bundled collection")
        try:
            probe = run_isolated(
                probe_render, str(catalog.path_of(chosen)), RENDER_ZOOM, timeout=WORKER_TIMEOUT
            )
        except (WorkerError, DocumentError) as exc:
            raise Problem(f"rendering page 1 of {chosen.file} failed: {exc}", WORKER_FIX) from None
        page = probe.page
        want = tuple(round(side * RENDER_ZOOM) for side in probe.size)
        problems = []
        if abs(page.width - want[0]) > 1 or abs(page.height - want[1]) > 1:
            problems.append(f"{page.width}x{page.height} px where {want[0]}x{want[1]} was expected")
        if page.stride < page.width * 3 or len(page.samples) != page.stride * page.height:
            problems.append("the pixels are not the size the page says")
        ink = 1 - page.samples.count(255) / max(len(page.samples), 1)
        if ink < MIN_INK:
            problems.append("the page came out blank")
        if problems:
            raise Problem(f"page 1 of {chosen.file}: " + "; ".join(problems), REINSTALL)
        self.rendered = (chosen, probe)
        return (
            f"page 1 of {chosen.file} rendered in a worker: {page.width}x{page.height} px "
            f"as expected, {ink:.1%} ink"
        )

    def check_search(self) -> str:
        if not self.index_ready:
            raise skipped("the search index is not ready")
        resource, word, page = self._search_target()
        where = f"page {page} of {resource.file}" if page else resource.file
        try:
            probe = self._search(word)
        except IndexDamagedError as exc:  # damage that only a search shows: rebuild, again
            try:
                self.library().update_index(rebuild=True)
                probe = self._search(word)
            except Exception as again:
                raise Problem(
                    f"the index could not be searched ({exc}), nor after a rebuild: "
                    f"{_describe(again)}",
                    INDEX_FIX.format(folder=self.where.index_dir),
                ) from None
        except (WorkerError, StoreError, OSError) as exc:
            raise Problem(f"searching for '{word}' in a worker failed: {exc}", WORKER_FIX) from None
        found = [p for rid, p in probe.hits if rid == resource.id]
        if not found or (page and page not in found):
            raise Problem(
                f"a search for '{word}' did not find {where}, where the word is "
                f"({_count(probe.total, 'other match', 'other matches')})",
                "rebuild the index: 'reader-app index --rebuild'",
            )
        return (
            f"'{word}' found on {where} by a search in a worker "
            f"({_count(probe.total, 'page or note', 'pages and notes')} match)"
        )

    def _search(self, word: str) -> SearchProbe:
        return run_isolated(probe_search, self.where, word, timeout=WORKER_TIMEOUT)

    def _search_target(self) -> tuple[Resource, str, int]:
        """A word from the page rendered (its longest, not in the title), or failing
        that from the title of a bundled resource; with the page it is on (0: any)."""
        if self.rendered is not None:
            resource, probe = self.rendered
            titled = {w.casefold() for w in re.findall(r"\w+", resource.title)}
            words = [_bare(w) for w in probe.words]
            body = [w for w in words if WORD.match(w) and w.casefold() not in titled]
            if body:
                return resource, max(body, key=len), 1
        catalog = self.catalog
        assert catalog is not None  # the index check needed it
        for resource in catalog.resources:
            titled = [_bare(w) for w in resource.title.split()]
            words = [w for w in titled if WORD.match(w)]
            if words and resource.id not in self.changed:
                return resource, max(words, key=len), 0
        raise skipped("no word to search for in the bundled collection")

    def check_gui(self) -> str:
        platform = qt_platform(self.offscreen)
        page = self.rendered[1].page if self.rendered else None
        fd, log = tempfile.mkstemp(prefix="reader-app-doctor-", suffix=".log")
        os.close(fd)
        try:
            probe = run_isolated(probe_gui, platform, page, log, timeout=GUI_TIMEOUT)
        except WorkerError as exc:
            said = _last_lines(Path(log))
            raise Problem(
                f"Qt could not start in a worker: {exc}" + (f"; Qt said: {said}" if said else ""),
                _qt_fix(platform),
            ) from None
        except Exception as exc:  # Qt's binding missing or broken
            raise Problem(f"Qt could not start in a worker: {_describe(exc)}", REINSTALL) from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(log)
        painted = "the rendered page" if page is not None else "a drawn page"
        facts = (
            f"Qt {probe.qt_version} (PySide6 {probe.binding_version}) started on the "
            f"'{probe.platform}' platform"
            + (" (no display found)" if platform and not self.offscreen else "")
            + f"; {painted} painted through a widget; text drawn in '{probe.font}'; "
            f"image formats: {', '.join(probe.image_formats)}"
        )
        if probe.problems:
            raise Problem(f"{facts}; but " + "; ".join(probe.problems), REINSTALL)
        if probe.messages:
            raise Problem(f"{facts}; Qt warned: " + _listed(probe.messages), status=WARN)
        return facts


def run_checks(where: AppPaths, offscreen: bool = False) -> list[CheckResult]:
    return list(Doctor(where, offscreen).run())


def passed(results: list[CheckResult]) -> bool:
    """True when every check is ok or only warns."""
    return all(r.status in PASSING for r in results)


def _write_problem(folder: Path) -> str:
    """Why a file cannot be created, written, synced, read back and deleted in
    ``folder`` (created first if need be, as the app does), or ''."""
    if folder.exists() and not folder.is_dir():
        return "it is a file, not a folder"
    name = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".doctor-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(PROBE_BYTES)
            out.flush()
            os.fsync(out.fileno())
        if Path(name).read_bytes() != PROBE_BYTES:
            return "what was written there did not read back the same"
    except OSError as exc:
        if write_access.reason_of(exc) == write_access.DISK_FULL:
            return write_access.DISK_FULL
        return "read-only" if exc.errno == errno.EROFS else exc.strerror or str(exc)
    finally:
        if name:
            with contextlib.suppress(OSError):
                os.unlink(name)
    return ""


def _schema_version(database: Path) -> int | None:
    """The database's schema version, read without writing; None if unreadable."""
    try:
        db = connect_read_only(database)  # on a full or read-only disk too
    except sqlite3.Error:
        return None
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _file_problem(path: Path, sha256: str) -> str:
    """'' if ``path`` holds the bytes ``sha256`` names, else what is wrong."""
    try:
        with path.open("rb") as file:
            actual = hashlib.file_digest(file, "sha256").hexdigest()
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if actual != sha256:
        return f"has changed (SHA-256 {actual[:12]}…, expected {sha256[:12]}…)"
    return ""


def _last_lines(log: Path, count: int = 3) -> str:
    """The last lines Qt wrote to ``log``, as one line."""
    try:
        lines = [line.strip() for line in log.read_text(encoding="utf-8").splitlines()]
    except OSError:
        return ""
    return _clip(" / ".join(line for line in lines[-count:] if line), 400)


def _qt_fix(platform: str | None) -> str:
    if platform == "offscreen":
        return f"{REINSTALL}: its Qt libraries or plugins are incomplete"
    advice = (
        "check the rest with 'reader-app doctor --offscreen'; if that passes, Qt's "
        "platform plugin could not start"
    )
    if sys.platform.startswith("linux"):
        return (
            f"{advice}: install Qt's X11 libraries (Debian or Ubuntu: apt install "
            "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0)"
        )
    return f"{advice}: {REINSTALL}"


def _bare(word: str) -> str:
    """The word without the punctuation around it."""
    return EDGES.sub("", word)


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _listed(items: list[str], shown: int = 3) -> str:
    more = f"; and {len(items) - shown} more" if len(items) > shown else ""
    return "; ".join(items[:shown]) + more


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(exc: BaseException) -> str:
    return _clip(f"{type(exc).__name__}: {exc}", 300)


def _size(n: float) -> str:
    units = ("bytes", "KB", "MB", "GB", "TB")
    step = 0
    while n >= 1024 and step < len(units) - 1:
        n /= 1024
        step += 1
    return f"{n:,.0f} {units[step]}" if step == 0 else f"{n:,.1f} {units[step]}"

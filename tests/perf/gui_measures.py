"""The measurements bench_gui.py makes, each in a fresh GUI process that it starts.

PyMuPDF never loads in this process: pages are rendered and text extracted by the
app's own worker processes, as in the app. Each function returns plain data (times
in ms) for the parent to summarise.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QScrollBar, QWidget

from reader_app import paths
from reader_app.catalog import Resource
from reader_app.gui.document_view import DocumentView
from reader_app.gui.main_window import MainWindow
from reader_app.gui.render_service import RenderRequest
from reader_app.library import Library
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir
from reader_app.store import Store

TICK_MS = 5  # the stall probe's timer
FRAME_MS = 16  # one scroll step per frame
WAIT = 120.0  # seconds before a wait is given up


def now() -> float:
    return time.perf_counter()


def spin(
    seconds: float = 0.0, until: Callable[[], bool] | None = None, timeout: float = WAIT
) -> None:
    """Run the event loop for ``seconds``, or until ``until()`` holds."""
    loop = QEventLoop()
    deadline = now() + (timeout if until is not None else seconds)

    def check() -> None:
        if (until is not None and until()) or now() >= deadline:
            loop.quit()

    timer = QTimer(interval=2)
    timer.timeout.connect(check)
    timer.start()
    if until is None or not until():
        loop.exec()
    timer.stop()
    if until is not None and not until():
        raise TimeoutError(f"gave up waiting after {timeout:g} s")


def has_pixmap(label: Any) -> bool:
    """Whether a page (a QLabel, or the viewer's own page widget) shows pixels."""
    pixmap = label.pixmap()
    return pixmap is not None and not pixmap.isNull()


class PaintWatch(QObject):
    """When a widget is first painted (for a page label: painted with its pixels)."""

    def __init__(self, widget: QWidget, need_pixmap: bool = False) -> None:
        super().__init__()
        self.at: float | None = None
        self._need_pixmap = need_pixmap
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.at is None
            and event.type() == QEvent.Type.Paint
            and (not self._need_pixmap or has_pixmap(watched))
        ):
            self.at = now()
            watched.removeEventFilter(self)
        return False


class StallProbe(QObject):
    """A 5 ms timer on the GUI thread; how late each tick comes is how long the loop stalled."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self, interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.on_tick)
        self.late: list[float] = []  # ms past the interval, one per tick
        self.starts: list[float] = []  # s from start() to the tick before each gap
        self.started = self.last = 0.0

    def start(self) -> None:
        self.started = self.last = now()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def on_tick(self) -> None:
        tick = now()
        self.late.append(max(0.0, (tick - self.last) * 1000 - TICK_MS))
        self.starts.append(self.last - self.started)
        self.last = tick

    def worst(self, count: int = 5) -> list[tuple[float, float]]:
        """The longest stalls as (seconds from start, ms late)."""
        order = sorted(range(len(self.late)), key=self.late.__getitem__, reverse=True)
        return [(round(self.starts[i], 3), round(self.late[i], 1)) for i in order[:count]]


class Watchdog(threading.Thread):
    """Samples every thread's Python stack while the GUI thread is late (--diagnose only)."""

    def __init__(self, probe: StallProbe, after_ms: float = 20.0) -> None:
        super().__init__(name="bench-watchdog", daemon=True)
        self.probe, self.after = probe, after_ms / 1000
        self.names = {threading.get_ident(): "GUI"}
        self.samples: dict[float, list[tuple[float, dict[str, list[str]]]]] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.002):
            last, started = self.probe.last, self.probe.started
            age = now() - last
            if started and age > self.after:
                taken = self.samples.setdefault(round(last - started, 3), [])
                if len(taken) < 8 and (not taken or age - taken[-1][0] / 1000 > 0.01):
                    taken.append((round(age * 1000, 1), self._stacks()))

    def _stacks(self) -> dict[str, list[str]]:
        names = {t.ident: t.name for t in threading.enumerate()} | self.names
        me = threading.get_ident()
        return {
            names.get(ident, f"thread {ident}"): [
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame)[-5:]
            ]
            for ident, frame in sys._current_frames().items()
            if ident != me
        }

    def report(self, worst: list[tuple[float, float]]) -> list[dict[str, Any]]:
        self.done.set()
        return [
            {"at": at, "late": late, "samples": self.samples.get(at, [])[-3:]} for at, late in worst
        ]


class RenderClock:
    """Times each page asked of the render service until the view sets its pixmap.

    Wraps the service's ``request`` (and ``withdraw``, for pages scrolled past before
    their turn) and each watched page's ``setPixmap``. A page asked for while it was
    on screen counts as visible; the others were asked for ahead (prefetch).
    """

    def __init__(self, window: MainWindow) -> None:
        service = window.render_service()
        self.pending: dict[object, tuple[str, int, float]] = {}  # key: path, page, zoom
        # (path, page, zoom): when the latest request was made, was the page on screen
        self.started: dict[tuple[str, int, float], tuple[float, bool]] = {}
        self.took: dict[bool, list[float]] = {True: [], False: []}  # ms, asked to pixmap set
        self.shown: dict[tuple[str, int], tuple[float, float]] = {}  # (path, page): when, zoom
        self.zooms: set[float] = set()
        request, withdraw = service.request, getattr(service, "withdraw", None)

        def on_screen(path: str, number: int) -> bool:
            view = next((v for v in window.document_views() if v.path == path), None)
            return view is not None and number in view.visible_pages()

        def timed_request(req: RenderRequest) -> None:
            self.pending[req.key] = (req.path, req.page, req.zoom)
            self.started[(req.path, req.page, req.zoom)] = (now(), on_screen(req.path, req.page))
            request(req)

        def timed_withdraw(*args: Any, **kwargs: Any) -> Any:
            dropped = withdraw(*args, **kwargs)  # type: ignore[misc]
            for key in dropped or ():
                self.started.pop(self.pending.pop(key, ("", 0, 0.0)), None)
            return dropped

        service.request = timed_request  # type: ignore[method-assign]
        if withdraw is not None:
            service.withdraw = timed_withdraw  # type: ignore[method-assign]
        service.rendered.connect(self.on_rendered)
        service.failed.connect(self.on_failed)

    def watch(self, view: DocumentView) -> None:
        """Call before control returns to the event loop after the view is made."""
        for number, label in enumerate(view.page_labels, start=1):
            set_pixmap = label.setPixmap

            def timed_set_pixmap(pixmap: Any, set_pixmap: Any = set_pixmap, n: int = number):
                set_pixmap(pixmap)
                at, zoom = now(), view.zoom * view.devicePixelRatioF()
                self.shown[(view.path, n)] = (at, zoom)
                started = self.started.pop((view.path, n, zoom), None)
                if started is not None:
                    self.took[started[1]].append((at - started[0]) * 1000)
                    self.zooms.add(round(zoom, 4))

            label.setPixmap = timed_set_pixmap  # type: ignore[method-assign]

    def on_rendered(self, key: object, _image: object) -> None:
        self.pending.pop(key, None)

    def on_failed(self, key: object, message: str) -> None:
        if self.pending.pop(key, None) is not None:
            print(f"render failed: {message}", file=sys.stderr)

    def waiting(self, path: str) -> bool:
        return any(item[0] == path for item in self.pending.values())

    def sharp(self, view: DocumentView, number: int) -> bool:
        """Page ``number`` shows pixels rendered at the view's zoom."""
        shown = self.shown.get((view.path, number))
        return shown is not None and shown[1] == view.zoom * view.devicePixelRatioF()

    def result(self) -> dict[str, Any]:
        return {
            "visible": self.took[True],
            "prefetched": self.took[False],
            "zooms": sorted(self.zooms),
        }


def scroll_bar(view: DocumentView) -> QScrollBar:
    return getattr(view, "scroll", view).verticalScrollBar()


# Setting up


def app() -> QApplication:
    instance = QApplication.instance()
    return instance if isinstance(instance, QApplication) else QApplication(["bench-gui"])


def bundled_library() -> Library:
    return Library.open(paths.resolve())


def generated_id(path: Path) -> str:
    return f"bench-{path.stem}"


def library_with(files: list[str], pages: int) -> Library:
    """The bundled collection plus generated PDFs, as an import would add them."""
    app_paths = paths.resolve()
    app_paths.ensure()
    base = load_manifest(bundled_dir() / MANIFEST_NAME)
    extra = tuple(
        Resource(
            id=generated_id(Path(file)),
            title=f"Generated document {Path(file).stem}",
            kind="briefing",
            pillars=(base.pillars[0].id,),
            collection=base.collections[0].id,
            date="2024-01-01",
            summary="Generated for the GUI benchmark.",
            source_url="https://example.org/",
            file=file,  # absolute: the catalog's root / an absolute path is that path
            sha256=hashlib.sha256(Path(file).read_bytes()).hexdigest(),
            pages=pages,
            media_type="application/pdf",
            source="imported",
        )
        for file in files
    )
    catalog = replace(base, resources=base.resources + extra)
    return Library(catalog, Store(app_paths.database), app_paths.index_dir)


def shown_window(library: Library) -> tuple[MainWindow, float]:
    """The main window, shown and painted once; returns when it was first painted."""
    state = QSettings(str(paths.resolve().config_dir / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, state)
    painted = PaintWatch(window)
    window.show()
    spin(until=lambda: painted.at is not None)
    return window, painted.at or now()


def wait_indexed(window: MainWindow, timeout: float = WAIT) -> None:
    spin(until=lambda: not window.indexing, timeout=timeout)


def open_and_paint(
    window: MainWindow, resource_id: str, page: int, clock: RenderClock | None = None
) -> tuple[DocumentView, float]:
    """Open a document at a page; ms from the call to that page painted with its pixels."""
    started = now()
    view = window.open_document(resource_id, page)
    if clock is not None:
        clock.watch(view)
    watch = PaintWatch(view.page_labels[page - 1], need_pixmap=True)
    spin(until=lambda: watch.at is not None, timeout=60)
    return view, ((watch.at or now()) - started) * 1000


def finish(window: MainWindow, library: Library, result: dict[str, Any]) -> dict[str, Any]:
    window.close()
    library.close()
    result["pymupdf_in_gui"] = "pymupdf" in sys.modules or "fitz" in sys.modules
    return result


def pdfs(library: Library) -> list[Resource]:
    return [r for r in library.catalog.resources if r.media_type == "application/pdf"]


# Measurements


def measure_open(run: int = 0, warm: int = 6) -> dict[str, Any]:
    """First page painted after open_document: the first document cold, then warm ones."""
    _app = app()
    library = bundled_library()
    window, _ = shown_window(library)
    wait_indexed(window)
    spin(0.3)
    docs = pdfs(library)
    docs = docs[run % len(docs) :] + docs[: run % len(docs)]  # a different cold one each run
    times = []
    for resource in docs[: warm + 1]:
        _view, took = open_and_paint(window, resource.id, (resource.pages + 1) // 2)
        times.append(took)
        spin(0.5)  # neighbours prefetched; the workers idle again
    return finish(window, library, {"cold": times[0], "warm": times[1:]})


def measure_render(zooms: tuple[float | None, ...] = (None, 1.0, 1.5)) -> dict[str, Any]:
    """Every page of the bundled PDFs at each zoom (None: as the view opens), workers warm."""
    _app = app()
    library = bundled_library()
    window, _ = shown_window(library)
    wait_indexed(window)
    docs = pdfs(library)
    warmup, _ = open_and_paint(window, docs[-1].id, 1)  # starts the workers; not counted
    spin(0.5)
    window.on_tab_close_requested(window.tabs.indexOf(warmup))
    clock = RenderClock(window)
    waits = []  # ms from go_to_page to that page's sharp pixmap (0 when prefetched)
    for resource in docs:
        view = window.open_document(resource.id, 1)
        clock.watch(view)
        for zoom in zooms:
            spin(until=lambda v=view: not clock.waiting(v.path))
            if zoom is not None:
                view.set_zoom(zoom)
            for number in range(1, resource.pages + 1):
                started = now()
                view.go_to_page(number)
                spin(until=lambda n=number, v=view: clock.sharp(v, n))
                waits.append(max(0.0, clock.shown[(view.path, number)][0] - started) * 1000)
        spin(until=lambda v=view: not clock.waiting(v.path))
    return finish(window, library, {**clock.result(), "waits": waits})


def measure_stall_indexing(files: list[str], pages: int, diagnose: bool = False) -> dict[str, Any]:
    """The window idles while it indexes the bundled collection plus generated documents."""
    _app = app()
    library = library_with(files, pages)
    total = sum(r.pages for r in library.catalog.resources)
    probe = StallProbe()
    watchdog = Watchdog(probe) if diagnose else None
    progress: list[tuple[float, int]] = []
    window, _ = shown_window(library)
    window.progress.valueChanged.connect(lambda value: progress.append((now(), value)))
    probe.start()
    if watchdog:
        watchdog.start()
    wait_indexed(window, timeout=900)
    ended = now()
    spin(0.2)  # the report's slot runs
    probe.stop()
    result: dict[str, Any] = {
        "late": probe.late,
        "pages": total,
        "seconds": ended - probe.started,
        "worst": probe.worst(),
        "progress": [(round(t - probe.started, 2), v) for t, v in progress],
    }
    if watchdog:
        result["diagnosis"] = watchdog.report(probe.worst())
    return finish(window, library, result)


def measure_stall_scroll(
    file: str, pages: int, speed: float, diagnose: bool = False
) -> dict[str, Any]:
    """A generated document scrolled top to bottom, ``speed`` pages a second in a step
    every frame, with the workers warm."""
    _app = app()
    library = library_with([file], pages)
    window, _ = shown_window(library)
    wait_indexed(window)
    clock = RenderClock(window)
    view, _ = open_and_paint(window, generated_id(Path(file)), 1, clock)
    spin(0.5)
    clock.took = {True: [], False: []}  # the first pages came with the workers' start
    bar = scroll_bar(view)
    pitch = view.page_labels[1].y() - view.page_labels[0].y()  # a page and the gap after it
    step = max(1, round(speed * pitch * FRAME_MS / 1000))
    frames = {"all": 0, "blank": 0}
    scrolled = threading.Event()

    def on_frame() -> None:
        frames["all"] += 1
        if any(not has_pixmap(view.page_labels[n - 1]) for n in view.visible_pages()):
            frames["blank"] += 1
        if bar.value() >= bar.maximum():
            scroller.stop()
            scrolled.set()
        else:
            bar.setValue(bar.value() + step)

    scroller = QTimer(interval=FRAME_MS, timerType=Qt.TimerType.PreciseTimer)
    scroller.timeout.connect(on_frame)
    probe = StallProbe()
    watchdog = Watchdog(probe) if diagnose else None
    probe.start()
    if watchdog:
        watchdog.start()
    scroller.start()
    spin(until=scrolled.is_set, timeout=600)
    probe.stop()
    result: dict[str, Any] = {
        "late": probe.late,
        "seconds": now() - probe.started,
        "step": step,
        "frames": frames["all"],
        "blank_frames": frames["blank"],
        **clock.result(),
        "worst": probe.worst(),
    }
    if watchdog:
        result["diagnosis"] = watchdog.report(probe.worst())
    return finish(window, library, result)


def rss_kb(pid: int | str = "self") -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
            fields[name] = int(value.split()[0])
    return fields


def child_processes() -> list[tuple[int, str]]:
    """(pid, command line) of this process's children: the workers and their helpers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            found.append((int(entry.name), cmdline))
    return found


def _process_name(cmdline: str) -> str:
    if "resource_tracker" in cmdline:
        return "multiprocessing's resource tracker"
    return cmdline[:40]


def measure_rss() -> dict[str, Any]:
    """Memory of the GUI process idle: indexing done, one document open and rendered."""
    _app = app()
    library = bundled_library()
    window, _ = shown_window(library)
    shown = rss_kb()
    wait_indexed(window)
    indexed = rss_kb()
    docs = pdfs(library)
    open_and_paint(window, docs[0].id, 1)
    spin(1.0)
    children = [
        ("worker" if "spawn_main" in cmd else _process_name(cmd), rss_kb(pid))
        for pid, cmd in child_processes()
    ]
    return finish(
        window,
        library,
        {"shown": shown, "indexed": indexed, "idle": rss_kb(), "children": children},
    )


MEASURES: dict[str, Callable[..., dict[str, Any]]] = {
    "open": measure_open,
    "render": measure_render,
    "stall_indexing": measure_stall_indexing,
    "stall_scroll": measure_stall_scroll,
    "rss": measure_rss,
}

"""Document work for the viewer: PyMuPDF runs in worker processes, never in this one.

A thread of ours only feeds jobs to the workers as they free up and passes results
back (pixels as QImages, which are safe off the GUI thread). A job that crashes or
stalls its worker, runs out of the worker's memory, or brings back pixels that
cannot become an image is reported as failed, with a message the page shows in
its place (a crashed worker is replaced), and the app carries on. Jobs not started
yet can be withdrawn, so a fast scroll does not leave a queue of pages nobody looks
at any more.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import Pipe
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from reader_app.documents import (
    RENDER_PIXELS,
    RenderedFile,
    RenderedPage,
    render_page_to_file,
    warm_up,
)
from reader_app.search.index_folder import process_alive
from reader_app.worker import WorkerPool

RENDER_TIMEOUT = 10.0  # seconds before a job is given up and its worker replaced
PAGES_PREFIX = "reader-pages-"  # folders in memory for rendered pages, one a service


@dataclass(frozen=True)
class RenderRequest:
    key: object  # chosen by the caller, returned with the result
    path: str
    page: int  # 1-based
    zoom: float


@dataclass(frozen=True)
class _Job:
    key: object
    func: Callable[..., Any]
    args: tuple[Any, ...]


class RenderService(QObject):
    rendered = Signal(object, QImage)  # key, image: the answer to request()
    finished = Signal(object, object)  # key, result: the answer to call()
    failed = Signal(object, str)  # key, message

    def __init__(
        self,
        workers: int = 2,
        timeout: float = RENDER_TIMEOUT,
        func: Callable[..., RenderedPage] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # Pixels come back through files in memory (see RenderedFile), unless a test
        # gives a function of its own, which returns them as bytes.
        # Named for this process, so the next start can tell the folder of a killed app
        # (whose last pages, the reader's document as pixels, would stay until a reboot).
        sweep_page_folders(_memory_folder() or tempfile.gettempdir())
        self._folder = tempfile.mkdtemp(
            prefix=f"{PAGES_PREFIX}{os.getpid()}-", dir=_memory_folder()
        )
        self._func: Callable[..., RenderedPage | RenderedFile] = func or render_page_to_file
        self._extra: tuple[str, ...] = () if func else (self._folder,)
        # Page renders go before other jobs (page layouts, finds): they are what the
        # reader is waiting to see.
        self._renders: deque[_Job] = deque()
        self._others: deque[_Job] = deque()
        self._lock = threading.Lock()
        self._stopping = False
        # A byte down this pipe wakes the dispatcher while it waits on the workers.
        self._wake_reader, self._wake_writer = Pipe(duplex=False)
        self._pool = WorkerPool(workers, timeout=timeout)
        self._thread = threading.Thread(target=self._serve, name="render-dispatch", daemon=True)
        self._thread.start()
        for n in range(workers):  # workers import PyMuPDF now, not at the first page
            self.call(("warm-up", n), warm_up)

    def request(self, request: RenderRequest) -> None:
        """Render a page; the answer comes as ``rendered`` (or ``failed``) with its key."""
        args = (request.path, request.page, request.zoom, *self._extra)
        job = _Job(request.key, self._func, args)
        self._submit(job, self._renders)

    def call(self, key: object, func: Callable[..., Any], *args: Any) -> None:
        """Run ``func(*args)`` (module-level) in a worker; the answer comes as ``finished``."""
        self._submit(_Job(key, func, args), self._others)

    def withdraw(self, unwanted: Callable[[object], bool]) -> list[object]:
        """Drop the jobs not started yet whose key is ``unwanted``; return their keys."""
        dropped = []
        with self._lock:
            for queue in (self._renders, self._others):
                kept = [job for job in queue if not unwanted(job.key)]
                if len(kept) != len(queue):
                    dropped += [job.key for job in queue if unwanted(job.key)]
                    queue.clear()
                    queue.extend(kept)
        return dropped

    def shutdown(self) -> None:
        with self._lock:
            self._stopping = True
            self._renders.clear()
            self._others.clear()
        self._wake()
        self._thread.join(timeout=30)
        self._pool.close()
        self._wake_reader.close()
        self._wake_writer.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _submit(self, job: _Job, queue: deque[_Job]) -> None:
        with self._lock:
            if self._stopping:
                return
            queue.append(job)
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # shut down already
            self._wake_writer.send_bytes(b"w")

    def _serve(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                while (self._renders or self._others) and self._pool.has_idle():
                    job = (self._renders or self._others).popleft()
                    self._pool.submit(job, job.func, job.args)
            for token, result in self._pool.collect(timeout=1.0, wake=self._wake_reader):
                done = cast(_Job, token)  # the pool hands back what it was given
                try:
                    self._deliver(done, result)
                except Exception as exc:  # this thread must live on: the next page may be fine
                    self.failed.emit(done.key, f"the page could not be shown ({exc})")
            while self._wake_reader.poll():
                self._wake_reader.recv_bytes()

    def _deliver(self, job: _Job, result: Any) -> None:
        if isinstance(result, BaseException):
            self.failed.emit(job.key, str(result) or type(result).__name__)
        elif isinstance(result, RenderedPage):
            self._emit_image(job, result)
        elif isinstance(result, RenderedFile):
            try:
                refused = _refused(result.width, result.height, result.stride)
                if refused is None:
                    with open(result.file, "rb") as pixels:
                        samples = pixels.read(result.stride * result.height)
            except OSError as exc:
                self.failed.emit(job.key, f"the rendered page could not be read: {exc}")
                return
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(result.file)
            if refused is not None:
                self.failed.emit(job.key, refused)
                return
            self._emit_image(job, RenderedPage(result.width, result.height, result.stride, samples))
        else:
            self.finished.emit(job.key, result)

    def _emit_image(self, job: _Job, page: RenderedPage) -> None:
        refused = _refused(page.width, page.height, page.stride)
        if refused is None and len(page.samples) < page.stride * page.height:
            refused = "the rendered page came back incomplete"
        image = _image(page) if refused is None else QImage()
        if refused is None and image.isNull():  # Qt could not allocate it
            refused = "there is not enough memory to show it"
        if refused is not None:
            self.failed.emit(job.key, refused)
        else:
            self.rendered.emit(job.key, image)


def sweep_page_folders(root: str | Path) -> None:
    """Remove the page folders in ``root`` that render services of processes now gone
    left (an app that was killed); ours only, never through a link."""
    for leftover in Path(root).glob(f"{PAGES_PREFIX}*-*"):
        pid = leftover.name.removeprefix(PAGES_PREFIX).split("-")[0]
        with contextlib.suppress(OSError):
            own = leftover.lstat()
            if not pid.isdigit() or process_alive(int(pid)) or not stat.S_ISDIR(own.st_mode):
                continue
            if own.st_uid == os.getuid():
                shutil.rmtree(leftover)


def _memory_folder() -> str | None:
    """A folder in memory where the system has one (Linux), else the temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _refused(width: int, height: int, stride: int) -> str | None:
    """Why pixels of this shape are not made into an image here, or None."""
    if width <= 0 or height <= 0 or stride < 3 * width:
        return "the rendered page came back empty"
    if width * height > RENDER_PIXELS * 1.01:  # the workers render within it
        return f"the page is too large to show ({width:,} x {height:,} pixels)"
    return None


def _image(page: RenderedPage) -> QImage:
    # copy(): the QImage must own its pixels once the bytes object is gone.
    return QImage(
        page.samples, page.width, page.height, page.stride, QImage.Format.Format_RGB888
    ).copy()

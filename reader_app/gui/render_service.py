"""Page rendering for the viewer: PyMuPDF runs in worker processes, never in this one.

A thread of ours only passes requests to the workers and pixels back (as QImages,
which are safe off the GUI thread). A page that crashes or stalls its worker is
reported as failed (the worker is replaced) and the app carries on.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from reader_app.documents import RenderedPage, render_page
from reader_app.worker import WorkerPool

RENDER_TIMEOUT = 10.0  # seconds before a page is given up and its worker replaced


@dataclass(frozen=True)
class RenderRequest:
    key: object  # chosen by the caller, returned with the result
    path: str
    page: int  # 1-based
    zoom: float


class RenderService(QObject):
    rendered = Signal(object, QImage)  # key, image
    failed = Signal(object, str)  # key, message

    def __init__(
        self,
        workers: int = 2,
        timeout: float = RENDER_TIMEOUT,
        func: Callable[..., RenderedPage] = render_page,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._requests: queue.Queue[RenderRequest | None] = queue.Queue()
        self._func = func
        self._pool = WorkerPool(workers, timeout=timeout)
        self._thread = threading.Thread(target=self._serve, name="render-dispatch", daemon=True)
        self._thread.start()

    def request(self, request: RenderRequest) -> None:
        self._requests.put(request)

    def shutdown(self) -> None:
        self._requests.put(None)
        self._thread.join(timeout=30)
        self._pool.close()

    def _serve(self) -> None:
        while True:
            first = self._requests.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._pool.size:  # keep every worker busy
                try:
                    more = self._requests.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._requests.put(None)
                    break
                batch.append(more)
            jobs = [(r.path, r.page, r.zoom) for r in batch]
            for index, result in self._pool.map_unordered(self._func, jobs):
                request = batch[index]
                if isinstance(result, RenderedPage):
                    self.rendered.emit(request.key, _image(result))
                else:
                    self.failed.emit(request.key, str(result))


def _image(page: RenderedPage) -> QImage:
    # copy(): the QImage must own its pixels once the bytes object is gone.
    return QImage(
        page.samples, page.width, page.height, page.stride, QImage.Format.Format_RGB888
    ).copy()

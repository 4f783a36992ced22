"""A start-up timer for benchmarks of the installed app and the desktop bundle, which
cannot be instrumented from outside: with ``READER_APP_STARTUP_PROBE=FILE`` set, the
window's first paint writes the time (``time.time()``) to FILE and the app quits.
See tests/perf/bench_bundle.py."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

PROBE_ENV = "READER_APP_STARTUP_PROBE"


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, path: Path) -> None:
        super().__init__(window)
        self._path = path
        self._window = window
        self._done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            painted = time.time()
            QTimer.singleShot(0, lambda: self._report(painted))
        return False

    def _report(self, painted: float) -> None:
        self._path.write_text(f"{painted:.6f}\n", encoding="utf-8")
        self._window.close()  # as the reader would: threads under way are finished first


def install(window: QWidget) -> None:
    """Time the first paint of ``window`` if a benchmark asked for it."""
    if target := os.environ.get(PROBE_ENV):
        _FirstPaint(window, Path(target))

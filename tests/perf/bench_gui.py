"""GUI benchmark (first part): cold start to the first painted main window.

Run by hand on a display (or QT_QPA_PLATFORM=offscreen), from a venv with the app:

    .venv/bin/python tests/perf/bench_gui.py [--runs 5]

Each run is a fresh process: interpreter start, imports, library, window, first
paint. Prints the median and spread. (Page render and event-loop stall figures
come with the document viewer.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys, time
start = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from reader_app import paths
from reader_app.library import Library
from reader_app.gui.main_window import MainWindow

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"{time.time() - start:.4f}", flush=True)
            QTimer.singleShot(0, app.quit)
            obj.removeEventFilter(self)
        return False

app = QApplication(sys.argv[:1])
library = Library.open(paths.resolve())
state = QSettings(str(paths.resolve().config_dir / "bench.ini"), QSettings.Format.IniFormat)
window = MainWindow(library, state)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
app.exec()
window.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "READER_APP_DATA_DIR": data, "PYTHONPATH": str(ROOT)}
        for _ in range(args.runs + 1):  # the first run warms the disk cache; not counted
            result = subprocess.run(
                [sys.executable, "-c", CHILD, repr(time.time())],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            times.append(float(result.stdout.strip().splitlines()[-1]))
    counted = times[1:]
    print(
        f"start to first painted window: median {statistics.median(counted) * 1000:.0f} ms "
        f"(min {min(counted) * 1000:.0f}, max {max(counted) * 1000:.0f}, n={len(counted)})"
    )


if __name__ == "__main__":
    main()

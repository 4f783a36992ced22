"""Start-up of the desktop bundle against the pip-installed app: launch to the first
painted window (the app's READER_APP_STARTUP_PROBE), runs interleaved, each program
with a data folder of its own after one warm-up run; prints medians and their ratio.

    python tests/perf/bench_bundle.py --bundle dist/reader-app/reader-app
        [--installed .venv/bin/reader-app] [--runs 9]

Uses the offscreen platform unless there is a display (or QT_QPA_PLATFORM is set).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def start_time(program: Path, data: Path, probe: Path) -> float:
    probe.unlink(missing_ok=True)
    env = {**os.environ, "READER_APP_DATA_DIR": str(data), "READER_APP_STARTUP_PROBE": str(probe)}
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    subprocess.run([str(program)], env=env, check=True, capture_output=True, timeout=120)
    return float(probe.read_text()) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="the bundle's executable")
    parser.add_argument(
        "--installed",
        type=Path,
        default=Path(sys.prefix) / ("Scripts" if os.name == "nt" else "bin") / "reader-app",
        help="the pip-installed reader-app (default: this Python's)",
    )
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    programs = {"pip-installed": args.installed.resolve(), "bundle": args.bundle.resolve()}
    folder = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    times: dict[str, list[float]] = {name: [] for name in programs}
    try:
        for name, program in programs.items():  # warm-up: creates the data, fills caches
            start_time(program, folder / name, folder / "probe")
        for _ in range(args.runs):
            for name, program in programs.items():
                times[name].append(start_time(program, folder / name, folder / "probe"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"launch to first painted window, {args.runs} runs each, interleaved")
    print(f"{'program':<14} {'median ms':>9} {'min':>6} {'max':>6}")
    for name, found in times.items():
        print(
            f"{name:<14} {statistics.median(found) * 1000:>9.0f} "
            f"{min(found) * 1000:>6.0f} {max(found) * 1000:>6.0f}"
        )
    ratio = statistics.median(times["bundle"]) / statistics.median(times["pip-installed"])
    print(f"bundle / pip-installed: {ratio:.2f} (target: at most 1.2)")


if __name__ == "__main__":
    main()

"""Time the CLI as a user runs it: `reader-app --version` and `reader-app list --json`.

Run by hand, from a venv where the app is installed:

    .venv/bin/python tests/perf/bench_cli.py [--runs 5]

Prints the median and spread of wall-clock times, and the size of the venv.
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


def entry_point() -> str:
    candidate = Path(sys.executable).parent / "reader-app"
    if not candidate.exists():
        sys.exit("reader-app is not installed next to this Python")
    return str(candidate)


def time_command(args: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    exe = entry_point()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "READER_APP_DATA_DIR": data}
        subprocess.run([exe, "list"], env=env, capture_output=True, check=True)  # warm caches
        for label, cmd in (
            ("--version", [exe, "--version"]),
            ("list --json", [exe, "list", "--json"]),
        ):
            times = time_command(cmd, args.runs, env)
            print(
                f"reader-app {label:<12} median {statistics.median(times) * 1000:7.1f} ms"
                f"  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})"
            )
    venv = Path(sys.prefix)
    print(f"venv {venv}: {folder_size(venv) / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()

"""``reader-app doctor``: the self-check, as a report of one line per check.

It takes the app's paths rather than an open library: the doctor must run (and say
why) when the database cannot be opened.
"""

from __future__ import annotations

import argparse
import platform
import sys
import textwrap
import time
from typing import Any

from reader_app import __version__
from reader_app.cli_output import print_json, terminal_text
from reader_app.doctor import FAIL, SKIP, WARN, CheckResult, Doctor, passed
from reader_app.paths import AppPaths

WIDTH = 100
LABEL = {FAIL: "FAIL", SKIP: "skip"}
NAME_WIDTH = 18


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "doctor",
        help="check that the app works here: folders, database, files, index, "
        "rendering, search and Qt",
        description="Check that the app works on this computer. Exit code 0 when every "
        "check passes ('warn' counts as a pass), 1 otherwise.",
    )
    p.add_argument(
        "--offscreen",
        action="store_true",
        help="start Qt without a window system (the default on Linux with no display)",
    )
    p.add_argument(
        "--json", action="store_true", help="print a JSON array of {check, status, detail}"
    )


def cmd_doctor(app_paths: AppPaths, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    doctor = Doctor(app_paths, offscreen=args.offscreen)
    if args.json:
        results = list(doctor.run())
        print_json([r.to_dict() for r in results])
    else:
        how = "bundled app with" if getattr(sys, "frozen", False) else "run from"
        print(
            f"Resource Reader {__version__} ({how} Python {platform.python_version()}) "
            f"on {platform.system()} {platform.release()}"
        )
        results = []
        for result in doctor.run():
            results.append(result)
            print(_line(result), flush=True)
        print(_wrap(_summary(results, time.perf_counter() - started), "", ""))
    return 0 if passed(results) else 1


def _line(result: CheckResult) -> str:
    head = f"{LABEL.get(result.status, result.status):<4}  {result.check:<{NAME_WIDTH}}"
    head += f" {result.seconds:5.2f} s  "
    indent = " " * len(head)
    # Details quote file names and database rows: shown, never obeyed.
    text = _wrap(terminal_text(result.detail), head, indent)
    if result.fix:
        text += "\n" + _wrap(terminal_text(f"to fix: {result.fix}"), indent, indent)
    return text


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _summary(results: list[CheckResult], seconds: float) -> str:
    failed = [r.check for r in results if r.status == FAIL]
    skipped = [r.check for r in results if r.status == SKIP]
    warned = sum(1 for r in results if r.status == WARN)
    warnings = f"{warned} with a warning, " if warned else ""
    if not failed and not skipped:
        return (
            f"All {len(results)} checks passed ({warnings}'warn' counts as a pass) "
            f"in {seconds:.1f} s."
        )
    summary = f"{len(failed)} of {len(results)} checks failed ({', '.join(failed)})"
    if skipped:
        summary += f", {len(skipped)} could not be run ({', '.join(skipped)})"
    return f"{summary} in {seconds:.1f} s: see 'to fix' above."

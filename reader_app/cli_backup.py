"""``reader-app backup`` and ``reader-app restore``: the whole library in one archive.

Both take the app's paths rather than an open library: ``restore`` must run with the
database closed, and ``backup`` reads the database through a connection of its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reader_app.backup_archive import restore_archive, write_archive
from reader_app.cli_output import print_json, terminal_text
from reader_app.paths import AppPaths


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "backup", help="write the whole library (notes, tags, your documents, settings) to FILE"
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the archive to write")
    p.add_argument("--json", action="store_true", help="print a JSON object")

    p = sub.add_parser(
        "restore",
        help="replace the library with a backup archive (checked first; the current data is kept)",
    )
    p.add_argument("archive", metavar="FILE", help="an archive written by 'backup'")
    p.add_argument("--json", action="store_true", help="print a JSON object")


def cmd_backup(app_paths: AppPaths, args: argparse.Namespace) -> int:
    report = write_archive(app_paths, Path(args.output))
    if args.json:
        print_json(report.to_dict())
    else:
        files = len(report.manifest.files)
        print(
            f"backed up the library to {terminal_text(report.path)} "
            f"({report.size:,} bytes: the database, "
            f"{files} imported file{'s' if files != 1 else ''}, "
            f"{len(report.manifest.config)} settings file"
            f"{'s' if len(report.manifest.config) != 1 else ''})"
        )
    return 0


def cmd_restore(app_paths: AppPaths, args: argparse.Namespace) -> int:
    report = restore_archive(app_paths, Path(args.archive))
    if args.json:
        print_json(report.to_dict())
    else:
        # The archive's name and its manifest's fields are the archive's own text.
        print(
            terminal_text(
                f"restored the library from {report.archive.name} "
                f"(made {report.manifest.created}); "
                f"the previous data is kept in {report.kept_aside}; "
                "the search index will be rebuilt"
            )
        )
    return 0

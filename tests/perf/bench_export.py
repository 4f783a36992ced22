"""Export speed: N annotations (default 10,000) across the bundled collection, exported
to each format; prints the median time of --runs runs and the file size.

    python tests/perf/bench_export.py [--count 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ["READER_APP_DATA_DIR"] = str(folder / "data")

    from reader_app import paths
    from reader_app.annotations import Annotations
    from reader_app.export.formats import FORMATS, export
    from reader_app.export.scope import ExportScope
    from reader_app.library import Library

    library = Library.open(paths.resolve(), backup=False)
    annotations = Annotations(library.store)
    resources = [r for r in library.catalog.resources]
    made = []
    for i in range(args.count):
        resource = resources[i % len(resources)]
        made.append(
            annotations.make(
                resource.id,
                resource.sha256,
                "note",
                1 + i % resource.pages,
                quads=[(72.0, 100.0 + i % 40 * 12, 400.0, 112.0 + i % 40 * 12)],
                exact=f"a quoted passage number {i} about digital inclusion",
                body=f"Note {i}: compare with our own strategy. " * (1 + i % 5),
                color=("yellow", "green", "blue")[i % 3],
                tags=[f"tag{i % 7}"],
            )
        )
    annotations.restore_many(made)
    out = folder / "out"
    out.mkdir()
    print(f"{args.count:,} annotations on {len(resources)} resources, {args.runs} runs each")
    print(f"{'format':<10} {'median s':>9} {'max s':>7} {'size MB':>8}")
    for fmt in FORMATS.values():
        scope = ExportScope(resource_ids=frozenset({resources[0].id})) if fmt.one_resource else None
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            path, _count = export(library, fmt, out, scope)
            times.append(time.perf_counter() - start)
        size = path.stat().st_size / 1e6
        print(f"{fmt.id:<10} {statistics.median(times):>9.2f} {max(times):>7.2f} {size:>8.1f}")
    library.close()
    sys.stdout.flush()


if __name__ == "__main__":
    main()

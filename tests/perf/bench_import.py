"""Bringing documents in and out: importing N PDFs (each read in a worker), installing
the whole bundled collection as a pack into an empty library, and a backup and restore
of the result. Prints the median of --runs runs.

    python tests/perf/bench_import.py [--files 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))

    import pymupdf

    from reader_app import paths
    from reader_app.backup_archive import restore_archive, write_archive
    from reader_app.library import Library
    from reader_app.packs.export import export_pack
    from reader_app.packs.install import install_pack

    bundled = Library.open(paths.resolve(str(folder / "bundled")), backup=False)
    items = len(bundled.catalog.resources)
    sources = [bundled.catalog.path_of(r) for r in bundled.catalog.resources if r.pages > 1]
    packs = [
        export_pack(bundled, c.id, folder / f"{c.id}.rrpack", title=f"{c.title} (new)").path
        for c in bundled.catalog.collections
    ]
    bundled.close()
    # Each pack resource gets a newer edition, so every one is installed.
    for pack in packs:
        _bump_editions(pack)

    results: dict[str, list[float]] = {"import": [], "pack": [], "backup": [], "restore": []}
    for run in range(args.runs):
        docs = folder / f"docs{run}"
        docs.mkdir()
        files = []
        for i in range(args.files):
            doc = pymupdf.open(sources[i % len(sources)])
            doc.set_metadata({"title": f"Council paper {run}-{i}"})
            files.append(docs / f"paper-{i}.pdf")
            doc.save(files[-1])
            doc.close()
        app_paths = paths.resolve(str(folder / f"run{run}"))
        library = Library.open(app_paths, backup=False)
        start = time.perf_counter()
        done = library.import_files(files)
        results["import"].append(time.perf_counter() - start)
        assert all(r.status == "imported" for r in done), done

        start = time.perf_counter()
        for pack in packs:
            report = install_pack(library, pack)
            assert report.count("updated") == len(report.items), report.to_dict()
        results["pack"].append(time.perf_counter() - start)
        library.close()

        archive = folder / f"backup{run}.zip"
        start = time.perf_counter()
        write_archive(app_paths, archive)
        results["backup"].append(time.perf_counter() - start)
        start = time.perf_counter()
        restore_archive(app_paths, archive)
        results["restore"].append(time.perf_counter() - start)

    print(
        f"{args.files} PDFs imported, then {len(packs)} packs with newer editions of all "
        f"{items} bundled items installed, then a backup and a restore; {args.runs} runs"
    )
    print(f"{'step':<8} {'median s':>9} {'max s':>7}")
    for step, times in results.items():
        print(f"{step:<8} {statistics.median(times):>9.2f} {max(times):>7.2f}")
    shutil.rmtree(folder, ignore_errors=True)


def _bump_editions(pack: Path) -> None:
    import zipfile

    from reader_app.packs import format as pack_format

    rewritten = pack.with_suffix(".tmp")
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == pack_format.MANIFEST:
                data = data.replace(b"edition = 1", b"edition = 2")
            out.writestr(info, data)
    os.replace(rewritten, pack)


if __name__ == "__main__":
    main()

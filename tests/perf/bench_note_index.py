"""Notes in search: what keeping the index in step with annotations costs.

Run by hand (under a minute; writes under a temporary folder):

    .venv/bin/python tests/perf/bench_note_index.py [--annotations 200 10000] [--runs 15]
        [--resource recovery-prospectus]

Over the bundled collection with N annotations spread across its pages (or, with
--resource, all on one document, a third of them on its busiest page, as in
bench_annotations.py; quotes from the page, notes in the collection's words), prints
medians of: the note signatures (computed afresh, as in a new CLI process or after a
change, and unchanged, as the GUI asks again); all index sources (what every search
and every GUI re-index computes first); a search when nothing changed; and the time
from editing one note on the busiest page to its new word being found (the index
update, as the GUI's indexing thread runs it, then ``Library.search``), with how many
note documents each edit rewrote.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader_app import paths  # noqa: E402
from reader_app.annotations import Annotations  # noqa: E402
from reader_app.documents import page_texts  # noqa: E402
from reader_app.library import Library  # noqa: E402
from reader_app.store import now  # noqa: E402

KINDS = ("highlight", "note", "page-note", "document-note")


def page_words(library: Library) -> dict[tuple[str, int], list[str]]:
    """The words of every page of the bundled PDFs, to quote from and to write notes with."""
    found = {}
    for resource in library.catalog.resources:
        if resource.media_type == "application/pdf":
            texts = page_texts(str(library.catalog.path_of(resource)))
            for number, text in enumerate(texts, start=1):
                found[(resource.id, number)] = text.split() or ["blank"]
    return found


PAGE_WEIGHTS = (1, 4, 3, 2, 1)  # with --resource: the first pages' share, as in bench_annotations


def add_annotations(
    library: Library, count: int, rng: random.Random, resource: str | None = None
) -> None:
    """Quotes from the page, notes in the collection's own words; inserted in one
    transaction (adding 10,000 one commit at a time takes minutes)."""
    pages = page_words(library)
    keys = sorted(pages)
    if resource is not None:
        keys = [k for k in keys if k[0] == resource]
        weights = [PAGE_WEIGHTS[min(i, len(PAGE_WEIGHTS) - 1)] for i in range(len(keys))]
    vocabulary = [w for k in keys for w in pages[k]]
    by_id = {r.id: r for r in library.catalog.resources}
    stamp = now()
    with library.store.transaction():
        for _ in range(count):
            rid, page = rng.choices(keys, weights)[0] if resource else rng.choice(keys)
            kind = rng.choice(KINDS)
            words = pages[(rid, page)]
            start = rng.randrange(len(words))
            quote = " ".join(words[start : start + rng.randint(3, 25)])
            body = " ".join(rng.choices(vocabulary, k=rng.randint(5, 60)))
            library.store.query(
                """INSERT INTO annotations(id, resource_id, doc_sha256, kind, page, exact, body,
                       color, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, 'yellow', ?, ?)""",
                (
                    uuid.uuid4().hex,
                    rid,
                    by_id[rid].sha256,
                    kind,
                    None if kind == "document-note" else page,
                    quote if kind in ("highlight", "note") else "",
                    body if kind != "highlight" else "",
                    stamp,
                    stamp,
                ),
            )


def median_ms(func: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return times


def show(label: str, times: list[float]) -> None:
    print(
        f"  {label:<56} {statistics.median(times):7.1f} ms"
        f"  (min {min(times):.1f}, max {max(times):.1f})",
        flush=True,
    )


def edit_to_found(library: Library, runs: int) -> tuple[list[float], list[int], int]:
    """Edit a note on the busiest page, then time the index update and Library.search
    finding its new word; the note documents each update wrote; and how many
    annotations share the page."""
    notes = Annotations(library.store)
    found = notes.find()
    by_page = Counter((a.resource_id, a.page) for a in found if a.page is not None)
    busiest = by_page.most_common(1)[0][0]
    targets = [a for a in found if a.kind == "page-note" and (a.resource_id, a.page) == busiest]
    times, written = [], []
    for run in range(runs):
        target = targets[run % len(targets)]
        word = f"zqx{run}marker"
        notes.edit(target.id, body=f"{target.body} {word}")
        started = time.perf_counter()
        written.append(library.update_index().notes)
        hits = library.search(word).hits
        times.append((time.perf_counter() - started) * 1000)
        assert [h.annotation_id for h in hits] == [target.id], hits
    return times, written, by_page[busiest]


def measure(count: int, runs: int, resource: str | None) -> None:
    rng = random.Random(20261122)
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(paths.resolve(folder))
        try:
            library.update_index()
            add_annotations(library, count, rng, resource)
            started = time.perf_counter()
            report = library.update_index()
            print(
                f"\n== {count:,} annotations: {report.notes:,} note documents indexed in "
                f"{time.perf_counter() - started:.2f} s",
                flush=True,
            )

            def afresh(func: Callable[[], object]) -> Callable[[], object]:
                def run() -> object:
                    library._notes_seen = None  # as after a change, or in a new process
                    return func()

                return run

            signatures = library._note_signatures
            show("note signatures (one GROUP BY)", median_ms(afresh(signatures), runs))
            show("note signatures, database unchanged (cached)", median_ms(signatures, runs))
            show(
                "all index sources (pages and notes)",
                median_ms(afresh(library.index_sources), runs),
            )
            show(
                "Library.search, nothing changed",
                median_ms(lambda: library.search("digital inclusion"), runs),
            )
            times, written, on_page = edit_to_found(library, runs)
            show(f"note edit -> found by Library.search ({on_page} on its page)", times)
            print(
                f"  note documents rewritten per edit: median {statistics.median(written):g}"
                f" (min {min(written)}, max {max(written)})",
                flush=True,
            )
        finally:
            library.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, nargs="+", default=[200, 10_000])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--resource", help="put every annotation on this bundled PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(paths.resolve(folder))
        try:
            library.update_index()
            print("== no annotations", flush=True)
            show(
                "Library.search, nothing changed",
                median_ms(lambda: library.search("digital inclusion"), args.runs),
            )
        finally:
            library.close()
    for count in args.annotations:
        measure(count, args.runs, args.resource)


if __name__ == "__main__":
    main()

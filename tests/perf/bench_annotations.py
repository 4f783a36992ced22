"""Annotations benchmark: 10,000 annotations on one document, in the core and the window.

Run by hand, headless with the offscreen platform (chosen for you when there is no
display), from a venv with the app; it takes about three minutes:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_annotations.py
        [--runs 5] [--count 10000] [--resource recovery-prospectus] [--profile]

The measurements run in a fresh process with its own temporary READER_APP_DATA_DIR
(never the user's data), started from a stand-in for the reader-app script as in
bench_gui.py. That process seeds --count annotations on one document in a single
transaction: made from the document's own words as the viewer makes them
(``quote_of``: quotes of 20-200 characters, one box per line), spread unevenly over
its pages; highlights, underlines, notes on a highlight, notes pinned to a page and a
few on the whole document; seven colours; 0-3 of eight tags each; notes mostly short,
some a few thousand characters and five of 100,000. It then opens the main window,
waits for the search index to take them in, opens the document with its Notes panel
showing, and times, --runs times after one warm-up round that is not counted:

- core: ``Annotations.find`` of the document's annotations;
- side panel load: ``AnnotationTools.reload()`` (query, list model reset, page
  widgets told) until the window has painted the list (the issue's 200 ms), split
  into its parts; also the first ``open_document`` call, which makes the panel;
- panel filters: the colour, tag and type filters, until painted;
- create: ``AnnotationEditor.create`` of one highlight and choosing it, as the
  Highlight button does, until the panel shows it; edit: the panel saving a typed
  note (as it does on every pause in typing); the same for a 100,000-character note,
  and choosing that note in the list (its text into the editor);
- the busiest page: ``PageWidget.grab()`` (a paint, as on every scroll frame) and
  ``annotation_at`` under the pointer (as on every mouse move);
- Notes view: ``reload()`` of all annotations, and with a text filter;
- delete 100 annotations at once, and the undo that brings them back;
- how late the GUI thread's 5 ms timer fires while the notes are re-indexed for
  search after a change (the re-index starts 800 ms after it).

Prints one table: median, p95 (nearest rank: the max itself under 20 values) and max
in ms; targets are the issue's 200 ms for the side panel and 100 ms for anything a
user waits on after a click or a pause in typing (16 ms, a frame, for painting and
hovering). --profile adds cProfile's busiest functions for the slow steps.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

PERF = Path(__file__).resolve().parent
sys.path.insert(0, str(PERF))

import bench_gui  # noqa: E402

SEED = 20260503
TAGS = ("evidence", "follow up", "quote", "budget", "digital", "housing", "to cite", "question")
COLOUR_WEIGHTS = {
    "yellow": 40,
    "red": 10,
    "green": 15,
    "blue": 15,
    "purple": 8,
    "orange": 8,
    "grey": 4,
}
KIND_WEIGHTS = {"highlight": 58, "underline": 14, "note": 22, "page-note": 5, "document-note": 1}
PAGE_WEIGHTS = (1, 4, 3, 2, 1)  # the first pages' share; later pages share the last weight
LONG_NOTES = 5
LONG_NOTE_CHARS = 100_000
DELETED = 100
FILLER = (  # noqa: SIM905 (a sentence is easier to read than 40 quoted words)
    "council residents digital inclusion poverty housing recovery partners budget plan "
    "officers members evidence priorities services community climate resilience data "
    "library skills volunteers funding reset reform renew resilient place strategy care "
    "health staff hybrid working test trace cost living support people local public"
).split()

# The stand-in for the reader-app script: worker processes (spawned) re-import it, and
# with it reader_app.cli, as the app's own workers do. It prints measure()'s result as
# JSON and leaves without interpreter teardown (see tests/conftest.py).
MEASURE_SCRIPT = r"""
import json, os, sys
from reader_app.cli import main  # noqa: F401

if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    import bench_annotations

    result = bench_annotations.measure(**json.loads(sys.argv[2]))
    print("RESULT " + json.dumps(result), flush=True)
    os._exit(0)
"""


# Seeding (in the measuring process, before the window opens)


def prose(rng: random.Random, chars: int) -> str:
    """Plain words in sentences and paragraphs, about ``chars`` long."""
    out: list[str] = []
    length = 0
    while length < chars:
        sentence = " ".join(rng.choice(FILLER) for _ in range(rng.randint(6, 18)))
        sentence = sentence.capitalize() + "."
        out.append(sentence + ("\n\n" if rng.random() < 0.15 else " "))
        length += len(out[-1])
    return "".join(out)[:chars].rstrip()


def note_length(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.7:
        return rng.randint(20, 300)
    if roll < 0.97:
        return rng.randint(300, 1500)
    return rng.randint(1500, 6000)


def seed_annotations(
    store: Any, resource: Any, words: list[list[Any]], count: int, rng: random.Random
) -> list[str]:
    """``count`` annotations on ``resource`` in one transaction; returns the ids of the
    long notes."""
    from reader_app.annotations import Annotations
    from reader_app.page_text import quote_of

    by_page = [[tuple(w) for w in page] for page in words]
    pages = [n for n in range(1, len(words) + 1) if len(words[n - 1]) > 40]
    weights = [PAGE_WEIGHTS[min(i, len(PAGE_WEIGHTS) - 1)] for i in range(len(pages))]
    kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
    colours, colour_weights = zip(*COLOUR_WEIGHTS.items(), strict=True)
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    made = []
    for n in range(count):
        kind = rng.choices(kinds, kind_weights)[0]
        page = rng.choices(pages, weights)[0]
        page_words = by_page[page - 1]
        exact = prefix = suffix = body = ""
        quads: list[tuple[float, float, float, float]] = []
        if kind in ("highlight", "underline", "note"):
            start = rng.randrange(len(page_words) - 40)
            wanted = rng.randint(20, 200)
            end = start
            while (
                end < len(page_words) - 1
                and len(" ".join(w[4] for w in page_words[start : end + 1])) < wanted
            ):
                end += 1
            exact, prefix, suffix, quads = quote_of(page_words, start, end)  # type: ignore[arg-type]
        elif kind == "page-note":
            x, y = rng.uniform(40, 520), rng.uniform(40, 780)
            quads = [(x, y, x + 16, y + 16)]
        if kind in ("note", "page-note", "document-note"):
            body = prose(rng, note_length(rng))
        annotation = Annotations.make(
            resource.id,
            resource.sha256,
            kind,
            page,
            quads=quads,
            exact=exact,
            prefix=prefix,
            suffix=suffix,
            body=body,
            color=rng.choices(colours, colour_weights)[0],
            tags=rng.sample(TAGS, rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]),
        )
        created = stamp + timedelta(minutes=n * 37 % 500_000, seconds=n % 60)
        updated = created + timedelta(hours=rng.choice((0, 0, 0, 5, 200)))
        made.append(
            replace(
                annotation,
                created=created.isoformat(timespec="milliseconds"),
                updated=updated.isoformat(timespec="milliseconds"),
            )
        )
    long_ids = []
    for i in rng.sample([i for i, a in enumerate(made) if a.kind == "note"], LONG_NOTES):
        made[i] = replace(made[i], body=prose(rng, LONG_NOTE_CHARS))
        long_ids.append(made[i].id)
    with store.transaction():
        tag_ids = {name: store.tag_id(name) for name in TAGS}
        for a in made:
            store.query(
                """INSERT INTO annotations(id, resource_id, doc_sha256, kind, page, quads,
                       exact, prefix, suffix, body, color, created, updated)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    a.id,
                    a.resource_id,
                    a.doc_sha256,
                    a.kind,
                    a.page,
                    json.dumps([list(q) for q in a.quads]),
                    a.exact,
                    a.prefix,
                    a.suffix,
                    a.body,
                    a.color,
                    a.created,
                    a.updated,
                ),
            )
            for tag in a.tags:
                store.query(
                    "INSERT INTO annotation_tags(annotation_id, tag_id) VALUES (?, ?)",
                    (a.id, tag_ids[tag]),
                )
    return long_ids


# Timing helpers (in the measuring process)


def now() -> float:
    return time.perf_counter()


def until_painted(widgets: list[Any], action: Callable[[], Any], timeout: float = 30) -> float:
    """ms from calling ``action`` to the event loop having painted one of ``widgets`` (a
    frame of the window: every widget marked dirty is painted in the same pass)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    class Watch(QObject):
        seen = False

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.seen = True
            return False

    watch = Watch()
    for widget in widgets:
        widget.installEventFilter(watch)
    started = now()
    action()
    while not watch.seen:
        QApplication.processEvents()
        if now() - started > timeout:
            raise TimeoutError("nothing was painted")
    took = (now() - started) * 1000
    for widget in widgets:
        widget.removeEventFilter(watch)
    return took


def timed(action: Callable[[], Any]) -> float:
    started = now()
    action()
    return (now() - started) * 1000


class Split:
    """Times each call of some methods of some objects, by replacing them on the instance."""

    def __init__(self, parts: dict[str, tuple[Any, str]]) -> None:
        self.took: dict[str, list[float]] = {name: [] for name in parts}
        for name, (owner, method) in parts.items():
            original = getattr(owner, method)

            def clocked(*args: Any, _name: str = name, _original: Any = original) -> Any:
                started = now()
                try:
                    return _original(*args)
                finally:
                    self.took[_name].append((now() - started) * 1000)

            setattr(owner, method, clocked)
        self._parts = parts

    def undo(self) -> None:
        for owner, method in self._parts.values():
            delattr(owner, method)


def profile_text(action: Callable[[], Any], lines: int = 14) -> str:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    text = out.getvalue()
    return "\n".join(x for x in text.splitlines() if x.strip() and "Ordered by" not in x)


# The measurements (in the measuring process)


def measure(
    words_file: str, resource_id: str, count: int, runs: int, profile: bool
) -> dict[str, Any]:
    import gui_measures as gm
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from reader_app.annotations import AnnotationFilter, Annotations
    from reader_app.gui.annotation_editing import NewAnnotation
    from reader_app.page_text import quote_of

    _app = gm.app()
    rng = random.Random(SEED)
    words = json.loads(Path(words_file).read_text(encoding="utf-8"))
    library = gm.bundled_library()
    resource = library.resource(resource_id)
    started = now()
    long_ids = seed_annotations(library.store, resource, words, count, rng)
    seeded = now() - started
    core = Annotations(library.store)
    every = core.find(AnnotationFilter(resource_ids={resource_id}))
    by_page: dict[int, int] = {}
    for a in every:
        if a.page is not None:
            by_page[a.page] = by_page.get(a.page, 0) + 1
    busiest = max(by_page, key=by_page.__getitem__)
    short_notes = [a.id for a in every if a.kind == "note" and len(a.body) < 300]

    window, _ = gm.shown_window(library)
    started = now()
    gm.wait_indexed(window, timeout=900)
    indexed = now() - started
    gm.spin(0.2)

    started = now()
    view = window.open_document(resource_id, busiest)
    open_call = (now() - started) * 1000
    notes, panel, editor = view.notes, view.notes.panel, window.annotation_editor
    notes.show_panel()
    page = view.page_labels[busiest - 1]
    gm.spin(until=lambda: gm.has_pixmap(page), timeout=120)
    gm.spin(0.5)
    stalls: list[float] = []

    def settle() -> None:
        """Wait out the re-index that follows a change; record how late the GUI was."""
        probe = gm.StallProbe()
        probe.start()
        gm.spin(until=lambda: not window._reindex_timer.isActive() and not window.indexing)
        gm.spin(0.05)
        probe.stop()
        stalls.append(max(probe.late, default=0.0))

    def pick(combo: Any, data: Any) -> Callable[[], None]:
        def choose() -> None:
            index = combo.findData(data)
            combo.setCurrentIndex(index)
            combo.activated.emit(index)

        return choose

    def click(at: Any) -> Callable[[], None]:
        return lambda: QTest.mouseClick(
            panel.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at
        )

    page_words = [tuple(w) for w in words[busiest - 1]]
    figures: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    list_view = [panel.list.viewport()]
    table = [window.notes_view.table.viewport()]
    for run in range(runs + 1):  # the first round warms up; not counted
        if run == 1:
            figures.clear()
            stalls.clear()
        add("find", timed(lambda: core.find(AnnotationFilter(resource_ids={resource_id}))))
        split = Split(
            {
                "of_resource": (editor, "of_resource"),
                "set_annotations": (panel, "set_annotations"),
                "_draw": (notes, "_draw"),
            }
        )
        add("reload", until_painted(list_view, notes.reload))
        for name, took in split.took.items():
            add(f"reload.{name}", took[-1])
        split.undo()
        add("filter.colour", until_painted(list_view, pick(panel.colour_filter, "blue")))
        add("filter.all", until_painted(list_view, pick(panel.colour_filter, None)))
        add("filter.tag", until_painted(list_view, pick(panel.tag_filter, "evidence")))
        add("filter.all", until_painted(list_view, pick(panel.tag_filter, None)))
        add("filter.kind", until_painted(list_view, pick(panel.kind_filter, "note")))
        add("filter.all", until_painted(list_view, pick(panel.kind_filter, None)))

        for _ in range(3):  # a click on a card: chosen, shown on its page, in the editor
            index = panel.model.index(rng.randrange(panel.model.rowCount()), 0)
            panel.list.scrollTo(index)
            gm.spin(0.05)
            add("click", until_painted(list_view, click(panel.list.visualRect(index).center())))
            gm.spin(0.2)

        start = rng.randrange(len(page_words) - 20)
        exact, prefix, suffix, quads = quote_of(page_words, start, start + rng.randint(3, 12))  # type: ignore[arg-type]
        new = NewAnnotation(
            resource_id,
            resource.sha256,
            "highlight",
            busiest,
            quads=tuple(quads),
            exact=exact,
            prefix=prefix,
            suffix=suffix,
        )
        made: list[Any] = []

        def create(new: NewAnnotation = new, made: list[Any] = made) -> None:
            made.extend(editor.create([new]) or [])
            notes.choose(made[0].id)

        add("create", until_painted(list_view, create))
        settle()

        note_id = rng.choice(short_notes)
        panel.select(note_id)
        gm.spin(0.05)
        panel.note_edit.setPlainText(f"Typed in run {run}: {prose(rng, 120)}")
        add("edit", until_painted(list_view, panel.save_note))
        settle()

        long_id = long_ids[run % len(long_ids)]
        add(
            "long.select",
            until_painted([panel.note_edit.viewport()], lambda i=long_id: panel.select(i)),
        )
        gm.spin(0.05)
        panel.note_edit.moveCursor(panel.note_edit.textCursor().MoveOperation.End)
        panel.note_edit.insertPlainText(f" Added in run {run}.")
        add("long.save", until_painted(list_view, panel.save_note))
        settle()
        panel.select(note_id)
        gm.spin(0.05)

        add("page.grab", timed(page.grab))
        for x, y in ((5.0, 5.0), (300.0, 400.0), (500.0, 700.0)):
            add("page.hover", timed(lambda x=x, y=y: page.annotation_at(x, y)))

        window.tabs.setCurrentWidget(window.notes_view)
        gm.spin(0.1)
        add("notes.reload", until_painted(table, window.notes_view.reload))
        field = window.notes_view.text_filter
        for text in ("council", "resilient place"):
            field.blockSignals(True)
            field.setText(text)
            field.blockSignals(False)
            add("notes.text", until_painted(table, window.notes_view.reload))
        field.blockSignals(True)
        field.clear()
        field.blockSignals(False)
        window.tabs.setCurrentWidget(view)
        gm.spin(0.1)
        notes.show_panel()
        gm.spin(0.1)

        doomed = [a.id for a in rng.sample(notes.items, DELETED)]
        add("delete", until_painted(list_view, lambda ids=doomed: editor.delete(ids)))
        settle()
        add("undo", until_painted(list_view, editor.undo_stack.undo))
        settle()
        editor.delete([made[0].id])  # back to --count annotations
        settle()

    profiles: dict[str, str] = {}
    if profile:
        profiles["side panel load: reload() until painted"] = profile_text(
            lambda: until_painted(list_view, notes.reload)
        )
        profiles["colour filter until painted"] = profile_text(
            lambda: until_painted(list_view, pick(panel.colour_filter, "blue"))
        )
        until_painted(list_view, pick(panel.colour_filter, None))
        index = panel.model.index(panel.model.rowCount() // 2, 0)
        panel.list.scrollTo(index)
        gm.spin(0.05)
        profiles["click a card in the list until painted"] = profile_text(
            lambda: until_painted(list_view, click(panel.list.visualRect(index).center()))
        )
        profiles[f"choose a {LONG_NOTE_CHARS:,}-char note until painted"] = profile_text(
            lambda: until_painted([panel.note_edit.viewport()], lambda: panel.select(long_ids[0]))
        )
        panel.select(short_notes[0])
        gm.spin(0.05)
        panel.note_edit.setPlainText("Typed while profiling.")
        profiles["edit: save_note() until painted"] = profile_text(
            lambda: until_painted(list_view, panel.save_note)
        )
        settle()
        doomed = [a.id for a in rng.sample(notes.items, DELETED)]
        profiles[f"delete {DELETED} at once"] = profile_text(
            lambda: until_painted(list_view, lambda: editor.delete(doomed))
        )
        settle()
        profiles[f"undo of a delete of {DELETED}"] = profile_text(
            lambda: until_painted(list_view, editor.undo_stack.undo)
        )
        settle()
        profiles["page grab"] = profile_text(page.grab)
        window.tabs.setCurrentWidget(window.notes_view)
        gm.spin(0.1)
        profiles["Notes view reload()"] = profile_text(
            lambda: until_painted(table, window.notes_view.reload)
        )
        window.tabs.setCurrentWidget(view)
    QApplication.processEvents()
    result = {
        "figures": figures,
        "stalls": stalls,
        "open_call": open_call,
        "seconds": {"seed": seeded, "index": indexed},
        "count": len(every),
        "busiest": busiest,
        "on_busiest": by_page[busiest],
        "by_page": by_page,
        "profiles": profiles,
        "db_mb": library.store.path.stat().st_size / 1e6,
    }
    return gm.finish(window, library, result)


# The parent: words from the PDF, one measuring process, the table


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


ROWS: list[tuple[str, ...]] = []


def row(label: str, values: list[float], limit: float | None = None) -> None:
    if not values:
        ROWS.append((label, "0", "-", "-", "-", ""))
        return
    fmt = "{:.0f}" if max(values) >= 10 else "{:.1f}"
    target = "" if limit is None else f"<={limit:g} {'ok' if p95(values) <= limit else 'MISS'}"
    ROWS.append(
        (
            label,
            str(len(values)),
            fmt.format(statistics.median(values)),
            fmt.format(p95(values)),
            fmt.format(max(values)),
            target,
        )
    )


def print_table() -> None:
    head = ("measure (ms)", "n", "median", "p95", "max", "target (p95)")
    widths = [max(len(r[i]) for r in [head, *ROWS]) for i in range(len(head))]
    for i, cells in enumerate([head, *ROWS]):
        line = [cells[0].ljust(widths[0])]
        line += [cell.rjust(width) for cell, width in zip(cells[1:5], widths[1:5], strict=True)]
        print("  ".join([*line, cells[5]]).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of every measurement")
    parser.add_argument("--count", type=int, default=10_000, help="annotations on the document")
    parser.add_argument("--resource", default="recovery-prospectus", help="a bundled PDF's id")
    parser.add_argument("--profile", action="store_true", help="cProfile of the slow steps")
    args = parser.parse_args()
    from reader_app.documents import document_words
    from reader_app.manifest import load_manifest
    from reader_app.paths import MANIFEST_NAME, bundled_dir

    catalog = load_manifest(bundled_dir() / MANIFEST_NAME)
    resource = catalog.get(args.resource)
    if resource is None or resource.media_type != "application/pdf":
        sys.exit(f"{args.resource!r} is not a bundled PDF")
    platform = bench_gui.child_env("").get("QT_QPA_PLATFORM", "default")
    print(
        f"Qt platform {platform}, PySide6 {version('PySide6-Essentials')}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-annotations-") as data:
        words_file = Path(data) / "words.json"
        words_file.write_text(json.dumps(document_words(catalog.path_of(resource))))
        script = Path(data) / "reader-app-bench"
        script.write_text(MEASURE_SCRIPT, encoding="utf-8")
        options = {
            "words_file": str(words_file),
            "resource_id": resource.id,
            "count": args.count,
            "runs": args.runs,
            "profile": args.profile,
        }
        out = bench_gui.run([str(script), str(PERF), json.dumps(options)], data, timeout=1800)
    result = json.loads(next(x for x in reversed(out.splitlines()) if x.startswith("RESULT "))[7:])
    if result.get("pymupdf_in_gui"):
        print("WARNING: PyMuPDF was loaded in the GUI process", file=sys.stderr)
    f = result["figures"]
    pages = ", ".join(
        f"{p}: {n:,}" for p, n in sorted(result["by_page"].items(), key=lambda x: int(x[0]))
    )
    print(
        f"{result['count']:,} annotations on {resource.id} (by page {pages}), "
        f"{LONG_NOTES} notes of {LONG_NOTE_CHARS:,} characters; database {result['db_mb']:.0f} MB; "
        f"seeded in {result['seconds']['seed']:.1f} s, indexed for search in "
        f"{result['seconds']['index']:.0f} s"
    )
    busy = f"page {result['busiest']}, {result['on_busiest']:,} annotations"
    row("core: Annotations.find, one document", f["find"])
    row("open_document() call (makes the panel)", [result["open_call"]])
    row("side panel load: reload() to painted", f["reload"], 200)
    row("  of it: editor.of_resource (core find)", f["reload.of_resource"])
    row("  of it: panel.set_annotations", f["reload.set_annotations"])
    row("  of it: page widgets told (_draw)", f["reload._draw"])
    row("panel filter: one colour, to painted", f["filter.colour"], 100)
    row("panel filter: one tag, to painted", f["filter.tag"], 100)
    row("panel filter: one type, to painted", f["filter.kind"], 100)
    row("panel filter: back to all, to painted", f["filter.all"], 100)
    row("click a card in the list, to painted", f["click"], 100)
    row("create a highlight and choose it, to painted", f["create"], 100)
    row("edit: save a typed note, to painted", f["edit"], 100)
    row(f"choose a {LONG_NOTE_CHARS:,}-char note, to editor painted", f["long.select"], 100)
    row(f"edit: save a {LONG_NOTE_CHARS:,}-char note, to painted", f["long.save"], 100)
    row(f"busiest page grab() ({busy})", f["page.grab"], 16)
    row("busiest page annotation_at (each mouse move)", f["page.hover"], 16)
    row(f"Notes view reload(), all {result['count']:,}, to painted", f["notes.reload"], 200)
    row("Notes view reload() with a text filter", f["notes.text"], 100)
    row(f"delete {DELETED} at once, to painted", f["delete"], 100)
    row(f"undo that delete of {DELETED}, to painted", f["undo"], 100)
    row("GUI late while notes re-index after a change", result["stalls"], 50)
    print()
    print_table()
    for title, text in result["profiles"].items():
        print(f"\nProfile: {title}\n{text}")
    print(f"\n({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()

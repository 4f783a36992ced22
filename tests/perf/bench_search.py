"""Search benchmark: extraction, indexing and query latency on a synthetic corpus.

Run by hand (it takes minutes and writes a few hundred MB under --work):

    .venv/bin/python tests/perf/bench_search.py [--sizes 10000 50000] [--work DIR]

Generates PDFs of realistic text (Zipf-distributed vocabulary, ~350 words a
page, 100 pages a file), then prints for each size: raw PyMuPDF extraction rate
(one process), end-to-end indexing rate (PDF to searchable, both cores), search
latency p50/p95 for term, AND and phrase queries (warm searcher, top 20, with
snippets), and how long a new 300-page document takes to become searchable.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from reader_app.search.analysis import STOPS  # noqa: E402
from reader_app.search.index import SearchIndex  # noqa: E402
from reader_app.search.sources import IndexSource  # noqa: E402

WORDS_PER_PAGE = 350
PAGES_PER_FILE = 100
VOCABULARY = 40_000
SEED = 20261122
SYLLABLES = (
    "ba",
    "co",
    "de",
    "fi",
    "gu",
    "ha",
    "jo",
    "ka",
    "li",
    "mo",
    "nu",
    "pe",
    "qui",
    "ra",
    "si",
    "to",
    "ve",
    "wa",
    "xe",
    "yo",
    "zu",
    "ent",
    "ion",
    "ary",
    "ing",
    "ous",
)
COMMON = (  # noqa: SIM905 (a sentence is easier to read than 80 quoted words)
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there one all we their can has been if more when "
    "will would who so no council services data residents community digital local public "
    "recovery plan support people place partners housing care health strategy climate cost "
    "living poverty inclusion staff working hybrid recruitment retention trace test"
).split()


def vocabulary(rng: random.Random) -> list[str]:
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_weights(n: int, s: float = 1.07) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def page_text(rng: random.Random, words: list[str], cum: list[float]) -> str:
    chosen = rng.choices(words, cum_weights=cum, k=WORDS_PER_PAGE)
    sentences, i = [], 0
    while i < len(chosen):
        n = rng.randint(8, 20)
        part = chosen[i : i + n]
        sentences.append(part[0].capitalize() + " " + " ".join(part[1:]) + ".")
        i += n
    return " ".join(sentences)


def make_file(args: tuple[Path, int, int]) -> Path:
    path, file_number, pages = args
    rng = random.Random(SEED + file_number)
    words = vocabulary(random.Random(SEED))
    cum = list(__import__("itertools").accumulate(zipf_weights(len(words))))
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), page_text(rng, words, cum), fontsize=9)
    doc.save(path, garbage=1, deflate=True)
    return path


def corpus(folder: Path, pages: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    for n in range(pages // PAGES_PER_FILE):
        path = folder / f"doc{n:05d}.pdf"
        if not path.exists():
            jobs.append((path, n, PAGES_PER_FILE))
    if jobs:
        started = time.perf_counter()
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(make_file, jobs, chunksize=4))
        print(
            f"  generated {len(jobs) * PAGES_PER_FILE} pages in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    return sorted(folder.glob("doc*.pdf"))[: pages // PAGES_PER_FILE]


def source_for(path: Path) -> IndexSource:
    return IndexSource(
        resource_id=path.stem,
        signature=str(path.stat().st_size),
        title=f"Document {path.stem}",
        kind="briefing",
        collection="bench",
        pillars=("reform",),
        tags=(),
        year=2024,
        pages=PAGES_PER_FILE,
        path=str(path),
    )


def extraction_rate(files: list[Path], limit_pages: int = 2000) -> float:
    flags = pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    pages, started = 0, time.perf_counter()
    for path in files:
        with pymupdf.open(path) as doc:
            for page in doc:
                page.get_text("text", flags=flags)
                pages += 1
        if pages >= limit_pages:
            break
    return pages / (time.perf_counter() - started)


def pick_queries(words: list[str], rng: random.Random) -> dict[str, list[str]]:
    content = [w for w in words[:3000] if w not in STOPS]
    mid = content[50:1500]
    terms = rng.sample(mid, 40)
    firsts, seconds = rng.sample(content[10:300], 40), rng.sample(mid, 40)
    ands = [f"{a} {b}" for a, b in zip(firsts, seconds, strict=True)]
    return {"term": terms, "and": ands}


def phrases_from(files: list[Path], rng: random.Random, n: int = 40) -> list[str]:
    out = []
    with pymupdf.open(files[0]) as doc:
        for i in range(n):
            words = [w.strip(".").lower() for w in doc[i % doc.page_count].get_text().split()]
            start = rng.randrange(0, len(words) - 3)
            out.append('"' + " ".join(words[start : start + 2 + i % 2]) + '"')
    return out


def latency(index: SearchIndex, queries: list[str]) -> tuple[float, float]:
    for q in queries[:5]:
        index.search(q, limit=20)  # warm the searcher and caches
    times = []
    for q in queries:
        started = time.perf_counter()
        index.search(q, limit=20)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def run(size: int, work: Path, workers: int) -> None:
    print(f"\n== {size:,} pages", flush=True)
    files = corpus(work / "pdfs", size)
    print(f"raw extraction (PyMuPDF, 1 process): {extraction_rate(files):.0f} pages/s", flush=True)
    index = SearchIndex(work / f"index-{size}", workers=workers)
    sources = [source_for(p) for p in files]
    started = time.perf_counter()
    report = index.update(sources, rebuild=True)
    elapsed = time.perf_counter() - started
    print(
        f"end-to-end indexing ({workers} extraction workers + writer): "
        f"{report.pages / elapsed:.0f} pages/s "
        f"({report.pages} pages in {elapsed:.1f} s)",
        flush=True,
    )
    rng = random.Random(SEED)
    queries = pick_queries(vocabulary(random.Random(SEED)), rng)
    queries["phrase"] = phrases_from(files, rng)
    for kind, qs in queries.items():
        p50, p95 = latency(index, qs)
        print(f"search {kind:<6} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (n={len(qs)})", flush=True)
    new = work / f"new-{size}.pdf"
    if not new.exists():
        make_file((new, 99_999, 300))
    started = time.perf_counter()
    index.update([*sources, source_for(new)])
    hits = index.search(new.stem.replace("-", " "), limit=1)
    print(
        f"new 300-page document searchable after {time.perf_counter() - started:.2f} s "
        f"({len(hits.hits)} hit)",
        flush=True,
    )
    index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reader-bench"))
    parser.add_argument("--workers", type=int, default=2, help="extraction processes")
    args = parser.parse_args()
    for size in args.sizes:
        run(size, args.work, args.workers)


if __name__ == "__main__":
    main()

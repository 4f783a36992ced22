"""Build the bundled collection from its sources.

Reads ``resources/sources/`` (Markdown briefings, TOML infographics, and ``collection.toml``
with the pillars and collections) and ``resources/directory/`` (councils' strategies), writes
tagged PDF/UA-1 files (and PNGs) to ``resources/files/`` and the manifest to
``resources/collection.toml``. PDFs are made by WeasyPrint (the ``[build]`` extra:
``pip install -e .[build]``), PNGs by rasterising those PDFs with PyMuPDF.

The output is deterministic: the same sources, WeasyPrint, PyMuPDF and fonts give
byte-identical files. Run it after editing a source, and commit the result:

    python packaging/build_collection.py            # rebuild into resources/
    python packaging/build_collection.py --check    # verify resources/ is up to date
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pymupdf

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout: use this tree's reader_app
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # the sibling modules, when imported from elsewhere

import collection_html as pages  # noqa: E402
import collection_pdf  # noqa: E402
import infographics  # noqa: E402
from collection_markdown import (  # noqa: E402
    LinkRules,
    SourceError,
    inline_html,
    markdown_to_html,
    split_front_matter,
)

from reader_app.catalog import COUNCIL_TYPES, NATIONS  # noqa: E402
from reader_app.manifest import SCHEMA_VERSION, dump_manifest, load_manifest  # noqa: E402

__all__ = ["SourceError", "build", "built_with", "check", "main", "strategy_id"]

RESOURCES = ROOT / "resources"
SOURCES = RESOURCES / "sources"
DIRECTORY = RESOURCES / "directory"
BRIEF_PAGES = range(1, 3)  # a councillor's brief: one sheet, printed both sides
BRIEFING_PAGES = range(3, 9)
KINDS_FROM_MARKDOWN = ("briefing", "guide", "case-study")
STRATEGIES = "council-strategies"
_YEAR = re.compile(r"^\d{4}$")


@dataclass
class Setup:
    """The hand-written part of the manifest, and what links may point at."""

    order: list[str]
    allowed_urls: set[str]
    pillars: dict[str, dict[str, Any]]
    collections: dict[str, dict[str, Any]]
    directory: list[dict[str, Any]] = field(default_factory=list)
    rules: LinkRules = field(default_factory=lambda: LinkRules(set()))


def strategy_id(council: str) -> str:
    """``strategy-`` + the council's slug: "City of York Council" ->
    "strategy-city-of-york-council" (the shared interface of issue 15)."""
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower().replace("&", "and")).strip("-")
    return "strategy-" + slug[:55].strip("-")


def load_directory(directory: Path) -> list[dict[str, Any]]:
    """Every ``[[strategy]]`` of ``directory/*.toml``, each with its ``id``, in id order."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.toml")):
        for strategy in tomllib.loads(path.read_text(encoding="utf-8")).get("strategy", []):
            sid = strategy_id(strategy["council"])
            if sid in found:
                raise SourceError(f"{path.name}: two strategies make the id {sid}")
            found[sid] = {**strategy, "id": sid}
    return [found[sid] for sid in sorted(found)]


def load_setup(sources: Path, directory: Path) -> Setup:
    raw = tomllib.loads((sources / "collection.toml").read_text(encoding="utf-8"))
    setup = Setup(
        order=list(raw["order"]),
        allowed_urls=set(raw["allowed_urls"]),
        pillars={p["id"]: p for p in raw["pillars"]},
        collections={c["id"]: c for c in raw["collections"]},
        directory=load_directory(directory),
    )
    if STRATEGIES not in setup.collections:
        raise SourceError(f"collection.toml: the '{STRATEGIES}' collection is missing")
    setup.rules = LinkRules(
        socitm_urls=setup.allowed_urls,
        council_urls={s["url"] for s in setup.directory},
        resource_ids=set(setup.order) | {s["id"] for s in setup.directory},
        directory_values={
            "pillar": set(setup.pillars),
            "nation": set(NATIONS),
            "council_type": set(COUNCIL_TYPES),
        },
    )
    return setup


def directory_link(**filters: str) -> str:
    """``resource-reader://directory?...``: the directory, filtered so."""
    return "resource-reader://directory?" + urlencode(filters, quote_via=quote)


# Labels: what each item is, said on its cover, in its notice and in the manifest.


def label_of(meta: dict[str, Any], setup: Setup) -> str:
    if meta.get("summary_of"):
        return f"Summary of {meta['summary_of']}, written for Resource Reader; not the original"
    collection = setup.collections[meta["collection"]]["title"]
    return (
        # Quoted: "Reset. Reform. Renew. Resilient." ends in its own full stops.
        f"Guidance written for Resource Reader on a theme of \u201c{collection}\u201d; "
        "not a Socitm publication"
    )


def strategy_label(council: str) -> str:
    return (
        f"Summary written for Resource Reader from {council}'s public page; "
        "not the council's document"
    )


def keywords(pillar_ids: list[str], setup: Setup, *more: str) -> str:
    names = ", ".join(setup.pillars[p]["name"] for p in pillar_ids)
    return "; ".join([names, *more, "place-based recovery", "local government"])


# Briefings, guides and case studies


def render_briefing(meta: dict[str, Any], body: list[str], path: Path, setup: Setup) -> bytes:
    body_html, headings = markdown_to_html(body, path, setup.rules)
    contents = [
        (h.anchor, inline_html(h.text, path.name, set(), None)) for h in headings if h.level == 1
    ]
    accent = setup.pillars[meta["pillars"][0]]["colour"]
    body = pages.briefing_body(
        meta,
        label=label_of(meta, setup),
        body_html=body_html,
        contents=contents,
        pillars=setup.pillars,
        collection=setup.collections[meta["collection"]],
        compact=meta.get("layout") == "brief",
    )
    document = pages.document(
        title=meta["title"],
        summary=meta["summary"],
        keywords=keywords(meta["pillars"], setup),
        css=pages.stylesheet(accent, f"Resource Reader · {pages.short(meta['title'])}"),
        body=body,
    )
    data = collection_pdf.html_to_pdf(document)
    count = collection_pdf.page_count(data)
    allowed = BRIEF_PAGES if meta.get("layout") == "brief" else BRIEFING_PAGES
    if count not in allowed:
        raise SourceError(
            f"{path.name}: {count} pages; a {meta.get('layout', 'briefing')} must have "
            f"{allowed.start} to {allowed.stop - 1}"
        )
    return data


# Infographics


def infographic_document(meta: dict[str, Any], setup: Setup) -> str:
    """The infographic's HTML (packaging/infographics.py's design), its links checked."""
    document = infographics.infographic_html(
        meta,
        pillars=list(setup.pillars.values()),
        directory=setup.directory,
        collection=setup.collections[meta["collection"]],
        label=label_of(meta, setup),
    )
    # The designs' links follow the sources' rules: an item, the directory, a council, Socitm.
    anchors = set(re.findall(r'\bid="([^"]+)"', document))
    for target in re.findall(r'\bhref="([^"]*)"', document):
        setup.rules.check(html.unescape(target), f"{meta['id']}.toml (its design)", anchors)
    for svg in re.findall(r"<svg\b.*?</svg>", document, flags=re.DOTALL):
        if re.search(r"<a\b", svg):
            raise SourceError(
                f"{meta['id']}: a link inside an inline <svg> is not live in the PDF "
                "(WeasyPrint draws it as text); put the <a> in the HTML around or beside it"
            )
    return document


def render_infographic(meta: dict[str, Any], setup: Setup) -> bytes:
    data = collection_pdf.html_to_pdf(infographic_document(meta, setup))
    if collection_pdf.figures_without_alt(data):
        raise SourceError(
            f"{meta['id']}: a figure has no alt text: give each <img> an alt and each inline "
            "<svg> a <title> child stating its message"
        )
    if collection_pdf.page_count(data) != 1:
        raise SourceError(f"{meta['id']}: an infographic must fit on one page")
    if collection_pdf.pdf_title(data) != meta["title"]:
        raise SourceError(f"{meta['id']}: the HTML's <title> must be the infographic's title")
    return collection_pdf.pdf_to_png(data) if meta["format"] == "png" else data


# Council strategies


def render_strategy(strategy: dict[str, Any], setup: Setup) -> bytes:
    label = strategy_label(strategy["council"])
    body = pages.strategy_body(
        strategy,
        label=label,
        pillars=setup.pillars,
        directory_link=directory_link(
            nation=strategy["nation"], council_type=strategy["council_type"]
        ),
    )
    document = pages.document(
        title=strategy["title"],
        summary=strategy["summary"],
        keywords=keywords(strategy["pillars"], setup, ", ".join(strategy["themes"])),
        css=pages.stylesheet(
            setup.pillars[strategy["pillars"][0]]["colour"],
            "Resource Reader · council strategies directory",
        ),
        body=body,
    )
    data = collection_pdf.html_to_pdf(document)
    if collection_pdf.page_count(data) != 1:
        raise SourceError(f"{strategy['council']}: the strategy's page must fit on one page")
    return data


def strategy_entry(strategy: dict[str, Any], data: bytes) -> dict[str, Any]:
    return {
        "id": strategy["id"],
        "title": strategy["title"],
        "kind": "strategy",
        "pillars": list(strategy["pillars"]),
        "collection": STRATEGIES,
        "date": strategy["date"],
        "summary": " ".join(strategy["summary"].split()),
        "source_url": strategy["url"],
        "file": f"files/{strategy['id']}.pdf",
        "sha256": hashlib.sha256(data).hexdigest(),
        "pages": 1,
        "media_type": "application/pdf",
        "label": strategy_label(strategy["council"]),
        "council": strategy["council"],
        "nation": strategy["nation"],
        "council_type": strategy["council_type"],
        "themes": list(strategy["themes"]),
    }


# The whole collection


REQUIRED = ("id", "title", "kind", "pillars", "collection", "date", "source_url", "summary")


def check_meta(meta: dict[str, Any], path: Path, setup: Setup) -> None:
    for key in REQUIRED:
        if not meta.get(key):
            raise SourceError(f"{path.name}: '{key}' is missing")
    if meta["id"] != path.stem:
        raise SourceError(f"{path.name}: id '{meta['id']}' must equal the file name")
    if meta["source_url"] not in setup.allowed_urls:
        raise SourceError(f"{path.name}: source_url is not in allowed_urls")
    unknown = [p for p in meta["pillars"] if p not in setup.pillars]
    if unknown or meta["collection"] not in setup.collections or meta["collection"] == STRATEGIES:
        raise SourceError(f"{path.name}: unknown pillar or collection")
    if "summary_of" in meta and not (isinstance(meta["summary_of"], str) and meta["summary_of"]):
        raise SourceError(f"{path.name}: 'summary_of' must be the original's title")
    if meta.get("layout", "briefing") not in ("briefing", "brief"):
        raise SourceError(f"{path.name}: 'layout' must be \"brief\" or left out")
    meta["date"] = str(meta["date"])
    # A bare year stands for a date the originals do not give: printed "c. 2022".
    meta["date_approximate"] = bool(_YEAR.match(meta["date"]))


def build_one(path: Path, setup: Setup) -> tuple[dict[str, Any], bytes, str]:
    """Return the manifest entry, the file's bytes and its extension."""
    if path.suffix == ".md":
        meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
        check_meta(meta, path, setup)
        if meta["kind"] not in KINDS_FROM_MARKDOWN:
            raise SourceError(f"{path.name}: kind '{meta['kind']}' cannot come from Markdown")
        data, ext, media_type = render_briefing(meta, body, path, setup), "pdf", "application/pdf"
    else:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
        meta["kind"] = "infographic"
        check_meta(meta, path, setup)
        for key in ("alt_text", "transcript"):
            if not meta.get(key):
                raise SourceError(f"{path.name}: '{key}' is missing")
        data = render_infographic(meta, setup)
        ext = meta["format"]
        media_type = "image/png" if ext == "png" else "application/pdf"
    entry: dict[str, Any] = {
        "id": meta["id"],
        "title": meta["title"],
        "kind": meta["kind"],
        "pillars": list(meta["pillars"]),
        "collection": meta["collection"],
        "date": meta["date"],
    }
    if meta["date_approximate"]:
        entry["date_approximate"] = True
    entry |= {
        "summary": " ".join(meta["summary"].split()),
        "source_url": meta["source_url"],
        "file": f"files/{meta['id']}.{ext}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "pages": 1 if ext == "png" else collection_pdf.page_count(data),
        "media_type": media_type,
        "label": label_of(meta, setup),
    }
    if meta["kind"] == "infographic":
        entry["alt_text"] = " ".join(meta["alt_text"].split())
        entry["transcript"] = meta["transcript"].strip()
    return entry, data, ext


def built_with() -> str:
    """What made the files; the rebuild test compares it before comparing bytes."""
    return (
        f"WeasyPrint {collection_pdf.weasyprint_version()} (PDF/UA-1, fonts subset by "
        f"{collection_pdf.font_subsetter()}); "
        f"PNG by PyMuPDF {pymupdf.VersionBind}, MuPDF {pymupdf.VersionFitz}"
    )


def manifest_text(setup: Setup, entries: list[dict[str, Any]]) -> str:
    data = {
        "schema": SCHEMA_VERSION,
        "built_with": built_with(),
        "pillars": list(setup.pillars.values()),
        "collections": list(setup.collections.values()),
        "resources": entries,
    }
    header = (
        "The bundled collection's manifest. Generated by packaging/build_collection.py\n"
        "from resources/sources/ and resources/directory/: edit those and rebuild, not this file."
    )
    return dump_manifest(data, header)


def build(out: Path, sources: Path = SOURCES, directory: Path = DIRECTORY) -> list[dict[str, Any]]:
    """Build every source and strategy into ``out/files`` and write ``out/collection.toml``."""
    setup = load_setup(sources, directory)
    found = {p.stem: p for p in sorted(sources.glob("*.md")) + sorted(sources.glob("*.toml"))}
    found.pop("collection", None)
    found.pop("FORMAT", None)
    missing = set(setup.order) - set(found)
    unlisted = set(found) - set(setup.order)
    if missing or unlisted:
        raise SourceError(
            f"order lists missing sources {sorted(missing)}; unlisted {sorted(unlisted)}"
        )
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    entries = []
    for rid in setup.order:
        entry, data, ext = build_one(found[rid], setup)
        (files / f"{rid}.{ext}").write_bytes(data)
        entries.append(entry)
        print(f"{rid}: {entry['pages']} page(s), {len(data) // 1024} KiB", file=sys.stderr)
    for strategy in setup.directory:
        data = render_strategy(strategy, setup)
        (files / f"{strategy['id']}.pdf").write_bytes(data)
        entries.append(strategy_entry(strategy, data))
    print(f"{len(setup.directory)} council strategies: 1 page each", file=sys.stderr)
    wanted = {Path(e["file"]).name for e in entries}
    for stale in files.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    manifest = out / "collection.toml"
    manifest.write_text(manifest_text(setup, entries), encoding="utf-8")
    load_manifest(manifest)  # what we wrote must pass the app's own validation
    return entries


def check(out: Path = RESOURCES) -> list[str]:
    """Rebuild into a temporary folder and list what differs from ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        problems = []
        fresh_files = {p.relative_to(tmp) for p in Path(tmp).rglob("*") if p.is_file()}
        for rel in sorted(fresh_files):
            current = out / rel
            if not current.is_file() or current.read_bytes() != (Path(tmp) / rel).read_bytes():
                problems.append(str(rel))
        current_files = sorted((out / "files").iterdir()) if (out / "files").is_dir() else []
        for extra in current_files:
            if Path("files", extra.name) not in fresh_files:
                problems.append(f"files/{extra.name} (no longer built)")
        return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=RESOURCES, help="output folder")
    parser.add_argument("--check", action="store_true", help="verify the output is up to date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = check(args.out)
            for rel in stale:
                print(f"out of date: {rel}", file=sys.stderr)
            return 1 if stale else 0
        entries = build(args.out)
    except SourceError as exc:
        print(f"build_collection: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(
            f"build_collection: {exc}; install the build tools: pip install -e '.[build]'",
            file=sys.stderr,
        )
        return 1
    pages_total = sum(e["pages"] for e in entries)
    print(f"{len(entries)} resources, {pages_total} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

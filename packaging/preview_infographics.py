"""Render the four infographic sources to PDF and PNG in a folder, to look at them.

    python packaging/preview_infographics.py /tmp/infographics
    python packaging/preview_infographics.py --write-transcripts   # refresh the sources'
                                                                   # transcript fields

Uses WeasyPrint (the ``[build]`` extra) the way the collection build does (PDF/UA-1), then
PyMuPDF to rasterise page 1.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_collection  # noqa: E402
from infographics import infographic_transcript  # noqa: E402

SOURCES = ROOT / "resources" / "sources"
DIRECTORY = ROOT / "resources" / "directory"
INFOGRAPHICS = (
    "four-rs-at-a-glance",
    "championing-place-based-recovery",
    "compounding-pressures",
    "transforming-recruitment",
)


def load_directory() -> list[dict[str, Any]]:
    return build_collection.load_directory(DIRECTORY)


def html_for(rid: str) -> str:
    setup = build_collection.load_setup(SOURCES, DIRECTORY)
    spec = tomllib.loads((SOURCES / f"{rid}.toml").read_text("utf-8"))
    return build_collection.infographic_document(spec, setup)


def write_transcript(rid: str) -> None:
    """Replace the source's ``transcript`` with the text the infographic now shows."""
    setup = tomllib.loads((SOURCES / "collection.toml").read_text("utf-8"))
    path = SOURCES / f"{rid}.toml"
    text = path.read_text("utf-8")
    spec = tomllib.loads(text)
    fresh = infographic_transcript(spec, pillars=setup["pillars"], directory=load_directory())
    assert '"""' not in fresh and not fresh.endswith("\\")
    field = re.compile(r'^transcript = (""".*?"""|"[^"\n]*")$', re.S | re.M)
    if len(field.findall(text)) != 1:
        raise SystemExit(f"{path.name}: expected one transcript = ... line")
    path.write_text(field.sub(lambda _: f'transcript = """{fresh}"""', text), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", help="folder for the PDFs and PNGs")
    parser.add_argument("--write-transcripts", action="store_true")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args(argv)
    if args.write_transcripts:
        for rid in INFOGRAPHICS:
            write_transcript(rid)
    if args.out is None:
        return 0
    import pymupdf
    import weasyprint

    args.out.mkdir(parents=True, exist_ok=True)
    for rid in INFOGRAPHICS:
        page = args.out / f"{rid}.html"
        page.write_text(html_for(rid), encoding="utf-8")
        pdf = args.out / f"{rid}.pdf"
        weasyprint.HTML(filename=page).write_pdf(pdf, pdf_variant="pdf/ua-1")
        with pymupdf.open(pdf) as doc:
            doc[0].get_pixmap(dpi=args.dpi).save(args.out / f"{rid}.png")
            print(f"{rid}: {doc.page_count} page(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

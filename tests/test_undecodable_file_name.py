"""A document whose file name holds bytes the file system's encoding does not decode is
imported, its name shown with U+FFFD: MuPDF was given a name it could not open ("Failed
to open file"), and then SQLite refused the name (a lone surrogate)."""

import os
import sys
from pathlib import Path

import pymupdf
import pytest

from reader_app import cli, paths
from reader_app.library import Library


@pytest.mark.skipif(sys.platform != "linux", reason="names of any bytes: Linux file systems")
def test_a_name_with_undecodable_bytes_is_imported(tmp_path: Path, capsys) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Marmalade recovery plans")
    path = Path(os.fsdecode(bytes(tmp_path) + b"/plans\xff\xfe.pdf"))
    doc.save(tmp_path / "x.pdf")
    os.rename(tmp_path / "x.pdf", os.fsencode(path))
    assert cli.main(["import", "--pillar", "reset", "--json", str(path)]) == 0, capsys.readouterr()
    library = Library.open(paths.resolve(), backup=False)
    try:
        (mine,) = [r for r in library.resources() if r.source != "bundled"]
        original = library.store.query("SELECT original_name FROM imported_resources")[0][0]
    finally:
        library.close()
    assert mine.title == "Marmalade recovery plans"
    assert original == "plans\ufffd\ufffd.pdf"

"""`reader-app export --format pdf` makes the annotated copy in a worker process, under
the workers' memory limit, as the desktop app does: PyMuPDF never loads in the command's
own process (it did, so a hostile PDF could take that process's memory)."""

import subprocess
import sys

from repo_paths import REPO

from reader_app.library import Library

SCRIPT = """
import sys
from reader_app.cli import main
code = main(sys.argv[1:])
print("pymupdf loaded" if "pymupdf" in sys.modules else "pymupdf not loaded", code)
"""


def test_the_annotated_copy_is_made_in_a_worker(export_library: Library, data_dir, tmp_path):
    out = tmp_path / "copy.pdf"
    args = ["--data-dir", str(data_dir), "export", "--format", "pdf", "--resource"]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args, "reset-pillar", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "pymupdf not loaded 0", done.stderr
    assert out.read_bytes().startswith(b"%PDF")

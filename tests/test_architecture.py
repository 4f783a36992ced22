"""Import rules: the core knows no Qt; PyMuPDF and Whoosh stay in their own modules."""

import ast
import subprocess
import sys
from pathlib import Path

from repo_paths import REPO

PACKAGE = REPO / "reader_app"
GUI = PACKAGE / "gui"
# Modules allowed to import PyMuPDF: they run only in worker processes.
# By file name; pdf_active_content is called only by pdf_export.annotate, in a worker.
PYMUPDF_MODULES = {"documents.py", "pdf_export.py", "pdf_active_content.py", "mupdf_messages.py"}
SEARCH_PACKAGE = PACKAGE / "search"


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def core_modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if GUI not in p.parents]


def test_core_sources_import_no_qt() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in core_modules()
        if imported_roots(p) & {"PySide6", "PyQt5", "PyQt6", "shiboken6"}
    ]
    assert offenders == []


def test_importing_the_core_loads_no_qt() -> None:
    names = sorted(
        "reader_app." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in core_modules()
        if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_pymupdf_only_in_worker_side_modules() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in PACKAGE.rglob("*.py")
        if imported_roots(p) & {"pymupdf", "fitz"} and p.name not in PYMUPDF_MODULES
    ]
    assert offenders == []


def test_gui_never_imports_pymupdf_even_indirectly() -> None:
    code = (
        "import sys\n"
        "import reader_app.gui.main_window, reader_app.gui.app\n"
        "print('pymupdf' in sys.modules or 'fitz' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.stdout.strip() == "False"


def test_whoosh_only_in_the_search_package() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in PACKAGE.rglob("*.py")
        if "whoosh" in imported_roots(p) and SEARCH_PACKAGE not in p.parents
    ]
    assert offenders == []


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(REPO))
        for p in PACKAGE.rglob("*.py")
        if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert missing == []


def test_commands_that_do_not_search_do_not_load_whoosh_or_pymupdf() -> None:
    code = (
        "import sys\n"
        "import reader_app.cli\n"
        "print(sorted(m for m in ('whoosh', 'pymupdf', 'PySide6') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

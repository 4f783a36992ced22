"""MuPDF's messages never reach stdout or stderr, and every --json command prints one
JSON document, whatever MuPDF thinks of the files it is given."""

import json
import os

import hostile_files
import pytest
import worker_tasks

from reader_app.cli import main
from reader_app.worker import WorkerPool, run_isolated


def run(capfd, *args: str) -> tuple[int, str, str]:
    """The command, in-process; stdout and stderr caught at the descriptors, so what
    worker processes and C code write is caught too."""
    code = main(list(args))
    out, err = capfd.readouterr()
    return code, out, err


def assert_clean(out: str, err: str) -> None:
    """Nothing MuPDF printed itself ("MuPDF error: ..."); what it said may be quoted
    inside the JSON, as a notice."""
    assert "MuPDF error" not in out and "MuPDF warning" not in out
    assert "MuPDF" not in err and "Traceback" not in err


@pytest.fixture
def hostile(tmp_path):
    files = {
        "cyclic": tmp_path / "cyclic.pdf",
        "nested": tmp_path / "nested.pdf",
    }
    files["cyclic"].write_bytes(hostile_files.cyclic_page_tree())
    files["nested"].write_bytes(hostile_files.nested_arrays())
    return files


def test_import_json_of_a_cyclic_page_tree_is_one_json_document(capfd, hostile) -> None:
    code, out, err = run(capfd, "import", str(hostile["cyclic"]), "--pillar", "renew", "--json")
    assert_clean(out, err)
    [report] = json.loads(out)
    assert code == 1 and report["status"] == "error"
    # The real reason, not "cannot pickle SwigPyObject".
    assert "cycle in page tree" in report["error"]
    assert "pickle" not in report["error"]


def test_import_json_of_100k_nested_arrays_is_one_json_document(capfd, hostile) -> None:
    code, out, err = run(capfd, "import", str(hostile["nested"]), "--pillar", "renew", "--json")
    assert_clean(out, err)
    [report] = json.loads(out)
    assert code == 0 and report["status"] == "imported"
    # What MuPDF said is kept, as a few notices, not thrown away.
    mupdf = [n for n in report["notices"] if "MuPDF reported" in n]
    assert mupdf and len(mupdf) <= 5
    assert any("stack overflow" in n for n in mupdf)


def test_search_json_while_the_index_is_rebuilt_over_hostile_files(
    capfd, hostile, data_dir
) -> None:
    import shutil

    code, _out, _err = run(capfd, "import", str(hostile["nested"]), "--pillar", "renew")
    assert code == 0
    index = data_dir / "cache" / "index"
    assert index.is_dir()  # the import indexed it
    shutil.rmtree(index)
    code, out, err = run(capfd, "search", "digital", "--json")  # rebuilds the index
    assert_clean(out, err)
    assert code == 0 and json.loads(out)["query"] == "digital"


def test_pymupdf_in_this_process_prints_nothing(capfd, hostile) -> None:
    from reader_app.documents import DocumentError, page_texts

    page_texts(hostile["nested"])  # MuPDF complains, and recovers
    with pytest.raises(DocumentError, match="cycle in page tree"):
        page_texts(hostile["cyclic"])
    out, err = capfd.readouterr()
    assert_clean(out, err)


@pytest.mark.skipif(os.name != "posix", reason="file descriptors as on Linux and macOS")
def test_what_a_worker_writes_to_its_descriptors_goes_nowhere(capfd) -> None:
    assert run_isolated(worker_tasks.write_to_descriptors, "isolated") == "written"
    with WorkerPool(size=1) as pool:
        assert dict(pool.map_unordered(worker_tasks.write_to_descriptors, [("pooled",)])) == {
            0: "written"
        }
    out, err = capfd.readouterr()
    assert "isolated" not in out + err and "pooled" not in out + err


def test_pymupdf_loaded_directly_after_the_cli_starts_prints_nothing(hostile) -> None:
    """As the annotated-PDF export loads it, in the command line's own process."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from reader_app.mupdf_messages import route_messages_to_log\n"
        "route_messages_to_log()\n"
        "import pymupdf\n"
        "try:\n"
        f"    pymupdf.open({str(hostile['cyclic'])!r})[0].get_text()\n"
        "except Exception as exc:\n"
        "    sys.stderr.write('raised\\n')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout == "" and result.stderr == "raised\n"

import pytest
import worker_tasks

from reader_app.documents import DocumentError, document_info
from reader_app.worker import WorkerError, run_isolated


def test_result_comes_back() -> None:
    assert run_isolated(worker_tasks.add, 2, 3) == 5


def test_exception_is_reraised_with_its_type() -> None:
    with pytest.raises(ValueError, match="bad input"):
        run_isolated(worker_tasks.fail, "bad input")


def test_crash_is_a_worker_error() -> None:
    with pytest.raises(WorkerError, match="crashed"):
        run_isolated(worker_tasks.crash)


def test_hang_is_stopped() -> None:
    with pytest.raises(WorkerError, match="longer than"):
        run_isolated(worker_tasks.hang, timeout=1)


def test_unpicklable_result_is_a_worker_error() -> None:
    with pytest.raises(WorkerError, match="could not be returned"):
        run_isolated(worker_tasks.unpicklable)


def test_corrupt_pdf_is_a_document_error(tmp_path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(DocumentError, match=r"broken\.pdf"):
        run_isolated(document_info, str(bad))

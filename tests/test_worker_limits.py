"""Workers are bounded: memory capped, pixels capped, and what goes wrong in one comes
back as an error that says why (not "cannot pickle SwigPyObject")."""

import sys

import hostile_files
import pytest
import worker_tasks

from reader_app.documents import DocumentError, render_page, render_page_to_file
from reader_app.worker import WorkerError, WorkerPool, run_isolated

# Over the workers' 2 GiB cap (asked for, never touched: without a cap the system lends it).
TOO_MUCH = 3 * 2**30

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux"
)


@linux_only
def test_a_worker_cannot_take_more_memory_than_its_limit() -> None:
    with pytest.raises(WorkerError, match="more memory than a worker may use"):
        run_isolated(worker_tasks.allocate, TOO_MUCH)
    assert run_isolated(worker_tasks.allocate, 2**20) == 2**20  # a normal job is fine


@linux_only
def test_a_pool_worker_out_of_memory_fails_that_job_and_the_pool_carries_on() -> None:
    with WorkerPool(size=1) as pool:
        big = dict(pool.map_unordered(worker_tasks.allocate, [(TOO_MUCH,)]))
        assert isinstance(big[0], WorkerError) and "more memory" in str(big[0])
        assert dict(pool.map_unordered(worker_tasks.add, [(2, 2)])) == {0: 4}


def test_an_exception_that_cannot_be_pickled_comes_back_with_its_reason() -> None:
    with pytest.raises(WorkerError) as caught:
        run_isolated(worker_tasks.fail_unpicklably, "the real reason")
    assert str(caught.value) == "HoldsALock: the real reason"
    with WorkerPool(size=1) as pool:
        [(_index, error)] = list(pool.map_unordered(worker_tasks.fail_unpicklably, [("again",)]))
    assert isinstance(error, WorkerError) and str(error) == "HoldsALock: again"


def test_an_exception_that_cannot_be_rebuilt_here_comes_back_with_its_reason() -> None:
    with pytest.raises(WorkerError, match=r"NeedsTwoArguments: broken \(code 7\)"):
        run_isolated(worker_tasks.fail_unrebuildably, "broken")


def test_a_mupdf_exception_comes_back_with_its_reason(tmp_path) -> None:
    cyclic = tmp_path / "cyclic.pdf"
    cyclic.write_bytes(hostile_files.cyclic_page_tree())
    # Raised by PyMuPDF itself, holding a SWIG object.
    with pytest.raises(WorkerError, match=r"FzErrorFormat: .*cycle in page tree"):
        run_isolated(worker_tasks.fail_in_mupdf, str(cyclic))
    # Through our own code: a DocumentError naming the file.
    with pytest.raises(DocumentError, match=r"cyclic\.pdf cannot be read: cycle in page tree"):
        run_isolated(render_page, str(cyclic), 1, 1.0)


def test_an_image_bomb_is_refused_from_its_header_in_a_worker(tmp_path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(hostile_files.png_bomb())  # 1.1 MB, 400 megapixels
    assert bomb.stat().st_size < 2 * 2**20
    with pytest.raises(DocumentError, match=r"20,000 x 20,000 pixels \(400 megapixels\)"):
        run_isolated(render_page, str(bomb), 1, 0.05)
    fine = tmp_path / "fine.png"  # the same, 800 x 600: opened as before
    fine.write_bytes(hostile_files.png_bomb(800, 600))
    assert run_isolated(render_page, str(fine), 1, 0.5).width == 300


def test_a_page_too_large_to_render_whole_is_rendered_smaller(tmp_path) -> None:
    huge = tmp_path / "poster.pdf"
    huge.write_bytes(hostile_files.huge_page(10_000, 5_000))  # 50 MP at 100%
    page = run_isolated(render_page_to_file, str(huge), 1, 1.0, str(tmp_path))
    assert page.width < 10_000

    from reader_app.documents import RENDER_PIXELS

    assert page.width * page.height <= RENDER_PIXELS
    assert page.width == pytest.approx(2 * page.height, rel=0.01)  # its shape kept
    assert page.width > 8000  # as sharp as the budget allows

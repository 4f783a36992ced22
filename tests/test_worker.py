import pytest
import worker_tasks

from reader_app.documents import DocumentError, document_info
from reader_app.worker import WorkerError, WorkerPool, run_isolated


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


def test_pool_runs_jobs_and_survives_a_crash_and_a_hang() -> None:
    with WorkerPool(size=2, timeout=2) as pool:
        jobs = [(1, 2), (3, 4), (5, 6)]
        results = dict(pool.map_unordered(worker_tasks.add, jobs))
        assert results == {0: 3, 1: 7, 2: 11}
        mixed = dict(pool.map_unordered(worker_tasks.crash_if, [(False,), (True,), (False,)]))
        assert mixed[0] == "fine" and mixed[2] == "fine"
        assert isinstance(mixed[1], WorkerError)
        hung = dict(pool.map_unordered(worker_tasks.hang_if, [(True,), (False,)]))
        assert isinstance(hung[0], WorkerError) and hung[1] == "fine"
        # The pool still works after replacing the broken workers.
        assert dict(pool.map_unordered(worker_tasks.add, [(2, 2)])) == {0: 4}


def test_pool_reports_exceptions_per_job() -> None:
    with WorkerPool(size=1) as pool:
        results = dict(pool.map_unordered(worker_tasks.fail, [("one",), ("two",)]))
    assert [str(results[i]) for i in (0, 1)] == ["one", "two"]


def test_pool_stops_handing_out_jobs_when_cancelled() -> None:
    with WorkerPool(size=1) as pool:
        done = list(pool.map_unordered(worker_tasks.add, [(1, 1)] * 5, cancelled=lambda: True))
    assert done == []


def test_submit_and_collect_feed_jobs_as_workers_free_up() -> None:
    with WorkerPool(size=2, timeout=2) as pool:
        pool.submit("slow", worker_tasks.hang_if, (True,))
        pool.submit("quick", worker_tasks.add, (1, 2))
        assert not pool.has_idle()
        with pytest.raises(RuntimeError):
            pool.submit("third", worker_tasks.add, (0, 0))
        results = {}
        while len(results) < 1:
            results.update(pool.collect(1.0))
        assert results == {"quick": 3}  # not held up by the slow job
        pool.submit("next", worker_tasks.add, (2, 2))  # the freed worker takes more
        while len(results) < 3:
            results.update(pool.collect(1.0))
        assert results["next"] == 4
        assert isinstance(results["slow"], WorkerError)  # stopped at the timeout
        assert pool.busy == 0


def test_collect_returns_early_when_woken() -> None:
    import multiprocessing
    import time

    reader, writer = multiprocessing.Pipe(duplex=False)
    with WorkerPool(size=1, timeout=30) as pool:
        pool.submit("slow", worker_tasks.hang_if, (True,))
        writer.send_bytes(b"w")
        started = time.monotonic()
        assert pool.collect(10.0, wake=reader) == []
        assert time.monotonic() - started < 5


def test_an_abandoned_map_does_not_leak_answers_into_the_next() -> None:
    with WorkerPool(size=2) as pool:
        jobs = pool.map_unordered(worker_tasks.add, [(1, 1), (2, 2), (3, 3), (4, 4)])
        next(jobs)
        jobs.close()  # walked away with jobs still running
        assert dict(pool.map_unordered(worker_tasks.add, [(10, 10)])) == {0: 20}

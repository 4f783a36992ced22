"""Run a function in a separate process, so a hostile file can crash or stall it, not us.

PyMuPDF holds the GIL for long stretches and is not thread-safe, so every call
into it goes through here (or a later pool built on the same idea).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0


class WorkerError(RuntimeError):
    """The worker process crashed, timed out or returned something unusable."""


def _run_job(func: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return ("ok", func(*args))
    except Exception as exc:
        return ("error", exc)


def _send(conn: Connection, result: tuple[str, Any]) -> bool:
    """Send a result; False if the parent has gone away."""
    try:
        conn.send(result)
    except OSError:
        return False
    except Exception as exc:  # an unpicklable result or exception
        conn.send(("error", WorkerError(f"worker result could not be returned: {exc}")))
    return True


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        if not _send(conn, _run_job(func, args)):
            return
    finally:
        conn.close()


def run_isolated(func: Callable[..., T], *args: Any, timeout: float = DEFAULT_TIMEOUT) -> T:
    """Call ``func(*args)`` in a fresh process; re-raise its exception here.

    ``func`` must be a module-level function (it is pickled by name).
    """
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, func, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise WorkerError(f"the worker took longer than {timeout:g} s and was stopped")
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            process.join(5)
            raise WorkerError(
                f"the worker process crashed (exit code {process.exitcode})"
            ) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    raise payload


class WorkerPool:
    """Long-lived worker processes for many small jobs (extraction, later rendering).

    Each job runs in one worker; a job that crashes its worker or runs past
    ``timeout`` yields a ``WorkerError`` for that job alone, and the worker is
    replaced. Results come back in completion order.
    """

    def __init__(self, size: int = 2, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers.clear()

    def map_unordered(
        self,
        func: Callable[..., T],
        jobs: list[tuple[Any, ...]],
        cancelled: Callable[[], bool] = bool,
    ) -> Iterator[tuple[int, T | BaseException]]:
        """Yield ``(job index, result or exception)`` for each job as it finishes."""
        pending = list(reversed(range(len(jobs))))
        while len(self._workers) < min(self.size, len(jobs)):
            self._workers.append(_Worker(self._ctx))
        busy: dict[Connection, tuple[_Worker, int, float]] = {}
        while pending or busy:
            for worker in self._workers:
                if pending and worker.conn not in busy and not cancelled():
                    index = pending.pop()
                    worker.conn.send((func, jobs[index]))
                    busy[worker.conn] = (worker, index, time.monotonic())
            if not busy:
                return
            ready = wait(list(busy), timeout=0.2)
            for conn in ready:
                worker, index, _started = busy.pop(conn)  # type: ignore[index]
                try:
                    _status, payload = worker.conn.recv()
                except (EOFError, OSError):
                    self._replace(worker)
                    yield index, WorkerError(f"the worker crashed on job {index}")
                    continue
                yield index, payload
            now = time.monotonic()
            for conn, (worker, index, started) in list(busy.items()):
                if now - started > self.timeout:
                    del busy[conn]
                    self._replace(worker)
                    yield index, WorkerError(f"job {index} took longer than {self.timeout:g} s")

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        self._workers[self._workers.index(worker)] = _Worker(self._ctx)


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _serve(conn: Connection) -> None:
    """A worker's loop: run each (func, args) it is sent until the pipe closes."""
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if not _send(conn, _run_job(func, args)):
            return

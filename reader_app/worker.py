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
    """Long-lived worker processes for many small jobs (extraction, rendering).

    Each job runs in one worker; a job that crashes its worker or runs past
    ``timeout`` yields a ``WorkerError`` for that job alone, and the worker is
    replaced. Results come back in completion order. Jobs are either run in
    batches (``map_unordered``) or fed one at a time as workers free up
    (``submit`` and ``collect``), which is what a viewer needs: a page asked for
    now must not wait for a slow page asked for earlier.
    """

    def __init__(self, size: int = 2, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._busy: dict[Connection, tuple[_Worker, object, float]] = {}

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers.clear()
        self._busy.clear()

    @property
    def busy(self) -> int:
        """How many jobs are running."""
        return len(self._busy)

    def has_idle(self) -> bool:
        return len(self._busy) < self.size

    def start_workers(self, count: int | None = None) -> None:
        """Start worker processes ahead of the first job, so it does not wait for them."""
        while len(self._workers) < min(self.size, count or self.size):
            self._workers.append(_Worker(self._ctx))

    def submit(self, token: object, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
        """Start ``func(*args)`` on an idle worker; ``collect`` returns it with ``token``."""
        if not self.has_idle():
            raise RuntimeError("no idle worker: collect results first")
        self.start_workers(len(self._busy) + 1)
        worker = next(w for w in self._workers if w.conn not in self._busy)
        try:
            worker.conn.send((func, args))
        except (OSError, ValueError):  # the worker died while idle: start another
            worker = self._replace(worker)
            worker.conn.send((func, args))
        self._busy[worker.conn] = (worker, token, time.monotonic())

    def collect(self, timeout: float, wake: Connection | None = None) -> list[tuple[object, Any]]:
        """Wait up to ``timeout`` s for finished jobs; ``(token, result or exception)``.

        Returns early, perhaps with nothing, when ``wake`` becomes readable.
        """
        if self._busy:
            deadline = min(started for _w, _t, started in self._busy.values()) + self.timeout
            timeout = max(0.0, min(timeout, deadline - time.monotonic()))
        waiting: list[Any] = [*self._busy, *([wake] if wake is not None else [])]
        if not waiting:
            return []
        ready = wait(waiting, timeout=timeout)
        finished: list[tuple[object, Any]] = []
        for conn in ready:
            if conn not in self._busy:
                continue  # the wake-up connection: the caller reads it
            worker, token, _started = self._busy.pop(conn)  # type: ignore[index]
            try:
                _status, payload = worker.conn.recv()
            except (EOFError, OSError):
                self._replace(worker)
                finished.append((token, WorkerError("the worker process crashed")))
                continue
            finished.append((token, payload))
        now = time.monotonic()
        for conn, (worker, token, started) in list(self._busy.items()):
            if now - started > self.timeout:
                del self._busy[conn]
                self._replace(worker)
                message = f"it took longer than {self.timeout:g} s"
                finished.append((token, WorkerError(message)))
        return finished

    def map_unordered(
        self,
        func: Callable[..., T],
        jobs: list[tuple[Any, ...]],
        cancelled: Callable[[], bool] = bool,
    ) -> Iterator[tuple[int, T | BaseException]]:
        """Yield ``(job index, result or exception)`` for each job as it finishes."""
        pending = list(reversed(range(len(jobs))))
        try:
            while pending or self._busy:
                while pending and self.has_idle() and not cancelled():
                    index = pending.pop()
                    self.submit(index, func, jobs[index])
                if not self._busy:
                    return
                yield from self.collect(0.2)  # type: ignore[misc]
        finally:
            # Abandoned part-way: the running jobs' answers must not reach the next caller.
            for worker, _token, _started in list(self._busy.values()):
                self._replace(worker)
            self._busy.clear()

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        fresh = _Worker(self._ctx)
        self._workers[self._workers.index(worker)] = fresh
        return fresh


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

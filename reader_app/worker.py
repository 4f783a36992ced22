"""Run a function in a separate process, so a hostile file can crash or stall it, not us.

PyMuPDF holds the GIL for long stretches and is not thread-safe, so every call
into it goes through here (or a later pool built on the same idea). A worker's
stdout and stderr lead nowhere (whatever MuPDF prints cannot reach a ``--json``
answer or the terminal), its memory is capped (a decompression bomb fails there,
with a message, instead of swapping), and its errors come back as exceptions this
process can rebuild, with the real reason.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from reader_app.mupdf_messages import collected_messages, forget_messages, route_messages_to_log

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
# The address space a worker may use: ten times what the largest normal page needs
# (an A4 page at 800% is 100 MB of pixels), far below what would make a machine swap.
MEMORY_LIMIT = 2 * 2**30


class WorkerError(RuntimeError):
    """The worker process crashed, timed out or returned something unusable."""


_memory_limit: int | None = None  # in a worker: the cap it runs under


def _prepare_process(memory_limit: int | None) -> None:
    """Point a new worker's stdout (and stderr) at nothing and cap its memory."""
    # fd level, not sys.stdout: MuPDF and other C code write to the descriptors.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    if not os.environ.get("READER_APP_DEBUG"):  # a worker's traceback helps a developer
        os.dup2(devnull, 2)
    os.close(devnull)
    route_messages_to_log()  # PyMuPDF loaded here without quiet_pymupdf() logs, too
    global _memory_limit
    if memory_limit is not None:
        _memory_limit = limit_memory(memory_limit)


def limit_memory(limit: int) -> int | None:
    """Cap this process's address space at ``limit`` bytes (or the lower limit it has
    already); the cap now in force, or None where this is unsupported."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        for cap in (soft, hard):  # a lower limit set by the user stays
            if cap != resource.RLIM_INFINITY:
                limit = min(limit, cap)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # macOS refuses RLIMIT_AS
        return None
    return limit


def _run_job(func: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    forget_messages()  # a job's MuPDF messages are its own
    try:
        return ("ok", func(*args))
    except Exception as exc:
        return ("error", portable_error(exc))
    finally:
        pymupdf = sys.modules.get("pymupdf")
        if pymupdf is not None:
            with contextlib.suppress(Exception):
                collected_messages()  # logged, whatever the job did not pass on as notices
                # MuPDF's cache of decoded images and fonts: its size limit cannot be set
                # through PyMuPDF, so it is emptied between jobs (each job opens its own
                # document, so nothing in it would be used again anyway).
                pymupdf.TOOLS.store_shrink(100)


def portable_error(exc: BaseException) -> BaseException:
    """``exc``, or an exception that says the same and survives the trip to the parent.

    An exception is pickled whole, its attributes too: one holding a MuPDF object
    ("cannot pickle SwigPyObject") or built with other arguments than it takes
    would lose its message on the way.
    """
    if isinstance(exc, MemoryError):
        cap = f" ({_memory_limit / 2**30:g} GiB)" if _memory_limit else ""
        return WorkerError(f"it needs more memory than a worker may use{cap}")
    if _travels(exc):
        return exc
    if type(exc).__module__.split(".")[0] in ("reader_app", "builtins"):
        with contextlib.suppress(Exception):
            bare = type(exc)(*exc.args)  # the same error, without what cannot travel
            if _travels(bare):
                return bare
    message = str(exc)
    return WorkerError(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)


def _travels(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def _send(conn: Connection, result: tuple[str, Any]) -> bool:
    """Send a result; False if the parent has gone away."""
    try:
        conn.send(result)
    except OSError:
        return False
    except Exception as exc:  # an unpicklable result
        conn.send(("error", WorkerError(f"worker result could not be returned: {exc}")))
    return True


def _receive(conn: Connection) -> tuple[str, Any]:
    """A worker's answer; EOFError or OSError when it died before giving one."""
    try:
        return conn.recv()  # type: ignore[no-any-return]
    except (EOFError, OSError):
        raise
    except Exception as exc:  # it arrived but cannot be rebuilt here
        return ("error", WorkerError(f"the worker's answer could not be read: {exc}"))


def _child(
    conn: Connection, func: Callable[..., Any], args: tuple[Any, ...], memory_limit: int | None
) -> None:
    _prepare_process(memory_limit)
    try:
        if not _send(conn, _run_job(func, args)):
            return
    finally:
        conn.close()


def run_isolated(
    func: Callable[..., T],
    *args: Any,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: int | None = MEMORY_LIMIT,
) -> T:
    """Call ``func(*args)`` in a fresh process; re-raise its exception here.

    ``func`` must be a module-level function (it is pickled by name). The process
    may use ``memory_limit`` bytes of address space (None: no limit).
    """
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, func, args, memory_limit), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise WorkerError(f"the worker took longer than {timeout:g} s and was stopped")
        try:
            status, payload = _receive(receiver)
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

    def __init__(
        self,
        size: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        memory_limit: int | None = MEMORY_LIMIT,
    ) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self.memory_limit = memory_limit
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
            self._workers.append(_Worker(self._ctx, self.memory_limit))

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
                _status, payload = _receive(worker.conn)
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
        fresh = _Worker(self._ctx, self.memory_limit)
        self._workers[self._workers.index(worker)] = fresh
        return fresh


class _Worker:
    def __init__(self, ctx: Any, memory_limit: int | None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_serve, args=(child, memory_limit), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _serve(conn: Connection, memory_limit: int | None) -> None:
    """A worker's loop: run each (func, args) it is sent until the pipe closes."""
    _prepare_process(memory_limit)
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if not _send(conn, _run_job(func, args)):
            return

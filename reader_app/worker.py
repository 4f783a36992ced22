"""Run a function in a separate process, so a hostile file can crash or stall it, not us.

PyMuPDF holds the GIL for long stretches and is not thread-safe, so every call
into it goes through here (or a later pool built on the same idea).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0


class WorkerError(RuntimeError):
    """The worker process crashed, timed out or returned something unusable."""


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result: tuple[str, Any] = ("ok", func(*args))
    except Exception as exc:
        result = ("error", exc)
    try:
        conn.send(result)
    except Exception as exc:  # an unpicklable result or exception
        conn.send(("error", WorkerError(f"worker result could not be returned: {exc}")))
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

"""Module-level functions for test_worker.py (a spawned worker imports them by name)."""

import os
import time


def add(a: int, b: int) -> int:
    return a + b


def fail(message: str) -> None:
    raise ValueError(message)


def crash() -> None:
    os._exit(13)


def hang() -> None:
    time.sleep(60)


def unpicklable():
    return lambda: None


def crash_if(flag: bool) -> str:
    if flag:
        os._exit(7)
    return "fine"


def hang_if(flag: bool) -> str:
    if flag:
        time.sleep(60)
    return "fine"


def render_or_crash(path: str, page: int, zoom: float):
    """Crash on page 2, hang on page 3, otherwise render for real."""
    from reader_app.documents import render_page

    if page == 2:
        os._exit(11)
    if page == 3:
        time.sleep(60)
    return render_page(path, page, zoom)

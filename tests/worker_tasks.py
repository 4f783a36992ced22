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

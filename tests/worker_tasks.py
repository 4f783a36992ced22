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

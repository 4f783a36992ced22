"""Module-level stand-ins for the doctor's worker functions (a spawned worker imports
them by name), for test_doctor.py."""

import os


def crash(*_args: object) -> None:
    """A worker that dies as a crashing library would, taking any arguments."""
    os._exit(9)

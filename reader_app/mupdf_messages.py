"""MuPDF's own messages kept off the terminal: silenced where PyMuPDF is loaded, and
what it collected handed back as notices and log lines.

PyMuPDF prints "MuPDF error: ..." on stdout by default, which breaks ``--json``
output and litters the terminal; the messages still matter (a repaired page tree,
a broken image), so they are gathered after each operation instead.
"""

from __future__ import annotations

import logging
import os
from types import ModuleType

log = logging.getLogger("reader_app.mupdf")

# A hostile file can make MuPDF repeat itself thousands of times: a few lines say enough.
MAX_NOTICES = 5


def route_messages_to_log() -> None:
    """For this process and every process it starts: should PyMuPDF print a message
    (one that loads it without ``quiet_pymupdf``), it goes to the log, at DEBUG, not to
    stdout. PyMuPDF reads this variable when it is imported."""
    os.environ.setdefault("PYMUPDF_MESSAGE", f"logging:level={logging.DEBUG},name={log.name}")


def quiet_pymupdf() -> ModuleType:
    """PyMuPDF, imported, with its message display off and its other messages logged.

    Cheap after the first call: call it wherever PyMuPDF is imported.
    """
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    # Its remaining messages (deprecations and the like) would go to stdout too.
    pymupdf.set_messages(pylogging_logger=log, pylogging_level=logging.INFO)
    return pymupdf


def collected_messages() -> list[str]:
    """The distinct messages MuPDF collected since the last call (now forgotten), each
    logged."""
    import sys

    pymupdf = sys.modules.get("pymupdf")
    if pymupdf is None:
        return []
    text = pymupdf.TOOLS.mupdf_warnings()  # resets the store, so it cannot grow across jobs
    lines = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    for line in lines:
        log.info("MuPDF: %s", line)
    return lines


def collected_notices(subject: str) -> list[str]:
    """``collected_messages`` as notices about ``subject`` (a file's name): at most
    ``MAX_NOTICES`` lines, the last saying how many more there were."""
    lines = collected_messages()
    shown = lines if len(lines) <= MAX_NOTICES else lines[: MAX_NOTICES - 1]
    notices = [f"{subject}: MuPDF reported: {line}" for line in shown]
    if len(shown) < len(lines):
        notices.append(f"{subject}: MuPDF reported {len(lines) - len(shown)} more messages")
    return notices


def forget_messages() -> None:
    """Drop what MuPDF collected (before an operation whose messages are wanted)."""
    import sys

    pymupdf = sys.modules.get("pymupdf")
    if pymupdf is not None:
        pymupdf.TOOLS.reset_mupdf_warnings()

"""How the command line prints: JSON for machines, and text a terminal shows rather than
obeys (document, archive and user text can hold escape codes and bidi overrides)."""

from __future__ import annotations

import json
import sys
from typing import Any

from reader_app.inert_text import JSON_RAW, terminal_text

__all__ = ["begin_output", "print_json", "print_json_error", "terminal_text"]


class _Printed:
    """Whether this command has written its JSON document (so a failure after it adds no
    second one)."""

    json = False


def begin_output() -> None:
    """A command starts: it has written no JSON document yet."""
    _Printed.json = False


def print_json(value: Any) -> None:
    """``value`` as one JSON document. Characters outside ASCII are written as they are,
    except those a terminal acts on, which JSON writes as ``\\uXXXX`` escapes: the value
    read back is the same."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    # They occur only inside strings (JSON's own syntax is ASCII), where \\uXXXX is valid.
    sys.stdout.write(JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text))
    sys.stdout.write("\n")
    _Printed.json = True


def print_json_error(message: str, exit_code: int) -> None:
    """A failed ``--json`` command's one document: what went wrong, as stderr says it.
    Nothing if the command has written its document already."""
    if not _Printed.json:
        print_json({"error": message, "exit_code": exit_code})

"""How the command line prints: JSON for machines, and text a terminal shows rather than
obeys (document, archive and user text can hold escape codes and bidi overrides)."""

from __future__ import annotations

import json
import sys
from typing import Any

from reader_app.inert_text import JSON_RAW, terminal_text

__all__ = ["print_json", "terminal_text"]


def print_json(value: Any) -> None:
    """``value`` as one JSON document. Characters outside ASCII are written as they are,
    except those a terminal acts on, which JSON writes as ``\\uXXXX`` escapes: the value
    read back is the same."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    # They occur only inside strings (JSON's own syntax is ASCII), where \\uXXXX is valid.
    sys.stdout.write(JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text))
    sys.stdout.write("\n")

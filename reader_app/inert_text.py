"""Text that came from outside (documents, archives, packs, the reader's own notes),
made inert for a terminal or a one-line message: every character a terminal would act
on instead of showing is written as an escape, so it is seen and not obeyed."""

from __future__ import annotations

import re

# What a terminal acts on instead of showing: C0 and C1 controls and DEL (ESC starts CSI
# and OSC sequences; C1 CSI is U+009B), line and paragraph separators, bidi embeddings,
# overrides and isolates (they reorder what follows them), and lone surrogates (an
# undecodable file name; printing one would fail).
# LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI, as a regex character class's body.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_OTHERS = f"\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff"
_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHERS}]")
_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")  # keeps tab and line feed
# Of those, what json.dumps(ensure_ascii=False) leaves raw (it escapes only C0 controls).
JSON_RAW = re.compile(f"[{_OTHERS}]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: object, multiline: bool = False) -> str:
    """``str(text)`` with every character a terminal would act on written as an escape
    (ESC as ``\\x1b``, U+202E as ``\\u202e``), so it is seen and not obeyed. With
    ``multiline``, line breaks (CRLF as LF) and tabs are kept for text meant to span
    lines, such as a note's body."""
    shown = str(text)
    if not multiline:
        return _ONE_LINE.sub(_escape, shown)
    return _LINES.sub(_escape, shown.replace("\r\n", "\n"))

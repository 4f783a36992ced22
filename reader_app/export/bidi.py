"""Bidirectional controls in exported user text: removed, so a note cannot reorder the
text around it (the "Trojan Source" trick) in an editor, a browser or a Markdown viewer.

Removed rather than shown as a marker: they are invisible formatting with no content of
their own, and what a reader should see is the text in the order it is stored, which
removing gives; browsers and chat apps wrap pasted names in isolates (U+2066-2069), so a
visible marker would litter ordinary notes. Nor wrapped in an isolate of ours: an
unmatched U+2069 in the note would close it early, so they must go first anyway, and
once they are gone the text is laid out by its own letters' directions alone. Marks
(U+200E, U+200F, U+061C) stay: they reorder nothing beyond neighbouring punctuation,
and right-to-left writing needs them."""

from __future__ import annotations

import re

from reader_app.inert_text import BIDI_CONTROLS

__all__ = ["BIDI_CONTROLS", "without_bidi_controls"]

_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def without_bidi_controls(text: str) -> str:
    """``text`` without bidirectional embeddings, overrides and isolates."""
    return _BIDI.sub("", text)

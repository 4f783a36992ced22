"""User text in places where Qt would read markup: shown as typed, never rendered."""

from __future__ import annotations

import html

TOOLTIP_CHARS = 600


def plain_tooltip(text: str) -> str:
    """A tool tip that shows ``text`` as typed: Qt reads a tool tip that looks like markup
    as rich text, so the text is escaped inside a paragraph that keeps its line breaks."""
    if len(text) > TOOLTIP_CHARS:
        text = text[:TOOLTIP_CHARS] + "\N{HORIZONTAL ELLIPSIS}"
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"

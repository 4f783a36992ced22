"""Which links the app may hand to the system browser: http, https and mailto only.

Everything else (file:, javascript:, custom schemes, links to other documents) is
refused with a reason the user can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True)
class LinkCheck:
    allowed: bool
    reason: str = ""  # why it was refused, for the user


def check_link(uri: str) -> LinkCheck:
    uri = uri.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in uri):
        return LinkCheck(False, "The link contains control characters.")
    try:
        parts = urlsplit(uri)
    except ValueError:
        return LinkCheck(False, "The link is not a valid address.")
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"“{scheme}:”" if scheme else "no scheme"
        return LinkCheck(
            False, f"Links with {shown} are not opened; only web (http, https) and email links."
        )
    if scheme in ("http", "https") and not parts.hostname:
        return LinkCheck(False, "The web link has no host.")
    if scheme == "mailto" and not parts.path:
        return LinkCheck(False, "The email link has no address.")
    return LinkCheck(True)

"""``resource-reader://open?id=…&page=…``: links in exported notes back to a page in the app,
which opens it when started with one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

SCHEME = "resource-reader"


def deep_link(resource_id: str, page: int | None) -> str:
    query = {"id": resource_id, **({"page": str(page)} if page else {})}
    return f"{SCHEME}://open?{urlencode(query)}"


def is_deep_link(text: str) -> bool:
    return text.lower().startswith(f"{SCHEME}:")


def parse_deep_link(link: str) -> tuple[str, int] | None:
    """The resource id and page (1 when not given) a link asks for; None if it is not one
    of ours or is malformed."""
    parts = urlsplit(link)
    if parts.scheme.lower() != SCHEME or parts.netloc != "open":
        return None
    query = parse_qs(parts.query)
    ids = query.get("id", [])
    pages = query.get("page", ["1"])
    if len(ids) != 1 or not ids[0] or len(pages) != 1:
        return None
    try:
        page = int(pages[0])
    except ValueError:
        return None
    return ids[0], max(1, page)

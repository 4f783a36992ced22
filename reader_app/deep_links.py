"""``resource-reader://open?id=…&page=…``: links in exported notes back to a page in the app,
which opens it when started with one; ``resource-reader://directory?…``: links in bundled
items to the council strategies directory, filtered."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, quote, urlencode, urlsplit

from reader_app.catalog import COUNCIL_TYPES, NATIONS, PILLARS

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


# ``resource-reader://directory?pillar=…&nation=…&council_type=…``: the council strategies
# directory, filtered so (every parameter optional).
DIRECTORY = "directory"
DIRECTORY_FACETS: dict[str, tuple[str, ...]] = {
    "pillar": PILLARS,
    "nation": NATIONS,
    "council_type": COUNCIL_TYPES,
}
MAX_LINK_CHARS = 2000  # far past any real one; a longer link is not ours


def directory_link(
    pillar: str | None = None, nation: str | None = None, council_type: str | None = None
) -> str:
    """The link that opens the directory filtered to the values given."""
    given = {"pillar": pillar, "nation": nation, "council_type": council_type}
    query = urlencode({k: v for k, v in given.items() if v}, quote_via=quote)
    return f"{SCHEME}://{DIRECTORY}" + (f"?{query}" if query else "")


def parse_directory_link(link: str) -> dict[str, str] | None:
    """The facet values (facet name -> value, as spelt in the vocabulary) a directory link
    asks for, {} for the whole directory; None if it is not a directory link, names a
    parameter twice or one we do not know, or a value outside the vocabulary. Never raises:
    the link may come from any document."""
    if not isinstance(link, str) or len(link) > MAX_LINK_CHARS:
        return None
    try:
        parts = urlsplit(link)
        pairs = parse_qsl(parts.query, keep_blank_values=True, max_num_fields=10)
    except ValueError:  # a malformed address, or too many fields
        return None
    if parts.scheme.lower() != SCHEME or parts.netloc.lower() != DIRECTORY:
        return None
    if parts.path not in ("", "/"):
        return None
    found: dict[str, str] = {}
    seen: set[str] = set()
    for name, value in pairs:
        allowed = DIRECTORY_FACETS.get(name)
        if allowed is None or name in seen:
            return None
        seen.add(name)
        if not value:  # given empty: not filtered by it
            continue
        wanted = value.casefold()  # any capitals; nothing else added, not even a space
        match = next((v for v in allowed if v.casefold() == wanted), None)
        if match is None:
            return None
        found[name] = match
    return found

"""Command-line filters over the council strategies (``--nation``, ``--council-type``,
``--year YYYY|undated``) and the lines ``list`` and ``show`` print about a strategy."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from reader_app.catalog import COUNCIL_TYPES, NATIONS, UNDATED, Resource


def year_value(text: str) -> int | str:
    """A year (YYYY), or ``undated`` for resources whose page gives no date."""
    if text.strip().lower() == UNDATED:
        return UNDATED
    if len(text) == 4 and text.isdigit():
        return int(text)
    raise argparse.ArgumentTypeError(f"'{text}' is not a year (YYYY) or '{UNDATED}'")


def _one_of(allowed: tuple[str, ...]) -> Callable[[str], str]:
    """A value of ``allowed`` however it is capitalised, given as it is spelt there."""
    by_folded = {value.casefold(): value for value in allowed}

    def value(text: str) -> str:
        found = by_folded.get(" ".join(text.split()).casefold())
        if found is None:
            raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(allowed)}")
        return found

    return value


def add_strategy_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nation", type=_one_of(NATIONS), metavar="N", help=", ".join(NATIONS))
    parser.add_argument(
        "--council-type",
        type=_one_of(COUNCIL_TYPES),
        metavar="T",
        help="a strategy's kind of council: " + ", ".join(COUNCIL_TYPES),
    )


def strategy_filters(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Filters`` fields the strategy options give."""
    return {"nation": args.nation, "council_type": args.council_type}


def council_line(resource: Resource) -> str:
    """'council: Shetland Islands Council (Scotland, island)', or '' for other kinds."""
    if not resource.council:
        return ""
    where = ", ".join(v for v in (resource.nation, resource.council_type) if v)
    return f"council: {resource.council}" + (f" ({where})" if where else "")


def strategy_rows(resource: Resource) -> list[tuple[str, str]]:
    """The rows ``show`` adds for a strategy: none for other kinds."""
    if not resource.council:
        return []
    return [
        ("council", resource.council),
        ("nation", resource.nation or "-"),
        ("type", resource.council_type or "-"),
        ("themes", ", ".join(resource.themes) or "-"),
    ]

"""Links from exported notes back to a page: made, read back, refused when malformed, and
opened by the app when it is started with one."""

import pytest

from reader_app import cli
from reader_app.deep_links import deep_link, parse_deep_link


def test_a_link_reads_back_as_its_resource_and_page() -> None:
    link = deep_link("reset-pillar", 3)
    assert link == "resource-reader://open?id=reset-pillar&page=3"
    assert parse_deep_link(link) == ("reset-pillar", 3)
    assert parse_deep_link(deep_link("odd id&x=1", None)) == ("odd id&x=1", 1)


@pytest.mark.parametrize(
    "link",
    [
        "https://open?id=a&page=1",
        "resource-reader://delete?id=a",
        "resource-reader://open?page=2",
        "resource-reader://open?id=a&page=two",
        "resource-reader://open?id=a&id=b",
    ],
)
def test_malformed_links_are_refused(link) -> None:
    assert parse_deep_link(link) is None


def test_the_command_line_hands_a_link_to_the_app(monkeypatch) -> None:
    started = []
    monkeypatch.setattr(
        cli, "_run_gui", lambda app_paths, link=None, packs=(): started.append(link) or 0
    )
    assert cli.main(["resource-reader://open?id=reset-pillar&page=2"]) == 0
    assert started == ["resource-reader://open?id=reset-pillar&page=2"]
    # With a subcommand it is a usage error, not a silently ignored word.
    assert cli.main(["list", "resource-reader://open?id=x"]) == cli.EXIT_USAGE

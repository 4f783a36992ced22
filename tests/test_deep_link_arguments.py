"""A deep link is the app's to open only as the first word after the global options, with
no subcommand: anywhere else it is an ordinary argument (a note's text, say)."""

from pathlib import Path

import pytest
from test_cli import run, run_json

from reader_app import cli

LINK = "resource-reader://open?id=reset-pillar&page=2"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    opened: list[str | None] = []
    monkeypatch.setattr(
        cli, "_run_gui", lambda app_paths, link=None, packs=(): opened.append(link) or 0
    )
    return opened


def test_a_note_whose_text_is_a_link_is_stored(capsys, started: list[str | None]) -> None:
    code, out, err = run(capsys, "note", "add", "reset-pillar", "--page", "1", "--text", LINK)
    assert code == 0, err
    (note,) = run_json(capsys, "note", "list")
    assert note["id"] == out.strip() and note["text"] == LINK
    assert started == []


def test_a_link_after_the_data_dir_option_opens_the_app(
    tmp_path: Path, started: list[str | None]
) -> None:
    assert cli.main(["--data-dir", str(tmp_path / "d"), LINK]) == 0
    assert cli.main([f"--data-dir={tmp_path / 'd'}", LINK]) == 0
    assert started == [LINK, LINK]


def test_a_link_as_the_data_folder_is_a_folder(tmp_path: Path, started: list[str | None]) -> None:
    """The value of --data-dir is not the link, even when it looks like one."""
    assert cli.main(["--data-dir", "resource-reader:odd", LINK]) == 0
    assert started == [LINK]


def test_a_link_with_a_subcommand_is_still_refused(capsys, started: list[str | None]) -> None:
    code, _out, err = run(capsys, LINK, "list")
    assert code == cli.EXIT_USAGE and "give no subcommand" in err
    code, _out, _err = run(capsys, "list", LINK)
    assert code == cli.EXIT_USAGE
    assert started == []

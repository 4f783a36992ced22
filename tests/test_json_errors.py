"""A command asked for --json prints exactly one JSON document, failing or not: a
failure's document says what stderr says, with the exit code (before: nothing on stdout,
which a script reading it took for no answer at all)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from reader_app import cli


def one_document(out: str) -> dict:
    decoder = json.JSONDecoder()
    value, end = decoder.raw_decode(out)
    assert out[end:].strip() == "", "more than one document on stdout"
    return value


@pytest.mark.parametrize(
    ("words", "code", "said"),
    [
        (["show", "no-such-thing", "--json"], 1, "no resource with id 'no-such-thing'"),
        (["list", "--pillar", "nonsense", "--json"], 2, "usage error"),
        (["search", "--json"], 2, "usage error"),
        (["restore", "missing.zip", "--json"], 1, "error"),
    ],
)
def test_a_failing_json_command_prints_one_document(capsys, words, code, said) -> None:
    assert cli.main(words) == code
    out, err = capsys.readouterr()
    document = one_document(out)
    assert document["exit_code"] == code and said in document["error"]
    assert document["error"] in err  # the same words as the line on stderr


def test_a_damaged_database_under_json(capsys, data_dir) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "library.sqlite3").write_bytes(b"")
    assert cli.main(["list", "--json"]) == 1
    out, _err = capsys.readouterr()
    assert "empty (0 bytes)" in one_document(out)["error"]


def test_without_json_nothing_goes_to_stdout(capsys) -> None:
    assert cli.main(["show", "no-such-thing"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "no resource" in err


def test_a_document_written_is_not_followed_by_a_second(capsys, monkeypatch) -> None:
    """A failure after the command has printed its answer adds nothing to stdout."""
    real = cli.print_json

    def print_then_fail(value):
        real(value)
        raise sqlite3.OperationalError("late failure")

    monkeypatch.setattr(cli, "print_json", print_then_fail)
    assert cli.main(["list", "--json"]) == 1
    out, err = capsys.readouterr()
    assert isinstance(one_document(out), list) and "late failure" in err
    monkeypatch.undo()
    assert cli.main(["show", "no-such-thing", "--json"]) == 1  # a new command starts afresh
    assert "error" in one_document(capsys.readouterr().out)

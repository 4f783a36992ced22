"""The channel a second `reader-app` hands its links and packs over to the running app."""

from __future__ import annotations

import os
import socket
import stat
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from reader_app import single_instance
from reader_app.single_instance import KEY_FILE, HandOffListener, address, hand_off

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="named pipes: not tested")

LINK = "resource-reader://open?id=digital-poverty&page=3"


class Inbox:
    """What a listener delivered, and an event set at each delivery."""

    def __init__(self) -> None:
        self.messages: list[list[str]] = []
        self.arrived = threading.Event()

    def __call__(self, targets: list[str]) -> None:
        self.messages.append(targets)
        self.arrived.set()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, Inbox, HandOffListener]]:
    folder = tmp_path / "running"
    inbox = Inbox()
    listener = HandOffListener.start(folder, inbox)
    assert listener is not None
    yield folder, inbox, listener
    listener.close()


def stale_socket(path: str) -> None:
    """A socket file with nobody listening, as a crash leaves it."""
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(path)
    sock.close()


def test_a_second_start_hands_its_targets_over(running) -> None:
    folder, inbox, _listener = running
    assert hand_off(folder, [LINK, "/papers/floods.rrpack"]) is True
    assert inbox.messages == [[LINK, "/papers/floods.rrpack"]]
    assert hand_off(folder, []) is True  # a plain start: bring the window forward
    assert inbox.messages[-1] == []
    assert stat.S_IMODE((folder / KEY_FILE).stat().st_mode) == 0o600


def test_closing_removes_the_socket_and_no_one_answers_after(running) -> None:
    folder, inbox, listener = running
    where = listener.address
    assert os.path.exists(where)
    listener.close()
    assert not os.path.exists(where)
    assert hand_off(folder, [LINK]) is False
    assert inbox.messages == []


def test_nothing_running_means_no_hand_off(tmp_path: Path) -> None:
    assert hand_off(tmp_path / "never-started", [LINK]) is False
    assert not (tmp_path / "never-started").exists()  # the client creates nothing


def test_a_socket_left_by_a_crash_is_removed_and_replaced(running) -> None:
    folder, inbox, listener = running
    listener.close()
    where = address(folder)
    assert where is not None
    stale_socket(where)
    started = time.monotonic()
    assert hand_off(folder, [LINK]) is False  # refused at once, not after the timeout
    assert time.monotonic() - started < 1
    assert not os.path.exists(where)
    stale_socket(where)
    again = HandOffListener.start(folder, inbox)  # the next app replaces it
    assert again is not None
    try:
        assert hand_off(folder, [LINK]) is True
        assert inbox.messages == [[LINK]]
    finally:
        again.close()


def test_a_wrong_key_is_ignored_and_the_listener_carries_on(running) -> None:
    folder, inbox, _listener = running
    key_file = folder / KEY_FILE
    right = key_file.read_text()
    key_file.write_text("00" * 32)
    assert hand_off(folder, [LINK], timeout=1) is False
    key_file.write_text(right)
    assert hand_off(folder, [LINK]) is True
    assert inbox.messages == [[LINK]]


def send_raw(where: str, message: Callable[[bytes], bytes]) -> bytes | None:
    """Send ``message(nonce)`` after the listener's greeting; its answer, or None."""
    with Client(where, family="AF_UNIX") as conn:
        assert conn.poll(3)
        hello = conn.recv_bytes(256)
        assert hello.startswith(single_instance.MAGIC)
        try:
            conn.send_bytes(message(hello[len(single_instance.MAGIC) :]))
            return conn.recv_bytes(64) if conn.poll(0.5) else None
        except (OSError, EOFError):
            return None


@pytest.mark.parametrize(
    "payload",
    [
        b'{"id": 1}',
        b'["ok", 3]',
        b"not json",
        b"\xff\xfe",
        b'"a string"',
        b"[" + b'"x",' * 99 + b'"x"]',
    ],
)
def test_bad_messages_are_dropped(running, payload) -> None:
    """Well signed, but not a short list of strings: nothing is delivered or acknowledged."""
    folder, inbox, listener = running
    key = bytes.fromhex((folder / KEY_FILE).read_text())
    signed = send_raw(
        listener.address, lambda nonce: single_instance._mac(key, nonce, payload) + payload
    )
    assert signed is None
    assert inbox.messages == []
    assert hand_off(folder, [LINK]) is True


def test_oversized_and_unsigned_messages_are_dropped(running) -> None:
    folder, inbox, listener = running
    assert send_raw(listener.address, lambda _: b"\0" * (single_instance.MAX_MESSAGE + 1)) is None
    assert send_raw(listener.address, lambda _: b"\0" * 32 + b'["sneaky"]') is None
    with Client(listener.address, family="AF_UNIX"):
        pass  # connects and says nothing
    assert hand_off(folder, [LINK]) is True
    assert inbox.messages == [[LINK]]


def test_two_data_folders_never_talk_to_each_other(running, tmp_path: Path) -> None:
    folder, inbox, _listener = running
    other_inbox = Inbox()
    other = HandOffListener.start(tmp_path / "other", other_inbox)
    assert other is not None
    try:
        assert address(tmp_path / "other") != address(folder)
        assert hand_off(tmp_path / "other", ["for the other"]) is True
        assert hand_off(tmp_path / "third", ["for nobody"]) is False
    finally:
        other.close()
    assert inbox.messages == []
    assert other_inbox.messages == [["for the other"]]


def test_a_listener_that_never_answers_times_out_quickly(tmp_path: Path) -> None:
    """A hung app: the connection is accepted by the system, nothing more. The second
    start gives up after the timeout, and does not take the channel over."""
    folder = tmp_path / "hung"
    single_instance._key(folder)
    where = address(folder)
    assert where is not None
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(where)
    sock.listen(4)
    try:
        started = time.monotonic()
        assert hand_off(folder, [LINK], timeout=0.3) is False
        assert time.monotonic() - started < 1.5
        assert HandOffListener.start(folder, Inbox()) is None
        assert os.path.exists(where)  # not removed: someone is there
    finally:
        sock.close()
        os.unlink(where)


def test_a_long_data_folder_path_puts_the_socket_elsewhere(tmp_path: Path) -> None:
    folder = tmp_path / ("a-very-long-folder-name-" * 6) / "data"
    where = address(folder)
    assert where is not None and len(os.fsencode(where)) <= single_instance.MAX_SOCKET_PATH
    assert not Path(where).is_relative_to(folder)
    inbox = Inbox()
    listener = HandOffListener.start(folder, inbox)
    assert listener is not None
    try:
        assert hand_off(folder, [LINK]) is True
    finally:
        listener.close()
    assert inbox.messages == [[LINK]]
    assert not os.path.exists(where)


@pytest.fixture
def no_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting a window would mean the hand-off failed: fail instead."""

    def start_gui(*_args: object) -> int:
        raise AssertionError("a second app was started")

    monkeypatch.setitem(sys.modules, "reader_app.gui.app", types.SimpleNamespace(run=start_gui))


def test_reader_app_with_a_link_or_pack_hands_it_over_and_exits(
    running, no_gui, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """`reader-app LINK`, `reader-app FILE.rrpack` (relative to where it was started, so
    made absolute for the running app) and a plain `reader-app`: handed over, silently."""
    from reader_app import cli

    folder, inbox, _listener = running
    monkeypatch.setenv("READER_APP_DATA_DIR", str(folder))
    monkeypatch.chdir(tmp_path)
    assert cli.main([LINK]) == 0
    assert cli.main(["floods.rrpack"]) == 0
    assert cli.main([]) == 0
    assert cli.main(["gui"]) == 0
    assert inbox.messages == [[LINK], [str(tmp_path / "floods.rrpack")], [], []]
    assert capsys.readouterr() == ("", "")


def test_subcommands_never_hand_over(running, no_gui, capsys) -> None:
    from reader_app import cli

    folder, inbox, _listener = running
    assert cli.main(["--data-dir", str(folder), "list", "--json"]) == 0
    assert inbox.messages == []
    assert capsys.readouterr().out.startswith("[")

"""One app per data folder: a second ``reader-app`` hands its links and packs to the
running one over a local channel, and exits.

The channel is ``multiprocessing.connection`` (no network): a Unix socket file on POSIX,
a named pipe on Windows, one per data folder, so two data folders (``--data-dir``) never
talk to each other. Both ends prove they hold the key in ``instance.key`` (32 random bytes,
created 0600 in the data folder): the listener sends a fresh nonce, the client answers
with an HMAC of the nonce and its message, the listener acknowledges with its own HMAC.
Messages are JSON lists of strings (never pickles), a few KB at most; anything else is
dropped without a word.

The socket file is ``instance.sock`` in the data folder, unless that path is too long for
a Unix socket (about 104 bytes); then it is ``<hash of the data folder>.sock`` in
``$XDG_RUNTIME_DIR``, or in a private ``reader-app-<uid>`` folder in the system's temp
folder. A crash leaves the file behind; the next start finds nobody answering on it and
replaces it. The Windows path is kept minimal and is not covered by the tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

KEY_FILE = "instance.key"
SOCKET_FILE = "instance.sock"
MAGIC = b"reader-app/1 "
HAND_OFF_TIMEOUT = 3.0  # seconds a second start waits for the running app to answer
MAX_MESSAGE = 16 * 1024  # bytes, MAC included
MAX_TARGETS = 64
MAX_SOCKET_PATH = 100  # bytes; sun_path holds 108 on Linux, 104 on macOS, with the NUL
_WINDOWS = sys.platform == "win32"
FAMILY = "AF_PIPE" if _WINDOWS else "AF_UNIX"


def address(data_dir: Path) -> str | None:
    """The channel's address for this data folder (None: no private place for a socket)."""
    data_dir = Path(data_dir).absolute()
    digest = hashlib.sha256(os.fsencode(data_dir)).hexdigest()[:24]
    if _WINDOWS:  # pipe names are machine-wide: the user's name keeps them apart
        user = os.environ.get("USERNAME", "")
        return rf"\\.\pipe\reader-app-{hashlib.sha256(user.encode()).hexdigest()[:8]}-{digest}"
    path = data_dir / SOCKET_FILE
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
        return str(path)
    folder = _runtime_dir()
    return None if folder is None else str(folder / f"{digest}.sock")


def _runtime_dir() -> Path | None:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir() and len(os.fsencode(runtime)) < MAX_SOCKET_PATH - 32:
        return Path(runtime)
    folder = Path(tempfile.gettempdir()) / f"reader-app-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    # Someone else's folder (or a link) in a shared /tmp is not ours to use.
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or folder.is_symlink():
        return None
    return folder


def _read_key(data_dir: Path) -> bytes | None:
    try:
        key = bytes.fromhex((data_dir / KEY_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return key if len(key) >= 16 else None


def _key(data_dir: Path) -> bytes:
    """The data folder's key, created (0600) if it is not there yet."""
    key = _read_key(data_dir)
    if key is not None:
        return key
    data_dir.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=data_dir, prefix=".instance-", suffix=".key")  # 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temp, data_dir / KEY_FILE)  # never replaces one another start just wrote
        except FileExistsError:
            pass
        except OSError:  # no hard links here
            os.replace(temp, data_dir / KEY_FILE)
    finally:
        Path(temp).unlink(missing_ok=True)
    key = _read_key(data_dir)
    if key is None:
        raise OSError(f"cannot read {data_dir / KEY_FILE}")
    return key


def _mac(key: bytes, *parts: bytes) -> bytes:
    return hmac.new(key, b"".join(parts), hashlib.sha256).digest()


def _decode(payload: bytes) -> list[str] | None:
    try:
        targets = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(targets, list) or len(targets) > MAX_TARGETS:
        return None
    if not all(isinstance(t, str) for t in targets):
        return None
    return targets


def hand_off(data_dir: Path, targets: Sequence[str], timeout: float = HAND_OFF_TIMEOUT) -> bool:
    """Send ``targets`` (links, pack paths; none just brings the window forward) to the app
    running on ``data_dir``; True once it has acknowledged them. False if nobody answers in
    ``timeout`` seconds: a socket file nobody listens on (left by a crash) is removed."""
    where = address(data_dir)
    key = _read_key(Path(data_dir))
    payload = json.dumps(list(targets)).encode("utf-8")
    if where is None or key is None or len(payload) + 32 > MAX_MESSAGE:
        return False
    if not _WINDOWS and not os.path.exists(where):
        return False
    deadline = time.monotonic() + timeout
    try:
        conn = Client(where, family=FAMILY)
    except OSError:  # refused: a stale socket file
        if not _WINDOWS:
            Path(where).unlink(missing_ok=True)
        return False
    try:
        with conn:
            if not conn.poll(max(deadline - time.monotonic(), 0)):
                return False
            hello = conn.recv_bytes(len(MAGIC) + 64)
            if not hello.startswith(MAGIC):
                return False
            nonce = hello[len(MAGIC) :]
            conn.send_bytes(_mac(key, nonce, payload) + payload)
            if not conn.poll(max(deadline - time.monotonic(), 0)):
                return False
            return hmac.compare_digest(conn.recv_bytes(64), _mac(key, b"ack", nonce))
    except (OSError, EOFError):
        return False


def _listening_elsewhere(where: str) -> bool:
    try:
        Client(where, family=FAMILY).close()
    except OSError:
        return False
    return True


class HandOffListener:
    """The running app's end: ``deliver`` gets each valid message (a list of strings) on a
    background thread, so it must only hand it on (the GUI emits a queued signal)."""

    def __init__(
        self, listener: Listener, where: str, key: bytes, deliver: Callable[[list[str]], object]
    ) -> None:
        self._listener, self._address, self._key = listener, where, key
        self._deliver = deliver
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="hand-off", daemon=True)
        self._thread.start()

    @classmethod
    def start(
        cls, data_dir: Path, deliver: Callable[[list[str]], object]
    ) -> HandOffListener | None:
        """Listen on ``data_dir``'s channel; None if that cannot be done (another app
        already answers there, the folder is read-only...): the app runs without it."""
        where = address(data_dir)
        if where is None:
            return None
        try:
            key = _key(Path(data_dir))
            if not _WINDOWS and os.path.exists(where):
                if _listening_elsewhere(where):
                    return None
                Path(where).unlink()  # left by a crash
            listener = Listener(where, family=FAMILY, backlog=8)
        except OSError:
            return None
        return cls(listener, where, key, deliver)

    @property
    def address(self) -> str:
        return self._address

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn = self._listener.accept()
            except OSError:
                if self._closed:
                    return
                continue
            if self._closed:
                conn.close()
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        """One client; a silent or stalled one only holds up this thread."""
        try:
            with conn:
                nonce = secrets.token_bytes(32)
                conn.send_bytes(MAGIC + nonce)
                if not conn.poll(HAND_OFF_TIMEOUT):
                    return
                message = conn.recv_bytes(MAX_MESSAGE)
                mac, payload = message[:32], message[32:]
                if not hmac.compare_digest(mac, _mac(self._key, nonce, payload)):
                    return
                targets = _decode(payload)
                if targets is None:
                    return
                self._deliver(targets)
                conn.send_bytes(_mac(self._key, b"ack", nonce))
        except Exception:  # a bad client never takes the app down
            return

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):  # wake the accepting thread
            Client(self._address, family=FAMILY).close()
        self._thread.join(timeout=2)
        with contextlib.suppress(OSError):
            self._listener.close()

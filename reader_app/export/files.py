"""Writing an export: atomically (a crash leaves the old file or the new one, never half
of one) under a file name that is safe on Windows, macOS and Linux.

A process killed while writing (a crash, a power cut, SIGKILL) cannot remove its
temporary file; the next write of the same file removes those left long enough ago that
no live write can own them."""

from __future__ import annotations

import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path

MAX_NAME = 120  # characters of a file name, extension included; well under every limit
# Names Windows keeps for devices, with any extension.
RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# A write under way touches its temporary file at least this often (only an fsync runs
# between its last write and the rename); one untouched this long was left by a write
# that was killed.
ABANDONED_AFTER = 10 * 60  # seconds


def safe_name(name: str, extension: str = "", fallback: str = "notes") -> str:
    """``name`` made safe as one file name: no separators, control or reserved characters,
    no reserved device names, no leading or trailing dots or spaces, not too long."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    text = UNSAFE.sub("-", text)
    text = " ".join(text.split()).strip(" .")
    ext = f".{extension.lstrip('.')}" if extension else ""
    if text.lower().endswith(ext.lower()) and ext:
        text = text[: -len(ext)].rstrip(" .")
    if not text or text.split(".")[0].lower() in RESERVED:
        text = f"{fallback}-{text}" if text else fallback
    text = text[: MAX_NAME - len(ext)].rstrip(" .") or fallback
    return text + ext


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove_abandoned(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of earlier writes of ``path`` that were killed: named
    as ``write_atomic`` names them (mkstemp's 8 random characters between the name and
    ``.part``) and untouched for ``ABANDONED_AFTER`` seconds."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.part")
    cutoff = (time.time() if now is None else now) - ABANDONED_AFTER
    removed = []
    try:
        with os.scandir(path.parent) as entries:
            candidates = [e for e in entries if pattern.fullmatch(e.name)]
    except OSError:
        return removed
    for entry in candidates:
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove: the write goes on regardless
    return removed

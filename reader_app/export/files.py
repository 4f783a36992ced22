"""Writing an export: atomically (a crash leaves the old file or the new one, never half
of one) under a file name that is safe on Windows, macOS and Linux."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

MAX_NAME = 120  # characters of a file name, extension included; well under every limit
# Names Windows keeps for devices, with any extension.
RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


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

"""A W3C annotation whose target is lists nested as deep as JSON allows is refused with
its reason (it raised RecursionError, an internal error), and so is a file holding a
number too long for Python to read, in words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reader_app.export import w3c


def test_a_deeply_nested_target_is_refused() -> None:
    # 600 lists: JSON reads them, and a walk of two frames a level would pass the stack's
    # limit. Written by hand: json.dumps under pytest's frames could not.
    target = "[" * 600 + json.dumps("urn:sha256:" + "ab" * 32) + "]" * 600
    item = json.dumps({"@context": w3c.ANNO_CONTEXT, "type": "Annotation", "id": "urn:x:1"})
    data = item[:-1] + ', "target": ' + target + "}"
    with pytest.raises(w3c.NotesFileError, match="nested too deeply"):
        w3c.read(data.encode())


def test_a_target_in_a_few_lists_is_read() -> None:
    target: Any = ["urn:sha256:" + "ab" * 32]
    item = {"@context": w3c.ANNO_CONTEXT, "type": "Annotation", "id": "urn:x:1", "target": [target]}
    (note,) = w3c.read(json.dumps(item).encode())
    assert note.source == "urn:sha256:" + "ab" * 32


def test_a_number_too_long_for_python_is_refused_in_words() -> None:
    """Python's own refusal named sys.set_int_max_str_digits, a message for programmers."""
    item = '{"@context": "%s", "type": "Annotation", "id": "u", "target": "x", "n": %s}'
    data = (item % (w3c.ANNO_CONTEXT, "9" * 5000)).encode()
    with pytest.raises(w3c.NotesFileError) as refused:
        w3c.read(data)
    assert "5,000 digits" in str(refused.value) and "sys." not in str(refused.value)

"""Module-level functions for test_worker.py (a spawned worker imports them by name)."""

import os
import time


def add(a: int, b: int) -> int:
    return a + b


def fail(message: str) -> None:
    raise ValueError(message)


def crash() -> None:
    os._exit(13)


def hang() -> None:
    time.sleep(60)


def unpicklable():
    return lambda: None


def crash_if(flag: bool) -> str:
    if flag:
        os._exit(7)
    return "fine"


def hang_if(flag: bool) -> str:
    if flag:
        time.sleep(60)
    return "fine"


def render_or_crash(path: str, page: int, zoom: float):
    """Crash on page 2, hang on page 3, otherwise render for real."""
    from reader_app.documents import render_page

    if page == 2:
        os._exit(11)
    if page == 3:
        time.sleep(60)
    return render_page(path, page, zoom)


def make_link_pdf(path: str) -> None:
    """Three pages: page 1 links to page 3, to a web page, to a local file, to JavaScript
    and to an email address; page 2 says "tern" three times; page 3 is a target."""
    import pymupdf

    doc = pymupdf.open()
    first = doc.new_page()
    spots = {
        "goto": (72, 72, "Go to the third page"),
        "web": (72, 120, "A web page"),
        "file": (72, 168, "A local file"),
        "script": (72, 216, "A script"),
        "mail": (72, 264, "Write to us"),
    }
    for _name, (x, y, text) in spots.items():
        first.insert_text((x, y), text, fontsize=14)
    second = doc.new_page()
    second.insert_text((72, 100), "The arctic tern flies far.", fontsize=14)
    second.insert_text((72, 140), "A tern, then another TERN.", fontsize=14)
    third = doc.new_page()
    third.insert_text((72, 400), "You have arrived on page three.", fontsize=14)

    first = doc[0]  # page objects made earlier go stale as pages are added

    def box(name: str) -> pymupdf.Rect:
        x, y, _text = spots[name]
        return pymupdf.Rect(x, y - 14, x + 160, y + 4)

    first.insert_link(
        {"kind": pymupdf.LINK_GOTO, "from": box("goto"), "page": 2, "to": pymupdf.Point(72, 380)}
    )
    first.insert_link(
        {
            "kind": pymupdf.LINK_URI,
            "from": box("web"),
            "uri": "https://example.org/recovery?x=1&y=<b>2</b>",
        }
    )
    first.insert_link({"kind": pymupdf.LINK_LAUNCH, "from": box("file"), "file": "/etc/passwd"})
    first.insert_link(
        {"kind": pymupdf.LINK_URI, "from": box("script"), "uri": "javascript:alert(1)"}
    )
    first.insert_link(
        {"kind": pymupdf.LINK_URI, "from": box("mail"), "uri": "mailto:team@example.org"}
    )
    doc.save(path)

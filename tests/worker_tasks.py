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


def make_pages_pdf(path: str, pages: list[str]) -> None:
    """One page per text, each set in a box at the top of an A4 page."""
    import pymupdf

    doc = pymupdf.open()
    for text in pages:
        doc.new_page().insert_textbox(pymupdf.Rect(60, 60, 530, 760), text, fontsize=12)
    doc.save(path)
    doc.close()


def make_annotated_pdf(path: str) -> None:
    """One page with annotations of the PDF's own: a highlight with a note, and a
    sticky note."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(
        pymupdf.Rect(60, 60, 530, 300),
        "Libraries lent laptops to families who had none during lockdown.",
        fontsize=12,
    )
    marked = page.add_highlight_annot(page.search_for("lent laptops"))
    marked.set_info(content="Ask our library service")
    marked.update()
    page.add_text_annot((400, 500), "A sticky note from a colleague").update()
    doc.save(path)
    doc.close()


def write_to_descriptors(text: str) -> str:
    """Write to fds 1 and 2 directly, as MuPDF's C code would."""
    os.write(1, f"{text} on stdout\n".encode())
    os.write(2, f"{text} on stderr\n".encode())
    print(f"{text} via print", flush=True)
    return "written"


def allocate(size: int) -> int:
    """Ask for ``size`` bytes at once (the pages are never touched, so without a limit
    the system lends them freely)."""
    block = bytearray(size)
    return len(block)


class HoldsALock(Exception):
    """An exception with an attribute that cannot be pickled, as MuPDF's hold SWIG objects."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        import threading

        self.lock = threading.Lock()


class NeedsTwoArguments(Exception):
    """An exception that pickles but cannot be rebuilt from its args in the parent."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(f"{message} (code {code})")


def fail_unpicklably(message: str) -> None:
    raise HoldsALock(message)


def fail_unrebuildably(message: str) -> None:
    raise NeedsTwoArguments(message, 7)


def fail_in_mupdf(path: str) -> None:
    """Read a file with PyMuPDF directly, so its own exception (a SWIG object) escapes."""
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.open(path)[0].get_text()


def render_nothing(path: str, page: int, zoom: float):
    """A render that comes back with no pixels at all."""
    from reader_app.documents import RenderedPage

    return RenderedPage(0, 0, 0, b"")


def render_garbage_on_page_2(path: str, page: int, zoom: float):
    """Page 2 comes back as nonsense (no sizes at all); other pages render for real."""
    from reader_app.documents import RenderedPage, render_page

    if page == 2:
        return RenderedPage(None, None, None, b"")  # type: ignore[arg-type]
    return render_page(path, page, zoom)


def page_links(path: str, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The (uri, rectangle in PDF points) of every web or app link on ``page`` (1-based),
    read with PyMuPDF itself, not the app's own reading of them."""
    import pymupdf

    with pymupdf.open(path) as doc:
        found = []
        for link in doc[page - 1].get_links():
            if link.get("uri"):
                rect = link["from"]
                found.append((str(link["uri"]), (rect.x0, rect.y0, rect.x1, rect.y1)))
        return found

"""A page that cannot be shown (an image bomb, pixels that make no image) fails with a
message for its placeholder; the render service carries on."""

import hostile_files
import pytest
import worker_tasks

from reader_app.gui.render_service import RenderRequest, RenderService
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)
PATH = str(CATALOG.path_of(next(r for r in CATALOG.resources if r.kind == "briefing")))


@pytest.fixture
def service():
    svc = RenderService(workers=1, timeout=10)
    yield svc
    svc.shutdown()


def test_an_image_bomb_fails_its_page_with_the_reason(qtbot, service, tmp_path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(hostile_files.png_bomb())
    with qtbot.waitSignal(service.failed, timeout=20_000) as blocker:
        service.request(RenderRequest("bomb", str(bomb), 1, 1.0))
    key, message = blocker.args
    assert key == "bomb" and "400 megapixels" in message
    with qtbot.waitSignal(service.rendered, timeout=20_000):
        service.request(RenderRequest("next", PATH, 1, 1.0))


def test_pixels_that_make_no_image_fail_their_page(qtbot) -> None:
    svc = RenderService(workers=1, timeout=10, func=worker_tasks.render_nothing)
    try:
        outcomes: dict[object, str] = {}
        svc.rendered.connect(lambda key, image: outcomes.__setitem__(key, "rendered"))
        svc.failed.connect(lambda key, message: outcomes.__setitem__(key, message))
        svc.request(RenderRequest("empty", PATH, 1, 1.0))
        qtbot.waitUntil(lambda: "empty" in outcomes, timeout=20_000)
        assert outcomes["empty"] == "the rendered page came back empty"
    finally:
        svc.shutdown()


def test_a_result_that_breaks_delivery_fails_its_page_and_rendering_goes_on(qtbot) -> None:
    svc = RenderService(workers=1, timeout=10, func=worker_tasks.render_garbage_on_page_2)
    try:
        outcomes: dict[object, str] = {}
        svc.rendered.connect(lambda key, image: outcomes.__setitem__(key, "rendered"))
        svc.failed.connect(lambda key, message: outcomes.__setitem__(key, message))
        svc.request(RenderRequest("garbage", PATH, 2, 1.0))
        qtbot.waitUntil(lambda: "garbage" in outcomes, timeout=20_000)
        assert outcomes["garbage"].startswith("the page could not be shown")
        svc.request(RenderRequest("after", PATH, 1, 1.0))  # the dispatcher lived on
        qtbot.waitUntil(lambda: "after" in outcomes, timeout=20_000)
        assert outcomes["after"] == "rendered"
    finally:
        svc.shutdown()


def test_the_viewer_shows_a_bombs_page_as_a_message(qtbot, library, tmp_path) -> None:
    """An image imported before the limit existed opens with its reason in place of the page."""
    from reader_app.gui.document_view import DocumentView

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(hostile_files.png_bomb())
    image = next(r for r in library.catalog.resources if r.media_type == "image/png")
    service = RenderService(workers=1, timeout=10)
    try:
        view = DocumentView(image, str(bomb), service)
        qtbot.addWidget(view)
        view.resize(700, 900)
        view.show()
        page = view.page_labels[0]
        qtbot.waitUntil(lambda: "could not be shown" in page.text(), timeout=20_000)
        assert "400 megapixels" in page.text() and page.pixmap() is None
    finally:
        service.shutdown()

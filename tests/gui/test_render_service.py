"""Rendering happens in worker processes; failures are reported, the event loop runs on."""

import time

import pytest
import worker_tasks
from PySide6.QtCore import QElapsedTimer, QTimer

from reader_app.gui.render_service import RenderRequest, RenderService
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)
BRIEFING = next(r for r in CATALOG.resources if r.kind == "briefing")
PATH = str(CATALOG.path_of(BRIEFING))


@pytest.fixture
def service():
    svc = RenderService(workers=2, timeout=2, func=worker_tasks.render_or_crash)
    yield svc
    svc.shutdown()


def test_renders_a_page_at_the_asked_zoom(qtbot, service) -> None:
    with qtbot.waitSignal(service.rendered, timeout=20_000) as blocker:
        service.request(RenderRequest("k", PATH, 1, 1.0))
    key, image = blocker.args
    assert key == "k"
    assert (image.width(), image.height()) == (595, 842)  # A4 at 72 dpi
    assert image.pixelColor(10, 3).name() != "#ffffff"  # the pillar's colour bar


class StallMeter:
    """The longest gap between ticks of a 5 ms timer: how long the event loop stalled."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.longest = 0
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = self.clock.elapsed()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def test_a_crashing_and_a_hanging_page_fail_alone(qtbot, service) -> None:
    outcomes: dict[int, str] = {}
    service.rendered.connect(lambda key, image: outcomes.__setitem__(key, "ok"))
    service.failed.connect(lambda key, message: outcomes.__setitem__(key, message))
    meter = StallMeter()
    started = time.monotonic()
    for page in (1, 2, 3, 4):
        service.request(RenderRequest(page, PATH, page, 1.5))
    qtbot.waitUntil(lambda: len(outcomes) == 4, timeout=30_000)
    meter.timer.stop()
    assert outcomes[1] == "ok" and outcomes[4] == "ok"
    assert "crashed" in outcomes[2]
    assert "longer than" in outcomes[3]
    assert time.monotonic() - started >= 2  # the hang really happened while we waited
    # The GUI thread kept running throughout; a blocking render would stall it for seconds.
    assert meter.longest < 1000, f"event loop stalled for {meter.longest} ms"
    # Workers were replaced: the service still renders.
    with qtbot.waitSignal(service.rendered, timeout=20_000):
        service.request(RenderRequest("again", PATH, 1, 1.0))


def test_pixels_come_through_files_in_memory_that_are_cleaned_up(qtbot) -> None:
    import os

    svc = RenderService(workers=1)
    folder = svc._folder
    try:
        with qtbot.waitSignal(svc.rendered, timeout=20_000) as blocker:
            svc.request(RenderRequest("k", PATH, 1, 1.5))
        image = blocker.args[1]
        assert abs(image.width() - 595 * 1.5) <= 1 and abs(image.height() - 842 * 1.5) <= 1
        assert image.pixelColor(10, 3).name() != "#ffffff"
        assert os.listdir(folder) == []  # read and deleted at once
    finally:
        svc.shutdown()
    assert not os.path.exists(folder)

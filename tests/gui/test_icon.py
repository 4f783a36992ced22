"""The app's icon: it loads at every size installers use, the running app shows it, and the
files made from the SVG (PNGs, ICO, ICNS, the package's copy) are up to date."""

import sys

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QIcon, QImageReader
from PySide6.QtWidgets import QApplication

from reader_app import DESKTOP_APP_ID, paths
from reader_app.gui.app import ICON, run
from tests.repo_paths import REPO

sys.path.insert(0, str(REPO / "packaging" / "icons"))
import render_icons


def test_the_icon_draws_at_every_size(qapp) -> None:
    icon = QIcon(str(ICON))
    assert not icon.isNull()
    for size in render_icons.SIZES:
        image = icon.pixmap(QSize(size, size)).toImage()
        assert image.size() == QSize(size, size)
        # Not blank: the middle of the book is opaque.
        assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_the_running_app_has_the_icon_and_the_desktop_file_name(qapp, data_dir) -> None:
    from tests.gui.test_app import close_when_shown

    seen = []
    QTimer.singleShot(0, lambda: close_when_shown(seen))
    assert run(paths.resolve()) == 0
    assert not QApplication.windowIcon().isNull()
    assert QApplication.desktopFileName() == DESKTOP_APP_ID


def test_the_generated_icons_are_up_to_date(qapp) -> None:
    assert render_icons.stale(render_icons.SVG.read_bytes()) == []


def _image_sizes(path, fmt: bytes) -> list[int]:
    """The sizes of every image Qt reads from a multi-image file."""
    reader = QImageReader(str(path), fmt)
    sizes = []
    for _ in range(reader.imageCount()):
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        assert image.width() == image.height()
        sizes.append(image.width())
        reader.jumpToNextImage()
    return sizes


def test_the_ico_and_icns_hold_every_size(qapp) -> None:
    assert sorted(_image_sizes(render_icons.ICO, b"ico")) == list(render_icons.ICO_SIZES)
    assert sorted(_image_sizes(render_icons.ICNS, b"icns")) == sorted(
        size for _, size in render_icons.ICNS_TYPES
    )

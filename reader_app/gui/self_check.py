"""The Qt half of ``reader-app doctor``: start Qt, paint a page through a widget, draw
text, and read and write images, in a worker process.

Run only in a worker (``reader_app.doctor.probe_gui``): the platform plugin, fonts and
image format plugins are what a frozen bundle loses, and a missing platform plugin
aborts the process that tries to load it.
"""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QtMsgType,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QImageReader,
    QImageWriter,
    QPainter,
)
from PySide6.QtWidgets import QApplication, QWidget

from reader_app.doctor import GuiProbe
from reader_app.documents import RenderedPage

# Formats whose round trip is checked: PNG is built into QtGui, JPEG is a plugin (if the
# plugins folder is lost, JPEG goes with it).
NEEDED_FORMATS = ("png", "jpeg")
TEXT = "Resource Reader"


class _PageWidget(QWidget):
    """Paints one image, as the viewer's page widget does."""

    def __init__(self, image: QImage) -> None:
        super().__init__()
        self.image = image
        self.resize(image.size())

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.drawImage(0, 0, self.image)
        painter.end()


def check_qt(page: RenderedPage | None, log: str) -> GuiProbe:
    """Start a QApplication and exercise what the viewer needs; ``page`` is a rendered
    page to paint (a drawn stand-in when there is none). Qt's warnings are returned, and
    written to the file ``log`` as they come, for the doctor to read if Qt aborts."""
    messages: list[str] = []
    with open(log, "a", encoding="utf-8", errors="replace") as out:

        def keep(kind: QtMsgType, _context: object, text: str) -> None:
            if kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
                messages.append(text)
                out.write(text.replace("\n", " ") + "\n")
                out.flush()

        previous = qInstallMessageHandler(keep)
        try:
            return _exercise(page, messages)
        finally:
            qInstallMessageHandler(previous)


def _exercise(page: RenderedPage | None, messages: list[str]) -> GuiProbe:
    app = QApplication.instance() or QApplication(["reader-app-doctor"])
    probe = GuiProbe(
        qt_version=qVersion(),
        binding_version=pyside_version,
        platform=QGuiApplication.platformName(),
        messages=messages,
    )
    image = _page_image(page) if page is not None else _stand_in()
    probe.painted = _paints_through_widget(image, probe.problems)
    probe.font = _draws_text(probe.problems)
    probe.image_formats = sorted(
        {bytes(f.data()).decode("ascii", "replace") for f in QImageReader.supportedImageFormats()}
    )
    for name in NEEDED_FORMATS:
        why = _round_trip(image, name)
        if why:
            probe.problems.append(why)
    del app  # left to the process's exit: the worker ends after answering
    return probe


def _page_image(page: RenderedPage) -> QImage:
    return QImage(
        page.samples, page.width, page.height, page.stride, QImage.Format.Format_RGB888
    ).copy()


def _stand_in() -> QImage:
    image = QImage(200, 100, QImage.Format.Format_RGB888)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.fillRect(20, 20, 160, 60, QColor("#2b5ea7"))
    painter.end()
    return image


def _paints_through_widget(image: QImage, problems: list[str]) -> bool:
    widget = _PageWidget(image)
    target = QImage(image.size(), QImage.Format.Format_RGB32)
    target.fill(QColor("magenta"))
    widget.render(target)
    widget.deleteLater()
    if target != image.convertToFormat(QImage.Format.Format_RGB32):
        problems.append("the page painted through a widget came out different from the page")
        return False
    return True


def _draws_text(problems: list[str]) -> str:
    """The family of the default font, once some text drawn with it has left ink."""
    image = QImage(240, 48, QImage.Format.Format_Grayscale8)
    image.fill(255)
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(24)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(4, 34, TEXT)
    family = painter.fontInfo().family()
    painter.end()
    dark = sum(1 for value in bytes(image.constBits()) if value < 128)
    if dark == 0:
        problems.append(
            f"text drawn with the font '{family}' left no ink: no usable font was found"
        )
    return family


def _round_trip(image: QImage, name: str) -> str:
    """Write ``image`` in format ``name`` and read it back; '' or what went wrong."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(name.encode()))
    if not writer.write(image):
        return f"Qt cannot write {name.upper()} images ({writer.errorString()})"
    buffer.close()
    back = QImage.fromData(data, name)
    if back.isNull() or back.size() != image.size():
        return f"Qt cannot read {name.upper()} images back"
    return ""

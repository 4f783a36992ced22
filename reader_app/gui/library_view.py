"""The library drawn richer: pillars as coloured chips in the table, and a grid of covers.

Covers are page 1 of each resource, rendered by the render service's worker processes
(never here) and only for the items on screen while the grid is shown.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from reader_app.catalog import Catalog
from reader_app.gui.render_service import RenderRequest, RenderService
from reader_app.gui.resource_model import COLUMNS, PILLARS_ROLE, RESOURCE_ROLE

Index = QModelIndex | QPersistentModelIndex
ChipColours = Callable[[str], tuple[QColor, QColor]]  # pillar id -> (fill, text)

A4_WIDTH = 595.0  # points: covers are rendered for this page width
COVER_SIZE = QSize(120, 170)  # device-independent pixels; an A4 page fits it
COVER_REQUEST_DELAY = 30  # ms: scrolling and resizing settle before covers are asked for


def catalog_chip_colours(catalog: Catalog) -> ChipColours:
    """Each pillar's catalog colour with white text; grey for a pillar the catalog lacks."""

    def colours(pillar_id: str) -> tuple[QColor, QColor]:
        pillar = catalog.pillar(pillar_id)
        return QColor(pillar.colour if pillar else "#595959"), QColor("#ffffff")

    return colours


def _style(option: QStyleOptionViewItem) -> QStyle:
    return option.widget.style() if option.widget is not None else QApplication.style()


def _draw_background(
    painter: QPainter, option: QStyleOptionViewItem, index: Index, init: Callable[..., None]
) -> QStyleOptionViewItem:
    """Let the style draw the cell (selection, hover, focus) with no text or icon of its own."""
    opt = QStyleOptionViewItem(option)
    init(opt, index)
    opt.text = ""
    opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDisplay
    opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
    _style(opt).drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
    return opt


def _text_colour(option: QStyleOptionViewItem) -> QColor:
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    return option.palette.color(role)


class PillarChipDelegate(QStyledItemDelegate):
    """Paints a cell's pillars (``PILLARS_ROLE``) as rounded chips bearing each pillar's name.

    The model's display text (the names, comma-joined) is untouched, so screen readers
    and copying still get it. Chips that do not fit are counted in a "+N" at the end.
    """

    MARGIN = 4  # between the cell's edge and the chips
    SPACING = 4  # between chips
    PADDING = 6  # inside a chip, either side of its name

    def __init__(
        self,
        catalog: Catalog,
        chip_colours: ChipColours | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._colours = chip_colours or catalog_chip_colours(catalog)

    def _chips(self, index: Index) -> list[tuple[str, str]]:
        """(pillar id, name) of each pillar the catalog knows, in the model's order."""
        return [
            (pid, pillar.name)
            for pid in index.data(PILLARS_ROLE) or []
            if (pillar := self._catalog.pillar(pid)) is not None
        ]

    def _chip_width(self, metrics: QFontMetrics, name: str) -> int:
        return metrics.horizontalAdvance(name) + 2 * self.PADDING

    @staticmethod
    def _chip_height(metrics: QFontMetrics) -> int:
        return metrics.height() + 2

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        base = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        metrics = opt.fontMetrics
        chips = self._chips(index)
        width = 2 * self.MARGIN + sum(self._chip_width(metrics, name) for _, name in chips)
        width += self.SPACING * max(len(chips) - 1, 0)
        return QSize(width, max(base.height(), self._chip_height(metrics) + self.MARGIN))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = _draw_background(painter, option, index, self.initStyleOption)
        chips = self._chips(index)
        if not chips:
            return
        metrics = opt.fontMetrics
        rect = opt.rect.adjusted(self.MARGIN, 0, -self.MARGIN, 0)
        height = min(self._chip_height(metrics), rect.height())
        top = rect.top() + (rect.height() - height) // 2
        painter.save()
        painter.setClipRect(opt.rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(opt.font)
        x, end = rect.left(), rect.right() + 1
        for i, (pid, name) in enumerate(chips):
            after = len(chips) - i - 1  # chips after this one, counted in "+N" if cut
            reserve = self.SPACING + metrics.horizontalAdvance(f"+{after}") if after else 0
            width = self._chip_width(metrics, name)
            if i > 0 and x + width + reserve > end:  # room was kept for this "+N"
                painter.setPen(_text_colour(opt))
                align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                painter.drawText(QRect(x, top, end - x, height), align, f"+{after + 1}")
                break
            if x + width + reserve > end:  # the main pillar: shortened, never dropped
                text_width = max(end - x - reserve - 2 * self.PADDING, 0)
                name = metrics.elidedText(name, Qt.TextElideMode.ElideRight, text_width)
                width = self._chip_width(metrics, name)
            fill, text = self._colours(pid)
            chip = QRect(x, top, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, height / 2, height / 2)
            painter.setPen(text)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)  # plain text, always
            x += width + self.SPACING
        painter.restore()


def title_lines(text: str, font: QFont, width: int, lines: int = 2) -> list[str]:
    """``text`` wrapped at word boundaries into at most ``lines`` lines, the last elided."""
    metrics = QFontMetrics(font)
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    result: list[str] = []
    layout.beginLayout()
    while len(result) < lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start = line.textStart()
        if len(result) == lines - 1:
            rest = " ".join(text[start:].split())
            result.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
        else:
            result.append(text[start : start + line.textLength()].strip())
    layout.endLayout()
    return [line for line in result if line]


def initials(title: str) -> str:
    """Up to two letters standing for a title, for a cover not (yet) rendered."""
    letters = [word[0] for word in title.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper()


class CoverDelegate(QStyledItemDelegate):
    """One item of the cover grid: the cover (or a placeholder), pillar bars, the title."""

    PADDING = 6
    GAP = 4  # between the cover, the pillar bars and the title
    BAR_HEIGHT = 5

    def __init__(self, grid: CoverGrid, chip_colours: ChipColours) -> None:
        super().__init__(grid)
        self._grid = grid
        self._colours = chip_colours

    def _line_height(self, option: QStyleOptionViewItem) -> int:
        return QFontMetrics(option.font).lineSpacing()

    def sizeHint(self, option: QStyleOptionViewItem, _index: Index) -> QSize:
        return QSize(
            COVER_SIZE.width() + 2 * self.PADDING,
            self.PADDING
            + COVER_SIZE.height()
            + self.GAP
            + self.BAR_HEIGHT
            + self.GAP
            + 2 * self._line_height(option)
            + self.PADDING,
        )

    def cover_box(self, item: QRect) -> QRect:
        """The room for the cover in an item's rectangle, centred; placeholders fill it."""
        left = item.left() + (item.width() - COVER_SIZE.width()) // 2
        return QRect(QPoint(left, item.top() + self.PADDING), COVER_SIZE)

    def cover_target(self, item: QRect, pixmap: QPixmap) -> QRect:
        """Where ``pixmap`` is drawn: at its own size (shrunk only if too big), centred in
        the cover box and standing on its bottom edge, so different shapes line up."""
        box = self.cover_box(item)
        size = pixmap.deviceIndependentSize().toSize()
        if size.width() > box.width() or size.height() > box.height():
            size = size.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(QPoint(0, 0), size)
        target.moveCenter(box.center())
        target.moveBottom(box.bottom())
        return target

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = _draw_background(painter, option, index, self.initStyleOption)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        box = self.cover_box(opt.rect)
        painter.save()
        pixmap = self._grid.cover(index.data(RESOURCE_ROLE))
        if pixmap is not None:
            target = self.cover_target(opt.rect, pixmap)
            painter.setPen(opt.palette.color(QPalette.ColorRole.Mid))  # white pages need an edge
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(target.adjusted(-1, -1, 0, 0))
            painter.drawPixmap(target, pixmap)
        else:
            self._paint_placeholder(painter, opt, box, title)
        bars = QRect(box.left(), box.bottom() + 1 + self.GAP, box.width(), self.BAR_HEIGHT)
        self._paint_bars(painter, bars, index.data(PILLARS_ROLE) or [])
        painter.setFont(opt.font)
        painter.setPen(_text_colour(opt))
        line_height = self._line_height(opt)
        text_width = opt.rect.width() - 2 * self.PADDING
        y = bars.bottom() + 1 + self.GAP
        for line in title_lines(title, opt.font, text_width):
            rect = QRect(opt.rect.left() + self.PADDING, y, text_width, line_height)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, line)
            y += line_height
        painter.restore()

    def _paint_bars(self, painter: QPainter, rect: QRect, pillars: list[str]) -> None:
        """One bar per pillar, side by side, main pillar first."""
        for i, pid in enumerate(pillars):
            left = rect.left() + i * rect.width() // len(pillars)
            right = rect.left() + (i + 1) * rect.width() // len(pillars)
            gap = 2 if i < len(pillars) - 1 else 0
            bar = QRect(left, rect.top(), right - left - gap, rect.height())
            painter.fillRect(bar, self._colours(pid)[0])

    def _paint_placeholder(
        self, painter: QPainter, opt: QStyleOptionViewItem, box: QRect, title: str
    ) -> None:
        palette = opt.palette
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
        painter.drawRect(box.adjusted(0, 0, -1, -1))
        font = QFont(opt.font)
        font.setPointSizeF(font.pointSizeF() * 2.5 if font.pointSizeF() > 0 else 24)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, initials(title))

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        if event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        # The whole title (elided under the cover) and the pillars the bars stand for,
        # escaped: a tooltip would otherwise take text with tags for rich text.
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        pillars = index.siblingAtColumn(COLUMNS.index("Pillars")).data() or ""
        tip = f"<p>{html.escape(title)}<br>{html.escape(pillars)}</p>"
        QToolTip.showText(event.globalPos(), tip, view, option.rect)
        return True


class CoverGrid(QListView):
    """The library as a grid of covers, over the same (proxy) model as the table.

    ``render_service`` is called only when a cover is first needed, so the worker
    processes start no earlier than that. ``activated`` (Enter, double-click) gives
    the item's index in the model, as the table's does.
    """

    cover_ready = Signal(str)  # resource id
    cover_failed = Signal(str, str)  # resource id, message

    def __init__(
        self,
        catalog: Catalog,
        render_service: Callable[[], RenderService],
        chip_colours: ChipColours | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            accessibleName="Resource covers",
            uniformItemSizes=True,
            spacing=8,
            selectionMode=QAbstractItemView.SelectionMode.SingleSelection,
        )
        # In this order: icon mode resets movement, wrapping and flow.
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setToolTip("The library as covers: Enter or double-click opens a resource")
        self._catalog = catalog
        self._get_service = render_service
        self._service: RenderService | None = None
        self._covers: dict[str, QPixmap] = {}
        self._asked: set[str] = set()
        self._failed: dict[str, str] = {}
        self._delegate = CoverDelegate(self, chip_colours or catalog_chip_colours(catalog))
        self.setItemDelegate(self._delegate)
        self._request_timer = QTimer(
            self, singleShot=True, interval=COVER_REQUEST_DELAY, timeout=self.request_visible
        )
        self.verticalScrollBar().valueChanged.connect(self._schedule_requests)

    def set_catalog(self, catalog: Catalog) -> None:
        """The library's documents changed: new ones get covers, edited ones keep theirs."""
        self._catalog = catalog
        self._schedule_requests()

    # The model

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if old is not None:
            for signal in self._layout_signals(old):
                signal.disconnect(self._schedule_requests)
        super().setModel(model)
        self.setModelColumn(0)
        if model is not None:
            for signal in self._layout_signals(model):
                signal.connect(self._schedule_requests)
        self._schedule_requests()

    @staticmethod
    def _layout_signals(model: QAbstractItemModel) -> tuple[SignalInstance, ...]:
        """What can bring other items into view: filtering, sorting, rows coming and going."""
        return (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved)

    # Covers

    def cover(self, resource_id: str | None) -> QPixmap | None:
        """The rendered cover, or None while it is awaited or when it could not be made."""
        return self._covers.get(resource_id) if resource_id else None

    def cover_rect(self, index: QModelIndex) -> QRect:
        """Where ``index``'s cover (or its placeholder) is drawn, in viewport coordinates."""
        item = self.visualRect(index)
        pixmap = self.cover(index.data(RESOURCE_ROLE))
        if pixmap is None:
            return self._delegate.cover_box(item)
        return self._delegate.cover_target(item, pixmap)

    def visible_ids(self) -> list[str]:
        """Resource ids of the items at least partly inside the viewport, in model order."""
        model = self.model()
        if model is None:
            return []
        area = self.viewport().rect()
        ids = []
        for row in range(model.rowCount()):
            index = model.index(row, self.modelColumn())
            if self.visualRect(index).intersects(area):
                ids.append(index.data(RESOURCE_ROLE))
        return ids

    def _schedule_requests(self, *_args: object) -> None:
        if self.isVisible():
            self._request_timer.start()

    def request_visible(self) -> None:
        """Ask for the covers of the items on screen not yet rendered or asked for."""
        if not self.isVisible():
            return
        scale = self.devicePixelRatioF()
        zoom = round(COVER_SIZE.width() * scale / A4_WIDTH, 4)
        for resource_id in self.visible_ids():
            if resource_id in self._asked:
                continue
            resource = self._catalog.get(resource_id)
            if resource is None:
                continue
            service = self._render_service()
            self._asked.add(resource_id)
            path = str(self._catalog.path_of(resource))
            service.request(RenderRequest(("cover", resource_id, zoom), path, 1, zoom))

    def _render_service(self) -> RenderService:
        service = self._get_service()
        if service is not self._service:
            if self._service is not None:  # what the old service still owed will never come
                self._asked = set(self._covers) | set(self._failed)
            service.rendered.connect(self.on_rendered)
            service.failed.connect(self.on_failed)
            self._service = service
        return service

    @staticmethod
    def _own(key: object) -> str | None:
        # A 3-tuple like DocumentView's (id(view), page, zoom), so that views that unpack
        # every key see a string where their id would be, and pass it by.
        if isinstance(key, tuple) and len(key) == 3 and key[0] == "cover":
            return str(key[1])
        return None

    def on_rendered(self, key: object, image: QImage) -> None:
        resource_id = self._own(key)
        if resource_id is None or resource_id not in self._asked:
            return
        scale = self.devicePixelRatioF()
        bounds = COVER_SIZE * scale
        if image.width() > bounds.width() or image.height() > bounds.height():
            # An image file's "page" can be far larger than A4: keep only what is shown.
            image = image.scaled(
                bounds,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        image.setDevicePixelRatio(scale)
        self._covers[resource_id] = QPixmap.fromImage(image)
        self.viewport().update()
        self.cover_ready.emit(resource_id)

    def on_failed(self, key: object, message: str) -> None:
        resource_id = self._own(key)
        if resource_id is None or resource_id not in self._asked:
            return
        self._failed[resource_id] = message  # the placeholder stays; not asked for again
        self.cover_failed.emit(resource_id, message)

    # Events

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._schedule_requests()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._schedule_requests()

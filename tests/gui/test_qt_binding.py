"""The Qt binding must not lose references to None: PySide6 6.12.0 did, on every call
of a method returning void, and the app crashed after a few thousand paints."""

import sys

from PySide6.QtWidgets import QLabel, QStyledItemDelegate, QTreeWidget, QTreeWidgetItem


def test_void_calls_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
        label.update()
    assert sys.getrefcount(None) - before > -50  # a leak would be -1000


def test_a_delegate_calling_its_base_paint_keeps_none_alive(qtbot) -> None:
    class Delegate(QStyledItemDelegate):
        def paint(self, painter, option, index):
            super().paint(painter, option, index)

    tree = QTreeWidget()
    qtbot.addWidget(tree)
    tree.setItemDelegate(Delegate(tree))
    QTreeWidgetItem(tree, ["a"])
    tree.resize(100, 60)
    before = sys.getrefcount(None)
    for _ in range(300):
        tree.grab()
    assert sys.getrefcount(None) - before > -50

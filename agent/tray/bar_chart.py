"""The bar chart My day, My week and My month draw hours with, and the
two-column layout they share (this computer or the figures on the left, the
collector's or the breakdown on the right)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLayout, QSizePolicy, QWidget

from agent.tray.view import duration, label
from shared.catalogue import AWAY_CATEGORIES, FUNCTION_IDS

_WORK, _AWAY, _OTHER = QColor("#2e8b57"), QColor("#c98a1b"), QColor("#8a9099")


def _colour(category: str) -> QColor:
    if category in FUNCTION_IDS:
        return _WORK
    return _AWAY if category in AWAY_CATEGORIES else _OTHER


class DayChart(QWidget):
    """Horizontal bars, one per category: name, bar, duration. Drawn with QPainter."""

    ROW = 26

    def __init__(self, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, float]] = []
        self.empty_text = empty_text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: list[tuple[str, float]]) -> None:
        """(category id, seconds), largest first."""
        self.rows = [(c, s) for c, s in rows if s > 0]
        self.updateGeometry()
        self.update()

    def name(self, key: str) -> str:
        """A row's name (a category's; My week's day chart names days)."""
        return label(key)

    def colour(self, key: str) -> QColor:
        return _colour(key)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, max(1, len(self.rows)) * self.ROW + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        text_colour = self.palette().windowText().color()
        if not self.rows:
            p.setPen(self.palette().placeholderText().color())
            p.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.empty_text,
            )
            p.end()
            return
        name_w = max(fm.horizontalAdvance(self.name(c)) for c, _ in self.rows) + 12
        value_w = fm.horizontalAdvance("00 h 00 min") + 8
        bar_w = max(40, self.width() - name_w - value_w)
        biggest = max(s for _, s in self.rows)
        for i, (category, seconds) in enumerate(self.rows):
            y = 4 + i * self.ROW
            p.setPen(text_colour)
            p.drawText(
                QRectF(0, y, name_w - 8, self.ROW - 4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.name(category),
            )
            width = max(3.0, bar_w * seconds / biggest)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.colour(category))
            p.drawRoundedRect(QRectF(name_w, y + 5, width, self.ROW - 14), 3, 3)
            p.setPen(text_colour)
            p.drawText(
                QRectF(name_w + width + 6, y, value_w, self.ROW - 4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                duration(seconds),
            )
        p.end()


def two_columns(left: QLayout, right: QLayout) -> QGridLayout:
    """Left and right side by side with a sunken line between, the left wider."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    columns = QGridLayout()
    columns.setHorizontalSpacing(18)
    columns.addLayout(left, 0, 0)
    columns.addWidget(line, 0, 1)
    columns.addLayout(right, 0, 2)
    columns.setColumnStretch(0, 3)
    columns.setColumnStretch(2, 2)
    return columns

"""The tray icons, drawn with QPainter: one distinct picture per state.

Drawn rather than shipped so there are no image files to package, and each
state differs by shape as well as colour (colour-blind users, monochrome
panels): a hollow ring when off, a filled dot when tracking, two bars when
paused, a dot with a slashed arc when offline, a triangle with "!" on error.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from agent.tray.view import ERROR, KINDS, OFF, OFFLINE, PAUSED, TRACKING

COLOURS = {
    OFF: QColor("#7a8088"),
    TRACKING: QColor("#2e8b57"),
    PAUSED: QColor("#c98a1b"),
    OFFLINE: QColor("#3f6fb5"),
    ERROR: QColor("#c0392b"),
}


def draw(kind: str, size: int = 64) -> QPixmap:
    """The icon for ``kind`` at ``size`` pixels, on a transparent background."""
    if kind not in KINDS:
        raise ValueError(f"unknown icon kind {kind!r}")
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64.0
    colour = COLOURS[kind]
    if kind == OFF:
        p.setPen(QPen(colour, 7 * s))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(10 * s, 10 * s, 44 * s, 44 * s))
    elif kind == TRACKING:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour.lighter(160))
        p.drawEllipse(QRectF(4 * s, 4 * s, 56 * s, 56 * s))
        p.setBrush(colour)
        p.drawEllipse(QRectF(12 * s, 12 * s, 40 * s, 40 * s))
    elif kind == PAUSED:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(4 * s, 4 * s, 56 * s, 56 * s))
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(20 * s, 17 * s, 8 * s, 30 * s), 2 * s, 2 * s)
        p.drawRoundedRect(QRectF(36 * s, 17 * s, 8 * s, 30 * s), 2 * s, 2 * s)
    elif kind == OFFLINE:
        p.setPen(QPen(colour, 6 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(6 * s, 6 * s, 52 * s, 52 * s), 30 * 16, 300 * 16)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(22 * s, 22 * s, 20 * s, 20 * s))
        p.setPen(QPen(colour, 6 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(12 * s, 54 * s), QPointF(54 * s, 10 * s))
    else:  # ERROR
        path = QPainterPath()
        path.addPolygon(
            QPolygonF([QPointF(32 * s, 4 * s), QPointF(61 * s, 58 * s), QPointF(3 * s, 58 * s)])
        )
        path.closeSubpath()
        p.setPen(
            QPen(
                colour,
                3 * s,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        p.setBrush(colour)
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(28.5 * s, 20 * s, 7 * s, 22 * s), 3 * s, 3 * s)
        p.drawEllipse(QRectF(28.5 * s, 45 * s, 7 * s, 7 * s))
    p.end()
    return pm


@cache
def icon(kind: str) -> QIcon:
    """A QIcon with the sizes panels ask for; cached: state changes cost no drawing."""
    ic = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        ic.addPixmap(draw(kind, size))
    return ic

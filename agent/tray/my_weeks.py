"""My week and My month: the employee's own figures over time (issue 19, seed 002).

Unlike My day, these come from the collector only (``GET /me/summary`` for the
range): this computer keeps today's segments, the collector keeps the weeks.
Everything shown is the employee's own: hours per function, focus and
interruptions, and hours per unit for the work logged under their name. No
one else's figure is asked for, so none can be shown. The request runs on a
worker thread; until it answers, or when the collector is out of reach, the
window says so rather than showing stale numbers.
"""

from __future__ import annotations

import html
import logging
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent.tray.bar_chart import DayChart, two_columns
from agent.tray.bridge import CoreBridge
from agent.tray.view import duration, label
from shared.catalogue import functions

log = logging.getLogger(__name__)

PERIODS = ("week", "month")
_BAR = QColor("#3b6ea5")


def period_range(period: str, today: date, back: int = 0) -> tuple[date, date]:
    """The ISO week (Monday to Sunday) or calendar month holding ``today``,
    ``back`` periods earlier."""
    if period == "week":
        monday = today - timedelta(days=today.weekday()) - timedelta(weeks=back)
        return monday, monday + timedelta(days=6)
    if period != "month":
        raise ValueError(f"period must be one of {PERIODS}")
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def period_title(period: str, start: date, end: date) -> str:
    if period == "month":
        return start.strftime("%B %Y")
    same_year = start.year == end.year
    return f"{start.strftime('%a %d %b' + ('' if same_year else ' %Y'))} – " + end.strftime(
        "%a %d %b %Y"
    )


def bars_by_day(period: str, start: date, end: date, days: list[dict]) -> list[tuple[str, float]]:
    """(row name, seconds): each day of a week; each week (from its Monday) of a month."""
    hours = {d["day"]: float(d["hours"]) for d in days}
    if period == "week":
        out, day = [], start
        while day <= end:
            out.append((day.strftime("%a %d"), hours.get(day.isoformat(), 0.0) * 3600))
            day += timedelta(days=1)
        return out
    weeks: dict[date, float] = {}
    day = start
    while day <= end:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0.0) + hours.get(day.isoformat(), 0.0) * 3600
        day += timedelta(days=1)
    return [(f"Week of {m.strftime('%d %b')}", s) for m, s in weeks.items()]


class _DaysChart(DayChart):
    def name(self, key: str) -> str:
        return key

    def colour(self, key: str) -> QColor:
        return _BAR


class MyRangeWindow(QWidget):
    #: Emitted once the collector's answer (or its absence) is on screen.
    shown = Signal()

    def __init__(self, bridge: CoreBridge, period: str, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        if period not in PERIODS:
            raise ValueError(f"period must be one of {PERIODS}")
        self.bridge = bridge
        self.period = period
        self.back = 0  # periods before the current one
        self.range: tuple[date, date] | None = None
        self.summary: dict | None = None
        self.summary_state = "waiting"  # waiting | ok | unreachable | not_enrolled
        self.setWindowTitle(f"Backlight — my {period}")
        self.setObjectName(f"my{period.title()}Window")

        self.title = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.functions_chart = DayChart(f"Nothing at the collector for this {period}.")
        self.days_chart = _DaysChart("")
        self.facts = QLabel()
        self.facts.setObjectName("myRangeFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.units = QLabel()
        self.units.setObjectName("myRangeUnits")
        self.units.setWordWrap(True)
        self.units.setTextFormat(Qt.TextFormat.RichText)

        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Hours per function</b>"))
        left.addWidget(self.functions_chart)
        left.addSpacing(6)
        left.addWidget(self.facts)
        left.addStretch(1)
        right = QVBoxLayout()
        self.days_heading = QLabel(
            "<b>Day by day</b>" if period == "week" else "<b>Week by week</b>"
        )
        right.addWidget(self.days_heading)
        right.addWidget(self.days_chart)
        right.addSpacing(6)
        right.addWidget(self.units)
        right.addStretch(1)
        columns = two_columns(left, right)

        self.previous_button = QPushButton(f"‹ &Previous {period}")
        self.previous_button.clicked.connect(lambda: self._step(1))
        self.next_button = QPushButton(f"&Next {period} ›")
        self.next_button.clicked.connect(lambda: self._step(-1))
        close = QPushButton("&Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        note = QLabel(
            "<span style='color:#6b7280'>Only your own figures, as the collector holds "
            "them: nobody else's are shown or asked for.</span>"
        )
        note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addLayout(columns, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.resize(760, 420)
        bridge.rangeReady.connect(self._ready)

    # -- life ------------------------------------------------------------------
    def present(self) -> None:
        self.back = 0
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()

    def refresh(self) -> None:
        start, end = self.range = period_range(self.period, date.today(), self.back)
        self.title.setText(
            f"<span style='font-size:15pt'><b>My {self.period}</b></span> &nbsp; "
            + html.escape(period_title(self.period, start, end))
        )
        self.next_button.setEnabled(self.back > 0)
        self.summary = None
        if not self.bridge.state.enrolled:
            self.summary_state = "not_enrolled"
        else:
            self.summary_state = "waiting"
            self.bridge.fetch_range(start, end)
        self._show()

    def _step(self, by: int) -> None:
        self.back = max(0, self.back + by)
        self.refresh()

    def _ready(self, wanted: tuple[date, date], body: dict | None) -> None:
        if wanted != self.range:  # the other window's answer, or an older request
            return
        self.summary = body
        self.summary_state = "ok" if body is not None else "unreachable"
        self._show()
        log.info("my %s %s..%s: %s", self.period, wanted[0], wanted[1], self.summary_state)
        self.shown.emit()

    # -- what is shown -------------------------------------------------------------
    def _show(self) -> None:
        ok = self.summary_state == "ok" and self.summary is not None
        self.functions_chart.setVisible(ok)
        self.days_chart.setVisible(ok)
        self.days_heading.setVisible(ok)
        self.units.setVisible(ok)
        if not ok:
            self.facts.clear()
            self.status.setText(
                {
                    "waiting": "Asking the collector…",
                    "unreachable": "<b>Collector unreachable.</b> Your weeks are kept there; "
                    "try again when it is back (My day works offline).",
                    "not_enrolled": "This computer is not enrolled, so there is no "
                    "collector to ask.",
                    "ok": "",
                }[self.summary_state]
            )
            return
        body = self.summary
        assert body is not None and self.range is not None
        self.status.setText("")
        cats = [(c["category"], float(c["hours"]) * 3600) for c in body.get("categories", [])]
        self.functions_chart.set_rows(sorted(cats, key=lambda kv: -kv[1]))
        self.days_chart.set_rows(bars_by_day(self.period, *self.range, body.get("days") or []))
        self.facts.setText(facts_text(body))
        self.units.setText(units_text(body.get("functions") or []))
        self.layout().activate()
        want = self.layout().sizeHint().height()
        if self.height() < want:
            self.resize(self.width(), want)


def _d(seconds: float) -> str:
    return html.escape(duration(seconds))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def facts_text(body: dict) -> str:
    """Total, focus and interruptions, as rich text."""
    rows = [f"Total: <b>{_d(float(body.get('total_hours') or 0) * 3600)}</b>"]
    f = body.get("focus") or {}
    if f.get("sessions"):
        rows.append(
            f"Focus time: <b>{_d(float(f['hours']) * 3600)}</b> in "
            f"{_count(int(f['sessions']), 'session', 'sessions')} "
            "(15 min or more, mostly on one function)"
        )
    else:
        rows.append("Focus time: none (a session is 15 min or more, mostly on one function)")
    longest = body.get("longest_focus")
    if longest:
        day = date.fromisoformat(str(longest["day"])).strftime("%a %d %b")
        rows.append(
            f"Longest focus: <b>{_d(float(longest['minutes']) * 60)}</b> of "
            f"{html.escape(label(longest['function']))} ({day})"
        )
    i = body.get("interruptions") or {}
    rows.append(
        f"Interruptions: <b>{int(i.get('count') or 0)}</b>"
        f" ({_d(float(i.get('away_minutes') or 0) * 60)} away); "
        f"{_count(int(i.get('task_switches') or 0), 'switch', 'switches')}"
        " between functions"
    )
    return "<br>".join(rows)


def units_text(rows: list[dict]) -> str:
    """Own hours per unit, for the work logged under the employee's name."""
    if not rows:
        return ""
    catalogue = functions()
    lines = ["<b>Your hours per unit</b><br>"]
    for r in rows:
        f = catalogue.get(r["function"])
        name = html.escape(f.name if f else label(r["function"]))
        if r.get("hours_per_unit") is None:
            lines.append(
                f"{name}: <span style='color:#6b7280'>no units logged under your name</span>"
            )
        else:
            each = _d(float(r["hours_per_unit"]) * 3600)
            unit = html.escape(f.output_unit if f else "units")
            lines.append(f"{name}: {int(r['units'])} {unit}, <b>{each}</b> each")
    return lines[0] + "<br>".join(lines[1:])

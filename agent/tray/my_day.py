"""My day: the employee's own figures for today, beside the collector's.

The left side is what this computer recorded (``AgentCore.today``: it works
offline); the right side is what the collector holds for this person
(``GET /me/summary``), fetched on a worker thread so a slow or absent
collector never freezes the window; until it answers, or when it cannot be
reached, the window says so instead of showing stale or made-up numbers.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent.core.today import Today
from agent.tray.bar_chart import DayChart, two_columns
from agent.tray.bridge import CoreBridge
from agent.tray.view import describe, duration, label, plural, when

TITLE = "Backlight — my day"

#: Local figures are re-read this often while the window is open.
REFRESH_MS = 30_000


def _minutes(low: float, high: float) -> str:
    """ "11–16", or one number when the organisation set a single recovery time."""
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f}–{high:.0f}"


def _heading(text: str) -> QLabel:
    w = QLabel(f"<b>{text}</b>")
    return w


class MyDayWindow(QWidget):
    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.bridge = bridge
        self.setWindowTitle(TITLE)
        self.setObjectName("myDayWindow")
        self.today: Today | None = None
        self.summary: dict | None = None
        self.summary_state = "waiting"  # waiting | ok | unreachable | not_enrolled

        self.title = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)

        # left: this computer
        self.chart = DayChart("Nothing recorded yet today.")
        self.facts = QLabel()
        self.facts.setObjectName("myDayFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.items = QLabel()
        self.items.setObjectName("myDayItems")
        self.items.setWordWrap(True)
        self.items.setTextFormat(Qt.TextFormat.RichText)
        self.queue = QLabel()
        self.queue.setObjectName("myDayQueue")
        self.queue.setWordWrap(True)
        self.retry_button = QPushButton("Send refused batches again")
        self.retry_button.clicked.connect(self._retry)
        left = QVBoxLayout()
        left.addWidget(_heading("On this computer"))
        left.addWidget(self.chart)
        left.addSpacing(6)
        left.addWidget(self.facts)
        left.addWidget(self.items)
        left.addWidget(self.queue)
        left.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addStretch(1)

        # right: the collector
        self.remote_chart = DayChart("Nothing at the collector yet today.")
        self.remote = QLabel()
        self.remote.setObjectName("myDayCollector")
        self.remote.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(_heading("At the collector"))
        right.addWidget(self.remote_chart)
        right.addSpacing(6)
        right.addWidget(self.remote)
        right.addStretch(1)

        columns = two_columns(left, right)

        self.send_button = QPushButton("&Send now")
        self.send_button.clicked.connect(self._send_now)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        close = QPushButton("&Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.resize(720, 360)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh_local)
        bridge.stateChanged.connect(self._state_changed)
        bridge.summaryReady.connect(self._summary_ready)

    # -- life ------------------------------------------------------------------
    def present(self) -> None:
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Local figures now; the collector's when it answers."""
        self._refresh_local()
        state = self.bridge.state
        if not state.enrolled:
            self.summary_state = "not_enrolled"
            self._show_summary()
            return
        self.summary_state = "waiting"
        self._show_summary()
        self.bridge.fetch_summary(self.today.day if self.today else date.today())

    def _refresh_local(self) -> None:
        self.today = self.bridge.core.today()
        self._show_local()

    def refresh_local(self) -> None:
        """This computer's figures again (the item timer changed)."""
        self._refresh_local()

    def _state_changed(self, _state) -> None:
        if self.isVisible():
            self._show_queue()

    def _summary_ready(self, day: date, body: dict | None) -> None:
        if self.today is not None and day != self.today.day:
            return
        self.summary = body
        self.summary_state = "ok" if body is not None else "unreachable"
        self._show_summary()

    # -- actions -----------------------------------------------------------------
    def _send_now(self) -> None:
        self.bridge.core.upload_now()
        self.queue.setText(self.queue.text() + "<br><i>Sending…</i>")

    def _retry(self) -> None:
        self.bridge.core.retry_quarantined()
        self._show_queue()

    # -- drawing -----------------------------------------------------------------
    def _show_local(self) -> None:
        t = self.today
        if t is None:
            return
        self.title.setText(
            f"<span style='font-size: 15pt'><b>Today</b></span>  {t.day.strftime('%A %d %B')}"
        )
        self.chart.set_rows(list(t.categories))
        rows = [
            f"Active time: <b>{_d(t.active_s)}</b>"
            + (f" &nbsp;(idle {_d(t.idle_s)})" if t.idle_s >= 60 else "")
        ]
        if t.interruptions:
            lost = _minutes(*t.lost_minutes)
            each = _minutes(t.rule.recovery_min_s / 60, t.rule.recovery_max_s / 60)
            rows.append(
                f"Interruptions: <b>{t.interruptions}</b>, about <b>{lost} min</b>"
                f" lost ({_d(t.away_s)} away, plus {each} min each to get back into it)"
            )
        else:
            rows.append("Interruptions: <b>none</b> so far")
        if t.longest_focus_category:
            rows.append(
                f"Longest focus: <b>{_d(t.longest_focus_s)}</b> on "
                f"{label(t.longest_focus_category)}"
            )
        else:
            rows.append("Longest focus: none yet")
        if t.focus_sessions:
            rows.append(
                f"Focus time: <b>{_d(t.focus_s)}</b> in {t.focus_sessions} session"
                f"{'s' if t.focus_sessions > 1 else ''} (15 min or more, mostly on one function)"
            )
        self.facts.setText("<br>".join(rows))
        self._show_items()
        self._show_queue()
        self._fit()

    def _show_items(self) -> None:
        """The employee's own timed items of today: theirs to see, references and all."""
        items = self.bridge.core.items.today()
        self.items.setVisible(bool(items))
        if not items:
            return
        rows = []
        for i in items:
            state = {
                "running": "timing now",
                "paused": "paused",
                "completed": "completed",
                "not_completed": "not completed",
            }[i.state]
            if i.ended is not None:
                state += ", sent" if i.sent else ", waiting to be sent"
            rows.append(
                f"{html.escape(i.type_name)} <b>{html.escape(i.reference)}</b>: "
                f"<b>{_d(i.net_s)}</b> ({state})"
            )
        self.items.setText("Items timed today:<br>" + "<br>".join(rows))

    def _fit(self) -> None:
        """Grow (never shrink) to fit a longer chart: the employee may have resized us."""
        self.layout().activate()
        want = self.layout().sizeHint().height()
        if self.height() < want:
            self.resize(self.width(), want)

    def _show_queue(self) -> None:
        s = self.bridge.state
        self.status.setText(html.escape(_sentence(describe(s).headline)))
        waiting = []
        if s.queued_segments:
            waiting.append(plural(s.queued_segments, "segment"))
        if s.pending_units:
            waiting.append(plural(s.pending_units, "work item"))
        if s.pending_consent:
            waiting.append(plural(s.pending_consent, "consent decision"))
        text = "Waiting to be sent: <b>" + (", ".join(waiting) or "nothing") + "</b>"
        text += f"<br>Last sent: <b>{when(s.last_upload_at)}</b>"
        if s.offline:
            text += " — the collector cannot be reached right now; nothing is lost"
        if s.quarantined_batches:
            n = sum(q.segments for q in s.quarantined)
            text += (
                f"<br><span style='color:#c0392b'>Refused by the collector: "
                f"{plural(s.quarantined_batches, 'batch')} ({plural(n, 'segment')}), "
                "kept on this computer.</span>"
            )
        self.queue.setText(text)
        self.retry_button.setVisible(bool(s.quarantined_batches))

    def _show_summary(self) -> None:
        if self.summary_state == "ok" and self.summary is not None:
            body = self.summary
            cats = [(c["category"], float(c["hours"]) * 3600) for c in body.get("categories", [])]
            self.remote_chart.set_rows(sorted(cats, key=lambda kv: -kv[1]))
            i = body.get("interruptions") or {}
            self.remote.setText(
                f"Total: <b>{_d(float(body.get('total_hours', 0)) * 3600)}</b><br>"
                f"Interruptions: <b>{i.get('count', 0)}</b>"
                f" ({_d(float(i.get('away_minutes', 0)) * 60)} away)<br>"
                "<span style='color:#6b7280'>What has arrived so far; the rest "
                "follows with the next upload.</span>"
            )
            self.remote_chart.show()
            self._fit()
            return
        self.remote_chart.hide()
        self.remote.setText(
            {
                "waiting": "Asking the collector…",
                "unreachable": "<b>Collector unreachable.</b><br>The figures on the left are "
                "from this computer; they are sent when it is back.",
                "not_enrolled": "This computer is not enrolled, so there is no collector to ask.",
            }[self.summary_state]
        )


def _d(seconds: float) -> str:
    """A duration for rich text (``< 1 min`` would open a tag)."""
    return html.escape(duration(seconds))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]

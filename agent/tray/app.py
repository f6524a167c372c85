"""The tray application: an icon, its menu, and the few windows behind it.

All tracking logic is in ``agent.core``; this module only shows the core's
state and turns clicks into core calls. The order at start matters for
consent: the core starts with tracking off (the tracker does not even ask
for the foreground window before a grant), then, if the current consent text
has no answer yet, the consent window opens. The same happens whenever the
policy brings a new consent version while the tray runs.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from agent.core.facade import AgentCore
from agent.core.state import AgentState
from agent.core.tracking_gate import ConsentUnavailable
from agent.tray import icons
from agent.tray.bridge import CoreBridge
from agent.tray.client_picker import ClientPicker
from agent.tray.consent_window import ConsentWindow
from agent.tray.item_timer_ui import ItemTimerUi
from agent.tray.log_work import LogWorkDialog
from agent.tray.menu import TrayMenu
from agent.tray.my_data import MyData, ask_where
from agent.tray.my_day import MyDayWindow
from agent.tray.my_weeks import MyRangeWindow
from agent.tray.screenshots import Shooter
from agent.tray.status_window import StatusWindow
from agent.tray.view import StatusView, consent_needed, describe, label
from agent.tray.withdraw_confirm import WithdrawConfirm

log = logging.getLogger(__name__)

#: On quit or logout: one last upload, briefly (the session manager is waiting).
FINAL_UPLOAD_TIMEOUT_S = 3.0
#: While there is no tray, look again this often (panels often start after us).
TRAY_RECHECK_MS = 5000


class TrayApp(QObject):
    """Owns the windows and the icon; ``tray_available`` is injectable for tests."""

    def __init__(
        self,
        core: AgentCore,
        *,
        tray_available: bool | None = None,
        shooter: Shooter | None = None,
    ):
        super().__init__()
        self.core = core
        self.bridge = CoreBridge(core, self)
        self.shooter = shooter or Shooter(None)
        self._asked_version: int | None = None
        self._last: AgentState | None = None
        self._user_resumed = False
        self.messages: list[str] = []
        self.view: StatusView = describe(self.bridge.state)

        self.menu = TrayMenu()
        self.consent_window = ConsentWindow()
        self.my_day = MyDayWindow(self.bridge)
        self.my_week = MyRangeWindow(self.bridge, "week")
        self.my_month = MyRangeWindow(self.bridge, "month")
        self.withdraw_box: WithdrawConfirm | None = None  # made when first needed
        self.log_work = LogWorkDialog(self.bridge)
        self.client_picker = ClientPicker(self.bridge)
        self.status_window: StatusWindow | None = None
        self.tray = QSystemTrayIcon(icons.icon("off"), self)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._activated)
        self._tray_check = QTimer(self)
        self._tray_check.setInterval(TRAY_RECHECK_MS)
        self._tray_check.timeout.connect(self._recheck_tray)

        m = self.menu
        for minutes, action in m.pause_actions.items():
            action.triggered.connect(lambda _=False, mins=minutes: self.pause(mins))
        m.resume.triggered.connect(self.resume)
        m.my_day.triggered.connect(self.show_my_day)
        m.my_week.triggered.connect(self.my_week.present)
        m.my_month.triggered.connect(self.my_month.present)
        for w, name in ((self.my_week, "tray-my-week.png"), (self.my_month, "tray-my-month.png")):
            w.shown.connect(lambda w=w, name=name: self._range_shown(w, name))
        m.status.triggered.connect(self.show_my_day)
        m.log_work.triggered.connect(self.show_log_work)
        m.client.triggered.connect(self.show_client_picker)
        self.items_ui = ItemTimerUi(self.bridge, self.menu, self.my_day, self.shooter, self.notify)
        self.start_item_dialog = self.items_ui.dialog
        m.collected.triggered.connect(self.show_collected)
        self.my_data = MyData(core, self)
        self.my_data.done.connect(self.notify)
        m.my_data.triggered.connect(self.download_my_data)
        m.consent.triggered.connect(self._consent_action)
        m.quit.triggered.connect(self.quit)
        m.aboutToShow.connect(self._menu_shown)
        self.consent_window.agreed.connect(self.agree)
        self.consent_window.declined.connect(self.decline)
        self.log_work.logged.connect(self._logged)
        self.bridge.summaryReady.connect(self._summary_shown)
        self.bridge.stateChanged.connect(self._on_state)

        available = (
            QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        )
        self.has_tray = available
        if available:
            self.tray.show()
        else:
            self._open_status_window()
            if tray_available is None:
                self._tray_check.start()

    # -- life cycle ------------------------------------------------------------
    def start(self) -> None:
        """Start the core (tracking stays off until consent), then ask if needed."""
        self.core.start()
        self._on_state(self.bridge.refresh())

    def shutdown(self) -> None:
        """Idempotent: hide everything first (quick), then stop the core."""
        self._tray_check.stop()
        self.tray.hide()
        for w in (
            self.consent_window,
            self.my_day,
            self.my_week,
            self.my_month,
            self.log_work,
            self.client_picker,
            self.start_item_dialog,
            self.status_window,
        ):
            if w is not None:
                w.close()
        self.bridge.detach()
        self.core.stop("tray quit", final_upload_timeout=FINAL_UPLOAD_TIMEOUT_S)

    def quit(self) -> None:
        QApplication.quit()

    # -- state -----------------------------------------------------------------
    def client_names(self) -> dict[str, str]:
        return {c.key: c.name for c in self.core.clients()}

    def _on_state(self, state: AgentState) -> None:
        previous, self._last = self._last, state
        names = self.client_names()
        shown, self.view = self.view, describe(state, names)
        if previous is None or shown.kind != self.view.kind:  # the panel repaints on setIcon
            self.tray.setIcon(icons.icon(self.view.kind))
        if previous is None or shown.tooltip != self.view.tooltip:
            self.tray.setToolTip(self.view.tooltip)
        self.menu.update_from(state, self.view, names)
        if self.status_window is not None:
            self.status_window.update_from(self.view)
        if previous is not None and previous.paused and not state.paused and state.tracking:
            if not self._user_resumed:  # the pause ran out: say so, once
                self.notify("The pause is over: tracking again.")
            self._user_resumed = False
        self._ask_consent_if_needed(state)

    def _ask_consent_if_needed(self, state: AgentState) -> None:
        text = self.core.consent_text()
        if text is None or not consent_needed(state, True):
            return
        if text.version == self._asked_version and not (
            self.consent_window.isVisible() and self.consent_window.version != text.version
        ):
            return  # asked already; closing the window without an answer is an answer for now
        self._asked_version = text.version
        self._show_consent(ask=True)

    def notify(self, message: str) -> None:
        """A short, quiet message from the tray icon (or the status window)."""
        self.messages.append(message)  # what was said, for tests and the log
        log.info("told the employee: %s", message)
        if self.has_tray and self.tray.supportsMessages():
            self.tray.showMessage("Backlight", message, icons.icon(self.view.kind), 4000)
        elif self.status_window is not None:
            self.status_window.details.setText(message)

    # -- actions (the menu's, also used by tests) ----------------------------------
    def pause(self, minutes: int | None) -> None:
        self.core.pause(minutes)
        self.bridge.refresh()

    def resume(self) -> None:
        self._user_resumed = True  # the employee did it: no message needed
        self.core.resume()
        self.bridge.refresh()

    def agree(self, version: int) -> None:
        text = self.core.consent_text()
        if text is None:
            return
        if text.version != version:  # the text changed while it was open: show the new one
            self._show_consent(ask=True)
            return
        self.core.grant_consent()
        self.bridge.refresh()
        self.notify("Thank you. Tracking is on; pause or withdraw any time from this icon.")

    def decline(self, _version: int) -> None:
        try:
            self.core.decline_consent()
        except ConsentUnavailable:
            return
        self.bridge.refresh()
        self.notify("Not tracking. You can agree later from “What is collected…”.")

    def confirm_withdraw(self) -> None:
        """The menu's "Withdraw consent": asks first, withdraws only on yes."""
        if self.withdraw_box is None:
            self.withdraw_box = WithdrawConfirm(self.withdraw, on_erase=self.withdraw_and_erase)
        self.withdraw_box.ask()

    def withdraw(self) -> None:
        try:
            self.core.withdraw_consent()
        except ConsentUnavailable:
            return
        self.bridge.refresh()
        self.notify("Consent withdrawn: tracking stopped. Nothing more is recorded.")

    def withdraw_and_erase(self) -> None:
        """Tracking stops first, so nothing new is sent after the erasure."""
        self.withdraw()
        self.my_data.erase()

    def download_my_data(self) -> None:
        path = ask_where(self.shooter)
        if path is not None:
            self.my_data.download(path)

    def _consent_action(self) -> None:
        if self.bridge.state.consent == "granted":
            self.confirm_withdraw()
        else:
            self._show_consent(ask=True)

    def show_collected(self) -> None:
        self._show_consent(ask=self.bridge.state.consent != "granted")

    def _show_consent(self, *, ask: bool) -> None:
        text = self.core.consent_text()
        if text is None:
            self.notify("There is no consent text yet: this computer is not enrolled.")
            return
        status = {
            "granted": "You agreed.",
            "declined": "You declined.",
            "withdrawn": "You withdrew your consent.",
            "outdated": "The text changed since you agreed.",
        }.get(self.bridge.state.consent, "")
        self.consent_window.show_text(
            text.version, text.text, ask=ask, status=status, privacy_url=self.privacy_url()
        )
        self.consent_window.present()
        if ask:
            self.shooter.later("tray-consent.png", lambda: _frame(self.consent_window))

    def privacy_url(self) -> str | None:
        """The collector's public ``/privacy`` page (docs/design.md §5), once enrolled."""
        url = self.core.config.collector_url
        return f"{url.rstrip('/')}/privacy" if url else None

    def show_my_day(self) -> None:
        self.my_day.present()

    def show_log_work(self) -> None:
        self.log_work.prepare()
        self.log_work.show()
        self.log_work.raise_()
        self.log_work.activateWindow()

    def show_client_picker(self) -> None:
        if not self.core.clients():
            return
        self.client_picker.prepare()
        self.client_picker.show()
        self.client_picker.raise_()
        self.client_picker.activateWindow()

    def show_self(self) -> None:
        """A second start asked us to come forward: show what matters most now."""
        if self.consent_window.isVisible() and self.consent_window.ask:
            self.consent_window.present()
        elif self.status_window is not None:
            self.status_window.present()
        elif self.bridge.state.consent_version is not None and consent_needed(
            self.bridge.state, True
        ):
            self._show_consent(ask=True)
        else:
            self.show_my_day()

    def _logged(self, function: str, units: int, corrections: int, client: object) -> None:
        self.bridge.refresh()
        where = (
            "It is queued and goes to the collector when it can be reached."
            if self.bridge.state.offline or not self.bridge.state.enrolled
            else "Sending it now."
        )
        self.notify(f"Logged {units} for {label(function)}. {where}")

    # -- the work-item timer (agent.tray.item_timer_ui) ------------------------------
    def show_start_item(self) -> None:
        self.items_ui.show_start()

    def refresh_item(self) -> None:
        self.items_ui.refresh()

    # -- tray plumbing -------------------------------------------------------------
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.menu.popup(QCursor.pos())  # left click: the same menu, as most panels do
        elif reason == QSystemTrayIcon.ActivationReason.DoubleClick:
            self.show_my_day()

    def _menu_shown(self) -> None:
        self.refresh_item()

        def area() -> QRect:
            rect = self.menu.geometry()
            icon = self.tray.geometry()
            return rect.united(icon) if icon.isValid() else rect

        self.shooter.later("tray-menu.png", area)

    def _summary_shown(self, *_args) -> None:
        if self.my_day.isVisible():
            self.shooter.later("tray-my-day.png", lambda: _frame(self.my_day))

    def _range_shown(self, window: MyRangeWindow, name: str) -> None:
        if window.isVisible():
            self.shooter.later(name, lambda: _frame(window))

    def _open_status_window(self) -> None:
        log.warning("no system tray on this desktop: showing a status window instead")
        if self.status_window is None:
            self.status_window = StatusWindow(self.menu)
            self.status_window.my_day.clicked.connect(self.show_my_day)
        self.status_window.update_from(self.view)
        self.status_window.present()

    def _recheck_tray(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_check.stop()
            self.has_tray = True
            self.tray.show()
            if self.status_window is not None:
                self.status_window.close()
            self.notify("Backlight is in the system tray now.")


def _frame(widget) -> QRect:
    """The window with its decorations, in screen coordinates."""
    return widget.frameGeometry()

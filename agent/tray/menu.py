"""The tray menu: the state on top, then what the employee can do about it.

Items that cannot apply now are disabled rather than hidden, so the menu
keeps its shape and people find things where they were yesterday. The one
exception: "Withdraw consent" turns into "Agree to tracking…" when there is
no grant, since withdrawing nothing would only confuse.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from agent.core.state import AgentState
from agent.tray import icons
from agent.tray.view import StatusView

PAUSES = ((15, "Pause for 15 minutes"), (30, "Pause for 30 minutes"), (60, "Pause for 1 hour"))


class TrayMenu(QMenu):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trayMenu")
        self.status = self.addAction("")  # the state; clicking it opens My day
        self.status.setToolTip("Open My day")
        self.addSeparator()
        self.pause_actions: dict[int | None, QAction] = {}
        for minutes, text in PAUSES:
            self.pause_actions[minutes] = self.addAction(text)
        self.pause_actions[None] = self.addAction("Pause until I resume")
        self.resume = self.addAction("Resume tracking")
        self.addSeparator()
        self.my_day = self.addAction("My day…")
        self.log_work = self.addAction("Log completed work…")
        self.client = self.addAction("Current client…")
        self.addSeparator()
        self.collected = self.addAction("What is collected…")
        self.my_data = self.addAction("Download my data…")
        self.consent = self.addAction("Withdraw consent")
        self.addSeparator()
        self.quit = self.addAction("Quit Backlight")

    def update_from(self, state: AgentState, view: StatusView, clients: dict[str, str]) -> None:
        """``clients``: the policy's client names by key (empty: not a BPO set-up)."""
        self.status.setText(view.headline[:1].upper() + view.headline[1:])
        self.status.setIcon(icons.icon(view.kind))
        granted = state.consent == "granted"
        for action in self.pause_actions.values():
            action.setEnabled(granted and state.tracking)
        self.resume.setEnabled(granted and state.paused)
        self.client.setEnabled(bool(clients))
        name = clients.get(state.current_client or "", "none")
        self.client.setText(f"Current client: {name}…" if clients else "Current client…")
        self.consent.setText("Withdraw consent" if granted else "Agree to tracking…")
        self.consent.setEnabled(granted or state.consent_version is not None)

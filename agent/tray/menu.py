"""The tray menu: the state on top, then what the employee can do about it.

Items that cannot apply now are disabled rather than hidden, so the menu
keeps its shape and people find things where they were yesterday. The one
exception: "Withdraw consent" turns into "Agree to tracking…" when there is
no grant, since withdrawing nothing would only confuse.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from agent.core.item_timer import TimedItem
from agent.core.state import AgentState
from agent.tray import icons
from agent.tray.view import StatusView, duration

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
        self.my_week = self.addAction("My &week…")
        self.my_month = self.addAction("My mon&th…")
        self.log_work = self.addAction("Log completed work…")
        self.client = self.addAction("Current client…")
        self.addSeparator()
        # The timer's entries carry mnemonics: a person (and a test) can press a
        # letter with the menu open.
        self.start_item = self.addAction("Start &item…")
        self.pause_item = self.addAction("Pa&use item")
        self.resume_item = self.addAction("Resu&me item")
        self.stop_completed = self.addAction("Stop item: &completed")
        self.stop_not_completed = self.addAction("Stop item: &not completed")
        self.update_item(None, has_types=False)
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

    def update_item(self, item: TimedItem | None, *, has_types: bool) -> None:
        """The timer's entries: "Start item" names the item while one is open."""
        if item is None:
            self.start_item.setText("Start &item…")
            self.start_item.setEnabled(has_types)
            self.start_item.setToolTip(
                "" if has_types else "Your organisation has not set up work types yet."
            )
        else:
            verb = "Timing" if item.state == "running" else "Paused"
            ref = item.reference if len(item.reference) <= 24 else item.reference[:23] + "…"
            text = f"{verb}: {item.type_name} {ref} ({duration(item.net_s)})"
            self.start_item.setText(text.replace("&", "&&"))
            self.start_item.setEnabled(False)
        self.pause_item.setEnabled(item is not None and item.state == "running")
        self.resume_item.setEnabled(item is not None and item.state == "paused")
        self.stop_completed.setEnabled(item is not None)
        self.stop_not_completed.setEnabled(item is not None)

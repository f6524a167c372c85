"""The tray's side of the work-item timer: the menu entries and the Start item
dialog wired to ``agent.core.item_timer``. Kept apart from app.py, which
owns the icon and the windows; this owns what the timer's entries do."""

from __future__ import annotations

from collections.abc import Callable

from agent.core.item_timer import TimedItem
from agent.tray.bridge import CoreBridge
from agent.tray.menu import TrayMenu
from agent.tray.my_day import MyDayWindow
from agent.tray.screenshots import Shooter
from agent.tray.start_item import StartItemDialog
from agent.tray.view import duration


class ItemTimerUi:
    def __init__(
        self,
        bridge: CoreBridge,
        menu: TrayMenu,
        my_day: MyDayWindow,
        shooter: Shooter,
        notify: Callable[[str], None],
    ):
        self.core = bridge.core
        self.menu = menu
        self.my_day = my_day
        self.shooter = shooter
        self.notify = notify
        self.dialog = StartItemDialog(bridge)
        self._shot = False
        m = menu
        m.start_item.triggered.connect(self.show_start)
        m.pause_item.triggered.connect(lambda: self._act(self.core.items.pause))
        m.resume_item.triggered.connect(lambda: self._act(self.core.items.resume))
        m.stop_completed.triggered.connect(lambda: self.stop("completed"))
        m.stop_not_completed.triggered.connect(lambda: self.stop("not_completed"))
        self.dialog.started.connect(self._started)
        self.dialog.reference.textEdited.connect(self._shoot)

    def show_start(self) -> None:
        """Nothing opens while an item is open: one item at a time."""
        if self.core.items.current() is not None:
            return
        self._shot = False
        self.dialog.prepare()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def stop(self, outcome: str) -> None:
        item = self._act(lambda: self.core.items.stop(outcome))
        if item is None:
            return
        self.core.upload_now()
        said = "completed" if outcome == "completed" else "not completed"
        self.notify(
            f"Stopped {item.type_name} {item.reference} ({said}): {duration(item.net_s)} "
            "of work. It goes to the collector with the next upload; the reference stays here."
        )

    def refresh(self) -> None:
        items = self.core.items
        self.menu.update_item(items.current(), has_types=bool(items.work_types()))
        if self.my_day.isVisible():
            self.my_day.refresh_local()

    def _shoot(self, _text: str) -> None:
        if not self._shot:  # once the employee typed: the dialog in use
            self._shot = True
            self.shooter.later("tray-start-item.png", self.dialog.frameGeometry)

    def _started(self, type_name: str, reference: str) -> None:
        self.refresh()
        self.notify(f"Timing {type_name} {reference}. Pause or stop it from this icon.")

    def _act(self, action: Callable[[], TimedItem]) -> TimedItem | None:
        try:
            item = action()
        except (ValueError, OSError) as e:  # OSError: the outbox could not be written
            self.notify(f"The item timer: {e}.")
            item = None
        self.refresh()
        return item

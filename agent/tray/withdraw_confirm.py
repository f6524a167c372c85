"""The question asked before consent is withdrawn.

Withdrawing is one click in the tray menu, next to items people click often,
and it stops tracking at once; a stray click should not do that. The box is
non-modal (``open``, not ``exec``) so the tray's event loop, and with it the
core's timers, keep running while it waits for an answer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

TEXT = (
    "Withdraw your consent?\n\n"
    "Tracking stops at once and nothing more is recorded on this computer. "
    "What was already sent stays with your organisation until its retention "
    "period ends. You can agree again later from this icon."
)


class WithdrawConfirm(QMessageBox):
    """Asks once; ``on_yes`` runs only when the employee confirms."""

    def __init__(
        self,
        on_yes: Callable[[], None],
        parent: QWidget | None = None,
        on_erase: Callable[[], None] | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Backlight — withdraw consent")
        self.setIcon(QMessageBox.Icon.Question)
        self.setText(TEXT)
        self.yes = self.addButton("Withdraw consent", QMessageBox.ButtonRole.DestructiveRole)
        destructive = QMessageBox.ButtonRole.DestructiveRole
        self.erase = self.addButton("Stop and erase my data", destructive)
        self.no = self.addButton("Keep tracking", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.no)  # Enter keeps things as they are
        self.setEscapeButton(self.no)
        self._on_yes = on_yes
        self._on_erase = on_erase
        self.erase_box: EraseConfirm | None = None
        self.buttonClicked.connect(self._answered)

    def ask(self) -> None:
        self.open()
        self.raise_()
        self.activateWindow()

    def _answered(self, button) -> None:
        if button is self.yes:
            self._on_yes()
        elif button is self.erase and self._on_erase is not None:
            self.erase_box = EraseConfirm(self._on_erase)
            self.erase_box.ask()


ERASE_TEXT = (
    "Stop tracking and erase your data?\n\n"
    "Tracking stops at once, and the collector deletes everything it holds about "
    "you: your devices, your figures, your absences and your consent records. "
    "This cannot be undone. Download your data first if you want a copy."
)


class EraseConfirm(QMessageBox):
    """The erasure's own question: erasing is final, so it is asked separately."""

    def __init__(self, on_yes: Callable[[], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Backlight — erase my data")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setText(ERASE_TEXT)
        self.yes = self.addButton("Erase my data", QMessageBox.ButtonRole.DestructiveRole)
        self.no = self.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.no)
        self.setEscapeButton(self.no)
        self._on_yes = on_yes
        self.buttonClicked.connect(lambda b: b is self.yes and self._on_yes())

    def ask(self) -> None:
        self.open()
        self.raise_()
        self.activateWindow()

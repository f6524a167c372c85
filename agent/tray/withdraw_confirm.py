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

    def __init__(self, on_yes: Callable[[], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Backlight — withdraw consent")
        self.setIcon(QMessageBox.Icon.Question)
        self.setText(TEXT)
        self.yes = self.addButton("Withdraw consent", QMessageBox.ButtonRole.DestructiveRole)
        self.no = self.addButton("Keep tracking", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.no)  # Enter keeps things as they are
        self.setEscapeButton(self.no)
        self._on_yes = on_yes
        self.buttonClicked.connect(self._answered)

    def ask(self) -> None:
        self.open()
        self.raise_()
        self.activateWindow()

    def _answered(self, button) -> None:
        if button is self.yes:
            self._on_yes()

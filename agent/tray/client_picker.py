"""Current client (BPO): which client the employee works for right now.

The choice is sticky (the core keeps it across restarts) and only fills in
segments that no rule attributes to a client; a rule naming a client wins.
It applies from the moment it is chosen, never to time already recorded.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from agent.tray.bridge import CoreBridge

TITLE = "Backlight — current client"


class ClientPicker(QDialog):
    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(TITLE)
        self.setObjectName("clientPicker")
        self.group = QButtonGroup(self)
        self.choices: list[tuple[str | None, QRadioButton]] = []
        intro = QLabel(
            "Time from now on counts for this client, unless the application itself "
            "already says which client it is for."
        )
        intro.setWordWrap(True)
        self.list = QVBoxLayout()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.list)
        layout.addWidget(buttons)
        self.resize(380, 200)

    def prepare(self) -> None:
        """Rebuild the short list from the current policy and tick the current choice."""
        for _, button in self.choices:
            self.group.removeButton(button)
            button.deleteLater()
        self.choices = []
        current = self.bridge.state.current_client
        options: list[tuple[str | None, str]] = [(None, "No particular client")]
        options += [(c.key, c.name) for c in self.bridge.core.clients()]
        for key, name in options:
            button = QRadioButton(name)
            button.setChecked(key == current)
            self.group.addButton(button)
            self.list.addWidget(button)
            self.choices.append((key, button))

    def chosen(self) -> str | None:
        for key, button in self.choices:
            if button.isChecked():
                return key
        return None

    def apply(self) -> None:
        key = self.chosen()
        try:
            self.bridge.core.set_client(key)
        except ValueError:  # the policy dropped it meanwhile: show the new list
            self.prepare()
            return
        self.accept()

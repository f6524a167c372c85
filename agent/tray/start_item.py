"""Start item: which kind of work, and the item's reference as typed or pasted.

The work types are the organisation's (the policy's ``work_types``). The
reference is shown here and in My day, never sent: the core hashes it
(``agent.core.item_timer``). The dialog says why an item did not start
rather than closing as if it had.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from agent.tray.bridge import CoreBridge
from agent.tray.view import label

TITLE = "Backlight — start an item"


class StartItemDialog(QDialog):
    #: (type name, reference) once the item runs.
    started = Signal(str, str)

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(TITLE)
        self.setObjectName("startItemDialog")
        self.setModal(False)

        self.work_type = QComboBox()
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("e.g. CLM-2026-0042")
        self.reference.setMaxLength(200)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        type_label = QLabel("&Work type:")
        type_label.setBuddy(self.work_type)
        form.addRow(type_label, self.work_type)
        ref_label = QLabel("&Reference:")
        ref_label.setBuddy(self.reference)
        form.addRow(ref_label, self.reference)
        intro = QLabel(
            "Time one item from your work queue. Pause it when you leave it, stop it "
            "when it is done. The reference stays on this computer: only a code made "
            "from it is sent, so your time joins the item in your manager's backlog."
        )
        intro.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton("&Start", QDialogButtonBox.ButtonRole.AcceptRole)
        # Return in the reference field starts the item. Left to itself the button
        # box makes Cancel the default (it comes first), and Return would silently
        # throw away what was typed.
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.start_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def prepare(self) -> None:
        """Fresh each time; the types follow the policy."""
        self.error.clear()
        self.reference.clear()
        previous = self.work_type.currentData()
        self.work_type.clear()
        for t in self.bridge.core.items.work_types():
            function = f" — {label(t.function)}" if t.function else ""
            self.work_type.addItem(f"{t.name}{function}", t.key)
        index = self.work_type.findData(previous) if previous else 0
        self.work_type.setCurrentIndex(max(index, 0))
        self.start_button.setDefault(True)
        self.reference.setFocus()

    def submit(self) -> None:
        key = self.work_type.currentData()
        try:
            item = self.bridge.core.items.start(key or "", self.reference.text())
        except (ValueError, OSError) as e:  # OSError: the outbox could not be written
            self.error.setText(f"Not started: {e}")
            return
        self.started.emit(item.type_name, item.reference)
        self.accept()

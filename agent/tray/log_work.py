"""Log completed work: function, how many units, corrections, client.

The employee's own count of output units (docs/design.md §3, ``POST /me/output-units``)
is what turns their hours into hours per unit. The core queues the item in
the outbox and the next upload sends it, so logging works offline; the
dialog says which of the two happened rather than claiming it was sent.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from agent.tray.bridge import CoreBridge
from shared.catalogue import FUNCTION_IDS, functions

TITLE = "Backlight — log completed work"
MAX_UNITS = 100_000


class LogWorkDialog(QDialog):
    #: (function id, units, corrections, client key or None) after a successful log.
    logged = Signal(str, int, int, object)

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(TITLE)
        self.setObjectName("logWorkDialog")
        self.setModal(False)

        self.function = QComboBox()
        for fid in FUNCTION_IDS:
            f = functions()[fid]
            self.function.addItem(f"{f.name} — {f.output_unit}", fid)
        self.function.currentIndexChanged.connect(self._unit_changed)
        self.units = QSpinBox()
        self.units.setRange(1, MAX_UNITS)
        self.units.valueChanged.connect(self._units_changed)
        self.unit_name = QLabel()
        self.corrections = QSpinBox()
        self.corrections.setRange(0, 1)
        self.corrections.setToolTip("How many of them needed a correction or rework")
        self.client = QComboBox()
        self.client_label = QLabel("&Client:")
        self.client_label.setBuddy(self.client)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Function:", self.function)
        count_label = QLabel("&How many:")
        count_label.setBuddy(self.units)
        form.addRow(count_label, self.units)
        form.addRow("", self.unit_name)
        corr = QLabel("C&orrections (optional):")
        corr.setBuddy(self.corrections)
        form.addRow(corr, self.corrections)
        form.addRow(self.client_label, self.client)
        intro = QLabel(
            "Work you completed today. Your manager's reports count it for your "
            "team, next to the time spent on that function."
        )
        intro.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.log_button = self.buttons.addButton("&Log", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def prepare(self) -> None:
        """Fresh values each time it opens; the client list follows the policy."""
        self.units.setValue(1)
        self.corrections.setValue(0)
        self.error.clear()
        self.client.clear()
        self.client.addItem("No particular client", None)
        for c in self.bridge.core.clients():
            self.client.addItem(c.name, c.key)
        current = self.bridge.state.current_client
        index = self.client.findData(current) if current else 0
        self.client.setCurrentIndex(max(index, 0))
        has_clients = self.client.count() > 1
        self.client.setVisible(has_clients)
        self.client_label.setVisible(has_clients)
        self._unit_changed()

    def _unit_changed(self) -> None:
        fid = self.function.currentData()
        self.unit_name.setText(f"<i>{functions()[fid].output_unit}</i>" if fid else "")
        self._units_changed(self.units.value())

    def _units_changed(self, value: int) -> None:
        # Payroll corrections count paychecks, not pay cycles (docs/design.md §4): one
        # cycle pays the whole operation, so the collector checks the bound.
        if self.function.currentData() == "payroll":
            self.corrections.setMaximum(MAX_UNITS)
            self.corrections.setToolTip("How many paychecks needed a correction")
        else:
            self.corrections.setMaximum(value)
            self.corrections.setToolTip("How many of them needed a correction or rework")

    def submit(self) -> None:
        fid = self.function.currentData()
        units, corrections = self.units.value(), self.corrections.value()
        client = self.client.currentData() if self.client.isVisibleTo(self) else None
        try:
            self.bridge.core.log_work(fid, units, corrections, client)
        except (ValueError, OSError) as e:  # OSError: the outbox could not be written
            self.error.setText(f"Not logged: {e}")
            return
        self.logged.emit(fid, units, corrections, client)
        self.accept()

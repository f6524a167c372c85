"""A small status window for desktops without a system tray.

Some desktops (GNOME without an extension, bare window managers, some kiosk
set-ups) have no tray. Rather than run invisibly — which would be tracking
without any sign of it — the agent says so and shows this window, with the
same menu as the tray icon behind a button. Closing it keeps the agent
running; starting Backlight again brings it back (one instance per session).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from agent.tray import icons
from agent.tray.menu import TrayMenu
from agent.tray.view import StatusView

TITLE = "Backlight — status"


class StatusWindow(QWidget):
    def __init__(self, menu: TrayMenu, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.setObjectName("statusWindow")
        self.icon = QLabel()
        self.headline = QLabel()
        self.headline.setObjectName("statusHeadline")
        self.headline.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        note = QLabel(
            "This desktop has no system tray, so Backlight shows this window instead. "
            "Closing it keeps Backlight running; start Backlight again to bring it back."
        )
        note.setWordWrap(True)
        note.setObjectName("noTrayNote")
        note.setStyleSheet("color: #555;")
        self.my_day = QPushButton("&My day…")
        self.menu_button = QPushButton("M&ore")
        self.menu_button.setMenu(menu)

        top = QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(self.headline)
        text.addWidget(self.details)
        top.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.my_day)
        buttons.addWidget(self.menu_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.resize(420, 170)

    def update_from(self, view: StatusView) -> None:
        self.icon.setPixmap(icons.draw(view.kind, 32))
        self.headline.setText(f"<b>{view.headline[:1].upper() + view.headline[1:]}</b>")
        self.details.setText("\n".join(view.details))

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

"""The consent window: the collector's own words, then Agree or Decline.

The text comes from the policy (docs/design.md §5), so what the employee reads is
what the organisation configured (group size, individual reports, retention).
Each paragraph that starts with a short "Heading:" gets the heading in bold,
which is all the structure the plain text needs.

Neither button is the default: Enter must not agree on the employee's behalf.
Both have mnemonics (Alt+A, Alt+D) and take Tab focus. Closing the window
decides nothing: tracking stays off and the tray says so.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

TITLE = "Backlight — consent"


def render(text: str) -> str:
    """Plain consent text as simple rich text (escaped; short headings in bold)."""
    parts = []
    for para in (p.strip() for p in text.split("\n\n")):
        if not para:
            continue
        head, sep, rest = para.partition(":")
        if sep and 0 < len(head) <= 40 and "\n" not in head:
            parts.append(f"<p><b>{html.escape(head)}:</b>{html.escape(rest)}</p>")
        else:
            parts.append(f"<p>{html.escape(para)}</p>")
    return "".join(parts)


class ConsentWindow(QWidget):
    """Asks (``ask=True``: Agree / Decline) or only shows (Close) the consent text."""

    agreed = Signal(int)  # the consent version agreed to
    declined = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.setObjectName("consentWindow")
        self.version: int | None = None
        self.ask = False
        self.resize(560, 450)

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("consentIntro")
        self.body = QLabel()
        self.body.setObjectName("consentText")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setContentsMargins(4, 0, 8, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.body)
        scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # focus starts on the text: read first
        self.scroll = scroll
        self.footer = QLabel()
        self.footer.setWordWrap(True)
        self.footer.setStyleSheet("color: #555;")
        self.privacy_link = QLabel()  # the collector's /privacy page, always current
        self.privacy_link.setObjectName("privacyLink")
        self.privacy_link.setWordWrap(True)
        self.privacy_link.setTextFormat(Qt.TextFormat.RichText)
        self.privacy_link.setOpenExternalLinks(True)

        self.agree_button = QPushButton("&Agree")
        self.decline_button = QPushButton("&Decline")
        self.close_button = QPushButton("&Close")
        for b in (self.agree_button, self.decline_button, self.close_button):
            b.setAutoDefault(False)
            b.setDefault(False)
        buttons = QHBoxLayout()  # no QDialogButtonBox: it would make Agree the default
        buttons.addStretch(1)
        for b in (self.decline_button, self.agree_button, self.close_button):
            buttons.addWidget(b)
        self.agree_button.clicked.connect(self._agree)
        self.decline_button.clicked.connect(self._decline)
        self.close_button.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.privacy_link)
        layout.addWidget(self.footer)
        layout.addLayout(buttons)

    def show_text(
        self,
        version: int,
        text: str,
        *,
        ask: bool,
        status: str = "",
        privacy_url: str | None = None,
    ) -> None:
        """Fill the window; ``ask`` shows Agree / Decline, otherwise only Close."""
        self.version, self.ask = version, ask
        if privacy_url:
            url = html.escape(privacy_url, quote=True)
            self.privacy_link.setText(
                f'Everything held and who sees it, always current: <a href="{url}">{url}</a>'
            )
        self.privacy_link.setVisible(bool(privacy_url))
        self.intro.setText(
            "<b>Before Backlight records anything, please read what it does.</b>"
            if ask
            else "<b>What Backlight collects</b>"
        )
        self.body.setText(render(text))
        note = f"Consent version {version}."
        if status:
            note += f" {status}"
        if ask:
            note += " Nothing is recorded until you choose Agree. You can change your mind "
            note += "at any time from the Backlight icon's menu."
        self.footer.setText(note)
        self.agree_button.setVisible(ask)
        self.decline_button.setVisible(ask)
        self.close_button.setVisible(not ask)

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        self.scroll.setFocus()

    def _agree(self) -> None:
        if self.version is not None:
            self.agreed.emit(self.version)
        self.close()

    def _decline(self) -> None:
        if self.version is not None:
            self.declined.emit(self.version)
        self.close()

"""One tray per user session and profile.

The first tray listens on a local socket (QLocalServer: a Unix socket in the
temp dir, a named pipe on Windows) named after the user and the profile. A
second start connects, says "show", and exits: the employee double-clicked
the launcher because they want to see Backlight, so the running one comes
forward instead of a second one counting the same screen. The core's profile
lock stays the real guard against double counting; this is the courtesy.
"""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from agent.config import Paths

CONNECT_TIMEOUT_MS = 1000
SHOW = b"show\n"


def server_name(paths: Paths) -> str:
    """Short (Unix socket paths are limited to ~100 bytes), per user and profile."""
    key = f"{getpass.getuser()}:{paths.data_dir.resolve()}"
    return "backlight-tray-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def ask_running_to_show(name: str) -> bool:
    """True when another tray answered (it will show itself; we should exit)."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    sock.write(SHOW)
    sock.flush()
    sock.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    sock.disconnectFromServer()
    return True


class SingleInstance(QObject):
    """Listens for later starts; emits ``showRequested`` when one asks."""

    showRequested = Signal()

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)  # a crashed tray's socket file
        return self.server.listen(self.name)

    def _accept(self) -> None:
        while (sock := self.server.nextPendingConnection()) is not None:
            # The caller writes at once; wait briefly rather than juggle per-socket
            # slots (short-lived sockets and queued slots are where crashes hide).
            ready = sock.bytesAvailable() or sock.waitForReadyRead(CONNECT_TIMEOUT_MS)
            if ready and bytes(sock.readAll().data()).startswith(SHOW.strip()):
                self.showRequested.emit()
            sock.abort()
            sock.deleteLater()

    def close(self) -> None:
        self.server.close()

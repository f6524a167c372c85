"""The .deb as an admin deploys it, and as an employee meets it.

Builds the package (``python -m installer``, what ``make packages`` runs),
installs it silently with a real collector's URL and a fresh one-use
enrollment token, and checks what landed: files, the machine config's owner
and mode, the autostart entry. Then an ordinary user (``useradd``) starts
the INSTALLED agent headless on a real X display, and it must enroll itself
as that user, track nothing until that user consents, and upload. A rebuilt
package with a higher version upgrades it with no parameters: the machine
config, the device id, the consent and a queue left by a collector that was
down must all still be there, and the queue must reach the collector
afterwards. Last, ``dpkg --purge`` must leave nothing of the package.

Runs as root (CI does); elsewhere it skips, saying why. It installs a real
package on this machine, so everything is undone in ``finally`` blocks.
"""

from __future__ import annotations

import configparser
import json
import os
import pwd
import secrets
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.machine_config import load_file
from tests.agent.test_faults_collector_down import (
    collector_segments,
    kill_collector,
    start_collector,
    wait_for,
)
from tests.fixtures.requirements import IN_CI, missing, need_programs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.x11,
    pytest.mark.skipif(
        os.geteuid() != 0 and not IN_CI,
        reason="installs a package and adds a user: run as root (CI does)",
    ),
]

PACKAGE = "backlight-agent"
V1, V2 = "1.0.0", "1.0.1"
ROOT = Path(__file__).resolve().parents[2]
CONF = Path("/etc/backlight/agent.toml")
DESKTOP = Path("/etc/xdg/autostart/backlight-agent.desktop")


@pytest.fixture(scope="module", autouse=True)
def as_root():
    if os.geteuid() != 0:  # only under CI=true (else skipped above): never pass by skipping
        pytest.fail("the .deb test must run as root under CI", pytrace=False)
    need_programs("dpkg", "dpkg-deb", "apt-get", "useradd", "userdel")
    if not Path(f"/usr/bin/python3.{sys.version_info.minor}").exists():
        missing(f"/usr/bin/python3.{sys.version_info.minor}", "apt-get install python3")


def run(*argv: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """A command that must succeed; dpkg's lock (another apt on this machine) is waited for."""
    deadline = time.monotonic() + 300
    while True:
        out = subprocess.run(
            argv, capture_output=True, text=True, env=env or os.environ.copy(), timeout=timeout
        )
        if out.returncode == 0:
            return out
        if "lock" in out.stderr and time.monotonic() < deadline:
            time.sleep(2)
            continue
        raise AssertionError(f"{' '.join(argv)} failed ({out.returncode}):\n{out.stderr[-3000:]}")


def build(version: str, out: Path) -> tuple[Path, float]:
    began = time.monotonic()
    run(sys.executable, "-m", "installer", "--only", "linux", "--require", "linux",
        "--version", version, "--out", str(out))  # fmt: skip
    (deb,) = out.glob(f"{PACKAGE}_{version}_*.deb")
    return deb, time.monotonic() - began


def apt_install(deb: Path, **params: str) -> tuple[float, str]:
    """``[VARS=...] apt-get install ./x.deb``, the admin's silent line; (seconds, output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKLIGHT_")}
    env.update(params, DEBIAN_FRONTEND="noninteractive")
    began = time.monotonic()
    out = run("apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", str(deb), env=env)
    return time.monotonic() - began, out.stdout + out.stderr


def installed_version() -> str | None:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status} ${Version}", PACKAGE], capture_output=True, text=True
    )
    if out.returncode != 0 or "install ok installed" not in out.stdout:
        return None
    return out.stdout.split()[-1]


def purge_if_installed() -> None:
    listed = subprocess.run(["dpkg-query", "-W", PACKAGE], capture_output=True)
    if listed.returncode == 0:
        run("dpkg", "--purge", PACKAGE)


class Employee:
    """An ordinary local account running the installed agent on the test display."""

    def __init__(self, desktop, log: Path):
        self.name = f"bl{secrets.token_hex(3)}"
        run("useradd", "--create-home", "--shell", "/bin/sh", self.name)
        entry = pwd.getpwnam(self.name)
        self.uid, self.gid, self.home = entry.pw_uid, entry.pw_gid, Path(entry.pw_dir)
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "USER": self.name,
            "LOGNAME": self.name,
            "DISPLAY": desktop.display,
            "XDG_SESSION_TYPE": "x11",
            "BACKLIGHT_AGENT_POLL_S": "0.5",
            "BACKLIGHT_AGENT_ENROLL_RETRY_S": "1",
        }
        self.log = log
        self.proc: subprocess.Popen | None = None

    def _as_me(self) -> dict:
        return {"user": self.uid, "group": self.gid, "extra_groups": [], "cwd": self.home}

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        out = subprocess.run(
            ["/usr/bin/backlight-agent", *args],
            env=self.env, capture_output=True, text=True, timeout=60, **self._as_me(),
        )  # fmt: skip
        assert out.returncode == 0, f"backlight-agent {' '.join(args)}: {out.stderr}"
        return out

    def status(self) -> dict:
        return json.loads(self.cli("status", "--json").stdout)

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["/usr/bin/backlight-agent", "--headless"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, **self._as_me(),
            )  # fmt: skip

    def alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"agent exited {self.proc.returncode}: {self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                assert self.proc.wait(20) == 0, self.log.read_text()[-2000:]
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise
        self.proc = None

    def remove(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        subprocess.run(["userdel", "--remove", self.name], capture_output=True)


def test_deb_install_enroll_upload_upgrade_purge(desktop, tmp_path: Path):
    purge_if_installed()  # a previous run that died half-way
    deb1, build_s = build(V1, tmp_path / "dist1")
    size_mb = deb1.stat().st_size / 1e6
    info = run("dpkg-deb", "--info", str(deb1)).stdout
    assert f"Version: {V1}" in info and f"python3.{sys.version_info.minor}" in info, info

    server = start_collector(tmp_path / "server")
    token = server.cli("token", "create", "--team", "ops", "--uses", "1").strip()
    employee = Employee(desktop, tmp_path / "agent.log")
    figures: dict[str, float] = {"package MB": size_mb, "build s": build_s}
    try:
        figures["install s"], _ = apt_install(
            deb1, BACKLIGHT_COLLECTOR_URL=server.url, BACKLIGHT_ENROLLMENT_TOKEN=token
        )
        assert installed_version() == V1
        files = run("dpkg", "-L", PACKAGE).stdout.split()
        for path in ("/usr/bin/backlight-agent", str(DESKTOP), "/opt/backlight/venv/bin/python"):
            assert path in files and Path(path).exists(), path
        assert os.access("/usr/bin/backlight-agent", os.X_OK)

        st = CONF.stat()  # the machine config: root's, readable by every user's agent
        assert (st.st_uid, st.st_gid) == (0, 0)
        assert stat.S_IMODE(st.st_mode) == 0o644
        assert stat.S_IMODE(CONF.parent.stat().st_mode) == 0o755
        config = load_file(CONF)
        assert (config.collector_url, config.enrollment_token) == (server.url, token)

        entry = configparser.ConfigParser(interpolation=None)
        entry.optionxform = str
        entry.read(DESKTOP)
        section = entry["Desktop Entry"]
        assert section["Type"] == "Application"
        assert section["Exec"].split()[0] == "/usr/bin/backlight-agent"
        assert section.get("Hidden", "false") == "false"
        assert section.get("X-GNOME-Autostart-enabled", "true") == "true"

        # The tray's Qt, trimmed, loads on a real X display as the user.
        qt = subprocess.run(
            ["/opt/backlight/venv/bin/python", "-I", "-c",
             "from PySide6.QtWidgets import QApplication; import agent.tray.app;"
             "app = QApplication([]); print(app.platformName())"],
            env=employee.env, capture_output=True, text=True, timeout=60, **employee._as_me(),
        )  # fmt: skip
        assert qt.returncode == 0 and qt.stdout.strip() == "xcb", qt.stderr

        work = desktop.open_window("Payroll run - Excel", wm_class="Excel")
        chat = desktop.open_window("Slack - ops chat", wm_class="Slack")
        desktop.focus(work)
        employee.start()

        def enrolled():
            employee.alive()
            return [d for d in server.store().devices() if d["person"] == employee.name]

        (device,) = wait_for("the installed agent to enroll itself", enrolled, timeout=60)
        snap = wait_for("the profile", lambda: (s := employee.status())["enrolled"] and s, 20)
        assert snap["device_id"] == device["id"]
        assert device["id"] in employee.cli("status").stdout
        assert snap["consent"] == "none" and not snap["tracking"]
        time.sleep(2)
        assert not collector_segments(server, device["id"]), "tracked before consent"

        employee.cli("consent", "grant")
        wait_for("tracking", lambda: employee.alive() or employee.status()["tracking"], 30)
        for wid in (chat, work, chat):
            desktop.focus(wid)
            desktop.type_text("x")
            time.sleep(1.5)
        wait_for(
            "segments at the collector",
            lambda: employee.alive() or collector_segments(server, device["id"]),
            timeout=60,
        )
        uploaded = len(collector_segments(server, device["id"]))

        kill_collector(server)  # a queue for the upgrade to keep
        for wid in (work, chat):
            desktop.focus(wid)
            time.sleep(1.5)
        employee.stop()
        before = employee.status()
        assert before["queue"]["segments"] > 0, before
        conf_before = (CONF.read_bytes(), CONF.stat())

        deb2, _ = build(V2, tmp_path / "dist2")
        figures["upgrade s"], _ = apt_install(deb2)  # no parameters: the config must stay
        assert installed_version() == V2
        conf_after = (CONF.read_bytes(), CONF.stat())
        assert conf_after[0] == conf_before[0]
        assert conf_after[1].st_mtime_ns == conf_before[1].st_mtime_ns
        assert stat.S_IMODE(conf_after[1].st_mode) == 0o644
        after = employee.status()
        assert after["device_id"] == before["device_id"] == device["id"]
        assert after["consent"] == "granted"
        assert after["queue"] == before["queue"]

        server.start()  # same port, same database
        employee.start()
        wait_for(
            "the kept queue to arrive",
            lambda: employee.alive() or len(collector_segments(server, device["id"])) > uploaded,
            timeout=60,
        )
        devices = [d for d in server.store().devices() if d["person"] == employee.name]
        assert [d["id"] for d in devices] == [device["id"]], "enrolled again after upgrade"

        files = run("dpkg", "-L", PACKAGE).stdout.split()
        began = time.monotonic()
        run("dpkg", "--purge", PACKAGE)  # with the agent running: prerm stops it
        figures["purge s"] = time.monotonic() - began
        assert employee.proc.wait(20) == 0, employee.log.read_text()[-2000:]
        assert "stopping: signal SIGTERM" in employee.log.read_text()
        employee.proc = None
        assert installed_version() is None
        assert not Path("/etc/backlight").exists()
        left = [p for p in files if Path(p).exists() and not _shared_dir(Path(p))]
        assert not left, f"left after purge: {left[:20]}"
        # Per-user data is the user's (docs/deploy.md): purge leaves it in the home folder.
        assert (employee.home / ".local/share/backlight/outbox.sqlite").exists()

        # Without parameters a fresh install still succeeds, and says how to configure.
        _, said = apt_install(deb2)
        assert "BACKLIGHT_ENROLLMENT_TOKEN" in said and not CONF.exists(), said
        # A wrong parameter fails the install loudly, naming it, and writes nothing.
        env = {**os.environ, "BACKLIGHT_COLLECTOR_URL": "backlight.example.org"}
        bad = subprocess.run(
            ["dpkg", "-i", str(deb2)], env=env, capture_output=True, text=True, timeout=300
        )
        assert bad.returncode != 0 and "collector_url" in bad.stderr, bad.stderr
        assert not CONF.exists()
        run("dpkg", "--purge", PACKAGE)
    finally:
        employee.remove()
        purge_if_installed()
        server.stop()
        print("\n.deb figures: " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))


def _shared_dir(path: Path) -> bool:
    """A folder other packages also use (/opt, /usr/bin, ...), which dpkg rightly keeps."""
    return path.is_dir() and not path.is_symlink() and any(path.iterdir())

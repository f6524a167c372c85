"""The agent's footprint on a real X desktop, beside a baseline in the same run.

Starts its own Xvfb (display chosen by ``-displayfd``), openbox and tint2, a
focused xterm titled like payroll work, and a throwaway collector. Then runs,
one after the other, each for ``--seconds`` once it is up:

1. baseline: a bare Python process that imports the agent's modules (core,
   X11 probe, input monitor, python-xlib, pynput, requests) and sleeps;
2. headless: ``backlight-agent --headless``, polling at ``--poll`` s (1 Hz);
3. tray: ``backlight-agent`` with no arguments (the PySide6 tray), with
   tint2 as the tray host; consent is granted in the profile, so it tracks.

Each is measured the same way: CPU time (user + system, the process and its
children) over the window, as a percentage of one core, and peak RSS (the
process plus its children, sampled every 0.25 s) with psutil.

Run: .venv/bin/python benchmarks/agent_footprint.py [--seconds 60] [--poll 1.0]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.collector_server import CollectorServer, run_cli  # noqa: E402

AGENT = [sys.executable, "-m", "agent"]
TITLE = "Payroll run - week 47"
TARGETS = {"headless": (0.5, 50.0), "tray": (1.0, 120.0)}
BASELINE = """
import time
import agent.cli, agent.service, agent.core, agent.platform.x11, agent.platform.input
import Xlib.display, pynput.keyboard, pynput.mouse, requests, psutil
time.sleep(1e6)
"""


@dataclass
class Row:
    name: str
    cpu_pct: float | None = None
    peak_rss_mb: float | None = None
    startup_s: float | None = None
    note: str = ""


class Desktop:
    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        self.procs.append(xvfb)
        with os.fdopen(read_fd, "rb") as pipe:
            number = pipe.readline().decode().strip()
        if not number:
            raise SystemExit("Xvfb did not start")
        self.env = {**os.environ, "DISPLAY": f":{number}"}
        for var in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "BACKLIGHT_AGENT_PROBE"):
            self.env.pop(var, None)
        self.spawn("openbox", "--sm-disable")
        self._wait(lambda: self._root_has("_NET_SUPPORTING_WM_CHECK"), "openbox")
        self.spawn("tint2")
        self._wait(self._tray_owned, "tint2's system tray")
        self.spawn("xterm", "-T", TITLE, "-e", "sleep", "100000")
        wid = self._wait(lambda: self.xdotool("search", "--onlyvisible", "--name", TITLE), "xterm")
        self.xdotool("windowactivate", "--sync", wid.split()[0])
        self.xdotool("type", "--delay", "20", "hello")  # fresh input: active, no screen saver

    def spawn(self, *argv: str) -> subprocess.Popen:
        p = subprocess.Popen(
            argv, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.procs.append(p)
        return p

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip()

    def _root_has(self, atom: str) -> bool:
        from Xlib import display

        d = display.Display(self.env["DISPLAY"])
        try:
            return bool(d.screen().root.get_full_property(d.intern_atom(atom), 0))
        finally:
            d.close()

    def _tray_owned(self) -> bool:
        from Xlib import display

        d = display.Display(self.env["DISPLAY"])
        try:
            owner = d.get_selection_owner(d.intern_atom("_NET_SYSTEM_TRAY_S0"))
            return bool(owner) and getattr(owner, "id", owner) != 0
        finally:
            d.close()

    @staticmethod
    def _wait(check, what: str, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.1)
        raise SystemExit(f"{what} did not start")

    def stop(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


def measure(proc: subprocess.Popen, seconds: float) -> tuple[float, float]:
    """(CPU % of one core, peak RSS MB) of proc and its children over `seconds`."""
    root = psutil.Process(proc.pid)
    seen: dict[int, psutil.Process] = {}

    def family() -> list[psutil.Process]:
        try:
            members = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        for p in members:
            seen.setdefault(p.pid, p)
        return [seen[p.pid] for p in members]

    def cpu(p: psutil.Process) -> float:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            return last.get(p.pid, 0.0)
        return t.user + t.system

    start = {p.pid: cpu(p) for p in family()}
    last: dict[int, float] = dict(start)
    peak = 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode} during the measurement")
        rss = 0
        for p in family():
            try:
                rss += p.memory_info().rss
                last[p.pid] = cpu(p)
            except psutil.NoSuchProcess:
                pass
        peak = max(peak, rss)
        time.sleep(0.25)
    wall = time.monotonic() - began
    for p in family():
        last[p.pid] = cpu(p)
    used = sum(last[pid] - start.get(pid, 0.0) for pid in last)
    return 100.0 * used / wall, peak / 2**20


class Profile:
    def __init__(self, folder: Path, server: CollectorServer, env: dict) -> None:
        self.env = {**env, "BACKLIGHT_AGENT_HOME": str(folder / "agent")}
        self.log = folder / "agent.log"
        token = run_cli(server.db, "token", "create", "--team", "ops").strip()
        self.cli("enroll", "--collector", server.url, "--token", token, "--user", "bench")
        self.cli("consent", "grant")

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            [*AGENT, *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        if out.returncode != 0:
            raise RuntimeError(f"backlight-agent {' '.join(args)}: {out.stderr.strip()}")
        return out.stdout

    def status(self) -> dict:
        return json.loads(self.cli("status", "--json"))

    def run(self, name: str, argv: list[str], seconds: float, tracks: bool) -> Row:
        with open(self.log, "ab") as log:
            log.write(f"\n==== {name}\n".encode())
            log.flush()
            began = time.monotonic()
            proc = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            if tracks:
                deadline = time.monotonic() + 30
                while not self.status()["tracking"]:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        tail = self.log.read_text()[-600:].strip().replace("\n", " | ")
                        return Row(name, note=f"not available: never tracked ({tail})")
                    time.sleep(0.2)
            else:
                time.sleep(2)  # its imports
            startup = time.monotonic() - began
            cpu, rss = measure(proc, seconds)
            row = Row(name, cpu, rss, startup)
            if tracks:
                snap = self.status()
                row.note = f"tracking={snap['tracking']}, probe limits={len(snap['limitations'])}"
            return row
        except RuntimeError as e:
            return Row(name, note=f"not available: {e}")
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


def tray_unavailable(env: dict) -> str | None:
    out = subprocess.run(
        [sys.executable, "-c", "import agent.tray.app"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if out.returncode != 0:
        return (out.stderr.strip().splitlines() or ["import failed"])[-1]
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="measured time per row")
    ap.add_argument("--poll", type=float, default=1.0, help="agent poll interval (s)")
    args = ap.parse_args()
    missing = [p for p in ("Xvfb", "openbox", "tint2", "xterm", "xdotool") if not shutil.which(p)]
    if missing:
        raise SystemExit(f"missing programs: {', '.join(missing)} (scripts/system-deps.sh)")

    with tempfile.TemporaryDirectory(prefix="backlight-footprint-") as tmp:
        folder = Path(tmp)
        desktop = Desktop()
        server = CollectorServer(folder / "collector.db", folder / "collector.log")
        try:
            run_cli(server.db, "team", "add", "ops")
            server.start()
            env = {**desktop.env, "BACKLIGHT_AGENT_POLL_S": str(args.poll)}
            profile = Profile(folder, server, env)
            rows = [
                profile.run("baseline", [sys.executable, "-c", BASELINE], args.seconds, False),
                profile.run("headless", [*AGENT, "--headless"], args.seconds, True),
            ]
            reason = tray_unavailable(profile.env)
            if reason:
                rows.append(Row("tray", note=f"not available: {reason}"))
            else:
                rows.append(profile.run("tray", list(AGENT), args.seconds, True))
        finally:
            server.stop()
            desktop.stop()
        report(rows, args)
    return 0


def report(rows: list[Row], args: argparse.Namespace) -> None:
    from importlib.metadata import version

    print(
        f"agent footprint: {args.seconds:.0f} s per row, poll {args.poll} s, "
        f"python-xlib {version('python-xlib')}, pynput {version('pynput')}, "
        f"{psutil.cpu_count()} cores"
    )
    print(f"{'row':<10}{'CPU % (1 core)':>16}{'peak RSS MB':>13}{'startup s':>11}  target / note")
    for r in rows:
        target = TARGETS.get(r.name)
        verdict = ""
        if target and r.cpu_pct is not None:
            ok = r.cpu_pct < target[0] and r.peak_rss_mb < target[1]
            verdict = f"<{target[0]}% <{target[1]:.0f} MB: {'ok' if ok else 'MISSED'}"
        if r.cpu_pct is None:
            print(f"{r.name:<10}{'-':>16}{'-':>13}{'-':>11}  {r.note}")
            continue
        print(
            f"{r.name:<10}{r.cpu_pct:>16.3f}{r.peak_rss_mb:>13.1f}{r.startup_s:>11.1f}  "
            f"{verdict}{'; ' if verdict and r.note else ''}{r.note}"
        )


if __name__ == "__main__":
    raise SystemExit(main())

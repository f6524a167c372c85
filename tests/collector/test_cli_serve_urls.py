"""The URLs `serve` and `make run` print are the ones served: the port really
bound (also when the system picks it, --port 0), and a demo's curl line that
follows the port it is served on now, not the one of its first run."""

from __future__ import annotations

import re
import signal
import subprocess
import time

import requests

from tests.fixtures.collector_server import CLI, run_cli

SERVED = re.compile(r"Backlight collector on (http://127\.0\.0\.1:(\d+)/) \(database (.+)\)")


def test_serve_prints_the_port_it_bound_and_the_database(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "team", "add", "ops")
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--db", str(db)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line, f"serve ended: {lines}"
            lines.append(line)
            found = SERVED.search(line)
            if found:
                break
        else:
            raise AssertionError(lines)
        url, port, shown = found.groups()
        assert int(port) != 0 and shown == str(db)
        assert any(f"database {db} (from --db)" in line for line in lines)
        assert requests.get(f"{url}api/v1/health", timeout=10).ok
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
        proc.stderr.close()


def test_the_demo_curl_line_follows_the_port_of_this_run(tmp_path):
    db = tmp_path / "instance" / "backlight.db"
    first = [*CLI, "demo", "--db", str(db), "--if-empty", "--people", "6", "--days", "2"]
    out = subprocess.run(
        [*first, "--url", "http://127.0.0.1:8000"], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    notes = tmp_path / "instance" / "demo-credentials.txt"
    key = re.search(r"API key:\s+(\S+)", notes.read_text()).group(1)
    assert "http://127.0.0.1:8000/api/v1/reports/time-per-unit" in notes.read_text()
    again = subprocess.run(
        [*first, "--url", "http://127.0.0.1:8123"], capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0 and "left as it is" in again.stderr
    text = notes.read_text()
    assert "http://127.0.0.1:8123/api/v1/reports/time-per-unit" in text and ":8000" not in text
    assert key in text  # the same key: the database was left as it was

"""Every failure of `backlight-collector` is one clean line: no traceback, exit
status 2 for a command typed wrongly and 1 for anything else, and, where a
command can fix it, that command quoted so it can be pasted
(collector/cli_errors.py). One case per command family, on a real database,
run as the operator runs them."""

from __future__ import annotations

import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.collector.test_cli_database import one_error
from tests.fixtures.collector_server import CLI, run_cli

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("errors") / "c.db"
    run_cli(db, "team", "add", "ops")
    run_cli(db, "user", "add", "ann", "--role", "admin", stdin=PASSWORD + "\n")
    return db


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120)


#: (family, arguments after --db, stdin, exit status, what the line must say)
CASES = [
    (
        "team",
        ["team", "add", "ops"],
        "",
        1,
        "team 'ops' exists already; `backlight-collector team list --db",
    ),
    (
        "team",
        ["token", "create", "--team", "Payroll & HR"],
        "",
        1,
        'add it with `backlight-collector team add "Payroll & HR" --db',
    ),
    (
        "settings",
        ["settings", "set", "privacy.min_group_size=zero"],
        "",
        1,
        "privacy.min_group_size: expected int",
    ),
    (
        "settings",
        ["settings", "set", "nothing"],
        "",
        2,
        "expected KEY=VALUE; `backlight-collector settings show",
    ),
    (
        "user",
        ["user", "add", "bo", "--role", "manager", "--team", "ops"],
        "short\n",
        1,
        "the password: ",
    ),
    (
        "user",
        ["user", "unlock", "nobody"],
        "",
        1,
        "no user named 'nobody'; `backlight-collector user list --db",
    ),
    ("user", ["user", "disable", "ann"], "", 1, "'ann' is the last active admin"),
    (
        "token",
        ["token", "create", "--team", "ops", "--uses", "0"],
        "",
        2,
        "'--uses': 0 is not in the range",
    ),
    (
        "apikey",
        ["apikey", "create", "--role", "manager"],
        "",
        2,
        "a manager key needs at least one --team",
    ),
    (
        "apikey",
        ["apikey", "create", "--role", "admin", "--user", "nobody"],
        "",
        1,
        "no user named 'nobody'",
    ),
    ("person", ["person", "export", "nobody"], "", 2, "no person named 'nobody'"),
    ("person", ["person", "erase", "ann-pc"], "", 2, "no person named 'ann-pc'"),
    (
        "units",
        ["units", "export", "--from", "2026-11-31", "--to", "2026-12-01"],
        "",
        2,
        "'--from': '2026-11-31'",
    ),
    ("units", ["units", "import", "/nonexistent/units.csv"], "", 2, "No such file"),
    (
        "backup",
        ["backup", "/nonexistent/dir/copy.db"],
        "",
        1,
        "backup failed, nothing written to /nonexistent/dir/copy.db",
    ),
    ("restore", ["restore", "/nonexistent/backup.db"], "", 1, "restore refused"),
    ("privacy", ["privacy", "docs", "/proc/version"], "", 2, "is a file"),
    ("demo", ["demo", "--people", "0"], "", 2, "'--people': 0 is not in the range"),
    ("serve", ["serve", "--port", "70000"], "", 2, "'--port': 70000 is not in the range"),
    (
        "serve",
        ["serve", "--host", "no-such-host.invalid"],
        "",
        1,
        "cannot listen on no-such-host.invalid",
    ),
    (
        "db",
        ["team", "list", "--db", "mysql://db.example/b"],
        "",
        2,
        "unknown database scheme 'mysql'",
    ),
]


@pytest.mark.slow  # about twenty command starts, four at a time
def test_every_family_fails_in_one_clean_line(db):
    def attempt(case):
        family, args, stdin, _status, _needle = case
        return _run([*args, "--db", str(db)] if family != "db" else args, stdin)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, CASES))
    for (family, args, _stdin, status, needle), out in zip(CASES, results, strict=True):
        line = one_error(out)
        assert out.returncode == status, (family, args, out.stderr)
        assert needle in line, (family, args, line)
    assert run_cli(db, "team", "list").count("\n") == 1  # nothing was added on the way


def test_a_file_that_is_not_utf8_names_itself(db, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_bytes(b"date,function,units\n2026-11-02,payroll,\xff\n")
    line = one_error(_run(["units", "import", str(bad), "--db", str(db)]))
    assert line == f'Error: {bad} is not UTF-8 text; save it as "CSV UTF-8" and import it again'


def test_a_busy_port_is_one_line_naming_another_and_makes_no_database(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        db = tmp_path / "fresh.db"
        out = _run(["serve", "--port", str(port), "--db", str(db)])
    line = one_error(out)
    assert out.returncode == 1
    assert line == (
        f"Error: port {port} on 127.0.0.1 is in use (a collector running already?); stop it, "
        f"or serve on another port: --port {port + 1} (`make run PORT={port + 1}`)"
    )
    assert not db.exists()

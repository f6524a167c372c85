"""Which database `backlight-collector` opens, said by every command, and no
database made by accident (collector/cli_database.py): the real command, in
a subprocess, with its own home and working directory."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.collector_server import CLI, run_cli

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No $BACKLIGHT_DB, and a per-user data directory inside the test's folder."""
    env = {k: v for k, v in os.environ.items() if k != "BACKLIGHT_DB"}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def cli(tmp_path: Path, *args: str, cwd: Path | None = None, stdin: str = "", **env: str):
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd or tmp_path,
        env=_env(tmp_path, **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def database_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("database ")]


def one_error(out: subprocess.CompletedProcess) -> str:
    """The command failed with one `Error:` line, no traceback; returns it."""
    assert out.returncode in (1, 2), out
    assert "Traceback" not in out.stderr, out.stderr
    others = [
        line
        for line in out.stderr.splitlines()
        if line and not line.startswith(("database ", "m00"))  # m00x: a migration's note
    ]
    assert len(others) == 1 and others[0].startswith("Error: "), out.stderr
    return others[0]


def test_without_db_the_repository_database_make_run_serves_is_used(tmp_path):
    repo = tmp_path / "repo"
    (repo / "instance").mkdir(parents=True)
    served = repo / "instance" / "backlight.db"
    run_cli(served, "team", "add", "ops")
    out = cli(tmp_path, "team", "list", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ops\t")
    assert database_lines(out.stderr) == [
        f"database {served} (./instance/backlight.db, the one `make run` serves)"
    ]
    # $BACKLIGHT_DB comes before it, --db before both.
    other = tmp_path / "other.db"
    run_cli(other, "team", "add", "finance")
    out = cli(tmp_path, "team", "list", cwd=repo, BACKLIGHT_DB=str(other))
    assert out.stdout.startswith("finance\t") and "(from $BACKLIGHT_DB)" in out.stderr
    out = cli(tmp_path, "team", "list", "--db", str(served), cwd=repo, BACKLIGHT_DB=str(other))
    assert out.stdout.startswith("ops\t") and f"database {served} (from --db)" in out.stderr


def test_the_per_user_default_is_named_and_not_made_by_a_reading_command(tmp_path):
    out = cli(tmp_path, "team", "list")
    per_user = tmp_path / "home" / "data" / "backlight-collector" / "backlight.db"
    assert database_lines(out.stderr) == [
        f"database {per_user} (the per-user default: no --db, no $BACKLIGHT_DB, "
        "no ./instance/backlight.db)"
    ]
    line = one_error(out)
    assert f"no database at {per_user}" in line and "`backlight-collector init`" in line
    assert out.returncode == 1
    assert not per_user.exists() and not per_user.parent.exists()


@pytest.mark.slow  # ten command starts
@pytest.mark.parametrize(
    "args",
    [
        ("team", "add", "ops"),
        ("team", "list"),
        ("settings", "show"),
        ("user", "list"),
        ("token", "create", "--team", "ops"),
        ("apikey", "create", "--role", "admin"),
        ("purge",),
        ("units", "export", "--from", "2026-11-01", "--to", "2026-11-30"),
        ("person", "export", "ana"),
        ("backup", "copy.db"),
    ],
)
def test_a_mistyped_db_is_one_line_naming_the_path_and_the_fix_and_leaves_nothing(tmp_path, args):
    typo = tmp_path / "instnace" / "backlight.db"
    out = cli(tmp_path, *args, "--db", str(typo))
    line = one_error(out)
    assert line == (
        f"Error: no database at {typo} (from --db); check the path, or create it with "
        f"`backlight-collector init --db {typo}`"
    )
    assert out.returncode == 1 and out.stdout == ""
    assert not typo.parent.exists() and not (tmp_path / "copy.db").exists()


def test_init_serve_and_demo_create_and_init_keeps_an_existing_one(tmp_path):
    db = tmp_path / "new" / "backlight.db"
    out = cli(tmp_path, "init", "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert database_lines(out.stderr) == [f"database {db} (from --db)"]
    assert f"created {db}" in out.stderr and '`backlight-collector team add "Payroll & HR"' in (
        out.stderr
    )
    run_cli(db, "team", "add", "ops")
    again = cli(tmp_path, "init", "--db", str(db))
    assert again.returncode == 0 and "exists already" in again.stderr
    assert run_cli(db, "team", "list").startswith("ops\t")  # kept as it was

    demo_db = tmp_path / "demo" / "d.db"
    out = cli(tmp_path, "demo", "--db", str(demo_db), "--people", "6", "--days", "2")
    assert out.returncode == 0, out.stderr
    assert database_lines(out.stderr) == [f"database {demo_db} (from --db)"]
    assert demo_db.exists()


@pytest.mark.slow  # ten command starts
def test_every_command_says_once_which_database_it_opened(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "team", "add", "ops")
    commands = [
        ("team", "list"),
        ("settings", "show"),
        ("settings", "set", "cost.hourly_rate=30"),
        ("user", "list"),
        ("token", "create", "--team", "ops"),
        ("apikey", "create", "--role", "admin"),
        ("purge",),
        ("units", "export", "--from", "2026-11-01", "--to", "2026-11-30"),
        ("privacy", "docs", str(tmp_path / "docs")),
        ("backup", str(tmp_path / "copy.db")),
    ]
    for args in commands:
        out = cli(tmp_path, *args, "--db", str(db))
        assert out.returncode == 0, (args, out.stderr)
        assert database_lines(out.stderr) == [f"database {db} (from --db)"], args


def test_files_that_are_not_a_backlight_database_are_refused_unchanged(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    line = one_error(cli(tmp_path, "team", "list", "--db", str(text)))
    assert f"{text} (from --db) is not a SQLite database" in line
    assert text.read_text() == "not a database"
    empty = tmp_path / "empty.db"
    empty.touch()
    assert "is an empty file" in one_error(cli(tmp_path, "team", "add", "x", "--db", str(empty)))
    assert empty.stat().st_size == 0
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as c:
        c.execute("CREATE TABLE recipes (name TEXT)")
    line = one_error(cli(tmp_path, "team", "add", "x", "--db", str(foreign)))
    assert "is a SQLite database, but not a Backlight one" in line
    with sqlite3.connect(foreign) as c:
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"recipes"}

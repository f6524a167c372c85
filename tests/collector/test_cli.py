"""The operator's commands, run as an operator would run them."""

from __future__ import annotations

import subprocess
import sys

from tests.fixtures.collector_server import run_cli

CLI = [sys.executable, "-m", "collector.cli"]


def test_token_and_apikey_create_print_the_secret_alone(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "team", "add", "ops")
    token = run_cli(db, "token", "create", "--team", "ops", "--uses", "3")
    assert token.count("\n") == 1 and token.startswith("ble_")
    key = run_cli(db, "apikey", "create", "--role", "manager", "--team", "ops")
    assert key.count("\n") == 1 and key.startswith("blk_")


def test_db_falls_back_to_the_environment_variable(tmp_path):
    db = tmp_path / "env.db"
    env = {**__import__("os").environ, "BACKLIGHT_DB": str(db)}
    for args in (["init"], ["team", "add", "finance"]):
        out = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert f"database {db} (from $BACKLIGHT_DB)" in out.stderr
    assert db.exists()


def test_unknown_team_or_setting_is_a_clear_error(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "init")
    out = subprocess.run(
        [*CLI, "token", "create", "--team", "nope", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0 and "no team named 'nope'" in out.stderr
    out = subprocess.run(
        [*CLI, "settings", "set", "privacy.min_group_size=zero", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0 and "privacy.min_group_size" in out.stderr


def test_settings_set_stores_all_or_nothing(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "settings", "set", "privacy.min_group_size=3")
    out = subprocess.run(
        [
            *CLI,
            "settings",
            "set",
            "cost.hourly_rate=30",
            "interruptions.recovery_min_s=99999",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    shown = run_cli(db, "settings", "show")
    assert "privacy.min_group_size = 3" in shown
    assert "cost.hourly_rate = 25.0" in shown


def test_user_add_reads_the_password_from_stdin_and_stores_it_hashed(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "team", "add", "ops")
    run_cli(
        db,
        "user",
        "add",
        "maria",
        "--role",
        "manager",
        "--team",
        "ops",
        stdin="correct horse battery\n",
    )
    assert b"correct horse battery" not in db.read_bytes()
    from collector.store import open_store

    store = open_store(db)
    principal = store.principal_for_user(store.user_row("maria")["id"])
    assert principal.role == "manager" and principal.team_ids == {store.team_id("ops")}


def test_units_import_stores_nothing_from_a_file_with_errors(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "team", "add", "ops")
    bad = tmp_path / "units.csv"
    bad.write_text(
        "date,function,units,corrections,team\n"
        "2026-11-02,payroll,2,0,ops\n"
        "2026-11-02,gardening,1,0,ops\n"
        "2026-11-31,payroll,1,0,ops\n"
    )
    out = subprocess.run(
        [*CLI, "units", "import", str(bad), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "row 3.function" in out.stderr and "row 4.date" in out.stderr
    assert (
        run_cli(db, "units", "export", "--from", "2026-01-01", "--to", "2026-12-31").count("\n")
        == 1
    )
    good = tmp_path / "good.csv"
    good.write_text("date,function,units,corrections,team\n2026-11-02,payroll,2,0,ops\n")
    run_cli(db, "units", "import", str(good))
    exported = run_cli(db, "units", "export", "--from", "2026-01-01", "--to", "2026-12-31")
    assert "2026-11-02,payroll,2,0,ops" in exported  # counts stay whole


def test_demo_credentials_name_the_url_it_will_be_served_on(tmp_path):
    db = tmp_path / "demo.db"
    out = subprocess.run(
        [*CLI, "demo", "--db", str(db), "--people", "6", "--days", "3", "--url", "http://h:9123"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    notes = (tmp_path / "demo-credentials.txt").read_text()
    assert "http://h:9123/api/v1/reports/time-per-unit" in notes
    assert ":8000" not in notes


def test_db_takes_a_sqlite_url_and_refuses_an_unknown_scheme_by_name(tmp_path):
    db = tmp_path / "url.db"
    run_cli(f"sqlite:///{db}", "init")
    run_cli(f"sqlite:///{db}", "team", "add", "ops")
    assert db.exists()
    assert run_cli(db, "team", "list").startswith("ops\t")
    out = subprocess.run(
        [*CLI, "team", "list", "--db", "mysql://db.example/backlight"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "'mysql'" in out.stderr and "--db" in out.stderr

"""`backlight-collector person export|erase NAME`: the employee's rights, run
by an operator when someone asks by mail rather than from the tray."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from collector import person_rights
from collector.cli_options import cli_store, db_option
from collector.store import Store


@click.group()
def person() -> None:
    """One person: their start day, or everything held about them (export, erase)."""


def _person_id(store: Store, name: str, team: str | None) -> int:
    matches = [p for p in store.people_named(name) if team is None or p["team"] == team]
    if not matches:
        raise click.UsageError(f"no person named {name!r}" + (f" in team {team!r}" if team else ""))
    if len(matches) > 1:
        teams = ", ".join(p["team"] for p in matches)
        raise click.UsageError(f"{name!r} is in several teams ({teams}); name one with --team")
    return int(matches[0]["id"])


@person.command("export")
@db_option
@click.argument("name")
@click.option("--team", default=None, help="The person's team, when the name is in several.")
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write CSV files and the JSON into this zip instead of printing JSON.",
)
def export_cmd(db_path: Path | None, name: str, team: str | None, zip_path: Path | None) -> None:
    """Print everything held about NAME as JSON (or write a zip)."""
    store = cli_store(db_path)
    person_id = _person_id(store, name, team)
    if zip_path:
        zip_path.write_bytes(person_rights.export_zip(store, person_id))
        click.echo(f"wrote {zip_path}", err=True)
    else:
        click.echo(json.dumps(person_rights.export(store, person_id), indent=2, default=str))
    # Whose data left is named (an erasure later scrubs it), as on the admin page.
    team_name = next(p["team"] for p in store.people_named(name) if p["id"] == person_id)
    store.audit(f"cli:{getpass.getuser()}", "person.export", name, {"team": team_name})


@person.command("erase")
@db_option
@click.argument("name")
@click.option("--team", default=None, help="The person's team, when the name is in several.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
def erase_cmd(db_path: Path | None, name: str, team: str | None, yes: bool) -> None:
    """Erase NAME: devices, segments, daily figures, absences, units, consents."""
    store = cli_store(db_path)
    person_id = _person_id(store, name, team)
    if not yes:
        click.confirm(
            f"Erase {name!r} and every device, figure and record of theirs? This cannot be undone",
            abort=True,
        )
    removed = person_rights.erase(store, person_id, f"cli:{getpass.getuser()}")
    click.echo(f"erased: {sum(removed.values())} row(s) removed, database files wiped")


@person.command("start")
@db_option
@click.argument("name")
@click.argument("day", metavar="DATE")
@click.option("--team", default=None, help="The person's team, when the name is in several.")
def start_cmd(db_path: Path | None, name: str, day: str, team: str | None) -> None:
    """Count NAME from DATE (YYYY-MM-DD) in targets and available hours; `none` clears
    it, and they count from their first tracked day again."""
    from collector.service.errors import Invalid
    from collector.service.person_start import set_start_day

    store = cli_store(db_path)
    person_id = _person_id(store, name, team)
    person = next(p for p in store.people_named(name) if p["id"] == person_id)
    try:
        stored = set_start_day(store, person, day, f"cli:{getpass.getuser()}")
    except Invalid as exc:
        raise click.BadParameter(exc.fields[0]["message"], param_hint="DATE") from None
    if stored is None:
        click.echo(f"{name} ({person['team']}) counts from their first tracked day", err=True)
    else:
        click.echo(f"{name} ({person['team']}) counts from {stored}", err=True)

"""`backlight-collector`: the operator's commands (docs/design.md §8).

Every command takes --db and says which database it opened
(collector/cli_database.py: --db, $BACKLIGHT_DB, ./instance/backlight.db,
the per-user one); only serve, demo and init make a new one. Every failure
is one line (collector/cli_errors.py). Commands that print a secret print it
alone on stdout, so scripts can capture it; everything else goes to stderr.
"""

from __future__ import annotations

import gc
import json
import re
from datetime import datetime
from pathlib import Path

import click

from collector import jobs
from collector.access_commands import apikey, token, user
from collector.alerts_commands import alerts
from collector.backup_commands import backup_command, restore_command
from collector.cli_database import choose, command_line, creatable, existing, open_creating
from collector.cli_errors import OperatorGroup
from collector.cli_options import cli_store as _store
from collector.cli_options import db_option
from collector.migrate_command import migrate_command
from collector.person_commands import person
from collector.settings_commands import settings
from collector.work_commands import work_items


@click.group(cls=OperatorGroup)
@click.version_option(package_name="backlight")
def main() -> None:
    """Backlight collector: API, reports and administration."""


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port; the one bound is printed.",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker threads; slow clients do not hold them (collector/http_server.py).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    envvar="BACKLIGHT_WORKERS",
    type=click.IntRange(1, 256),
    help="Processes serving the port ($BACKLIGHT_WORKERS): 1 is waitress in this "
    "process; more is gunicorn with that many workers, each with --threads (docs/scale.md).",
)
@click.option(
    "--connection-limit",
    default=1000,
    show_default=True,
    type=click.IntRange(10, 100_000),
    help="Open connections per process at most (idle agents' keep-alive ones included).",
)
@click.option(
    "--header-timeout",
    default=20.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Seconds a request's headers may take to arrive, from its first byte "
    "(--workers 1; with more, a reverse proxy sets it: docs/scale.md).",
)
@click.option(
    "--request-timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Seconds a whole request (headers and body) may take to arrive.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default=None,
    help="text (default) or json, one object a line; or $BACKLIGHT_LOG_FORMAT.",
)
def serve(
    db_path: str | None,
    host: str,
    port: int,
    threads: int,
    workers: int,
    connection_limit: int,
    header_timeout: float,
    request_timeout: float,
    log_format: str | None,
) -> None:
    """Serve the API and dashboard with waitress, or gunicorn for several processes."""
    from collector.app import create_app
    from collector.http_server import (
        PortUnavailable,
        check_port,
        make_server,
        raise_open_files_limit,
        served_urls,
        with_pid_header,
    )
    from collector.observability import logs
    from collector.store import hold_while_serving
    from collector.web.sessions import trusted_proxies

    try:
        log_format = logs.chosen_format(log_format)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="BACKLIGHT_LOG_FORMAT") from None

    # The port first: a busy one is refused before a database is made or held.
    try:
        check_port(host, port)
    except PortUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    chosen = creatable(db_path, announce=False)
    path = chosen.url
    logs.configure(log_format)
    logs.SERVER.info("database %s (%s)", chosen.shown(), chosen.source)
    hold_while_serving(path)
    app = create_app({"DATABASE": path})
    # Everything made at start lives as long as the process. Frozen, the
    # collector's full passes skip it; a 500-segment batch allocates enough
    # to trigger several, and they were a tenth of its time.
    gc.freeze()
    processes = "1 process, waitress" if workers == 1 else f"{workers} worker processes, gunicorn"

    def announce(urls: list[str]) -> None:
        for url in urls:  # the port actually bound (--port 0 picks one)
            logs.SERVER.info(
                "Backlight collector on %s (database %s): %s, %d threads each",
                url,
                chosen.shown(),
                processes,
                threads,
            )

    if workers > 1:
        from collector import gunicorn_server

        raise_open_files_limit()
        gunicorn_server.run(
            with_pid_header(app),
            host,
            port,
            workers=workers,
            threads=threads,
            connection_limit=connection_limit,
            announce=announce,
            in_each_worker=lambda: jobs.start(path),
        )
        return
    try:
        server = make_server(
            with_pid_header(app),
            host,
            port,
            threads=threads,
            connection_limit=connection_limit,
            header_timeout_s=header_timeout,
            request_timeout_s=request_timeout,
            trust_proxy_headers=trusted_proxies(app) > 0,
        )
    except PortUnavailable as exc:  # taken between the check and now
        raise click.ClickException(str(exc)) from None
    jobs.start(path)
    announce(served_urls(server))
    server.run()


@main.command()
@db_option
def purge(db_path: str | None) -> None:
    """Delete personal data older than retention_days now."""
    _store(db_path).close()  # refuses a missing database, brings the schema forward
    click.echo(json.dumps(jobs.purge_once(existing(db_path, announce=False).url)))


@main.command()
@db_option
def init(db_path: str | None) -> None:
    """Create a new, empty Backlight database (the other commands refuse a missing one)."""
    chosen = choose(db_path)
    if chosen.file is not None and chosen.file.exists():
        _store(db_path).close()  # refuses a file that is not a Backlight database
        click.echo(f"a Backlight database exists already at {chosen.shown()}; kept", err=True)
        return
    open_creating(db_path).close()
    click.echo(
        f"created {chosen.shown()}; next: {command_line('team', 'add', 'Payroll & HR')}", err=True
    )


DEMO_NOTES = "demo-credentials.txt"
_SERVED_AT = re.compile(r"https?://[^\s/]+(?=/api/v1/)")


def _write_notes(notes: Path, summary: dict, url: str) -> None:
    notes.write_text(
        "Backlight demo\n"
        f"  Sign in:  admin / {summary['password']}  (managers: maria, wes, carla; same "
        "password; carla also sees Clients)\n"
        f"  API key:  {summary['api_key']}  (admin; use as 'Authorization: Bearer ...')\n"
        f"  Try:      curl -H 'Authorization: Bearer {summary['api_key']}' "
        f"{url.rstrip('/')}/api/v1/reports/time-per-unit\n"
    )
    notes.chmod(0o600)


def _point_notes_at(notes: Path, url: str) -> None:
    """A demo served on another port than at first: the curl line follows it."""
    if notes.is_file():
        text = notes.read_text()
        moved = _SERVED_AT.sub(url.rstrip("/"), text)
        if moved != text:
            notes.write_text(moved)


@main.command()
@db_option
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has people already.")
@click.option("--people", default=27, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--days", default=92, show_default=True, type=click.IntRange(1, 1100))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option(
    "--url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="Where it will be served, for the curl line in demo-credentials.txt.",
)
def demo(db_path: str | None, if_empty: bool, people: int, days: int, seed: int, url: str) -> None:
    """Fill a database with a realistic synthetic organisation (made when missing)."""
    from collector.demo import fill

    store = open_creating(db_path)
    notes = Path(store.path).with_name(DEMO_NOTES)
    if if_empty and store.has_people():
        _point_notes_at(notes, url)
        click.echo("demo: the database has data already; left as it is", err=True)
        return
    summary = fill(
        store, people=people, days=days, seed=seed, progress=lambda m: click.echo(m, err=True)
    )
    _write_notes(notes, summary, url)
    click.echo(
        f"demo: {summary['people']} people, {summary['workdays']} workdays, "
        f"{summary['segments']} segments, {summary['output_unit_rows']} output-unit rows; "
        f"credentials in {notes}",
        err=True,
    )


@main.group()
def team() -> None:
    """Teams: named before tokens, users or keys use them."""


@team.command("add")
@db_option
@click.argument("name")
def team_add(db_path: str | None, name: str) -> None:
    store = _store(db_path)
    if store.team_id(name) is not None:
        raise click.ClickException(
            f"team {name!r} exists already; {command_line('team', 'list')} shows the teams"
        )
    store.add_team(name)
    store.audit("cli", "team.add", name)
    click.echo(f"team {name!r} added", err=True)


@team.command("list")
@db_option
def team_list(db_path: str | None) -> None:
    for t in _store(db_path).teams():
        click.echo(f"{t['name']}\t{t['people']} people")


@main.group()
def privacy() -> None:
    """What is held, for employees, works councils and data-protection officers."""


@privacy.command("docs")
@db_option
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def privacy_docs(db_path: str | None, out: Path) -> None:
    """Write the DPIA and the works-agreement template, from the live settings, into OUT."""
    from collector.transparency.documents import write_documents
    from collector.transparency.page import current_facts

    for path in write_documents(current_facts(_store(db_path)), out):
        click.echo(str(path))


@main.group()
def units() -> None:
    """Output units: the work completed per function."""


@units.command("import")
@db_option
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def units_import(db_path: str | None, csv_file) -> None:
    """Import a CSV; if any row is bad, nothing is stored and every bad row is listed."""
    from collector.service.output_units import UnitsRejected, check_csv

    store = _store(db_path)
    try:
        text = csv_file.read()
    except UnicodeDecodeError:
        raise click.ClickException(
            f'{csv_file.name} is not UTF-8 text; save it as "CSV UTF-8" and import it again'
        ) from None
    try:
        rows = check_csv(store, text, None)  # every problem of every row, in one pass
    except UnitsRejected as exc:
        for f in exc.fields:
            click.echo(f"{f['field'].replace('rows.', 'row ', 1)}: {f['message']}", err=True)
        raise click.ClickException(f"{len(exc.fields)} problem(s); nothing was stored") from None
    with store.write():
        n = store.add_output_units(rows, "csv", "cli")
        store.audit("cli", "output_units.add", "csv", {"rows": n})
    click.echo(f"{n} rows imported", err=True)


@units.command("export")
@db_option
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
def units_export(db_path: str | None, start: datetime, end: datetime) -> None:
    """Print the output units of a date range as CSV, in the columns `units import` reads."""
    from collector.service.output_units import csv_rows

    if start > end:
        raise click.UsageError("--from is after --to")
    body = csv_rows(_store(db_path), None, start.date().isoformat(), end.date().isoformat())
    click.echo(body, nl=False)


for _group in (
    user,
    token,
    apikey,
    person,
    settings,
    alerts,
    work_items,
    backup_command,
    restore_command,
    migrate_command,
):
    main.add_command(_group)


if __name__ == "__main__":
    main()

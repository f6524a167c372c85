"""`backlight-collector settings set|show`: the organisation settings (docs/design.md §4).

New interruption thresholds make every stored count stale, so `settings set`
queues a recount of all history (store/sqlite/interruption_recount.py) and,
by default, does it there and then with a progress line on stderr: an
operator who changes a threshold expects the reports to use it when the
prompt returns. `--no-wait` (or Ctrl-C while it waits) leaves the rest to the
running server's background job, whose progress the admin Settings page
shows; reports say meanwhile that a recount is under way.
"""

from __future__ import annotations

import json
import sys
import time

import click

from collector import jobs
from collector.cli_database import command_line
from collector.cli_options import cli_store, db_option
from collector.service.settings_table import SETTINGS, SettingError, masked
from collector.store import Store


@click.group()
def settings() -> None:
    """Organisation settings (docs/design.md §4)."""


@settings.command("set")
@db_option
@click.option(
    "--no-wait",
    is_flag=True,
    help="Do not wait for a recount of interruptions; the running server carries it out.",
)
@click.argument("pairs", nargs=-1, required=True)
def settings_set(db_path: str | None, no_wait: bool, pairs: tuple[str, ...]) -> None:
    """KEY=VALUE ...; all are checked before any is stored."""
    changes = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.UsageError(
                f"{pair!r}: expected KEY=VALUE; {command_line('settings', 'show')} lists the keys"
            )
        changes[key.strip()] = value.strip()
    store = cli_store(db_path)
    try:
        with store.write():
            store.set_settings(changes)
            store.audit("cli", "settings.set", "", masked(changes))
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    for key in changes:
        click.echo(f"{key} = {json.dumps(masked(store.settings())[key])}", err=True)
    status = store.recount_status()
    if not status["running"]:
        return
    if no_wait:
        click.echo(
            f"interruptions: {status['total']:,} person-days queued for a recount with the "
            "new thresholds; the running server carries it out (Admin → Settings shows "
            "how far it is)",
            err=True,
        )
        return
    _wait_for_recount(store)


def _wait_for_recount(store: Store) -> None:
    """Recount here (beside a running server, which may share the work), one
    progress line that rewrites itself on a terminal and a line every few
    seconds otherwise."""
    tty = sys.stderr.isatty()
    last = 0.0

    def line(status: dict) -> str:
        return f"recounting interruptions: {status['done']:,} of {status['total']:,} person-days"

    def progress(status: dict) -> None:
        nonlocal last
        if tty:
            click.echo("\r" + line(status), nl=False, err=True)
        elif time.monotonic() - last > 5:
            last = time.monotonic()
            click.echo(line(status), err=True)

    progress(store.recount_status())
    try:
        jobs.recount_history(store, progress)
    except KeyboardInterrupt:
        status = store.recount_status()
        click.echo(
            f"\nstopped waiting at {status['done']:,} of {status['total']:,} person-days; "
            "the running server (or the next `serve`) recounts the rest",
            err=True,
        )
        return
    status = store.recount_status()
    click.echo(("\r" if tty else "") + line(status) + ", done", err=True)


@settings.command("show")
@db_option
def settings_show(db_path: str | None) -> None:
    store = cli_store(db_path)
    values = masked(store.settings())
    for key, s in SETTINGS.items():
        click.echo(f"{key} = {json.dumps(values[key])}\t# {s.help}")
    status = store.recount_status()
    if status["running"]:
        click.echo(
            f"# interruptions: recounting, {status['done']:,} of {status['total']:,} "
            "person-days done",
            err=True,
        )

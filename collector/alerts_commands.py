"""`backlight-collector alerts send [--now]`: one round of the weekly digest and the
alerts (collector/service/alert_rounds.py), for cron, systemd timers and tests.

A running collector does the same every hour in its background work; running
this as well sends nothing twice (the sent-log), so either or both may be used.
"""

from __future__ import annotations

import logging
import sys

import click

from collector.cli_options import cli_store, db_option


@click.group()
def alerts() -> None:
    """The weekly digest and the alerts (docs/alerts.md)."""


@alerts.command("send")
@db_option
@click.option(
    "--now",
    is_flag=True,
    help="Send the last full week's digest at once, whatever the day and hour "
    "(still once per manager and week).",
)
def alerts_send(db_path: str | None, now: bool) -> None:
    """Send the digests and alerts that are due; exit 1 when a send failed."""
    from collector.service.alert_rounds import run_round

    store = cli_store(db_path)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("backlight.alerts")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        result = run_round(store, digest_now=now)
    finally:
        store.close()
        logger.removeHandler(handler)
    click.echo(result.line(), err=True)
    if result.failed:
        sys.exit(1)

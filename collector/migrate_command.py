"""`backlight-collector migrate --to postgresql://...`: the operator's side of
collector/store/copy_to_postgres.py (growing from SQLite to PostgreSQL)."""

from __future__ import annotations

import click

from collector.cli_database import existing
from collector.cli_options import db_option
from collector.store import StoreError, copy_to_postgresql


@click.command("migrate")
@db_option
@click.option(
    "--to",
    "target",
    required=True,
    metavar="POSTGRESQL_URL",
    help="An empty PostgreSQL database (postgresql://user@host:port/database).",
)
def migrate_command(db_path: str | None, target: str) -> None:
    """Copy this SQLite database whole into an empty PostgreSQL database.

    Every table is copied in one PostgreSQL transaction and checked (rows and
    the totals of every numeric column) before it commits; a target that
    holds data is refused. Stop the collector first: what it stores during
    the copy is not copied. Then serve with --db POSTGRESQL_URL."""
    chosen = existing(db_path)
    try:
        tables = copy_to_postgresql(chosen.url, target)
    except (StoreError, OSError) as exc:
        raise click.ClickException(f"migrate refused, nothing copied: {exc}") from None
    shown = target.split("@", 1)[-1]
    for t in tables:
        click.echo(f"  {t.table}: {t.rows} rows, totals match", err=True)
    rows = sum(t.rows for t in tables)
    click.echo(
        f"copied {chosen.shown()} into {shown}: {len(tables)} tables, {rows} rows, "
        "counts and totals verified",
        err=True,
    )

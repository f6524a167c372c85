"""`backlight-collector backup PATH` and `restore PATH`: the operator's side of
collector/store/sqlite/backup.py, which says how a copy is kept consistent."""

from __future__ import annotations

from pathlib import Path

import click

from collector.cli_database import creatable, existing
from collector.cli_options import db_option
from collector.store import Copied, StoreError, backup, restore


def _describe(c: Copied) -> str:
    return f"{c.batches} batches, {c.segments} segments, {c.bytes:,} bytes"


@click.command("backup")
@db_option
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(db_path: Path | None, path: Path) -> None:
    """Copy the database to PATH while the collector runs (SQLite online backup)."""
    chosen = existing(db_path)
    db = chosen.shown()
    try:
        copied = backup(chosen.url, path)
    except (StoreError, OSError) as exc:
        raise click.ClickException(f"backup failed, nothing written to {path}: {exc}") from None
    click.echo(f"backed up {db} to {path}: {_describe(copied)}", err=True)


@click.command("restore")
@db_option
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(db_path: Path | None, path: Path) -> None:
    """Replace the database by the backup at PATH (the collector must be stopped).

    The database replaced is kept beside it as <db>.before-restore-<time>; a
    database that is not there yet is made from the backup."""
    chosen = creatable(db_path)  # a new machine restores into a new file
    db = chosen.shown()
    try:
        restored, kept = restore(path, chosen.url)
    except (StoreError, OSError) as exc:
        raise click.ClickException(f"restore refused, {db} left as it was: {exc}") from None
    click.echo(f"restored {path} into {db}: {_describe(restored)}", err=True)
    if kept:
        click.echo(f"the database it replaced is kept as {kept}", err=True)

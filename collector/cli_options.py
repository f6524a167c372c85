"""What every ``backlight-collector`` command shares: the --db option, opening
the database it names, and turning team names into ids with an error that
says how to add a missing team."""

from __future__ import annotations

from pathlib import Path

import click

from collector import default_db_path
from collector.store import Store, open_store

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file (default: $BACKLIGHT_DB, then the per-user data directory).",
)


def cli_store(db_path: Path | None) -> Store:
    path = Path(db_path) if db_path else Path(default_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    return open_store(path)


def team_ids_named(store: Store, names: tuple[str, ...]) -> list[int]:
    ids = []
    for name in names:
        team_id = store.team_id(name)
        if team_id is None:
            raise click.UsageError(f"no team named {name!r}; add it with `team add {name}`")
        ids.append(team_id)
    return ids

"""What every ``backlight-collector`` command shares: the --db option, opening
the database it names, and turning team names into ids with an error that
says how to add a missing team."""

from __future__ import annotations

from pathlib import Path

import click

from collector import default_db_path
from collector.jobs import open_counting_store
from collector.store import Store, UnknownBackend, backend_of, check_url, sqlite_path


def _known_backend(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            check_url(value)
        except UnknownBackend as exc:
            raise click.BadParameter(str(exc)) from exc
    return value


db_option = click.option(
    "--db",
    "db_path",
    type=str,
    default=None,
    metavar="PATH|URL",
    callback=_known_backend,
    help="SQLite file or database URL such as sqlite:///backlight.db or "
    "postgresql://user@host/backlight "
    "(default: $BACKLIGHT_DB, then the per-user data directory).",
)


def database_url(db_path: str | None) -> str:
    """The database a command works on, with the folder of a SQLite file made."""
    url = str(db_path or default_db_path())
    if backend_of(url) == "sqlite":
        Path(sqlite_path(url)).parent.mkdir(parents=True, exist_ok=True)
    return url


def cli_store(db_path: str | None) -> Store:
    return open_counting_store(database_url(db_path))


def team_ids_named(store: Store, names: tuple[str, ...]) -> list[int]:
    ids = []
    for name in names:
        team_id = store.team_id(name)
        if team_id is None:
            raise click.UsageError(f"no team named {name!r}; add it with `team add {name}`")
        ids.append(team_id)
    return ids

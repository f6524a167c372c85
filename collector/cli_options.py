"""What every ``backlight-collector`` command shares: the --db option, opening
the database it names (collector/cli_database.py says which and when one may
be made), and turning team names into ids with an error that says how to add
a missing team."""

from __future__ import annotations

import click

from collector.cli_database import command_line, open_existing
from collector.store import Store, UnknownBackend, check_url


def _known_backend(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        if not value.strip():
            raise click.BadParameter("is empty; name a database file or URL")
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
    "postgresql://user@host/backlight (default: $BACKLIGHT_DB, then "
    "./instance/backlight.db when it exists, then the per-user one).",
)


def cli_store(db_path: str | None) -> Store:
    """The existing database the command names; a missing one is refused."""
    return open_existing(db_path)


def team_ids_named(store: Store, names: tuple[str, ...]) -> list[int]:
    ids = []
    for name in names:
        team_id = store.team_id(name)
        if team_id is None:
            words = ("team", "add", "--", name) if name.startswith("-") else ("team", "add", name)
            raise click.ClickException(
                f"no team named {name!r}; add it with {command_line(*words)} "
                f"(or see {command_line('team', 'list')})"
            )
        ids.append(team_id)
    return ids

"""Which database a ``backlight-collector`` command works on, and the refusal
to make one by accident.

An operator who types a command in the repository after ``make run`` means
the database ``make run`` serves, and one who mistypes ``--db`` means an
existing database, not a new empty one that silently answers "no such
team". So the database is, in this order:

1. ``--db PATH|URL``;
2. ``$BACKLIGHT_DB``;
3. ``instance/backlight.db`` under the current directory, when it exists
   (where ``make run`` keeps it);
4. ``backlight.db`` in the per-user data directory.

Every command says on stderr, in one line, which one it opened and why.
Only ``serve``, ``demo`` and ``init`` (and ``restore``, which makes a
database from a backup) may create one; every other command refuses a
database that is not there, in one line that names the path and the fix,
and leaves no file behind.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import click

from collector.jobs import open_counting_store
from collector.store import Store, sqlite_path

#: Where `make run` keeps its database, relative to the repository.
MAKE_RUN_DB = Path("instance") / "backlight.db"
SQLITE_MAGIC = b"SQLite format 3\x00"
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]+:)[^@]*@")
_SERVER_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


@dataclass(frozen=True)
class Chosen:
    """A database and why it was chosen (said on stderr by every command)."""

    url: str
    source: str
    from_option: bool = False

    @property
    def file(self) -> Path | None:
        """The SQLite file, absolute; None for a server database."""
        if _SERVER_URL.match(self.url) and not self.url.startswith("sqlite:"):
            return None
        return Path(sqlite_path(self.url)).absolute()

    def shown(self) -> str:
        """The database as printed: an absolute path, or the URL without its password."""
        file = self.file
        return str(file) if file is not None else _PASSWORD_IN_URL.sub(r"\1***@", self.url)


class NoDatabase(click.ClickException):
    """A command that only works on an existing database found none (exit 1)."""


def per_user_db() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("backlight-collector", appauthor=False)) / "backlight.db"


def choose(db_option: str | None, cwd: Path | None = None) -> Chosen:
    """The database a command means, by the rule in the module docstring."""
    if db_option:
        return Chosen(db_option, "from --db", from_option=True)
    env = os.environ.get("BACKLIGHT_DB", "").strip()
    if env:
        return Chosen(env, "from $BACKLIGHT_DB")
    here = (cwd or Path.cwd()) / MAKE_RUN_DB
    if here.is_file():
        return Chosen(str(here), f"./{MAKE_RUN_DB.as_posix()}, the one `make run` serves")
    return Chosen(
        str(per_user_db()),
        f"the per-user default: no --db, no $BACKLIGHT_DB, no ./{MAKE_RUN_DB.as_posix()}",
    )


def shell_word(word: str) -> str:
    """`word` as typed in a shell: bare when safe, else in double quotes when
    that is enough ("Payroll & HR"), else in single quotes."""
    if _PLAIN_WORD.fullmatch(word):
        return word
    if not any(c in word for c in '"$`\\!'):
        return f'"{word}"'
    return "'" + word.replace("'", "'\"'\"'") + "'"


def command_line(*words: str) -> str:
    """A command to suggest, ready to paste: quoted, and with the --db the
    operator gave (a database found by the rule needs none)."""
    line = ["backlight-collector", *(shell_word(w) for w in words)]
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().meta.get("backlight.database") if ctx else None
    if chosen is not None and chosen.from_option:
        line += ["--db", shell_word(chosen.url)]
    return "`" + " ".join(line) + "`"


def _announce(chosen: Chosen) -> None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta["backlight.database"] = chosen
    click.echo(f"database {chosen.shown()} ({chosen.source})", err=True)


def _refuse_missing(chosen: Chosen) -> None:
    """Raise NoDatabase unless the SQLite file is there and is a SQLite database."""
    file = chosen.file
    if file is None:
        return  # a server database: opening it says whether it is there
    where = f"{file} ({chosen.source})"
    init = f"`backlight-collector init --db {shell_word(str(file))}`"
    fix = f"check the path, or create it with {init}"
    if not file.exists():
        if not chosen.from_option and chosen.source.startswith("the per-user"):
            fix = (
                "run the command in the repository after `make run`, pass --db PATH, "
                "or create this one with `backlight-collector init`"
            )
        raise NoDatabase(f"no database at {where}; {fix}")
    if not file.is_file():
        raise NoDatabase(f"{where} is not a file; name the database file with --db PATH")
    with file.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        what = "an empty file" if not head else "not a SQLite database"
        raise NoDatabase(f"{where} is {what}, so no Backlight database; check --db")


def existing(db_option: str | None, *, announce: bool = True) -> Chosen:
    """The chosen database, which must exist already (no file is made)."""
    chosen = choose(db_option)
    if announce:
        _announce(chosen)
    _refuse_missing(chosen)
    return chosen


def creatable(db_option: str | None, *, announce: bool = True) -> Chosen:
    """The chosen database for a command that may create it (its folder is made)."""
    chosen = choose(db_option)
    if announce:
        _announce(chosen)
    if chosen.file is not None:
        chosen.file.parent.mkdir(parents=True, exist_ok=True)
    return chosen


def open_existing(db_option: str | None) -> Store:
    """A store on an existing Backlight database, its schema brought forward.

    A SQLite file that holds some other application's tables is refused
    rather than given Backlight's schema."""
    chosen = existing(db_option)
    store = open_counting_store(chosen.url, migrate=False)
    pending = store.pending_migrations()
    if pending and pending[0].startswith("m001"):
        store.close()
        raise NoDatabase(
            f"{chosen.shown()} ({chosen.source}) is a SQLite database, but not a Backlight one; "
            "check --db"
        )
    store.migrate()
    return store


def open_creating(db_option: str | None) -> Store:
    """A store for `demo` and `init`: made when missing."""
    return open_counting_store(creatable(db_option).url)

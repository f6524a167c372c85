"""How a ``backlight-collector`` command fails: one line on stderr, never a traceback.

An operator reads the last line of what a command printed. Click's own usage
errors print the usage and a hint first; a database that is locked, a disk
that is full or a file that cannot be read would end in a Python traceback.
`OperatorGroup` turns each into one ``Error: ...`` line that says what is
wrong (and, where the command knows it, the command that fixes it), with
exit status 2 for a command typed wrongly and 1 for anything else.
``BACKLIGHT_DEBUG=1`` lets an unexpected exception through, traceback and
all, for whoever is debugging the collector itself.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from collector.store import StorageFull, StoreError


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def _os_message(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"the disk is full{where}; free some space and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied{where}; run it as the user who owns the database"
    return f"{exc.strerror or exc}{where}"


def failure_line(exc: BaseException) -> tuple[str, int]:
    """The line an exception is reported as, and the exit status."""
    if isinstance(exc, click.UsageError):
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
        return one_line(exc.format_message()) + hint, 2
    if isinstance(exc, click.ClickException):
        return one_line(exc.format_message()), 1
    if isinstance(exc, StorageFull):
        return f"the database's disk is full ({one_line(str(exc))}); nothing was changed", 1
    if isinstance(exc, StoreError):
        return f"the database: {one_line(str(exc))}", 1
    if isinstance(exc, OSError):
        return _os_message(exc), 1
    if isinstance(exc, UnicodeDecodeError):
        return f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})", 1
    return f"unexpected {type(exc).__name__}: {one_line(str(exc))}", 1


class OperatorGroup(click.Group):
    """The root command group: every failure below it is one line."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:  # a caller (a test's CliRunner) handles errors itself
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Abort:
            click.echo("Aborted; nothing was changed.", err=True)
            sys.exit(1)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - the point: one line, whatever it was
            if os.environ.get("BACKLIGHT_DEBUG") and not isinstance(exc, click.ClickException):
                raise
            line, status = failure_line(exc)
            click.echo(f"Error: {line}", err=True)
            sys.exit(status)
        sys.exit(result if isinstance(result, int) else 0)

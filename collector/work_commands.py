"""`backlight-collector work-items import FILE`: work items from a workflow
system's CSV export (docs/design.md §3), checked as the API checks them.

Every problem of every row is listed in one pass, and one bad row means
nothing is stored, as `units import` does.
"""

from __future__ import annotations

import click

from collector.cli_options import cli_store, db_option


@click.group("work-items")
def work_items() -> None:
    """Work items: claims, cases, queries from the workflow system."""


@work_items.command("import")
@db_option
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def work_items_import(db_path: str | None, csv_file) -> None:
    """Import a CSV (id, type, team, received_at, completed_at, quality_passed,
    employee, client); a row for a known (type, id) updates it. If any row is
    bad, nothing is stored and every bad row is listed."""
    from collector.service.work_items import ItemsRejected, check_csv

    store = cli_store(db_path)
    try:
        text = csv_file.read()
    except UnicodeDecodeError:
        raise click.ClickException(
            f'{csv_file.name} is not UTF-8 text; save it as "CSV UTF-8" and import it again'
        ) from None
    try:
        rows = check_csv(store, text, None)
    except ItemsRejected as exc:
        for f in exc.fields:
            click.echo(f"{f['field'].replace('rows.', 'row ', 1)}: {f['message']}", err=True)
        raise click.ClickException(f"{len(exc.fields)} problem(s); nothing was stored") from None
    with store.write():
        counts = store.upsert_work_items(rows, "csv")
        store.audit("cli", "work_items.upsert", "csv", counts)
    click.echo(f"{counts['added']} added, {counts['updated']} updated", err=True)

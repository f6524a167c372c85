"""The one CSV writer: every CSV the collector hands out goes through here.

People open these files in a spreadsheet, and a spreadsheet runs a cell that
begins with `=`, `+`, `-` or `@` as a formula (tab and carriage return are
read past, so they lead to the same). A team or employee name is typed by
someone else, so a text cell that begins with one of these gets a `'` prefix
(docs/design.md §6): the spreadsheet then shows the text instead of running it.

Numbers are exempt: a value that is a Python int or float is written as the
number it is, so a negative figure stays a number a spreadsheet can sum.
Only text is ever prefixed, even text that looks like a number ("-5" as a
team name is prefixed; -5.0 as units is not).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

#: Put before a CSV handed out as a file: without it Excel reads UTF-8 in the
#: machine's legacy code page ("Zürich" garbled); utf-8-sig readers skip it.
BOM = "\ufeff"

#: What makes a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell as written: None is empty, numbers as they are, text made inert."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV file as text: the header row, then every row, each cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return out.getvalue()

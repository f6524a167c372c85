"""The shared entity SQL (written for SQLite, in the subset both speak) made
PostgreSQL's, once per distinct statement.

docs/storage.md lists every rewrite and why; each one is a convention the
shared mixins keep (keywords in upper case, the column `end` in lower case,
an id column named `id`), checked by the tests that run every store test on
both backends. Nothing here parses SQL in general: a statement outside those
conventions is passed through and fails loudly on PostgreSQL's side.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

#: Tables whose `INTEGER PRIMARY KEY id` SQLite fills in (rowid): an insert
#: into one gets `RETURNING id`, which stands in for `cursor.lastrowid`.
IDENTITY_TABLES = frozenset(
    {
        "teams",
        "people",
        "enrollment_tokens",
        "consents",
        "users",
        "api_keys",
        "output_units",
        "audit_log",
        "web_sessions",
        "absences",
        "changes",
    }
)

_INSERT_INTO = re.compile(r"^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)", re.I)
_VALUES = re.compile(r"\bVALUES\b", re.I)
_BRACKETED = re.compile(r"\[(\w+)\]")
_END_COLUMN = re.compile(r"(?<![\w\"])end(?![\w\"])")  # lower case: the column, not CASE END
_WHERE_CONST = re.compile(r"\bWHERE ([01])\b(?!\.)")
_EMPTY_IN = re.compile(r"\bIN \(\s*\)")
_GROUP_CONCAT = re.compile(r"\bGROUP_CONCAT\(", re.I)
_WEEK_MONDAY = re.compile(r"\bdate\(([\w.]+), 'weekday 0', '-6 days'\)")
_SELF_PLUS = re.compile(r"\b(\w+) = \1 \+ excluded\.\1\b")
_NAMED = re.compile(r"(?<![\w:]):([A-Za-z_]\w*)")
_IS_NOT_PARAM = re.compile(r"\bIS NOT \?")
_IS_PARAM = re.compile(r"\bIS \?")
_STRING = re.compile(r"'(?:[^']|'')*'")


def _outside_strings(sql: str, rewrite: Any) -> str:
    """Apply `rewrite` to the parts of `sql` that are not string literals."""
    out, last = [], 0
    for m in _STRING.finditer(sql):
        out.append(rewrite(sql[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(rewrite(sql[last:]))
    return "".join(out)


def _alias_subqueries(sql: str) -> str:
    """PostgreSQL 15 wants a name for every subquery in FROM; SQLite does not."""
    out: list[str] = []
    i, n, made = 0, len(sql), 0
    pending: list[int] = []  # depths at which a FROM ( was opened
    depth = 0
    while i < n:
        ch = sql[i]
        if ch == "'":
            j = sql.index("'", i + 1)
            while j + 1 < n and sql[j + 1] == "'":
                j = sql.index("'", j + 2)
            out.append(sql[i : j + 1])
            i = j + 1
            continue
        if ch == "(":
            before = "".join(out).rstrip()
            depth += 1
            if re.search(r"\b(FROM|JOIN)$", before, re.I):
                pending.append(depth)
        elif ch == ")":
            if pending and pending[-1] == depth:
                pending.pop()
                out.append(ch)
                i += 1
                rest = sql[i:]
                if not re.match(
                    r"\s*(AS\s+)?(?!(WHERE|GROUP|ORDER|UNION|LIMIT|ON|JOIN|LEFT|"
                    r"INNER|HAVING|AND|OR)\b)[A-Za-z_]\w*",
                    rest,
                    re.I,
                ):
                    made += 1
                    out.append(f" AS _q{made}")
                depth -= 1
                continue
            depth -= 1
        out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, str | None]:
    """(PostgreSQL statement, the identity table it inserts one row into, or None).

    A caller that wants the new row's id (lastrowid) appends ``RETURNING id``."""
    identity = None
    text = sql
    head = _INSERT_INTO.match(sql)
    if head:
        table = head.group(2)
        text = sql[: head.start()] + f"INSERT INTO {table}" + sql[head.end() :]
        if head.group(1):
            text = text.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
        if table in IDENTITY_TABLES and _VALUES.search(text):
            identity = table
        text = _qualify_upserts(text, table)

    def rewrite(part: str) -> str:
        part = _IS_NOT_PARAM.sub("IS DISTINCT FROM ?", part)
        part = _IS_PARAM.sub("IS NOT DISTINCT FROM ?", part)
        part = part.replace("?", "%s")
        part = _NAMED.sub(r"%(\1)s", part)
        part = _BRACKETED.sub(r'"\1"', part)
        part = _END_COLUMN.sub('"end"', part)
        part = _WHERE_CONST.sub(_where_constant, part)
        part = _EMPTY_IN.sub("IN (NULL)", part)
        part = _GROUP_CONCAT.sub("string_agg(", part)
        return part

    text = _WEEK_MONDAY.sub(r"week_monday(\1)", text)
    # psycopg reads %-placeholders everywhere, literals included: double the rest first.
    text = _outside_strings(text.replace("%", "%%"), rewrite)
    if re.search(r"\b(FROM|JOIN)\s*\(", text, re.I):
        text = _alias_subqueries(text)
    return text, identity


def _where_constant(match: re.Match) -> str:
    return "WHERE TRUE" if match.group(1) == "1" else "WHERE FALSE"


def _qualify_upserts(sql: str, table: str) -> str:
    """`x = x + excluded.x` is ambiguous to PostgreSQL: name the stored row's table."""
    at = sql.upper().find("DO UPDATE SET")
    if at < 0:
        return sql
    return sql[:at] + _SELF_PLUS.sub(rf"\1 = {table}.\1 + excluded.\1", sql[at:])


def parameters(params: Any) -> Any:
    """Booleans as 0/1: the flag columns are integers on both backends."""
    if isinstance(params, dict):
        return {k: int(v) if isinstance(v, bool) else v for k, v in params.items()}
    return [int(v) if isinstance(v, bool) else v for v in params]


class Row(tuple):
    """A result row read by position or by column name, as sqlite3.Row is,
    so the shared mixins read both backends' rows alike."""

    _index: dict[str, int]

    def __new__(cls, values: Any, index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def plain(value: Any) -> Any:
    """PostgreSQL's numeric (SUM of bigint, AVG) as the int or float SQLite gives."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def row_factory(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return lambda values: values
    index = {c.name: i for i, c in enumerate(description)}

    def make(values: Any) -> Row:
        return Row([plain(v) for v in values], index)

    return make

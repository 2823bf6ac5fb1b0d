"""UPDATE … FROM: write the values a SELECT computed onto the rows whose stored values differ.

The stored flags and copies (tasks.flags, TaskQuerySet.refresh_copies) are computed for every row
of a table at once by the daily scan. Django's `QuerySet.update()` can set a column only from the
row's own fields or a correlated subquery evaluated per row; here the wanted values come from one
SELECT (joins and GROUP BYs the planner hashes once), joined to the table by key, and only rows
whose value differs are written — a repeat with nothing changed writes nothing. PostgreSQL and
SQLite (≥ 3.33) share the syntax.
"""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import Model, QuerySet

# so many rows of a table written in one transaction (a first scan, a backlog after an outage) that
# the planner's statistics of yesterday no longer describe it
ANALYZE_FROM = 10_000


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def analyze_after(model: type[Model], written: int) -> None:
    """ANALYZE `model`'s table (PostgreSQL) once `written` reaches ANALYZE_FROM: ANALYZE counts the
    rows this transaction wrote, so the statements after it are planned from them."""
    if written >= ANALYZE_FROM and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def differs(a: str, b: str) -> str:
    """A null-safe "not equal" (NULL vs NULL is equal, NULL vs a value differs)."""
    return f"{a} IS NOT {b}" if connection.vendor == "sqlite" else f"{a} IS DISTINCT FROM {b}"


def scope_ids(rows: QuerySet) -> list[int] | None:
    """`rows`' primary keys, or None when `rows` is the whole table (no WHERE). Read first: a literal
    list lets the planner probe indexes for a few tasks where a subquery made it hash every row."""
    if not rows.query.where:
        return None
    return list(rows.order_by().values_list("pk", flat=True))


def member(column: str, ids: list[int]) -> tuple[str, list]:
    """`column` is one of `ids`, as one parameter (a PostgreSQL array, a JSON list on SQLite)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [ids]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def update_from(
    model: type[Model],
    source: QuerySet | tuple[str, list],
    columns: dict[str, str],
    *,
    key: str | None = None,
    target_key: str | None = None,
    only_changed: bool = True,
) -> int:
    """UPDATE model's table SET column = s.alias … FROM (source) s WHERE target_key = s.key, only
    where a column differs from its wanted value (unless `only_changed` is False). `source` is a
    `.values("pk", …)` queryset or raw (sql, params) selecting `key` (default "id"). Returns the
    number of rows written."""
    if isinstance(source, QuerySet):
        sql, params = source.query.sql_with_params()
        # Django names the selected primary key "pk" once the query has annotations
        key = key or ("pk" if source.query.annotation_select else model._meta.pk.column)
    else:
        sql, params = source
        key = key or "id"
    table = quote(model._meta.db_table)
    target = f"{table}.{quote(target_key or model._meta.pk.column)}"
    sets = ", ".join(f"{quote(column)} = s.{quote(alias)}" for column, alias in columns.items())
    where = f"{target} = s.{quote(key)}"
    if only_changed:
        changed = " OR ".join(differs(f"{table}.{quote(c)}", f"s.{quote(a)}") for c, a in columns.items())
        where += f" AND ({changed})"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets} FROM ({sql}) s WHERE {where}", list(params))
        return max(cursor.rowcount, 0)

"""A number that changes whenever the tables the figures are counted from change.

Pages that count over every task (the dashboard's tallies, 单位管理's task counts, the task list's
page count) keep their counts, and the heavy parts of the main pages their rendered HTML, in the
cache under this number (the tables are named in migration tasks 0014): any write moves it, so a
count is never served after the rows under it changed, in any process, whatever wrote them — a
form, a set-based UPDATE of the daily scan, a bulk import or a hand-made SQL statement.

On PostgreSQL a statement-level trigger on each of those tables takes the next value of the
sequence `data_version_seq` (migration tasks 0014): one step per statement, not per row, and a
sequence takes no lock, so concurrent writers never wait on each other. Reading it is one
`SELECT last_value`, a few microseconds. The sequence moves when the statement runs, before its
transaction commits: a count made in between is of the old rows under the new number, so kept
counts also expire (DASHBOARD_CACHE_SECONDS, COUNT_CACHE_SECONDS), and every statement that
writes one of those tables through Django's connection — an ORM save, a queryset `.update()`, the
scan's raw UPDATE … FROM — moves the cache's own number again once its transaction has committed
(`watch`, an execute wrapper installed on every connection): a page counted from the rows before
the commit is then never served after it. With the cache in Redis (CACHE_URL) that number is
shared by every process; with the in-process default only the writing process sees it move, and
the others fall back on the expiry above. SQLite (development and tests) has no sequence: there
only the cache's number moves.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.backends.signals import connection_created

CACHE_KEY = "data-version"
SEQUENCE = "data_version_seq"


def current() -> str:
    """The number to put in a cache key: the database's and the cache's part."""
    own = cache.get(CACHE_KEY, 0)
    if connection.vendor != "postgresql":
        return f"{own}"
    with connection.cursor() as cur:
        cur.execute(f"SELECT last_value FROM {SEQUENCE}")  # noqa: S608 — a constant name
        return f"{cur.fetchone()[0]}.{own}"


def _bump_cache() -> None:
    try:
        cache.incr(CACHE_KEY)
    except ValueError:  # not set yet (or evicted): any new value makes old keys unreachable
        cache.set(CACHE_KEY, time.time_ns(), None)


def bump() -> None:
    """Move the number now, and again once the current transaction commits: a count made in
    between (of the rows before the commit) is then not served after it."""
    _bump_cache()
    transaction.on_commit(_bump_cache)


# the tables whose rows the kept pages show (the same list the PostgreSQL triggers are made for)
WATCHED_MODELS = ("tasks.Task", "tasks.Assignment", "tasks.Plan", "tasks.Section", "tasks.Urging",
                  "tasks.ProgressReport", "deadlines.Milestone", "departments.Unit", "departments.UnitAlias",
                  settings.AUTH_USER_MODEL)
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


@functools.cache
def watched_tables() -> frozenset[str]:
    from django.apps import apps

    models = [apps.get_model(name) for name in WATCHED_MODELS]
    unit = apps.get_model("departments.Unit")
    liaisons = unit._meta.get_field("liaisons").remote_field.through
    return frozenset(m._meta.db_table for m in [*models, liaisons])


def watch(execute, sql, params, many, context):
    """Execute wrapper: after a statement that writes a watched table, move the cache's number
    now and again once the transaction commits (the latter once per transaction)."""
    result = execute(sql, params, many, context)
    found = _WRITE.match(sql) if isinstance(sql, str) else None
    if found and found.group(1) in watched_tables():
        _bump_cache()  # for what this transaction reads next
        conn = context["connection"]
        if not any(entry[1] is _bump_cache for entry in conn.run_on_commit):
            transaction.on_commit(_bump_cache, using=conn.alias)
    return result


def install(connection, **_signal_kwargs) -> None:
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


connection_created.connect(install, dispatch_uid="dataversion-watch")


def cached(key: str, seconds: int, compute):
    """`compute()` kept `seconds` under `key` and the current number; `seconds` 0: always computed."""
    if not seconds:
        return compute()
    full = f"{key}:{current()}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, seconds)
    return value


def page_key(request, seconds: int, *parts) -> str:
    """A key for a page's rendered fragments (`{% cache kept_seconds "name" kept_key %}`): the number,
    the page's path and query string, today, and whatever else the fragment shows (the user's
    units, role, CSRF secret where it holds a form). With `seconds` 0 nothing is kept: the key is
    one no other request uses (the cache tag still looks it up; an entry another request left —
    or one left under another clock, in a test that moves it — is then never served)."""
    from django.utils import timezone

    if not seconds:
        return f"unkept-{uuid.uuid4().hex}"
    raw = "|".join(map(str, (current(), request.get_full_path(), timezone.localdate(), *parts)))
    return hashlib.sha256(raw.encode()).hexdigest()

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
counts also expire (DASHBOARD_CACHE_SECONDS, COUNT_CACHE_SECONDS), and saving or deleting a task,
an assignment or a milestone through the ORM moves the cache's own number again after the commit
(tasks.dashboard.board connects `bump`). SQLite (development and tests) has no sequence: there
only the cache's number moves, on those saves and where code calls `bump()`.
"""

from __future__ import annotations

import hashlib
import time
import uuid

from django.core.cache import cache
from django.db import connection, transaction

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


def bump(**_signal_kwargs) -> None:
    """Move the number now, and again once the current transaction commits: a count made in
    between (of the rows before the commit) is then not served after it."""
    _bump_cache()
    transaction.on_commit(_bump_cache)


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

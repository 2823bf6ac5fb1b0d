"""Rows read from the database by a helper thread while the caller writes the ones already read.

The 任务分解表 export spends about 2 s of its 50,000 rows waiting for PostgreSQL (the rows, their
units, milestones and latest progress, fetched a chunk at a time) and about 1 s of Python merging
them — while the workbook's writing, all Python, waits. `read_ahead` runs the reading generator in a
thread on the caller's own database connection (shared the way Django's live-server thread shares
it: `inc_thread_sharing`, the same transaction and snapshot, so a test's or a request's uncommitted
rows are seen) and hands its items over in batches through a bounded queue, so the database works on
the next chunk while this thread writes the last: the waiting overlaps the writing, and memory stays
bounded by the queue.

The caller must not use that connection until the iteration ends (the export only writes a file
meanwhile). An exception in the reader is raised in the caller; a caller that stops early (an error
while writing) stops the reader before the connection is handed back.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")

_DONE = object()


def read_ahead(produce: Callable[[], Iterator[T]], *, using: str = DEFAULT_DB_ALIAS, batch: int = 500,
               depth: int = 8) -> Iterator[T]:
    """The items of `produce()`, made in a thread on this thread's connection `using`, at most
    `depth` batches of `batch` ahead of the caller. Only where the database is another process
    (PostgreSQL): an embedded SQLite would read in this process anyway, so its rows come as before."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield from produce()
        return
    handover: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def reader() -> None:
        connections[using] = connection  # this thread's queries on the caller's connection
        rows = produce()
        try:
            items: list[T] = []
            for item in rows:
                items.append(item)
                if len(items) >= batch:
                    if not put(items):
                        return
                    items = []
            if items and not put(items):
                return
            put(_DONE)
        except BaseException as exc:  # handed to the caller, raised there  # noqa: BLE001
            put(exc)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:  # a generator stopped early: its cursors closed here, on this thread
                close()

    connection.ensure_connection()
    connection.inc_thread_sharing()
    thread = threading.Thread(target=reader, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            items = handover.get()
            if items is _DONE:
                return
            if isinstance(items, BaseException):
                raise items
            yield from items
    finally:
        stop.set()
        thread.join()
        connection.dec_thread_sharing()

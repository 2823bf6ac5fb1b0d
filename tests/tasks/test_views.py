"""The task pages as people use them: filters in the URL, sorting, paging, the
task page, optimistic locking through the form, and the query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deadlines.models import ExtensionRequest, Notification
from tasks.models import (
    Assignment,
    AssignmentRole,
    ConfirmState,
    ReviewState,
    Task,
    TaskFlag,
    TaskStatus,
)
from tasks.workflow import services as workflow
from tasks.workflow.tables import TaskTable
from tests.factories import (
    AssignmentFactory,
    EvidenceFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
    UnitAliasFactory,
    UnitFactory,
    UrgingFactory,
)
from tests.tasks.world import FAR, fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
LIST = reverse("tasks:list")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def titles(response) -> set[str]:
    return {row.record.title for row in response.context["table"].paginated_rows}


@pytest.fixture
def spread(unit_a, unit_b):
    """Tasks that differ in exactly one filtered property each."""
    plan, other_plan = PlanFactory(title="甲计划"), PlanFactory(title="乙计划")
    section = SectionFactory(plan=plan, title="营商环境")
    t = {
        "lead_a": TaskFactory(plan=plan, section=section, title="甲牵头", text="推进证照分离"),
        "resp_a": TaskFactory(plan=plan, title="甲责任"),
        "b_only": TaskFactory(plan=other_plan, title="乙独办", status=TaskStatus.IN_PROGRESS),
        "overdue": TaskFactory(plan=plan, title="已逾期", flag=TaskFlag.OVERDUE),
        "soon": TaskFactory(plan=plan, title="将临期", flag=TaskFlag.DUE_SOON),
        "missing": TaskFactory(plan=plan, title="未报进展", progress_missing=True),
    }
    AssignmentFactory(task=t["lead_a"], unit=unit_a, role=AssignmentRole.LEAD, state=ConfirmState.CONFIRMED)
    AssignmentFactory(task=t["resp_a"], unit=unit_a, role=AssignmentRole.RESPONSIBLE)
    AssignmentFactory(task=t["resp_a"], unit=unit_b, role=AssignmentRole.LEAD, state=ConfirmState.DISPUTED,
                      dispute_reason="x")
    AssignmentFactory(task=t["b_only"], unit=unit_b)
    MilestoneFactory(task=t["lead_a"], due_on=dt.date(2020, 6, 30))
    MilestoneFactory(task=t["b_only"], due_on=dt.date(2020, 12, 31))
    return t


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"甲牵头", "甲责任", "乙独办", "已逾期", "将临期", "未报进展"}),
        ({"unit": "A"}, {"甲牵头", "甲责任"}),
        ({"unit": "A", "role": "lead"}, {"甲牵头"}),
        ({"unit": "A", "role": "responsible"}, {"甲责任"}),
        ({"role": "responsible"}, {"甲责任"}),
        ({"unit": "B", "confirm": "disputed"}, {"甲责任"}),
        ({"unit": "A", "confirm": "confirmed"}, {"甲牵头"}),
        ({"confirm": "pending"}, {"甲责任", "乙独办"}),
        ({"status": "in_progress"}, {"乙独办"}),
        ({"flag": "overdue"}, {"已逾期"}),
        ({"flag": "due_soon"}, {"将临期"}),
        ({"warning": "red"}, {"已逾期"}),
        ({"warning": "yellow"}, {"未报进展"}),
        ({"warning": "blue"}, {"将临期"}),
        ({"due_after": "2020-06-01", "due_before": "2020-07-01"}, {"甲牵头"}),
        ({"due_after": "2020-07-01"}, {"乙独办"}),
        ({"q": "证照分离"}, {"甲牵头"}),
        ({"q": "区税务局"}, {"甲责任", "乙独办"}),
        ({"q": "乙计划"}, {"乙独办"}),
    ],
)
def test_each_filter_narrows_the_list(client, office, spread, unit_a, unit_b, query, expected):
    query = {k: {"A": unit_a.pk, "B": unit_b.pk}.get(v, v) for k, v in query.items()}
    client.force_login(office)
    assert titles(client.get(LIST, query)) == expected


def test_free_text_search_finds_every_kind_of_mention(client, office, spread, unit_a, unit_b):
    """Words in the texts (Latin letters in any case), the number, the 文号, a unit's alias, and a unit
    as the document wrote it."""
    UnitAliasFactory(unit=unit_b, name="萧山税务")
    AssignmentFactory(task=spread["missing"], unit=UnitFactory(name="区数据资源局"), as_written="区大数据中心")
    spread["soon"].title = "推广浙里办APP“一网通办”"
    spread["soon"].save()
    spread["overdue"].number = "99-1"  # found by its number as written, not inside other numbers
    spread["overdue"].save()
    plan_b = spread["b_only"].plan
    client.force_login(office)
    cases = {
        "浙里办app": {"推广浙里办APP“一网通办”"},
        "App": {"推广浙里办APP“一网通办”"},
        "99-1": {"已逾期"},
        plan_b.doc_number: {"乙独办"},
        "萧山税务": {"甲责任", "乙独办"},
        "大数据中心": {"未报进展"},
        "  证照分离 ": {"甲牵头"},
        "没有这样的话": set(),
    }
    for q, expected in cases.items():
        assert titles(client.get(LIST, {"q": q})) == expected, q


def test_plan_and_section_filters(client, office, spread):
    client.force_login(office)
    lead = spread["lead_a"]
    assert titles(client.get(LIST, {"plan": spread["b_only"].plan_id})) == {"乙独办"}
    assert titles(client.get(LIST, {"section": lead.section_id})) == {"甲牵头"}


@pytest.fixture
def sectioned(db):
    """Two plans with a section tree each; 二、 is a heading with only a number (stored as its title too)."""
    plan, other = PlanFactory(title="甲计划", year=2020), PlanFactory(title="乙计划", year=2021)
    top = SectionFactory(plan=plan, number="一、", title="总体要求", order=0)
    child = SectionFactory(plan=plan, parent=top, number="（一）", title="提升政务服务", order=1)
    grandchild = SectionFactory(plan=plan, parent=child, number="1.", title="一窗受理", order=2)
    bare = SectionFactory(plan=plan, number="二、", title="二、", order=3)
    elsewhere = SectionFactory(plan=other, number="一、", title="总体要求", order=0)
    for section, title in ((top, "顶层任务"), (child, "二级任务"), (grandchild, "三级任务"), (bare, "二节任务")):
        TaskFactory(plan=plan, section=section, title=title)
    TaskFactory(plan=other, section=elsewhere, title="乙计划任务")
    return {"plan": plan, "other": other, "top": top, "child": child, "grandchild": grandchild, "bare": bare}


def section_select(response) -> list:
    return list(response.context["filter"].form.fields["section"].choices)


def test_filtering_by_a_parent_section_includes_its_childrens_tasks(client, office, sectioned):
    client.force_login(office)
    assert titles(client.get(LIST, {"section": sectioned["top"].pk})) == {"顶层任务", "二级任务", "三级任务"}
    assert titles(client.get(LIST, {"section": sectioned["child"].pk})) == {"二级任务", "三级任务"}
    assert titles(client.get(LIST, {"plan": sectioned["plan"].pk, "section": sectioned["grandchild"].pk})) == {
        "三级任务"
    }


def test_section_choices_follow_the_chosen_plan_as_an_indented_tree(client, office, sectioned):
    client.force_login(office)
    response = client.get(LIST, {"plan": sectioned["plan"].pk})
    assert section_select(response) == [
        ("", "全部"),
        (sectioned["top"].pk, "一、总体要求"),
        (sectioned["child"].pk, "\u3000（一）提升政务服务"),
        (sectioned["grandchild"].pk, "\u3000\u30001.一窗受理"),
        (sectioned["bare"].pk, "二、"),  # not "二、二、"
    ]
    page = response.content.decode()
    assert "乙计划" not in page.split('name="section"')[1].split("</select>")[0]


def test_without_a_plan_sections_are_grouped_by_plan(client, office, sectioned):
    client.force_login(office)
    groups = section_select(client.get(LIST))[1:]
    assert [label for label, _ in groups] == ["甲计划（2020）", "乙计划（2021）"]
    assert groups[1][1] == [(SectionFactory._meta.model.objects.get(plan=sectioned["other"]).pk, "一、总体要求")]
    page = client.get(LIST).content.decode()
    assert '<optgroup label="甲计划（2020）">' in page


def test_a_section_of_another_plan_than_the_chosen_one_is_refused(client, office, sectioned):
    client.force_login(office)
    response = client.get(LIST, {"plan": sectioned["other"].pk, "section": sectioned["top"].pk})
    assert response.context["filter"].errors


def test_bad_filter_input_shows_an_error_not_a_crash(client, office, spread):
    client.force_login(office)
    response = client.get(LIST, {"due_after": "不是日期", "status": "bogus"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert not titles(response)


def test_liaison_list_only_has_their_units_tasks_even_with_filters(client, liaison_a, spread, unit_b):
    client.force_login(liaison_a)
    assert titles(client.get(LIST)) == {"甲牵头", "甲责任"}
    assert titles(client.get(LIST, {"unit": unit_b.pk})) == {"甲责任"}


@pytest.mark.parametrize("column", [c for c in TaskTable.base_columns])
def test_every_column_sorts_both_ways(client, office, spread, column):
    client.force_login(office)
    for sort in (column, "-" + column):
        response = client.get(LIST, {"sort": sort})
        assert response.status_code == 200, sort
        assert len(titles(response)) == 6


def test_sorting_by_warning_puts_red_first(client, office, spread):
    client.force_login(office)
    rows = list(client.get(LIST, {"sort": "warning"}).context["table"].paginated_rows)
    assert rows[0].record.title == "已逾期"


def test_filter_state_is_kept_in_paging_and_sorting_links_and_the_excel_link(client, office, unit_a):
    plan = PlanFactory()
    for _ in range(30):
        AssignmentFactory(task=TaskFactory(plan=plan), unit=unit_a)
    client.force_login(office)
    response = client.get(LIST, {"unit": unit_a.pk, "per_page": 25})
    page = response.content.decode()
    assert response.context["table"].page.paginator.count == 30
    assert f"unit={unit_a.pk}" in page and "page=2" in page
    page2 = client.get(LIST, {"unit": unit_a.pk, "page": 2})
    assert len(page2.context["table"].page.object_list) == 5


def test_rows_carry_the_warning_colour_and_badge(client, office, spread):
    client.force_login(office)
    page = client.get(LIST).content.decode()
    assert 'class="warn-red ' in page and 'class="warn-yellow ' in page and 'class="warn-blue ' in page
    assert "badge badge-red" in page


def test_closed_overdue_task_shows_no_warning(client, office):
    TaskFactory(title="办完了", flag=TaskFlag.OVERDUE, status=TaskStatus.DONE_LATE)
    client.force_login(office)
    assert "warn-red" not in client.get(LIST).content.decode()


# --- query budget -------------------------------------------------------------


def populate(n, unit_a, unit_b, liaison_a):
    plan = PlanFactory()
    for i in range(n):
        task = TaskFactory(plan=plan, flag=TaskFlag.OVERDUE if i % 2 else TaskFlag.DUE_SOON)
        AssignmentFactory(task=task, unit=unit_a)
        AssignmentFactory(task=task, unit=unit_b, role=AssignmentRole.RESPONSIBLE)
        MilestoneFactory(task=task, due_on=dt.date(2020, 12, 31))


@pytest.mark.parametrize("rows", [5, 50])
def test_task_list_query_count_does_not_grow_with_rows(client, office, unit_a, unit_b, liaison_a, rows,
                                                       django_assert_max_num_queries):
    populate(rows, unit_a, unit_b, liaison_a)
    client.force_login(office)
    with django_assert_max_num_queries(16):
        response = client.get(LIST, {"per_page": 50})
    assert len(response.context["table"].page.object_list) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_my_tasks_query_count_does_not_grow_with_rows(client, liaison_a, unit_a, unit_b, rows,
                                                      django_assert_max_num_queries):
    populate(rows, unit_a, unit_b, liaison_a)
    client.force_login(liaison_a)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("tasks:mine"))
    # every task is overdue or due soon: listed there, not again under 待签收, but 全部签收 counts them
    assert len(response.context["pending"]) == 0 and response.context["pending_all"] == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_task_page_query_count_does_not_grow_with_reports_and_history(client, office, unit_a, liaison_a, rows,
                                                                      django_assert_max_num_queries):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    for i in range(rows):
        report = ProgressReportFactory(task=task, unit=unit_a, author=liaison_a, percent=i % 100)
        EvidenceFactory(report=report)
        UrgingFactory(task=task, unit=unit_a, created_by=office)
        MilestoneFactory(task=task, due_on=dt.date(2020, 1, 1) + dt.timedelta(days=i))
        workflow.task_update(task=task, user=office, expected_version=task.version, changes={"percent": i % 100})
    client.force_login(office)
    with django_assert_max_num_queries(24):
        response = client.get(reverse("tasks:detail", args=[task.pk]))
    assert response.status_code == 200 and len(response.context["reports"]) == rows


# --- the task page ------------------------------------------------------------


def test_task_page_shows_text_units_milestones_progress_evidence_and_history(client, office, unit_a, liaison_a):
    task = TaskFactory(title="推进证照分离改革", text="全面推开“证照分离”改革。")
    child = TaskFactory(plan=task.plan, parent=task, title="子任务一")
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.CONFIRMED)
    m = MilestoneFactory(task=task, due_on=dt.date(2020, 9, 30), phrase="9月底前", original_due_on=dt.date(2020, 8, 31))
    report = workflow.progress_submit(task=task, unit=unit_a, author=liaison_a, text="已完成80%", percent=80,
                                      period=dt.date(2020, 9, 1),
                                      files=[SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 x")])
    workflow.task_update(task=task, user=office, expected_version=Task.objects.get(pk=task.pk).version,
                         changes={"title": "推进证照分离改革全覆盖"})
    client.force_login(office)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    for text in ["全面推开“证照分离”改革。", child.title, "区市场监管局", "已签收", "2020-09-30", "9月底前",
                 "原定 2020-08-31", "已完成80%", "验收报告.pdf", "变更记录", "推进证照分离改革全覆盖", "王科长"]:
        assert text in page, text
    assert reverse("tasks:evidence", args=[report.evidence.get().pk]) in page
    assert "/media/" not in page
    assert m.pk


def test_evidence_download_is_the_file(client, liaison_a, unit_a):
    report = ProgressReportFactory(unit=unit_a)
    AssignmentFactory(task=report.task, unit=unit_a)
    evidence = EvidenceFactory(report=report)
    client.force_login(liaison_a)
    response = client.get(reverse("tasks:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


# --- optimistic locking through the form ------------------------------------


def edit_data(task, **changes):
    data = {"number": task.number, "title": task.title, "text": task.text, "category": "", "indicator": "",
            "target": "", "section": "", "status": task.status, "percent": task.percent, "version": task.version}
    return data | changes


def test_second_editor_is_told_and_shown_the_newer_version(client, office):
    task = TaskFactory(title="原标题")
    first, second = edit_data(task, title="甲的标题"), edit_data(task, title="乙的标题")
    client.force_login(office)
    assert client.post(reverse("tasks:edit", args=[task.pk]), first).status_code == 302
    response = client.post(reverse("tasks:edit", args=[task.pk]), second)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已被他人修改" in page and "甲的标题" in page  # told, and shown the newer version
    assert Task.objects.get(pk=task.pk).title == "甲的标题"
    # the form now carries the newer version: submitting again is a deliberate overwrite
    assert f'name="version" value="{task.version + 1}"' in page
    again = client.post(reverse("tasks:edit", args=[task.pk]), second | {"version": task.version + 1})
    assert again.status_code == 302 and Task.objects.get(pk=task.pk).title == "乙的标题"


def test_stale_units_edit_is_refused(client, office, unit_a, unit_b):
    task = TaskFactory()
    old_version = task.version
    workflow.task_update(task=task, user=office, expected_version=old_version, changes={"percent": 10})
    client.force_login(office)
    data = {"version": old_version, "assignments-TOTAL_FORMS": "1", "assignments-INITIAL_FORMS": "0",
            "assignments-0-unit": unit_b.pk, "assignments-0-role": "lead", "assignments-0-order": "0"}
    response = client.post(reverse("tasks:units", args=[task.pk]), data)
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert not task.assignments.exists()


def test_office_adds_and_removes_units_of_a_task(client, office, unit_a, unit_b):
    task = TaskFactory()
    a = AssignmentFactory(task=task, unit=unit_a)
    client.force_login(office)
    data = {"version": task.version, "assignments-TOTAL_FORMS": "2", "assignments-INITIAL_FORMS": "1",
            "assignments-0-id": a.pk, "assignments-0-task": task.pk, "assignments-0-unit": unit_a.pk,
            "assignments-0-role": "lead", "assignments-0-order": "0", "assignments-0-DELETE": "on",
            "assignments-1-unit": unit_b.pk, "assignments-1-role": "responsible", "assignments-1-order": "1"}
    response = client.post(reverse("tasks:units", args=[task.pk]), data)
    assert response.status_code == 302
    assert list(task.assignments.values_list("unit__name", "role")) == [("区税务局", "responsible")]
    assert Assignment.history.filter(task_id=task.pk, history_type="-").exists()


# --- flows -------------------------------------------------------------------


def test_liaison_reports_with_evidence_and_office_sends_it_back(client, liaison_a, office, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:progress", args=[task.pk]), {
        "unit": unit_a.pk, "period": "2020-09", "percent": 60, "text": "完成系统对接",
        "files": [SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)],
    })
    assert response.status_code == 302
    report = task.reports.get()
    assert report.evidence.get().content_type == "image/png"
    client.force_login(office)
    client.post(reverse("tasks:report_review", args=[report.pk]), {"decision": "return", "comment": "请补充材料"})
    report.refresh_from_db()
    assert report.review_state == ReviewState.RETURNED
    client.force_login(liaison_a)
    assert "请补充材料" in client.get(reverse("tasks:mine")).content.decode()


def test_a_bad_evidence_file_is_reported_next_to_the_field(client, liaison_a, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:progress", args=[task.pk]), {
        "unit": unit_a.pk, "period": "2020-09", "percent": 60, "text": "x",
        "files": [SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf")],
    })
    assert response.status_code == 200
    assert "类型不允许" in str(response.context["form"].errors["files"])
    assert not task.reports.exists()


def test_asking_for_completion_requires_evidence(client, liaison_a, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:progress", args=[task.pk]), {
        "unit": unit_a.pk, "period": "2020-09", "percent": 100, "text": "已完成", "asks_completion": "on"})
    assert "申请办结须上传佐证材料" in str(response.context["form"].errors["files"])


def test_office_closes_a_task_late_and_reopens_it(client, office):
    task = TaskFactory()
    MilestoneFactory(task=task, due_on=dt.date(2020, 6, 30))
    client.force_login(office)
    response = client.post(reverse("tasks:close", args=[task.pk]),
                           {"completed_on": "2020-07-15", "version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE_LATE and task.completed_on == dt.date(2020, 7, 15)
    assert "逾期完成" in client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    client.post(reverse("tasks:reopen", args=[task.pk]), {"reason": "", "version": task.version})
    assert Task.objects.get(pk=task.pk).is_closed
    client.post(reverse("tasks:reopen", args=[task.pk]), {"reason": "材料不实", "version": task.version})
    assert not Task.objects.get(pk=task.pk).is_closed


def test_close_date_in_the_future_is_refused_next_to_the_field(client, office):
    task = TaskFactory()
    client.force_login(office)
    response = client.post(reverse("tasks:close", args=[task.pk]), {"completed_on": "2999-01-01", "version": 1})
    assert "不能晚于今天" in str(response.context["form"].errors["completed_on"])


def test_urging_from_the_task_page_notifies_and_the_liaison_answers(client, office, liaison_a, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    client.force_login(office)
    client.post(reverse("tasks:urge", args=[task.pk]), {"units": [unit_a.pk], "message": "请本周报送",
                                                        "reply_by": "2999-01-01"})
    urging = task.urgings.get()
    assert Notification.objects.filter(user=liaison_a, body="请本周报送").exists()
    client.force_login(liaison_a)
    assert "请本周报送" in client.get(reverse("tasks:mine")).content.decode()
    client.post(reverse("tasks:urging_answer", args=[urging.pk]), {"answer": "周五前报送"})
    urging.refresh_from_db()
    assert urging.answer == "周五前报送"
    client.force_login(office)
    assert "周五前报送" in client.get(reverse("tasks:detail", args=[task.pk])).content.decode()


def test_liaison_confirms_all_and_disputes_one_which_the_office_reassigns(client, liaison_a, office, unit_a, unit_b):
    tasks = [TaskFactory() for _ in range(3)]
    assignments = [AssignmentFactory(task=t, unit=unit_a) for t in tasks]
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:dispute", args=[assignments[0].pk]), {"reason": ""})
    assert "reason" in response.context["form"].errors
    client.post(reverse("tasks:dispute", args=[assignments[0].pk]), {"reason": "属于税务职责"})
    client.post(reverse("tasks:confirm_all"))
    states = [Assignment.objects.get(pk=a.pk).state for a in assignments]
    assert states == [ConfirmState.DISPUTED, ConfirmState.CONFIRMED, ConfirmState.CONFIRMED]
    client.force_login(office)
    assert "属于税务职责" in client.get(reverse("tasks:disputes")).content.decode()
    client.post(reverse("tasks:resolve", args=[assignments[0].pk]),
                {"resolution": "reassigned", "new_unit": unit_b.pk, "note": "改由税务局办理"})
    assert Assignment.objects.get(pk=assignments[0].pk).unit == unit_b


def test_liaison_asks_for_an_extension_and_the_office_approves_it(client, liaison_a, office, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    m = MilestoneFactory(task=task, due_on=FAR - dt.timedelta(days=100))
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:extension", args=[task.pk]),
                           {"milestone": m.pk, "proposed_date": str(FAR), "reason": "需上级审批"})
    assert response.status_code == 302
    ext = ExtensionRequest.objects.get()
    client.force_login(office)
    assert "需上级审批" in client.get(reverse("tasks:extensions")).content.decode()
    client.post(reverse("tasks:extension_decide", args=[ext.pk]), {"decision": "approve"})
    m.refresh_from_db()
    assert m.due_on == FAR and m.original_due_on == FAR - dt.timedelta(days=100)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "已延期" in page
    # the history shows the move: 截止日期 old → new
    assert f"{FAR - dt.timedelta(days=100):%Y-%m-%d}</del> → {FAR:%Y-%m-%d}" in page


def test_a_passed_milestone_cannot_be_picked_for_an_extension(client, liaison_a, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    m = MilestoneFactory(task=task, due_on=dt.date(2020, 1, 31))
    client.force_login(liaison_a)
    response = client.post(reverse("tasks:extension", args=[task.pk]),
                           {"milestone": m.pk, "proposed_date": "2021-01-01", "reason": "x"})
    # no milestone qualifies: back to the task page with the reason, never an empty form
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert not ExtensionRequest.objects.exists()


def test_refusing_an_extension_without_a_reason_is_refused(client, office, unit_a):
    from tests.factories import ExtensionRequestFactory

    ext = ExtensionRequestFactory(unit=unit_a)
    client.force_login(office)
    client.post(reverse("tasks:extension_decide", args=[ext.pk]), {"decision": "refuse", "reason": ""})
    assert ExtensionRequest.objects.get(pk=ext.pk).state == "pending"


# --- home ----------------------------------------------------------------------


def test_home_sends_each_role_to_its_start_page(client, office, liaison_a, supervisor):
    client.force_login(office)
    assert client.get("/")["Location"] == reverse("tasks:list")
    client.force_login(liaison_a)
    assert client.get("/")["Location"] == reverse("tasks:mine")
    client.force_login(supervisor)
    assert client.get("/")["Location"] in (reverse("dashboard:index"), reverse("tasks:list"))


def test_home_without_a_role_explains(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert "未分配角色" in client.get("/").content.decode()


def test_the_edit_form_cannot_close_a_task_behind_the_reviews_back(client, office):
    task = TaskFactory()
    client.force_login(office)
    response = client.post(reverse("tasks:edit", args=[task.pk]), edit_data(task, status=TaskStatus.DONE))
    assert "status" in response.context["form"].errors
    assert Task.objects.get(pk=task.pk).status == TaskStatus.NOT_STARTED


def test_a_refused_page_explains_in_chinese(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("tasks:edit", args=[TaskFactory().pk]))
    assert response.status_code == 403 and "无权" in response.content.decode()


def test_queues_show_the_warning_badge(client, office, liaison_a, unit_a):
    task = TaskFactory(flag=TaskFlag.OVERDUE)
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.DISPUTED, dispute_reason="x")
    ProgressReportFactory(task=task, unit=unit_a)
    client.force_login(office)
    for route in ("tasks:disputes", "tasks:reviews"):
        assert "badge badge-red" in client.get(reverse(route)).content.decode(), route


def test_supervisor_sees_the_task_page_without_any_write_control(client, supervisor, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.DISPUTED, dispute_reason="x")
    ProgressReportFactory(task=task, unit=unit_a)
    client.force_login(supervisor)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "编辑任务" not in page and "办结审核" not in page and "处理异议" not in page
    assert 'action="/tasks/' not in page and 'action="/units/' not in page  # no form posts to a task or unit


def test_liaison_of_two_units_on_a_task_picks_the_unit_asking_for_an_extension(client, unit_a, unit_b):
    from tests.factories import UserFactory

    both = UserFactory(username="both", role="联络员", units=[unit_a, unit_b])
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    AssignmentFactory(task=task, unit=unit_b, role=AssignmentRole.RESPONSIBLE)
    m = MilestoneFactory(task=task, due_on=FAR - dt.timedelta(days=10))
    client.force_login(both)
    response = client.post(reverse("tasks:extension", args=[task.pk]),
                           {"unit": unit_b.pk, "milestone": m.pk, "proposed_date": str(FAR), "reason": "协调中"})
    assert response.status_code == 302
    assert ExtensionRequest.objects.get().unit == unit_b


def test_a_single_unit_liaison_cannot_ask_in_another_units_name(client, liaison_a, unit_a, unit_b):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    AssignmentFactory(task=task, unit=unit_b, role=AssignmentRole.RESPONSIBLE)
    m = MilestoneFactory(task=task, due_on=FAR - dt.timedelta(days=10))
    client.force_login(liaison_a)
    client.post(reverse("tasks:extension", args=[task.pk]),
                {"unit": unit_b.pk, "milestone": m.pk, "proposed_date": str(FAR), "reason": "协调中"})
    assert ExtensionRequest.objects.get().unit == unit_a


def test_office_progress_form_has_no_completion_request(client, office, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    client.force_login(office)
    response = client.get(reverse("tasks:progress", args=[task.pk]))
    assert "asks_completion" not in response.context["form"].fields


def test_level_filter_tells_plan_items_from_their_sub_tasks(client, office):
    from tests.factories import TaskFactory

    item = TaskFactory(title="一级事项")
    TaskFactory(plan=item.plan, parent=item, title="拆分子任务")
    client.force_login(office)
    top = client.get("/tasks/", {"level": "top"}).content.decode()
    sub = client.get("/tasks/", {"level": "sub"}).content.decode()
    assert "一级事项" in top and "拆分子任务" not in top
    assert "拆分子任务" in sub and "一级事项</a>" not in sub

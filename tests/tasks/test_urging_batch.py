"""催办 several units at once (task page), 批量催办 from the task list, reply dates and the office's
queue of urgings unanswered past their date; 我的任务 in the order of what to do first."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from deadlines.models import Notification
from tasks.models import AssignmentRole, ConfirmState, TaskFlag, TaskStatus, Urging
from tasks.workflow import services as workflow
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UrgingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)  # a Wednesday
FROZEN = dt.datetime(2026, 6, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(FROZEN, tick=False):
        yield


def two_unit_task(unit_a, unit_b, **kwargs):
    task = TaskFactory(**kwargs)
    AssignmentFactory(task=task, unit=unit_a, role=AssignmentRole.LEAD, order=0)
    AssignmentFactory(task=task, unit=unit_b, role=AssignmentRole.RESPONSIBLE, order=1)
    return task


# --- services ---------------------------------------------------------------------------------------


def test_the_default_reply_date_is_three_working_days_later():
    assert workflow.urging_default_reply_by(dt.date(2026, 6, 10)) == dt.date(2026, 6, 15)  # Wed → Mon
    assignment = AssignmentFactory()
    urging = workflow.urging_create(task=assignment.task, unit=assignment.unit, user=None, message="x")
    assert urging.reply_by == dt.date(2026, 6, 15)


def test_urging_several_units_of_a_task_notifies_each(office, liaison_a, liaison_b, unit_a, unit_b):
    task = two_unit_task(unit_a, unit_b)
    urgings = workflow.urgings_create(task=task, units=[unit_a, unit_b], user=office, message="请本周报送")
    assert {u.unit for u in urgings} == {unit_a, unit_b}
    assert all(u.reply_by == dt.date(2026, 6, 15) for u in urgings)
    assert Notification.objects.filter(user=liaison_a, title__contains="2026-06-15").count() == 1
    assert Notification.objects.filter(user=liaison_b).count() == 1


def test_urging_refuses_a_unit_not_on_the_task_and_a_past_reply_date(office, unit_a, unit_b):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    with pytest.raises(workflow.WorkflowError, match="不承担此任务"):
        workflow.urgings_create(task=task, units=[unit_a, unit_b], user=office, message="x")
    with pytest.raises(workflow.WorkflowError, match="不能早于今天"):
        workflow.urgings_create(task=task, units=[unit_a], user=office, message="x", reply_by=dt.date(2026, 6, 1))
    assert not Urging.objects.exists()


def test_batch_urging_all_units_or_lead_units_only(office, liaison_a, unit_a, unit_b):
    one, two = two_unit_task(unit_a, unit_b), two_unit_task(unit_b, unit_a)
    closed = two_unit_task(unit_a, unit_b, status=TaskStatus.DONE)
    result = workflow.urgings_create_batch(tasks=[one, two, closed], user=office, message="请抓紧")
    assert len(result.urgings) == 4 and result.skipped_closed == [closed]
    # one notification per unit for the whole batch, naming its tasks
    note = Notification.objects.get(user=liaison_a)
    assert note.title.startswith("催办：2 项任务") and one.title[:20] in note.body and two.title[:20] in note.body
    Urging.objects.all().delete()
    result = workflow.urgings_create_batch(tasks=[one, two], user=office, message="请抓紧", lead_only=True)
    assert {(u.task, u.unit) for u in result.urgings} == {(one, unit_a), (two, unit_b)}


def test_unanswered_urgings_past_their_date_are_late(office, unit_a):
    late = UrgingFactory(unit=unit_a, reply_by=dt.date(2026, 6, 9))
    UrgingFactory(unit=unit_a, reply_by=TODAY)  # due today: not late yet
    UrgingFactory(unit=unit_a, reply_by=dt.date(2026, 6, 1), answer="已办", answered_at=FROZEN)
    assert list(workflow.urgings_late(today=TODAY)) == [late]


# --- views ------------------------------------------------------------------------------------------


def test_task_page_urges_the_ticked_units(client, office, unit_a, unit_b):
    task = two_unit_task(unit_a, unit_b)
    client.force_login(office)
    page = client.get(reverse("tasks:urge", args=[task.pk]))
    html = page.content.decode()
    assert f'value="{unit_a.pk}" id="urge-unit-{unit_a.pk}" checked' in html  # the lead is ticked
    assert f'value="{unit_b.pk}" id="urge-unit-{unit_b.pk}">' in html
    assert 'value="2026-06-15"' in html
    response = client.post(reverse("tasks:urge", args=[task.pk]),
                           {"units": [unit_a.pk, unit_b.pk], "message": "请报送", "reply_by": "2026-06-24"})
    assert response.status_code == 302
    assert set(task.urgings.values_list("unit", "reply_by")) == {(unit_a.pk, dt.date(2026, 6, 24)),
                                                                 (unit_b.pk, dt.date(2026, 6, 24))}
    response = client.post(reverse("tasks:urge", args=[task.pk]), {"message": "请报送", "reply_by": "2026-06-24"})
    assert "请至少选择一个被催办单位" in response.content.decode()


def test_batch_urging_from_the_task_list(client, office, unit_a, unit_b):
    one, two = two_unit_task(unit_a, unit_b), two_unit_task(unit_b, unit_a)
    client.force_login(office)
    listing = client.get(reverse("tasks:list")).content.decode()
    assert 'id="batch-urge"' in listing and f'name="tasks" value="{one.pk}" form="batch-urge"' in listing
    step = client.post(reverse("tasks:urge_batch"), {"tasks": [one.pk, two.pk], "next": "/tasks/?q=x"})
    assert step.status_code == 200 and len(step.context["chosen"]) == 2
    assert "仅牵头单位" in step.content.decode()
    done = client.post(reverse("tasks:urge_batch"), {
        "confirm": "1", "tasks": [one.pk, two.pk], "scope": "lead", "message": "请抓紧", "reply_by": "2026-06-15",
        "next": "/tasks/?q=x",
    })
    assert done.status_code == 302 and done["Location"] == "/tasks/?q=x"
    assert {(u.task_id, u.unit_id) for u in Urging.objects.all()} == {(one.pk, unit_a.pk), (two.pk, unit_b.pk)}


def test_nothing_ticked_goes_back_to_the_list(client, office):
    client.force_login(office)
    response = client.post(reverse("tasks:urge_batch"), {"next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"


def test_liaisons_and_supervisors_cannot_batch_urge(client, liaison_a, supervisor, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    for user in (liaison_a, supervisor):
        client.force_login(user)
        response = client.post(reverse("tasks:urge_batch"), {"confirm": "1", "tasks": [task.pk], "scope": "all",
                                                             "message": "x", "reply_by": "2026-06-15"})
        assert response.status_code == 403
        assert 'id="batch-urge"' not in client.get(reverse("tasks:list")).content.decode()
    assert not Urging.objects.exists()


def test_the_office_sees_urgings_unanswered_past_their_date(client, office, supervisor, liaison_a, unit_a):
    late = UrgingFactory(unit=unit_a, reply_by=dt.date(2026, 6, 8), task=TaskFactory(title="逾期未回复的任务"))
    UrgingFactory(unit=unit_a, reply_by=dt.date(2026, 6, 30), task=TaskFactory(title="期限未到的任务"))
    for user in (office, supervisor):
        client.force_login(user)
        page = client.get(reverse("tasks:urgings"))
        assert list(page.context["late"]) == [late]
        html = page.content.decode()
        assert html.index("逾期未回复的任务") < html.index("期限未到的任务")
    client.force_login(liaison_a)
    assert client.get(reverse("tasks:urgings")).status_code == 403


# --- 我的任务 ---------------------------------------------------------------------------------------


def test_my_tasks_in_the_order_of_what_to_do_first_each_task_once(client, liaison_a, unit_a):
    plan = PlanFactory()

    def mine(title, flag="", confirmed=False):
        task = TaskFactory(plan=plan, title=title, flag=flag, status=TaskStatus.IN_PROGRESS)
        AssignmentFactory(task=task, unit=unit_a,
                          state=ConfirmState.CONFIRMED if confirmed else ConfirmState.PENDING)
        return task

    urged = mine("被催办且逾期的任务", TaskFlag.OVERDUE)
    UrgingFactory(task=urged, unit=unit_a, reply_by=dt.date(2026, 6, 12))
    mine("逾期且待签收的任务", TaskFlag.OVERDUE)
    mine("临期的任务", TaskFlag.DUE_SOON, confirmed=True)
    waiting = mine("只待签收的任务")
    waiting.milestones.create(due_on=dt.date(2026, 12, 31), phrase="12月底前")
    client.force_login(liaison_a)
    response = client.get(reverse("tasks:mine"))
    html = response.content.decode()
    order = [html.index(t) for t in ("被催办且逾期的任务", "逾期且待签收的任务", "临期的任务", "只待签收的任务")]
    assert order == sorted(order)
    for title in ("被催办且逾期的任务", "逾期且待签收的任务", "临期的任务", "只待签收的任务"):
        assert html.count(f"{title}</a>") == 1, title
    assert [a.task.title for a in response.context["pending"]] == ["只待签收的任务"]
    assert "截止 2026-12-31" in html and "请于 2026-06-12 前回复" in html
    assert response.context["pending_all"] == 3 and "另有 2 项待签收" in html


def test_my_tasks_hides_empty_sections(client, liaison_a, unit_a):
    task = TaskFactory(flag=TaskFlag.DUE_SOON)
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.CONFIRMED)
    client.force_login(liaison_a)
    html = client.get(reverse("tasks:mine")).content.decode()
    assert 'id="section-due-soon"' in html
    for absent in ("section-urgings", "section-overdue", "section-pending", "nothing-to-do"):
        assert f'id="{absent}"' not in html
    task.delete()
    assert 'id="nothing-to-do"' in client.get(reverse("tasks:mine")).content.decode()


def test_the_task_page_shows_the_reply_date_and_a_late_urging(client, office, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    UrgingFactory(task=task, unit=unit_a, reply_by=dt.date(2026, 6, 8))
    client.force_login(office)
    html = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "请于 2026-06-08 前回复" in html and "逾期未回复" in html

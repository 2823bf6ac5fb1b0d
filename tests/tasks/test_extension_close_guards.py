"""延期申请 is offered only where a milestone qualifies (else the reason, in Chinese); 办结 of a task
some unit has not 签收'd asks the office to confirm, listing those units."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks.models import AssignmentRole, ConfirmState, TaskStatus
from tasks.workflow import services as workflow
from tests.factories import AssignmentFactory, ExtensionRequestFactory, MilestoneFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)


def reason(task, unit):
    return workflow.extension_unavailable_reason(task=task, units=[unit], today=TODAY)


def test_the_reasons_an_extension_is_not_possible(unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    assert "没有时间节点" in reason(task, unit_a)
    passed = MilestoneFactory(task=task, due_on=dt.date(2026, 5, 31))
    assert "已过期（最晚截止 2026-05-31）" in reason(task, unit_a)
    upcoming = MilestoneFactory(task=task, due_on=dt.date(2026, 6, 30))
    assert reason(task, unit_a) == ""
    assert list(workflow.extendable_milestones(task=task, units=[unit_a], today=TODAY)) == [upcoming]
    ExtensionRequestFactory(milestone=upcoming, unit=unit_a)
    assert "已有待审批的延期申请" in reason(task, unit_a)
    passed.done_on = upcoming.done_on = TODAY
    passed.save(), upcoming.save()
    assert "均已完成" in reason(task, unit_a)
    task.status = TaskStatus.DONE
    assert "已办结" in reason(task, unit_a)


def test_the_task_page_disables_the_button_and_says_why(client, liaison_a, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.CONFIRMED)
    MilestoneFactory(task=task, due_on=dt.date(2020, 6, 30))
    client.force_login(liaison_a)
    html = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:extension", args=[task.pk]) not in html
    assert 'disabled aria-describedby="extension-blocked">申请延期' in html
    assert "不能申请延期：时间节点已过期（最晚截止 2020-06-30）" in html
    follow = client.get(reverse("tasks:extension", args=[task.pk]), follow=True)
    assert "不能申请延期" in follow.content.decode()
    MilestoneFactory(task=task, due_on=dt.date(2999, 12, 31))
    html = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:extension", args=[task.pk]) in html and 'id="extension-blocked"' not in html
    form = client.get(reverse("tasks:extension", args=[task.pk])).context["form"]
    assert [m.due_on for m in form.fields["milestone"].queryset] == [dt.date(2999, 12, 31)]


def test_closing_with_unconfirmed_units_needs_a_confirmation(client, office, unit_a, unit_b):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.CONFIRMED)
    AssignmentFactory(task=task, unit=unit_b, state=ConfirmState.PENDING, role=AssignmentRole.RESPONSIBLE)
    client.force_login(office)
    page = client.get(reverse("tasks:close", args=[task.pk])).content.decode()
    assert 'id="unconfirmed-units"' in page and "区税务局（责任 · 待签收）" in page
    assert "区市场监管局（" not in page.split('id="unconfirmed-units"')[1].split("</div>")[0]
    data = {"completed_on": "2020-07-15", "version": task.version}
    response = client.post(reverse("tasks:close", args=[task.pk]), data)
    assert response.status_code == 200
    assert "请勾选确认后再办结" in str(response.context["form"].errors["despite_unconfirmed"])
    task.refresh_from_db()
    assert not task.is_closed
    response = client.post(reverse("tasks:close", args=[task.pk]), {**data, "despite_unconfirmed": "on"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_closed


def test_closing_when_every_unit_confirmed_asks_nothing_more(client, office, unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a, state=ConfirmState.CONFIRMED)
    client.force_login(office)
    assert 'id="unconfirmed-units"' not in client.get(reverse("tasks:close", args=[task.pk])).content.decode()
    response = client.post(reverse("tasks:close", args=[task.pk]), {"completed_on": "2020-07-15", "version": 1})
    assert response.status_code == 302

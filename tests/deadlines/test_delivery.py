"""Reminder delivery, set-based: one digest per recipient, whatever the number of reminders."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines import notify
from deadlines.models import Notification, OutboundMessage, Reminder, ReminderKind
from departments.models import UnitWebhook
from tasks.models import AssignmentRole, TaskStatus
from tasks.supervision import services
from tests.factories import AssignmentFactory, MilestoneFactory, TaskFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 9, 30)
DIGESTS = Path(__file__).parent / "digests"


def _remind(kind, milestone=None, **kwargs):
    due_on = milestone.due_on if milestone else None
    return Reminder.objects.create(kind=kind, milestone=milestone, due_on=due_on, **kwargs)


@pytest.fixture
def case(plan, unit_a, unit_b, liaison_a, liaison_b, supervisor):
    """Every path of the fan-out: responsible units, escalation to the lead (or the first unit), a
    sub-task reminded through its parent's units, a task closed since, progress reminders, a
    liaison of two units without e-mail, a webhook, a reminder nobody can receive."""
    unit_c = UnitFactory(name="区统计局")
    UserFactory(username="liaison_ac", role="liaison", units=[unit_a, unit_c], email="", first_name="周丽")
    UnitWebhook.objects.create(unit=unit_a, url="https://oapi.dingtalk.com/robot/send?access_token=x")
    t1 = TaskFactory(plan=plan, number="1", title="推进企业开办“一件事”")
    AssignmentFactory(task=t1, unit=unit_a, role=AssignmentRole.LEAD, order=0)
    AssignmentFactory(task=t1, unit=unit_b, role=AssignmentRole.RESPONSIBLE, order=1)
    t2 = TaskFactory(plan=plan, number="", title="完善信用监管")
    AssignmentFactory(task=t2, unit=unit_c, role=AssignmentRole.RESPONSIBLE, order=1)
    AssignmentFactory(task=t2, unit=unit_a, role=AssignmentRole.RESPONSIBLE, order=0)
    t3 = TaskFactory(plan=plan, parent=t1, number="1-1", title="企业开办全程网办")
    t4 = TaskFactory(plan=plan, number="4", title="整合热线", status=TaskStatus.DONE, completed_on=D(2026, 9, 20))
    AssignmentFactory(task=t4, unit=unit_b, role=AssignmentRole.LEAD)
    t5 = TaskFactory(plan=plan, number="5", title="无人认领的任务")
    m1 = MilestoneFactory(task=t1, due_on=D(2026, 9, 10))
    m2 = MilestoneFactory(task=t2, due_on=D(2026, 9, 1))
    m3 = MilestoneFactory(task=t3, due_on=D(2026, 10, 9))
    m4 = MilestoneFactory(task=t4, due_on=D(2026, 9, 15))
    m5 = MilestoneFactory(task=t5, due_on=D(2026, 9, 10))
    m6 = MilestoneFactory(task=t2, due_on=D(2026, 9, 10))
    _remind(ReminderKind.PROGRESS_DUE, unit=unit_b, period=D(2026, 9, 1))
    _remind(ReminderKind.DUE_SOON, m3)
    _remind(ReminderKind.OVERDUE, m1)
    _remind(ReminderKind.ESCALATION, m1)
    _remind(ReminderKind.ESCALATION, m2)
    _remind(ReminderKind.OVERDUE, m4)
    _remind(ReminderKind.OVERDUE, m5)
    _remind(ReminderKind.OVERDUE, m6)
    _remind(ReminderKind.PROGRESS_DUE, unit=unit_c, period=D(2026, 9, 1))
    unit_d = UnitFactory(name="区医保局")
    UserFactory(username="liaison_d", role="liaison", units=[unit_d], first_name="")
    t6 = TaskFactory(plan=plan, number="6", title="医保“一站式”结算")
    AssignmentFactory(task=t6, unit=unit_d)
    _remind(ReminderKind.DUE_SOON, MilestoneFactory(task=t6, due_on=D(2026, 10, 8)))
    return {"t6": t6.pk}


def _sent() -> tuple[list, list]:
    notes = [
        (n.user.username, n.title, n.body, n.url) for n in Notification.objects.select_related("user").order_by("user__username")
    ]
    outbound = [
        (m.channel, m.to, m.webhook.unit.name if m.webhook else "", m.subject, m.body)
        for m in OutboundMessage.objects.select_related("webhook__unit").order_by("channel", "to")
    ]
    return notes, outbound


@pytest.mark.parametrize("lines", [200, 2])
def test_the_digests_read_as_before_the_delivery_went_set_based(case, lines, monkeypatch):
    """digests/*.json were written by the per-reminder delivery this one replaced, on this case."""
    monkeypatch.setattr(notify, "DIGEST_MAX_LINES", lines)
    assert services.reminders_deliver(today=TODAY) == 10
    notes, outbound = _sent()
    expected = json.loads((DIGESTS / f"digests_{lines}.json").read_text().replace("{t6}", str(case["t6"])))
    assert [list(n) for n in notes] == expected["notifications"]
    assert [list(m) for m in outbound] == expected["outbound"]
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_second_delivery_sends_nothing(case):
    services.reminders_deliver(today=TODAY)
    with CaptureQueriesContext(connection) as ctx:
        assert services.reminders_deliver(today=TODAY) == 0
    assert len(ctx.captured_queries) <= 4
    assert Notification.objects.count() == 5


def _many(n: int, plan, units) -> None:
    """n reminders over tasks of the given units (every third one escalated, every fifth due soon)."""
    for i in range(n):
        task = TaskFactory(plan=plan)
        AssignmentFactory(task=task, unit=units[i % len(units)])
        kind = [ReminderKind.OVERDUE, ReminderKind.OVERDUE, ReminderKind.ESCALATION, ReminderKind.DUE_SOON][i % 4]
        _remind(kind, MilestoneFactory(task=task, due_on=D(2026, 9, 1) + dt.timedelta(days=i % 40)))


def test_delivery_query_count_does_not_grow_with_reminders(plan, unit_a, unit_b, liaison_a, liaison_b, supervisor):
    UnitWebhook.objects.create(unit=unit_b, url="https://oapi.dingtalk.com/robot/send?access_token=y")

    def deliver() -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.reminders_deliver(today=TODAY)
        return len(ctx.captured_queries)

    _many(20, plan, [unit_a, unit_b])
    few = deliver()
    _many(200, plan, [unit_a, unit_b])
    assert deliver() == few
    assert Notification.objects.filter(user=liaison_a).count() == 2
    latest = Notification.objects.filter(user=liaison_a).order_by("-pk").first()
    assert latest.title == "督办提醒（2026-09-30）：50项逾期提醒、50项逾期升级"  # unit A: the even reminders
    assert OutboundMessage.objects.filter(channel="webhook").count() == 2

"""The daily scan, the reminder outbox and the monthly report — set-based.

The scan is a fixed handful of UPDATE / INSERT … SELECT statements whatever
the number of milestones: per plan, "due soon" is one computed date (today +
N working days), so one OR-ed condition covers every distinct N.

Once-only delivery is built in two outboxes:
1. `Reminder` (unique per milestone and kind, or unit, period and kind) is
   written by the scan with INSERT … ON CONFLICT DO NOTHING in the same
   transaction as the state change: re-running it or racing it adds nothing.
2. `reminders_deliver` locks the unsent reminders (SKIP LOCKED), writes one
   digest Notification and one OutboundMessage (e-mail, webhook) per recipient
   and marks the reminders sent, all in one transaction.
3. `deadlines.outbox.outbound_send` sends each OutboundMessage under its own row lock and
   marks it sent; a failed channel stays unsent for the retry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from deadlines import dates, notify
from deadlines.models import (
    Channel,
    Milestone,
    MilestoneState,
    MonthlyReport,
    Notification,
    OutboundMessage,
    Reminder,
    ReminderKind,
    ReportStatus,
    work_calendar,
)
from departments import roles
from departments.models import Unit, UnitWebhook
from tasks import figures
from tasks.flags import flags_refresh
from tasks.models import (
    Assignment,
    AssignmentRole,
    Plan,
    ProgressReport,
    ReviewState,
    TaskStatus,
    duty_starts_before,
)
from tasks.supervision.report import report_context, write_supervision_report

logger = logging.getLogger(__name__)

CLOSED = [TaskStatus.DONE, TaskStatus.DONE_LATE]
# any constant: serialises concurrent scans on PostgreSQL (SQLite's IMMEDIATE transactions already do)
SCAN_LOCK_ID = 5_202_611
CHUNK = 5000


# --- the scan ------------------------------------------------------------------


@dataclass
class ScanResult:
    today: dt.date
    due_soon: int = 0
    overdue: int = 0
    changed: int = 0
    tasks_changed: int = 0
    copies_refreshed: int = 0
    reminders: int = 0
    fallback_years: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"today": self.today.isoformat(), "due_soon": self.due_soon, "overdue": self.overdue,
                "changed": self.changed}


def _insert_reminders(queryset, kind: str, now: dt.datetime) -> int:
    """INSERT … SELECT … ON CONFLICT DO NOTHING: one statement however many
    milestones; the named unique constraint drops what was already recorded."""
    sub_sql, params = queryset.order_by().values("id", "due_on").query.sql_with_params()
    table = connection.ops.quote_name(Reminder._meta.db_table)
    sql = (
        f"INSERT INTO {table} (kind, milestone_id, due_on, created_at) "
        f"SELECT %s, ms.id, ms.due_on, %s FROM ({sub_sql}) ms WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    # WHERE 1 = 1: SQLite needs it to parse ON CONFLICT after INSERT … SELECT
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, connection.ops.adapt_datetimefield_value(now), *params])
        return max(cursor.rowcount, 0)


@transaction.atomic
def deadlines_scan(*, today: dt.date, cal: dates.WorkCalendar | None = None) -> ScanResult:
    """Recompute every milestone's state, the task flags and 本期进展未报, and
    record the reminders that are due. Idempotent: a second run changes nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK_ID])
    cal = cal or work_calendar()
    result = ScanResult(today=today)
    now = timezone.now()
    ms = Milestone.objects.order_by()

    # the scan only moves time forward: every write already stored the rule's values for its day
    refreshed = flags_refresh(as_of=today, cal=cal)
    result.changed, result.tasks_changed, result.copies_refreshed = (
        refreshed.milestones, refreshed.tasks, refreshed.copies,
    )

    overdue = ms.filter(state=MilestoneState.OVERDUE)
    result.reminders += _insert_reminders(overdue, ReminderKind.OVERDUE, now)
    result.reminders += _insert_reminders(ms.filter(state=MilestoneState.DUE_SOON), ReminderKind.DUE_SOON, now)
    escalate_before = today - dt.timedelta(days=settings.ESCALATE_AFTER_DAYS)
    result.reminders += _insert_reminders(overdue.filter(due_on__lt=escalate_before), ReminderKind.ESCALATION, now)
    result.reminders += _record_progress_reminders(today, cal, now)

    counts = dict(
        ms.filter(state__in=[MilestoneState.DUE_SOON, MilestoneState.OVERDUE])
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    result.due_soon = counts.get(MilestoneState.DUE_SOON, 0)
    result.overdue = counts.get(MilestoneState.OVERDUE, 0)
    result.fallback_years = sorted(cal.fallback_years)
    if result.fallback_years:
        logger.warning("no holiday calendar for %s: counted Monday–Friday", result.fallback_years)
    logger.info(
        "scan %s: %d due soon, %d overdue, %d milestones and %d tasks changed, %d copies refreshed, "
        "%d reminders recorded",
        today, result.due_soon, result.overdue, result.changed, result.tasks_changed, result.copies_refreshed,
        result.reminders,
    )
    return result


def _plans_by_period(period_of) -> dict[dt.date | None, list[int]]:
    """Group plans by the report period that applies to them today (None: no
    period applies, e.g. it predates the plan)."""
    groups: dict[dt.date | None, list[int]] = defaultdict(list)
    for pk, due_day, issued_on, year in Plan.objects.order_by().values_list(
        "pk", "progress_due_day", "issued_on", "year"
    ):
        period = period_of(due_day)
        first = dates.month_start(issued_on) if issued_on else dt.date(year, 1, 1)
        groups[period if period is not None and period >= first else None].append(pk)
    return groups


def _record_progress_reminders(today: dt.date, cal: dates.WorkCalendar, now: dt.datetime) -> int:
    """Two working days before the report day, units that have not reported
    on the period are reminded — once per unit and period."""
    groups = _plans_by_period(lambda day: dates.progress_reminder_period(today, day, cal))
    rows = []
    for period, plan_ids in groups.items():
        if period is None:
            continue
        # the same duty as the 黄 flag (tasks.models.progress_missing_case): tasks that existed in the
        # month, units without a report on it or a later one that was not sent back
        reported = ProgressReport.objects.filter(
            task=OuterRef("task"), unit=OuterRef("unit"), period__gte=period
        ).exclude(review_state=ReviewState.RETURNED)
        pending = (
            Assignment.objects.filter(
                unit=OuterRef("pk"), task__plan_id__in=plan_ids, task__created_at__lt=duty_starts_before(period)
            )
            .exclude(task__status__in=CLOSED)
            .exclude(Exists(reported))
        )
        for unit_id in Unit.objects.filter(Exists(pending)).values_list("pk", flat=True):
            rows.append(Reminder(kind=ReminderKind.PROGRESS_DUE, unit_id=unit_id, period=period))
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True)) if rows else 0


# --- delivery ------------------------------------------------------------------


def _task_url(task_id: int) -> str:
    return reverse("tasks:detail", args=[task_id])


def _notifications_url() -> str:
    return reverse("deadlines:notifications")


@dataclass
class Digest:
    items: list[notify.Item] = field(default_factory=list)
    keys: set = field(default_factory=set)

    def add(self, key, item: notify.Item) -> None:
        if key not in self.keys:
            self.keys.add(key)
            self.items.append(item)


def _milestone_items(reminders: list[Reminder], today: dt.date) -> tuple[dict, dict]:
    """Recipients of milestone reminders: per user and per unit (for webhooks)."""
    by_user: dict[int, Digest] = defaultdict(Digest)
    by_unit: dict[int, Digest] = defaultdict(Digest)
    if not reminders:
        return by_user, by_unit
    tasks = {r.milestone.task_id: r.milestone.task for r in reminders}
    parents = {t.parent_id for t in tasks.values() if t.parent_id}
    units_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, role in Assignment.objects.filter(task_id__in=set(tasks) | parents).values_list(
        "task_id", "unit_id", "role"
    ):
        units_of[task_id].append((unit_id, role))
    liaisons = _liaisons({u for pairs in units_of.values() for u, _ in pairs})
    supervisors = None
    for r in reminders:
        task = r.milestone.task
        assigned = units_of.get(task.pk) or units_of.get(task.parent_id, [])
        item = notify.Item(
            kind=r.kind, task_title=str(task), due_on=r.milestone.due_on,
            days_overdue=r.milestone.days_overdue(today), url=_task_url(task.pk),
        )
        if r.kind == ReminderKind.ESCALATION:
            targets = [u for u, role in assigned if role == AssignmentRole.LEAD] or [u for u, _ in assigned[:1]]
            if supervisors is None:
                supervisors = _supervisors()
            for user_id in supervisors:
                by_user[user_id].add(r.pk, item)
        else:
            targets = [u for u, _ in assigned]
        for unit_id in targets:
            by_unit[unit_id].add(r.pk, item)
            for user_id in liaisons.get(unit_id, ()):
                by_user[user_id].add(r.pk, item)
        if not targets:
            logger.warning("reminder %s: milestone %s of task %s has no unit to remind", r.pk, r.milestone_id, task.pk)
    return by_user, by_unit


def _progress_items(reminders: list[Reminder], by_user: dict, by_unit: dict) -> None:
    if not reminders:
        return
    liaisons = _liaisons({r.unit_id for r in reminders})
    due_days = dict(Plan.objects.values_list("pk", "progress_due_day"))
    # the earliest report day among the plans: a reminder that is early is harmless, a late one is not
    due_day = min(due_days.values(), default=settings.PROGRESS_DUE_DAY)
    for r in reminders:
        due = dates.progress_due_date(r.period, due_day)
        item = notify.Item(kind=r.kind, task_title=f"{r.period.year}年{r.period.month}月工作进展", due_on=due, days_overdue=0,
                           url=_notifications_url())
        by_unit[r.unit_id].add(r.pk, item)
        for user_id in liaisons.get(r.unit_id, ()):
            by_user[user_id].add(r.pk, item)


def _liaisons(unit_ids: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    through = Unit.liaisons.through
    for unit_id, user_id in through.objects.filter(unit_id__in=unit_ids, user__is_active=True).values_list(
        "unit_id", "user_id"
    ):
        out[unit_id].append(user_id)
    return out


def _supervisors() -> list[int]:
    return list(
        get_user_model().objects.filter(groups__name=roles.SUPERVISOR, is_active=True).values_list("pk", flat=True)
    )


def _fan_out(by_user: dict[int, Digest], by_unit: dict[int, Digest], today: dt.date) -> tuple[int, int]:
    """One notification and one e-mail per user, one post per unit webhook."""
    users = get_user_model().objects.in_bulk(list(by_user))
    notes, outbound = [], []
    for user_id, digest in by_user.items():
        user = users.get(user_id)
        if user is None or not digest.items:
            continue
        title, body = notify.render_digest(digest.items, today=today)
        single = digest.items[0].url if len(digest.items) == 1 else ""
        notes.append(Notification(user=user, title=title[:200], body=body, url=single or _notifications_url()))
        if user.email:
            outbound.append(OutboundMessage(
                channel=Channel.EMAIL, user=user, to=user.email, subject=title[:200],
                body=notify.email_text(user, body, settings.SITE_URL),
            ))
    for hook in UnitWebhook.objects.filter(unit_id__in=list(by_unit), is_active=True).select_related("unit"):
        title, body = notify.render_digest(by_unit[hook.unit_id].items, today=today, unit=hook.unit.name)
        outbound.append(OutboundMessage(channel=Channel.WEBHOOK, webhook=hook, subject=title[:200], body=body))
    Notification.objects.bulk_create(notes)
    OutboundMessage.objects.bulk_create(outbound)
    return len(notes), len(outbound)


def reminders_deliver(*, today: dt.date) -> int:
    """Turn unsent reminders into digests. Rows are locked (SKIP LOCKED) so two
    workers never take the same reminder; it all commits or nothing does."""
    with transaction.atomic():
        reminders = list(
            Reminder.objects.filter(sent_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("milestone__task", "unit")
            .order_by("milestone__due_on", "pk")
        )
        if not reminders:
            return 0
        by_user, by_unit = _milestone_items([r for r in reminders if r.milestone_id], today)
        _progress_items([r for r in reminders if not r.milestone_id], by_user, by_unit)
        notes, outbound = _fan_out(by_user, by_unit, today)
        now = timezone.now()
        ids = [r.pk for r in reminders]
        for start in range(0, len(ids), CHUNK):
            Reminder.objects.filter(pk__in=ids[start : start + CHUNK], sent_at__isnull=True).update(sent_at=now)
    logger.info("delivered %d reminders: %d notifications, %d messages queued", len(ids), notes, outbound)
    return len(ids)


# --- the monthly report ----------------------------------------------------------


def report_build(*, year: int, month: int, scope: str = "current", writer=None,
                 today: dt.date | None = None) -> MonthlyReport:
    """Build the 督查通报 of year-month for `scope` (a figures.Scope key; default the office's current
    plans) — data as of the month's end, or as of today for the month not ended yet — store it on
    MonthlyReport(year, month, scope), replacing an earlier file, and tell the supervisors. A month
    not begun is refused (FutureMonth) before any row is written; on a failure while building the
    row says so and the error propagates."""
    writer = writer or write_supervision_report
    ctx = report_context(year=year, month=month, scope=figures.Scope.parse(scope), today=today)
    scope = ctx.scope.key
    report, _ = MonthlyReport.objects.get_or_create(year=year, month=month, scope=scope)
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.BUILDING, error="")
    try:
        buffer = BytesIO()
        writer(buffer, year=year, month=month, scope=ctx.scope, today=today)
    except Exception as exc:
        MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=str(exc)[:2000])
        raise
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        old_name = report.file.name
        suffix = "" if scope == "current" else f"_{scope.replace(':', '')}"
        report.file.save(f"督查通报_{year}年{month:02d}月{suffix}.xlsx", ContentFile(buffer.getvalue()), save=False)
        report.status = ReportStatus.READY
        report.as_of = ctx.done_by
        report.generated_at = timezone.now()
        report.error = ""
        report.save()
        _notify_report_ready(report)
        if old_name and old_name != report.file.name:
            transaction.on_commit(lambda: report.file.storage.delete(old_name))
    return report


def _notify_report_ready(report: MonthlyReport) -> None:
    users = get_user_model().objects.filter(groups__name=roles.SUPERVISOR, is_active=True)
    url = reverse("supervision:reports")
    title = f"{report}已生成"
    body = f"{report}（数据截至 {report.as_of:%Y年%m月%d日}）已生成，请在“督查通报”页面下载。"
    Notification.objects.bulk_create(Notification(user=u, title=title, body=body, url=url) for u in users)
    OutboundMessage.objects.bulk_create(
        OutboundMessage(channel=Channel.EMAIL, user=u, to=u.email, subject=title,
                        body=notify.email_text(u, body, settings.SITE_URL))
        for u in users
        if u.email
    )

"""The daily scan, the reminder outbox and the monthly report — set-based.

The scan is a fixed handful of UPDATE / INSERT … SELECT statements whatever
the number of milestones: per plan, "due soon" is one computed date (today +
N working days), so one OR-ed condition covers every distinct N.

Once-only delivery is built in two outboxes:
1. `Reminder` (unique per milestone and kind, or unit, period and kind) is
   written by the scan in the same transaction as the state change, with
   INSERT … SELECT of the reminders not recorded yet (a repeat attempts none)
   and ON CONFLICT DO NOTHING for a scan racing it: nothing is recorded twice.
2. `reminders_deliver` claims the unsent reminders with one UPDATE (SKIP
   LOCKED), reads each recipient's digest with one SELECT, and writes one
   Notification and one OutboundMessage (e-mail, webhook) per recipient, all
   in one transaction.
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
from django.db.models import Count, Exists, F, OuterRef, QuerySet
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
from reformtracker.links import pk_urls
from tasks import figures, setbased, tallies
from tasks.flags import flags_refresh
from tasks.models import (
    CLOSED,
    Assignment,
    AssignmentRole,
    Plan,
    ProgressReport,
    ReviewState,
    Task,
    duty_starts_before,
)
from tasks.supervision.bulletin import bulletin_refresh
from tasks.supervision.report import report_context, write_supervision_report

logger = logging.getLogger(__name__)

# any constant: serialises concurrent scans on PostgreSQL (SQLite's IMMEDIATE transactions already do)
SCAN_LOCK_ID = 5_202_611


# --- the scan ------------------------------------------------------------------


@dataclass
class ScanResult:
    """What a scan did, in rows really written or inserted: `changed` milestones, `tasks_changed`
    tasks (once each, whichever of their flags changed), `copies_refreshed` copies, `reminders`
    inserted — all 0 on a repeat with nothing changed. `due_soon`/`overdue`: milestones in that state."""

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


def _insert_missing(select: QuerySet, columns: list[str], constants: list) -> int:
    """INSERT INTO reminder (columns) SELECT constants…, select's columns: one statement however
    many rows. `select` leaves out the reminders already recorded (a repeat inserts nothing and
    attempts nothing); ON CONFLICT DO NOTHING is for a scan racing this one. Returns the rows
    really inserted."""
    sub_sql, params = select.query.sql_with_params()
    table = setbased.quote(Reminder._meta.db_table)
    names = ", ".join(setbased.quote(c) for c in columns)
    holders = ", ".join(["%s"] * len(constants))
    # WHERE 1 = 1: SQLite needs it to parse ON CONFLICT after INSERT … SELECT
    sql = f"INSERT INTO {table} ({names}) SELECT {holders}, s.* FROM ({sub_sql}) s WHERE 1 = 1 ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *params])
        return max(cursor.rowcount, 0)


def _insert_reminders(queryset, kind: str, now: dt.datetime) -> int:
    """A reminder for each of these milestones not reminded of this kind on its due date yet.

    With no reminder of the kind recorded yet (a new installation, or the first scan after the
    reminders were cleared) there is nothing to leave out: the anti-join is skipped. Kept, it is
    planned against an empty table as a nested loop whose inner scan re-reads the pages this very
    INSERT is filling — quadratic (26,000 reminders: 2.7 s instead of 0.1 s)."""
    missing = queryset.order_by()
    if Reminder.objects.filter(kind=kind).exists():
        recorded = Reminder.objects.filter(milestone=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on"))
        missing = missing.exclude(Exists(recorded))
    missing = missing.values("id", "due_on")
    return _insert_missing(
        missing, ["kind", "created_at", "milestone_id", "due_on"], [kind, connection.ops.adapt_datetimefield_value(now)]
    )


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
    # tomorrow's scan leaves out what was recorded today by an anti-join: planned from statistics
    # of a table this many rows smaller, it could become a nested loop over every reminder
    setbased.analyze_after(Reminder, result.reminders)

    counts = dict(
        ms.filter(state__in=[MilestoneState.DUE_SOON, MilestoneState.OVERDUE])
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    result.due_soon = counts.get(MilestoneState.DUE_SOON, 0)
    result.overdue = counts.get(MilestoneState.OVERDUE, 0)
    result.fallback_years = sorted(cal.fallback_years)
    # the day's rows of the tallies folded into one per combination, once this transaction has
    # committed (the fold locks each tally briefly). A scan that wrote no task and no assignment
    # appended no tally row: the quarter-hourly fold_tallies job folds what others wrote
    if result.tasks_changed or result.copies_refreshed:
        transaction.on_commit(tallies.compact)
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
    inserted = 0
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
        recorded = Reminder.objects.filter(
            unit=OuterRef("pk"), period=period, kind=ReminderKind.PROGRESS_DUE, milestone__isnull=True
        )
        units = Unit.objects.order_by().filter(Exists(pending)).exclude(Exists(recorded)).values("id")
        inserted += _insert_missing(
            units, ["kind", "period", "created_at", "unit_id"],
            [ReminderKind.PROGRESS_DUE, connection.ops.adapt_datefield_value(period),
             connection.ops.adapt_datetimefield_value(now)],
        )
    return inserted


# --- delivery ------------------------------------------------------------------
#
# Set-based: one UPDATE claims the unsent reminders, one SELECT lists each recipient's first
# DIGEST_MAX_LINES items (with the counts per kind over all of them), and Python writes one digest
# per recipient. Who receives a milestone reminder: the liaisons of the task's units (a sub-task
# without units of its own: its parent's); an escalation goes to the lead units only (or the first
# unit when none leads) and to every supervisor. A progress reminder names its unit. Items are listed
# by due date, then in the order they were recorded; progress reminders last.

AUDIENCE_USER, AUDIENCE_UNIT = 0, 1
def _claim(now: dt.datetime) -> int:
    """Mark every unsent reminder sent at `now`, skipping rows another worker holds; the rows so
    marked are this delivery's (the transaction commits or nothing does)."""
    table = setbased.quote(Reminder._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":
        sql = (f"UPDATE {table} SET sent_at = %s WHERE id IN "
               f"(SELECT id FROM {table} WHERE sent_at IS NULL FOR UPDATE SKIP LOCKED)")
    else:  # SQLite: the write lock is the whole database's
        sql = f"UPDATE {table} SET sent_at = %s WHERE sent_at IS NULL"
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp])
        claimed = max(cursor.rowcount, 0)
    # the statistics say next to no reminder carries this sent_at: counted again, the fan-out below
    # is planned with hash joins, not 200,000 probes
    setbased.analyze_after(Reminder, claimed)
    return claimed


def _digest_rows(now: dt.datetime) -> list[tuple]:
    """(audience, recipient, reminder id, kind, milestone due_on, done_on, original_due_on, task id,
    number, title, status, completed_on, period, unreachable, counts per kind …) for each
    recipient's first DIGEST_MAX_LINES reminders claimed at `now`: users (liaisons, supervisors) and
    units with an active webhook. The ranking runs on narrow rows; the task's and milestone's
    fields are read for the listed lines only. `unreachable`: milestone reminders nobody receives."""
    q = setbased.quote
    reminder, milestone, task, assignment = (
        q(m._meta.db_table) for m in (Reminder, Milestone, Task, Assignment)
    )
    liaisons, liaison_params = (
        Unit.liaisons.through.objects.filter(user__is_active=True).order_by()
        .values(liaison_unit=F("unit_id"), liaison_user=F("user_id"))
        .query.sql_with_params()
    )
    hooks, hook_params = (
        UnitWebhook.objects.filter(is_active=True).order_by().values(hook_unit=F("unit_id")).query.sql_with_params()
    )
    # a handful of ids, written into the statement: joined as a subquery, the planner (which has
    # no statistics on rows claimed in this transaction) crossed every user with the escalations
    supervisors = list(
        get_user_model().objects.filter(groups__name=roles.SUPERVISOR, is_active=True).values_list("pk", flat=True)
    )
    to_supervisors = (
        f"UNION SELECT {AUDIENCE_USER}, c.id, s.id FROM claimed c JOIN (SELECT u.id FROM "
        f"{q(get_user_model()._meta.db_table)} u WHERE u.id IN ({', '.join(['%s'] * len(supervisors))})) s "
        f"ON c.kind = %s"
        if supervisors else ""
    )
    kinds = list(notify.KIND_TAGS)
    per_kind = ", ".join(
        "SUM(CASE WHEN c.kind = %s THEN 1 ELSE 0 END) OVER (PARTITION BY p.audience, p.recipient)" for _ in kinds
    )
    sql = f"""
    WITH claimed AS (
        SELECT r.id, r.kind, r.unit_id, r.milestone_id, m.due_on, m.task_id, t.parent_id
        FROM {reminder} r LEFT JOIN {milestone} m ON m.id = r.milestone_id LEFT JOIN {task} t ON t.id = m.task_id
        WHERE r.sent_at = %s
    ), owner AS (
        SELECT c.id, c.kind,
               CASE WHEN c.task_id IN (SELECT x.task_id FROM {assignment} x) THEN c.task_id ELSE c.parent_id END
               AS task_id
        FROM claimed c WHERE c.milestone_id IS NOT NULL
    ), unit_pairs AS (
        SELECT o.id AS reminder_id, a.unit_id FROM owner o JOIN {assignment} a ON a.task_id = o.task_id
        WHERE o.kind <> %s OR a.role = %s
           OR (NOT EXISTS (SELECT 1 FROM {assignment} l WHERE l.task_id = o.task_id AND l.role = %s)
               AND a.id = (SELECT f.id FROM {assignment} f WHERE f.task_id = o.task_id
                           ORDER BY f.{q("order")}, f.id LIMIT 1))
        UNION ALL
        SELECT c.id, c.unit_id FROM claimed c WHERE c.milestone_id IS NULL AND c.unit_id IS NOT NULL
    ), pairs AS (
        SELECT {AUDIENCE_USER} AS audience, p.reminder_id, l.liaison_user AS recipient
        FROM unit_pairs p JOIN ({liaisons}) l ON l.liaison_unit = p.unit_id
        {to_supervisors}
        UNION
        SELECT {AUDIENCE_UNIT}, p.reminder_id, p.unit_id FROM unit_pairs p WHERE p.unit_id IN ({hooks})
    ), ranked AS (
        SELECT p.audience, p.recipient, p.reminder_id,
               ROW_NUMBER() OVER (PARTITION BY p.audience, p.recipient
                                  ORDER BY CASE WHEN c.milestone_id IS NULL THEN 1 ELSE 0 END, c.due_on, c.id) AS rn,
               {per_kind}
        FROM pairs p JOIN claimed c ON c.id = p.reminder_id
    )
    SELECT k.audience, k.recipient, r.id, r.kind, m.due_on, m.done_on, m.original_due_on, t.id, t.number, t.title,
           t.status, t.completed_on, r.period,
           (SELECT COUNT(*) FROM owner o WHERE o.task_id IS NULL
                OR o.task_id NOT IN (SELECT y.task_id FROM {assignment} y)) AS unreachable,
           k.*
    FROM ranked k JOIN {reminder} r ON r.id = k.reminder_id
    LEFT JOIN {milestone} m ON m.id = r.milestone_id LEFT JOIN {task} t ON t.id = m.task_id
    WHERE k.rn <= %s ORDER BY k.audience, k.recipient, k.rn
    """
    escalation, lead = ReminderKind.ESCALATION, AssignmentRole.LEAD
    params = [
        connection.ops.adapt_datetimefield_value(now), escalation, lead, lead, *liaison_params,
        *([*supervisors, escalation] if supervisors else []), *hook_params, *kinds, notify.DIGEST_MAX_LINES,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # one sort of every (recipient, reminder) pair: in memory rather than in temporary files
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Digest:
    counts: dict[str, int]
    items: list[notify.Item] = field(default_factory=list)


def _digests(rows: list[tuple], today: dt.date) -> tuple[dict[int, Digest], dict[int, Digest]]:
    """Each recipient's digest from its rows: Items are built for the listed lines only (at most
    DIGEST_MAX_LINES per recipient), once per reminder, with the task's URL from one reverse()
    (reformtracker.links.pk_urls) and 逾期天数 from the milestone's own rule."""
    task_url = pk_urls("tasks:detail")
    notifications_url = reverse("deadlines:notifications")
    due_days = Plan.objects.order_by().values_list("progress_due_day", flat=True)
    # the earliest report day among the plans: a reminder that is early is harmless, a late one is not
    due_day = min(due_days, default=settings.PROGRESS_DUE_DAY)
    kinds = list(notify.KIND_TAGS)
    by_user: dict[int, Digest] = {}
    by_unit: dict[int, Digest] = {}
    items: dict[int, notify.Item] = {}
    for row in rows:
        audience, recipient, pk, kind, due_on, done_on, original, task_id, number, title, status, completed, period = row[:13]
        digests = by_user if audience == AUDIENCE_USER else by_unit
        if recipient not in digests:
            digests[recipient] = Digest(counts=dict(zip(kinds, (int(n or 0) for n in row[-len(kinds):]), strict=True)))
        item = items.get(pk)
        if item is None:
            if task_id is None:  # a progress reminder
                period = _as_date(period)
                item = notify.Item(kind=kind, task_title=f"{period.year}年{period.month}月工作进展",
                                   due_on=dates.progress_due_date(period, due_day), days_overdue=0,
                                   url=notifications_url)
            else:
                task = Task(pk=task_id, number=number, title=title, status=status, completed_on=_as_date(completed))
                ms = Milestone(task=task, due_on=_as_date(due_on), done_on=_as_date(done_on),
                               original_due_on=_as_date(original))
                item = notify.Item(kind=kind, task_title=str(task), due_on=ms.due_on,
                                   days_overdue=ms.days_overdue(today), url=task_url(task_id))
            items[pk] = item
        digests[recipient].items.append(item)
    return by_user, by_unit


def _as_date(value) -> dt.date | None:
    """SQLite hands raw SQL's dates back as ISO strings."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _fan_out(by_user: dict[int, Digest], by_unit: dict[int, Digest], today: dt.date) -> tuple[int, int]:
    """One notification and one e-mail per user, one post per unit webhook."""
    notifications_url = reverse("deadlines:notifications")
    users = get_user_model().objects.in_bulk(list(by_user))
    notes, outbound = [], []
    for user_id in sorted(by_user):
        user, digest = users.get(user_id), by_user[user_id]
        if user is None or not digest.items:
            continue
        title, body = notify.render_digest(digest.items, today=today, counts=digest.counts)
        single = digest.items[0].url if sum(digest.counts.values()) == 1 else ""
        notes.append(Notification(user=user, title=title[:200], body=body, url=single or notifications_url))
        if user.email:
            outbound.append(OutboundMessage(
                channel=Channel.EMAIL, user=user, to=user.email, subject=title[:200],
                body=notify.email_text(user, body, settings.SITE_URL),
            ))
    for hook in UnitWebhook.objects.filter(unit_id__in=list(by_unit), is_active=True).select_related("unit"):
        digest = by_unit[hook.unit_id]
        title, body = notify.render_digest(digest.items, today=today, unit=hook.unit.name, counts=digest.counts)
        outbound.append(OutboundMessage(channel=Channel.WEBHOOK, webhook=hook, subject=title[:200], body=body))
    Notification.objects.bulk_create(notes)
    OutboundMessage.objects.bulk_create(outbound)
    return len(notes), len(outbound)


def reminders_deliver(*, today: dt.date) -> int:
    """Turn unsent reminders into digests. Rows are claimed with SKIP LOCKED so two workers never
    take the same reminder; it all commits or nothing does. A fixed number of queries whatever the
    number of reminders."""
    with transaction.atomic():
        now = timezone.now()
        claimed = _claim(now)
        if not claimed:
            return 0
        rows = _digest_rows(now)
        by_user, by_unit = _digests(rows, today)
        notes, outbound = _fan_out(by_user, by_unit, today)
        if rows and rows[0][13]:
            logger.warning("%d reminders name a milestone whose task has no unit to remind", rows[0][13])
    logger.info("delivered %d reminders: %d notifications, %d messages queued", claimed, notes, outbound)
    return claimed


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
    built_at = timezone.now()  # the text drafted in this build is as new as its figures
    try:
        buffer = BytesIO()
        writer(buffer, year=year, month=month, scope=ctx.scope, today=today)
        # the Word 通报: drafted from the same figures the first time; the office's text is kept after
        bulletin_refresh(report=report, ctx=ctx, now=built_at)
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
        report.generated_at = built_at
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

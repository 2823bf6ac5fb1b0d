"""Milestones (时间节点) and everything the calendar drives: extensions, the
holiday calendar, reminders, notifications and the monthly report."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from simple_history.models import HistoricalRecords

from . import dates

# tasks.TaskStatus.DONE / DONE_LATE: tasks.models imports this module, so the values are written here
CLOSED_STATUSES = ("done", "done_late")


class MilestoneState(models.TextChoices):
    UPCOMING = "upcoming", "未到期"
    DUE_SOON = "due_soon", "临期"
    OVERDUE = "overdue", "逾期"
    DONE = "done", "已完成"


class Recurrence(models.TextChoices):
    NONE = "", "不重复"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"


def work_calendar() -> dates.WorkCalendar:
    """The office's holiday table (a few dozen rows a year) over the chinesecalendar package."""
    overrides = {d: kind == DayKind.WORKDAY for d, kind in CalendarDay.objects.values_list("date", "kind")}
    return dates.WorkCalendar(overrides)


def task_open_on(day: dt.date, prefix: str = "task__") -> Q:
    """The task was not closed by the end of `day`: closed later, or not closed at all. A closed task
    without a completion date (written around the workflow) counts as closed since ever.
    The twin of `Task.is_closed_on`."""
    return Q(**{f"{prefix}completed_on__gt": day}) | (
        Q(**{f"{prefix}completed_on__isnull": True}) & ~Q(**{f"{prefix}status__in": CLOSED_STATUSES})
    )


def milestone_open_on(day: dt.date, prefix: str = "") -> Q:
    """Not done by the end of `day`: neither the milestone nor its task. Twin of `Milestone.is_open_on`."""
    return (Q(**{f"{prefix}done_on__isnull": True}) | Q(**{f"{prefix}done_on__gt": day})) & task_open_on(
        day, f"{prefix}task__"
    )


def due_soon_window(as_of: dt.date, cal: dates.WorkCalendar, prefix: str = "") -> Q:
    """Due today or within the task's plan's `due_soon_workdays` working days: one OR-ed condition
    over the few distinct lengths, so the set-based updates stay one statement whatever the plans."""
    plan_model = apps.get_model("tasks", "Plan")
    condition = Q(pk__in=[])
    for n in plan_model.objects.order_by().values_list("due_soon_workdays", flat=True).distinct():
        condition |= Q(
            **{f"{prefix}task__plan__due_soon_workdays": n, f"{prefix}due_on__lte": cal.due_soon_until(as_of, n)}
        )
    return condition & Q(**{f"{prefix}due_on__gte": as_of})


class MilestoneQuerySet(models.QuerySet):
    """The milestone rule, set-based: the twin of `Milestone.state_on` (they are tested to agree).

    `as_of` is a day as seen during that day: what was done or closed on it is done; a milestone is
    overdue from the day after its due date; due soon from `due_soon_workdays` working days before
    it (Plan) up to the due date itself."""

    def open(self) -> MilestoneQuerySet:
        return self.filter(done_on__isnull=True)

    def open_on(self, day: dt.date) -> MilestoneQuerySet:
        """Not done by the end of `day`, neither the milestone nor its task."""
        return self.filter(milestone_open_on(day))

    def done_on_or_before(self, day: dt.date) -> MilestoneQuerySet:
        return self.exclude(milestone_open_on(day))

    def overdue(self, as_of: dt.date, *, done_by: dt.date | None = None) -> MilestoneQuerySet:
        """Open and due before `as_of`. `done_by` (default `as_of`) is the last day whose completions
        count: the 督查通报, "as of 24:00 of the month's end", asks `overdue(1st of next month,
        done_by=month's end)`."""
        return self.open_on(as_of if done_by is None else done_by).filter(due_on__lt=as_of)

    def due_soon(self, as_of: dt.date, cal: dates.WorkCalendar | None = None) -> MilestoneQuerySet:
        return self.open_on(as_of).filter(due_soon_window(as_of, cal or work_calendar()))

    def upcoming(self, as_of: dt.date, cal: dates.WorkCalendar | None = None) -> MilestoneQuerySet:
        return (
            self.open_on(as_of).filter(due_on__gte=as_of).exclude(due_soon_window(as_of, cal or work_calendar()))
        )

    def in_state(self, state: str, as_of: dt.date, cal: dates.WorkCalendar | None = None) -> MilestoneQuerySet:
        if state == MilestoneState.DONE:
            return self.done_on_or_before(as_of)
        if state == MilestoneState.OVERDUE:
            return self.overdue(as_of)
        if state == MilestoneState.DUE_SOON:
            return self.due_soon(as_of, cal)
        return self.upcoming(as_of, cal)

    def with_state(self, as_of: dt.date, cal: dates.WorkCalendar | None = None) -> MilestoneQuerySet:
        """Annotate `state_as_of`: the state on `as_of`, whatever the stored `state` says."""
        return self.annotate(
            state_as_of=Case(
                When(~milestone_open_on(as_of), then=Value(MilestoneState.DONE)),
                When(due_on__lt=as_of, then=Value(MilestoneState.OVERDUE)),
                When(due_soon_window(as_of, cal or work_calendar()), then=Value(MilestoneState.DUE_SOON)),
                default=Value(MilestoneState.UPCOMING),
                output_field=models.CharField(),
            )
        )


class Milestone(models.Model):
    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="milestones", verbose_name="任务"
    )
    due_on = models.DateField("截止日期")
    phrase = models.CharField("原文表述", max_length=200, blank=True, help_text="如“2020年12月底前”")
    what = models.TextField("节点内容", blank=True)
    recurrence = models.CharField(
        "重复", max_length=20, choices=Recurrence.choices, default="", blank=True
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    original_due_on = models.DateField(
        "原定日期", null=True, blank=True, help_text="延期获批前的截止日期，永不覆盖"
    )
    state = models.CharField(
        "状态", max_length=20, choices=MilestoneState.choices, default=MilestoneState.UPCOMING
    )
    done_on = models.DateField("完成日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = "时间节点"
        verbose_name_plural = "时间节点"
        ordering = ["task", "due_on", "order"]
        indexes = [
            # the daily scan selects open milestones by due date and compares state
            models.Index(fields=["due_on", "state"], name="milestone_due_state_idx"),
            # the dashboard's overdue-by-month chart and calendar_gaps read open milestones by due date
            models.Index(
                fields=["due_on", "task"], condition=Q(done_on__isnull=True), name="milestone_open_due_idx"
            ),
            # the task list's 最近截止 column and sort: a task's nearest open due date
            models.Index(
                fields=["task", "due_on"], condition=Q(done_on__isnull=True), name="milestone_task_open_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d}（{self.phrase}）" if self.phrase else f"{self.due_on:%Y-%m-%d}"

    @property
    def is_extended(self) -> bool:
        return self.original_due_on is not None and self.original_due_on != self.due_on

    def is_open_on(self, day: dt.date) -> bool:
        """Not done by the end of `day`, neither the milestone nor its task (twin: `milestone_open_on`)."""
        done = self.done_on is not None and self.done_on <= day
        return not done and not self.task.is_closed_on(day)

    def state_on(self, as_of: dt.date, calendar: dates.WorkCalendar | None = None) -> str:
        """The milestone's state on `as_of` from its own fields, its task's and the calendar: the
        rule the daily scan, every write (tasks.flags), the pages and the 督查通报 share. Twin of
        `MilestoneQuerySet.with_state`."""
        if not self.is_open_on(as_of):
            return MilestoneState.DONE
        if self.due_on < as_of:
            return MilestoneState.OVERDUE
        cal = calendar or work_calendar()
        if self.due_on <= cal.due_soon_until(as_of, self.task.plan.due_soon_workdays):
            return MilestoneState.DUE_SOON
        return MilestoneState.UPCOMING

    def days_overdue(self, as_of: dt.date, *, done_by: dt.date | None = None) -> int:
        """逾期天数 on `as_of`, the one rule every e-mail, page and the 督查通报 print: calendar days
        from the due date to `as_of` (due yesterday: 1) while the milestone is open at the end of
        `done_by` (default `as_of`; the 督查通报 of a past month: its last day, with `as_of` the 1st
        after it); 0 once done or not yet due."""
        return dates.days_overdue(self.due_on, as_of) if self.is_open_on(as_of if done_by is None else done_by) else 0

    def days_left(self, as_of: dt.date) -> int:
        """距截止天数 on `as_of`, measured from the same day as `days_overdue` (due today: 0)."""
        return (self.due_on - as_of).days


class UnresolvedPhrase(models.Model):
    """A deadline phrase the importer could not turn into a date (三季度前, 长期坚持):
    kept visible for a person to settle, never dropped."""

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="unresolved_phrases", verbose_name="任务"
    )
    phrase = models.CharField("原文表述", max_length=200)
    settled = models.BooleanField("已处理", default=False)

    class Meta:
        verbose_name = "待定时限"
        verbose_name_plural = "待定时限"

    def __str__(self) -> str:
        return self.phrase


class ExtensionState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "不予批准"


class ExtensionRequest(models.Model):
    """延期申请: asked before the due date; the original date is never forgotten."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="extensions", verbose_name="时间节点"
    )
    unit = models.ForeignKey(
        "departments.Unit", on_delete=models.CASCADE, related_name="extensions", verbose_name="申请单位"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="申请人"
    )
    reason = models.TextField("延期理由")
    original_date = models.DateField("原截止日期")
    proposed_date = models.DateField("申请延至")
    state = models.CharField(
        "审批状态", max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = models.TextField("审批意见", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_date__gt=models.F("original_date")),
                name="extension_moves_date_later",
            ),
            # one open request per milestone and unit at a time
            models.UniqueConstraint(
                fields=["milestone", "unit"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_milestone_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} 申请延期至 {self.proposed_date}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定假日（休）"
    WORKDAY = "workday", "调休上班（补班）"


class DaySource(models.TextChoices):
    OFFICE = "office", "改革办录入"
    PACKAGE = "package", "chinesecalendar"
    NOTICE = "notice", "国务院通知导入"


class CalendarDay(models.Model):
    """The office's own holiday calendar: wins over the chinesecalendar package,
    and covers years the package does not know yet.

    `source` tells the office's own rows (typed in the admin: never overwritten) from the ones
    copied from the package (fill_calendar) or read from a pasted State Council notice
    (deadlines.holiday_import: re-pasting a year updates these)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=20, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True, help_text="如“国庆节”")
    source = models.CharField("来源", max_length=20, choices=DaySource.choices, default=DaySource.OFFICE)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "临期提醒"
    OVERDUE = "overdue", "逾期提醒"
    ESCALATION = "escalation", "逾期升级"
    PROGRESS_DUE = "progress_due", "进展报送提醒"


class Reminder(models.Model):
    """The outbox: one row per milestone and state change, so a reminder is
    recorded once by construction (the unique constraint), whatever the number
    of scans or workers. `sent_at` is set when every channel has been tried."""

    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders",
        verbose_name="时间节点",
    )
    unit = models.ForeignKey(
        "departments.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="reminders",
        verbose_name="单位",
    )
    period = models.DateField("报送期", null=True, blank=True)
    # The due date the reminder was about: an extended milestone that falls due
    # soon or overdue again on its new date is a new transition, reminded again.
    due_on = models.DateField("截止日期", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "kind", "due_on"],
                condition=Q(milestone__isnull=False),
                name="reminder_once_per_milestone_kind_date",
            ),
            # NULLs are distinct in a unique index: a milestone reminder must name its date
            models.CheckConstraint(
                condition=Q(milestone__isnull=True) | Q(due_on__isnull=False),
                name="reminder_milestone_names_due_date",
            ),
            models.UniqueConstraint(
                fields=["unit", "period", "kind"],
                condition=Q(milestone__isnull=True),
                name="reminder_once_per_unit_period_kind",
            ),
        ]
        indexes = [
            # the sender picks up what has not been sent yet
            models.Index(fields=["sent_at"], name="reminder_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification in the page header."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at"]
        indexes = [
            # the header badge counts a user's unread notifications on every page
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    BUILDING = "building", "生成中"
    READY = "ready", "已生成"
    FAILED = "failed", "失败"


def report_path(instance: MonthlyReport, filename: str) -> str:
    return f"reports/{instance.year}/{filename}"


class MonthlyReport(models.Model):
    """A generated 督查通报 is a row: re-running a month replaces its file."""

    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    # 统计范围, as tasks.figures.Scope writes it: "current" (the office's current plans), "all",
    # "year:2020", "plan:12". A string, not a foreign key: this layer knows no plans.
    scope = models.CharField("统计范围", max_length=30, default="current")
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField("文件", upload_to=report_path, blank=True, max_length=300)
    as_of = models.DateField("数据截至", null=True, blank=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)
    # when the build was last handed to the broker; None while the broker refused it: a pending
    # row is re-enqueued by deadlines.tasks.requeue_stale_reports (beat, every 5 minutes)
    queued_at = models.DateTimeField("入队时间", null=True, blank=True)

    class Meta:
        verbose_name = "月度督查通报"
        verbose_name_plural = "月度督查通报"
        ordering = ["-year", "-month"]
        constraints = [
            # one report per month and scope: rebuilding it replaces its file (report_build's get_or_create)
            models.UniqueConstraint(fields=["year", "month", "scope"], name="monthly_report_one_per_month_scope"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="monthly_report_valid_month"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月督查通报"


class BulletinState(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINAL = "final", "已定稿"


def bulletin_path(instance: Bulletin, filename: str) -> str:
    return f"reports/{instance.report.year}/{filename}"


class Bulletin(models.Model):
    """The Word 督查通报 of a month: the text the office signs (drafted from the figures, then edited
    in the browser) and the .docx rendered from it; the month's workbook is its annex.

    Rebuilding the figures replaces the workbook and re-renders the .docx from this text, never the
    text itself: the office's words are redrafted only when it asks."""

    report = models.OneToOneField(MonthlyReport, on_delete=models.CASCADE, related_name="bulletin",
                                  verbose_name="督查通报")
    issue_number = models.PositiveSmallIntegerField("期号")
    issued_on = models.DateField("印发日期")
    title = models.CharField("标题", max_length=200)
    addressee = models.TextField("主送")
    overview = models.TextField("总体情况")
    problems = models.TextField("存在问题", blank=True)
    requirements = models.TextField("下步要求", blank=True)
    signature = models.CharField("落款单位", max_length=100)
    state = models.CharField("状态", max_length=10, choices=BulletinState.choices, default=BulletinState.DRAFT)
    file = models.FileField("Word 文件", upload_to=bulletin_path, blank=True, max_length=300)
    drafted_at = models.DateTimeField("起草时间")  # the text was drafted from the figures of this moment
    edited_at = models.DateTimeField("修改时间", null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="修改人")
    finalized_at = models.DateTimeField("定稿时间", null=True, blank=True)

    class Meta:
        verbose_name = "督查通报正文"
        verbose_name_plural = "督查通报正文"

    def __str__(self) -> str:
        return f"{self.report}（第{self.issue_number}期）"

    @property
    def is_final(self) -> bool:
        return self.state == BulletinState.FINAL


class Channel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    WEBHOOK = "webhook", "钉钉/浙政钉机器人"


class OutboundMessageQuerySet(models.QuerySet):
    def unsent(self) -> OutboundMessageQuerySet:
        return self.filter(sent_at__isnull=True)


class OutboundMessage(models.Model):
    """The second outbox: one e-mail digest or one webhook post, written in the
    same transaction that turns reminders into notifications, then delivered
    one by one under a row lock, so a retry resends only what did not go out."""

    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name="接收人",
    )
    to = models.CharField("收件地址", max_length=254, blank=True)
    webhook = models.ForeignKey(
        "departments.UnitWebhook", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name="机器人",
    )
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "外发消息"
        verbose_name_plural = "外发消息"
        ordering = ["created_at"]
        indexes = [
            # the sender picks up what has not gone out yet
            models.Index(fields=["sent_at"], name="outbound_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}：{self.subject}"

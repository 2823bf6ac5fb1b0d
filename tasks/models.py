"""Plans (工作计划), their sections and tasks, unit assignments (分工) and progress (进展)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, models
from django.db.models import Case, Exists, ExpressionWrapper, F, Func, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan, IsNull, LessThan
from django.utils import timezone
from simple_history.models import HistoricalRecords

from deadlines import dates
from deadlines.models import Milestone, MilestoneState, task_open_on, work_calendar
from departments import roles


class Plan(models.Model):
    title = models.CharField("标题", max_length=300)
    issuer = models.CharField("发文单位", max_length=200, blank=True)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    year = models.PositiveSmallIntegerField("计划年度")
    source_filename = models.CharField("源文件名", max_length=255, blank=True)
    due_soon_workdays = models.PositiveSmallIntegerField(
        "临期提醒（工作日）", default=5, help_text="到期前多少个工作日标为临期"
    )
    progress_due_day = models.PositiveSmallIntegerField(
        "进展报送日", default=5, help_text="每月几号前报送上月进展"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="导入人"
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["-year", "title"]
        constraints = [
            # Re-importing a plan finds it by 文号 (or, without one, title+year) and updates it in place.
            models.UniqueConstraint(
                fields=["doc_number"], condition=~Q(doc_number=""), name="plan_unique_doc_number"
            ),
            models.UniqueConstraint(fields=["title", "year"], name="plan_unique_title_year"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title


class PlanSource(models.Model):
    """The imported document of a plan, word for word (导入时的原文). Apart from Plan because every page
    and report that shows a task reads its plan (`select_related("plan")`): with the text on Plan,
    each row fetched the whole document again — tens of kilobytes a row in a 督查通报 of a thousand."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, primary_key=True, related_name="source",
                                verbose_name="计划")
    text = models.TextField("原文", blank=True, help_text="导入时的原文，逐字保存")

    class Meta:
        verbose_name = "计划原文"
        verbose_name_plural = "计划原文"

    def __str__(self) -> str:
        return f"{self.plan}的原文"


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name="计划")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name="上级"
    )
    number = models.CharField("编号", max_length=20, blank=True)
    title = models.CharField("标题", max_length=300)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "章节"
        verbose_name_plural = "章节"
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        # a heading that is only a number ("一、") was stored with the number as its title too
        if not self.number or self.title.startswith(self.number):
            return self.title
        return f"{self.number}{self.title}"

    @property
    def path(self) -> str:
        parts, node = [], self
        while node is not None:
            parts.append(str(node))
            node = node.parent
        return " / ".join(reversed(parts))


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    DONE_LATE = "done_late", "逾期完成"


# a closed task's statuses (办结: on time or late); deadlines.models.CLOSED_STATUSES holds the same
# values (that module is imported by this one), tests/tasks/test_models.py keeps the two equal
CLOSED = (TaskStatus.DONE, TaskStatus.DONE_LATE)


class TaskFlag(models.TextChoices):
    NONE = "", "正常"
    DUE_SOON = "due_soon", "临期"
    OVERDUE = "overdue", "逾期"


class TaskPace(models.TextChoices):
    """序时进度: the reported percent against the share of the task's time already gone."""

    NONE = "", "—"
    AHEAD = "ahead", "超序时"
    ON_PACE = "on_pace", "按序时"
    BEHIND = "behind", "慢序时"


class WarningLevel(models.TextChoices):
    NONE = "", "无"
    BLUE = "blue", "蓝色预警（临期）"
    YELLOW = "yellow", "黄色预警（未报进展）"
    RED = "red", "红色预警（逾期）"


class TaskSource(models.TextChoices):
    TEXT = "text", "正文"
    TABLE = "table", "附表"


# --- the task rule, as SQL expressions (twins of the Task methods below) -----------------------


class DaysBetween(Func):
    """`later` − `earlier` in whole days, for date expressions (PostgreSQL: date − date; SQLite:
    the difference of Julian day numbers)."""

    arity = 2
    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"
        else:
            sql = f"(CAST({later} AS date) - CAST({earlier} AS date))"
        return sql, (*later_params, *earlier_params)


def _having(milestones) -> Q:
    """The task, or one of its sub-tasks, has one of `milestones`. IN over uncorrelated subqueries:
    PostgreSQL hashes each once instead of probing milestones task by task."""
    return Q(pk__in=milestones.order_by().values("task_id")) | Q(
        pk__in=milestones.order_by().filter(task__parent__isnull=False).values("task__parent_id")
    )


def _having_stored(state: str) -> Q:
    """The task or one of its sub-tasks has a milestone whose stored state is `state`, probed through
    the milestones' task index: the shape for a few tasks (a write refreshing its own)."""
    return Q(Exists(Milestone.objects.filter(task=OuterRef("pk"), state=state))) | Q(
        Exists(Milestone.objects.filter(task__parent=OuterRef("pk"), state=state))
    )


def flag_case(
    as_of: dt.date, cal: dates.WorkCalendar, *, stored_states: bool = False, hashed: bool = True
) -> Case:
    """Task.flag on `as_of`: the worst state among the open milestones of the task and its sub-tasks;
    nothing once the task is closed. `stored_states`: read `Milestone.state`, which the caller has
    just stored for `as_of` (tasks.flags), instead of deciding every milestone's state again; then
    `hashed=False` probes each task's milestones (a few tasks) instead of hashing them all."""
    is_open = task_open_on(as_of, prefix="")
    if stored_states and not hashed:
        overdue, due_soon = _having_stored(MilestoneState.OVERDUE), _having_stored(MilestoneState.DUE_SOON)
    elif stored_states:
        overdue = _having(Milestone.objects.filter(state=MilestoneState.OVERDUE))
        due_soon = _having(Milestone.objects.filter(state=MilestoneState.DUE_SOON))
    else:
        overdue, due_soon = _having(Milestone.objects.overdue(as_of)), _having(Milestone.objects.due_soon(as_of, cal))
    return Case(
        When(is_open & overdue, then=Value(TaskFlag.OVERDUE)),
        When(is_open & due_soon, then=Value(TaskFlag.DUE_SOON)),
        default=Value(TaskFlag.NONE),
        output_field=models.CharField(),
    )


def progress_duty(as_of: dt.date) -> dict[dt.date, list[int]]:
    """The report period each plan's tasks owe on `as_of` — the latest whose report day
    (Plan.progress_due_day of the next month) has passed — grouped: period → plan ids. A plan
    owes nothing for months before it was issued (or before its year, without an issue date)."""
    groups: dict[dt.date, list[int]] = {}
    for pk, due_day, issued_on, year in Plan.objects.order_by().values_list(
        "pk", "progress_due_day", "issued_on", "year"
    ):
        period = dates.overdue_progress_period(as_of, due_day)
        first = dates.month_start(issued_on) if issued_on else dt.date(year, 1, 1)
        if period >= first:
            groups.setdefault(period, []).append(pk)
    return groups


def duty_starts_before(period: dt.date) -> dt.datetime:
    """A task owes the report on `period` only if it existed in that month: created before the
    first instant of the next month (Asia/Shanghai). No 黄 for the months before an import."""
    return timezone.make_aware(dt.datetime.combine(dates.add_months(period, 1), dt.time.min))


def progress_missing_case(as_of: dt.date, *, hashed: bool = False) -> Case:
    """黄色预警 on `as_of`: an open task that owes the period (progress_duty) has an assigned unit with
    no report on that period or a later one, other than one sent back (退回). `hashed`: the SQL shape
    for evaluating every task at once (same answers)."""
    owed = Q(pk__in=[])
    for period, plan_ids in progress_duty(as_of).items():
        reported = ProgressReport.objects.filter(
            task=OuterRef("task"), unit=OuterRef("unit"), period__gte=period
        ).exclude(review_state=ReviewState.RETURNED)
        if hashed:  # every task at once (the scan): IN over one anti-join of all assignments, hashed once
            unreported = Q(pk__in=Assignment.objects.exclude(Exists(reported)).values("task_id"))
        else:  # a few tasks (a write, a page): probe their assignments, then the reports
            unreported = Q(Exists(Assignment.objects.filter(task=OuterRef("pk")).exclude(Exists(reported))))
        owed |= Q(plan_id__in=plan_ids, created_at__lt=duty_starts_before(period)) & unreported
    return Case(
        When(task_open_on(as_of, prefix="") & owed, then=Value(True)),
        default=Value(False),
        output_field=models.BooleanField(),
    )


def pace_of(percent: int, start: dt.date, end: dt.date, as_of: dt.date, tolerance: int) -> str:
    """序时进度 of an open task: `percent` against the share of [start, end] gone on `as_of`, within
    ± tolerance points (Task.pace_on; pace_case is the same rule in SQL)."""
    gone, total = dates.elapsed_share(start, end, as_of)
    if total < 1:
        return TaskPace.NONE
    diff = percent * total - 100 * gone
    if diff > tolerance * total:
        return TaskPace.AHEAD
    if diff < -tolerance * total:
        return TaskPace.BEHIND
    return TaskPace.ON_PACE


def pace_case(as_of: dt.date, tolerance: int | None = None) -> Case:
    """序时进度 on `as_of` (Task.pace_on): percent × days in all against 100 × days gone, within
    ± tolerance × days in all — integers, so SQL and Python agree to the day. Written case by case
    (not started yet, time all gone, in between) so each row computes the start date few times."""
    tol = settings.PACE_TOLERANCE if tolerance is None else tolerance
    day = Value(as_of, output_field=models.DateField())
    # the copy of the last due date (refreshed before the flags, tasks.flags): a subquery here would
    # run a dozen times a row (4 s a day at 10,000 tasks)
    end = F("final_due")
    # the plan's issue date through a join: tasks.flags computes the flags in a SELECT and writes
    # them with UPDATE … FROM (a correlated subquery here ran a dozen times a row)
    start = Coalesce(F("plan__issued_on"), TruncDate("created_at"), output_field=models.DateField())

    def share(factor) -> ExpressionWrapper:
        """(percent + factor) × days in all − 100 × days gone, while the time is running."""
        return ExpressionWrapper(
            (F("percent") + Value(factor)) * DaysBetween(end, start) - DaysBetween(day, start) * 100,
            output_field=models.IntegerField(),
        )

    return Case(
        When(~task_open_on(as_of, prefix=""), then=Value(TaskPace.NONE)),
        When(IsNull(end, True), then=Value(TaskPace.NONE)),
        When(LessThan(DaysBetween(end, start), 1), then=Value(TaskPace.NONE)),
        # not started yet: no time gone
        When(
            LessThan(DaysBetween(day, start), 1),
            then=Case(
                When(percent__gt=tol, then=Value(TaskPace.AHEAD)),
                default=Value(TaskPace.ON_PACE),
                output_field=models.CharField(),
            ),
        ),
        # the due date has passed: all the time is gone
        When(
            Q(final_due__lte=as_of),
            then=Case(
                When(percent__gt=100 + tol, then=Value(TaskPace.AHEAD)),
                When(percent__lt=100 - tol, then=Value(TaskPace.BEHIND)),
                default=Value(TaskPace.ON_PACE),
                output_field=models.CharField(),
            ),
        ),
        When(GreaterThan(share(-tol), 0), then=Value(TaskPace.AHEAD)),
        When(LessThan(share(tol), 0), then=Value(TaskPace.BEHIND)),
        default=Value(TaskPace.ON_PACE),
        output_field=models.CharField(),
    )


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> TaskQuerySet:
        """Office and supervisors read everything; a liaison only the tasks of their units."""
        if roles.is_office(user) or roles.is_supervisor(user):
            return self
        if roles.is_liaison(user):
            # By unit ids, not a join through the liaisons table: the planner then
            # hashes those units' assignments (3x faster at 100,000 tasks).
            return self.filter(
                Exists(Assignment.objects.filter(task=OuterRef("pk"), unit_id__in=roles.unit_ids(user)))
            )
        return self.none()

    def top_level(self) -> TaskQuerySet:
        return self.filter(parent__isnull=True)

    def open(self) -> TaskQuerySet:
        return self.exclude(status__in=CLOSED)

    def closed(self) -> TaskQuerySet:
        return self.filter(status__in=CLOSED)

    # --- the task rule, set-based: twins of Task.flag_on / progress_missing_on / pace_on ------------

    def with_flags(
        self, as_of: dt.date, cal: dates.WorkCalendar | None = None, tolerance: int | None = None
    ) -> TaskQuerySet:
        """Annotate `flag_as_of`, `progress_missing_as_of` and `pace_as_of`: the task's flags on `as_of`
        computed from its milestones, reports and the calendar, whatever the stored flags say
        (序时进度 reads the copy `final_due`, which every milestone write keeps)."""
        return self.annotate(
            flag_as_of=flag_case(as_of, cal or work_calendar()),
            progress_missing_as_of=progress_missing_case(as_of),
            pace_as_of=pace_case(as_of, tolerance),
        )

    def refresh_copies(self, *, only_stale: bool = False) -> int:
        """Recompute what is copied from other rows for reading speed, for these tasks: their
        `next_due` and `lead_unit` (the task list sorts 100,000 tasks by them through an index
        instead of a subquery per row) and their assignments' copy of the task's plan, level,
        status, flag and 序时进度 (the dashboard counts each unit's tasks from the assignments alone).

        Saving or deleting a task, an assignment or a milestone through the ORM refreshes its task
        (tasks.signals); bulk writes call this themselves; the daily scan calls it on every task with
        `only_stale` after its set-based flag updates, which also repairs whatever a hand-made SQL
        update left behind. Two UPDATEs whatever the number of tasks; returns the rows written."""
        return self.refresh_list_keys(only_stale=only_stale) + self.refresh_assignment_copies(only_stale=only_stale)

    def refresh_assignment_copies(self, *, only_stale: bool = False) -> int:
        """The assignments' copy of their task's plan, level, status, flag and pace: one UPDATE … FROM the
        tasks (not four correlated subqueries per assignment)."""
        from tasks import setbased

        rows = Task.objects.order_by()
        if self.query.where:
            rows = rows.filter(pk__in=self.order_by().values("pk"))
        source = rows.annotate(
            top=ExpressionWrapper(Q(parent__isnull=True), output_field=models.BooleanField())
        ).values("pk", "plan_id", "top", "status", "flag", "pace")
        return setbased.update_from(
            Assignment, source,
            {"task_plan_id": "plan_id", "task_top_level": "top", "task_status": "status", "task_flag": "flag",
             "task_pace": "pace"},
            target_key="task_id", only_changed=only_stale,
        )

    def refresh_list_keys(self, *, only_stale: bool = False) -> int:
        """next_due, final_due and lead_unit: copies of the milestones and assignments only.

        One UPDATE … FROM a SELECT that groups the milestones by task, folds the sub-tasks' groups
        into their parent (a top-level task overdue through an open sub-task shows the date it is
        overdue against) and picks each task's first lead assignment: hashed once for 100,000 tasks, where a
        subquery per task and copy took seconds. The scope (these tasks) is pushed into each part."""
        from tasks import setbased

        q = setbased.quote
        milestone, task, assignment = (q(m._meta.db_table) for m in (Milestone, Task, Assignment))
        scope = setbased.scope_ids(self)
        params: list = []

        def within(column: str, joiner: str) -> str:
            if scope is None:
                return ""
            condition, values = setbased.member(column, scope)
            params.extend(values)
            return f" {joiner} {condition}"

        # each task's own milestones grouped first (300,000 rows → one per task), then its sub-tasks'
        # groups folded into it: two hash aggregates, no union of every milestone twice
        own_sql = (
            f"SELECT m.task_id, MIN(CASE WHEN m.done_on IS NULL THEN m.due_on END) AS next_due, "
            f"MAX(m.due_on) AS final_due FROM {milestone} m"
            # one IN over the tasks and their sub-tasks: the planner probes the milestones' task index
            + (f" WHERE m.task_id IN (SELECT x.id FROM {task} x{within('x.id', 'WHERE')}{within('x.parent_id', 'OR')})"
               if scope is not None else "")
            + " GROUP BY m.task_id"
        )
        least, greatest = ("MIN", "MAX") if connection.vendor == "sqlite" else ("LEAST", "GREATEST")
        # a closed sub-task's milestones left open (done before it was imported, say) are not the
        # parent's next deadline, as the flag's rule (flag_case) does not count them overdue
        closed = f"('{TaskStatus.DONE.value}', '{TaskStatus.DONE_LATE.value}')"

        def either(fn: str, column: str) -> str:
            """fn of the task's own and its sub-tasks' value, NULL only when both are (SQLite's
            two-argument MIN/MAX return NULL as soon as one is)."""
            return f"COALESCE({fn}(o.{column}, k.{column}), o.{column}, k.{column})"

        params.append(AssignmentRole.LEAD)
        lead_sql = (
            f"SELECT y.task_id, y.unit_id FROM (SELECT a.task_id, a.unit_id, ROW_NUMBER() OVER "
            f"(PARTITION BY a.task_id ORDER BY a.{q('order')}, a.id) AS rn FROM {assignment} a "
            f"WHERE a.role = %s{within('a.task_id', 'AND')}) y WHERE y.rn = 1"
        )
        source = (
            f"WITH own AS ({own_sql}), kids AS (SELECT c.parent_id AS task_id, "
            f"MIN(CASE WHEN c.status NOT IN {closed} THEN o.next_due END) AS next_due, "
            f"MAX(o.final_due) AS final_due FROM own o JOIN {task} c ON c.id = o.task_id "
            f"WHERE c.parent_id IS NOT NULL GROUP BY c.parent_id) "
            f"SELECT t.id, {either(least, 'next_due')} AS next_due, {either(greatest, 'final_due')} AS final_due, "
            f"l.unit_id AS lead FROM {task} t LEFT JOIN own o ON o.task_id = t.id LEFT JOIN kids k ON k.task_id = t.id "
            f"LEFT JOIN ({lead_sql}) l ON l.task_id = t.id{within('t.id', 'WHERE')}"
        )
        return setbased.update_from(
            Task, (source, params), {"next_due": "next_due", "final_due": "final_due", "lead_unit_id": "lead"},
            only_changed=only_stale,
        )


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name="计划")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks", verbose_name="章节"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name="上级任务",
    )
    number = models.CharField("编号", max_length=30, blank=True, help_text="原文中的编号")
    # Stable key of the item inside its plan ("二.一.1", "T17", "…-2" for sub-tasks): a re-import
    # matches tasks by it and updates them in place, keeping their progress and confirmations.
    import_key = models.CharField("导入键", max_length=100, blank=True, editable=False)
    source = models.CharField("来源", max_length=10, choices=TaskSource.choices, default=TaskSource.TEXT)
    order = models.PositiveIntegerField("顺序", default=0, help_text="在原文中的顺序")
    title = models.CharField("任务名称", max_length=500)
    text = models.TextField("任务内容", blank=True)
    category = models.CharField("类别", max_length=100, blank=True)
    indicator = models.CharField("指标名称", max_length=200, blank=True)
    target = models.TextField("目标任务", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    flag = models.CharField("时限标记", max_length=20, choices=TaskFlag.choices, default="", blank=True)
    progress_missing = models.BooleanField("本期进展未报", default=False)
    # 序时进度, stored beside the flag and recomputed with it (tasks.flags): the task list filters by it
    pace = models.CharField("序时进度", max_length=10, choices=TaskPace.choices, default="", blank=True)
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="办结审核人",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    reopen_reason = models.TextField("重新打开原因", blank=True)
    # Copies for the task list's sort orders, never edited: the earliest open milestone's due date
    # and the first lead unit (by assignment order). TaskQuerySet.refresh_copies keeps them.
    next_due = models.DateField("最近截止", null=True, blank=True, editable=False)
    # … and the last due date of any of them, the end of the task's time for 序时进度 (pace_case)
    final_due = models.DateField("最终截止", null=True, blank=True, editable=False)
    lead_unit = models.ForeignKey(
        "departments.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # task_lead_unit_idx below
        verbose_name="牵头单位",
    )
    # Optimistic locking: a save names the version it started from (see tasks.workflow.services).
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["flag", "progress_missing", "pace", "updated_at", "next_due", "final_due", "lead_unit"]
    )
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ["plan", "order"]
        indexes = [
            # task list filters and the dashboard group by these
            models.Index(fields=["status", "flag"], name="task_status_flag_idx"),
            models.Index(fields=["plan", "order"], name="task_plan_order_idx"),
            # the dashboard's 当前计划 asks of each recent plan whether a top-level task of it is still
            # open (figures.Scope.plans, an EXISTS per plan): a plan's tasks lie together (one import),
            # so a sequential scan probing for them walked every plan before it (2.5 ms a plan at
            # 100,000 tasks); this index answers from the plan's first entry
            models.Index(fields=["plan"], condition=Q(parent__isnull=True), include=["completed_on", "status"],
                         name="task_top_plan_idx"),
            # the dashboard's overdue-by-month chart counts these few tasks by the month of their
            # next_due (figures.first_overdue_due), of all plans or of some: from this index alone
            models.Index(
                fields=["id"],
                condition=Q(parent__isnull=True, flag=TaskFlag.OVERDUE)
                & ~Q(status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE]),
                include=["next_due", "plan"],
                name="task_top_open_overdue_idx",
            ),
            # 我的任务 counts a unit's open overdue / due-soon tasks (views.flagged) and sorts them for
            # a page (urgency_rank reads status and progress_missing, then next_due): the unit's few
            # thousand assignment entries merged with this index alone, not a heap page per task
            # (INCLUDE: PostgreSQL only; elsewhere the plain (flag, id) index)
            models.Index(
                fields=["flag", "id"], condition=~Q(status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE]),
                include=["status", "progress_missing", "next_due"], name="task_open_flag_idx",
            ),
            # the task list sorted by 最近截止 reads this index (nulls last) …
            models.Index(fields=["next_due", "id"], name="task_next_due_idx"),
            # … and, sorted latest first with tasks without a due date still last, PostgreSQL reads
            # task_next_due_desc_idx (next_due DESC NULLS LAST, id DESC): created by migration 0009 on
            # PostgreSQL only, as SQLite refuses NULLS LAST in an index
            # … and the default order, by urgency (tables.urgency_rank() DESC, next_due NULLS LAST, id), reads
            # task_urgency_idx, an index on exactly that ORDER BY: PostgreSQL only too (migration 0015)
            # … and 我的任务 sorts a unit's assignments by their tasks' next_due, plan and order reading
            # task_sort_keys_idx (id) INCLUDE (next_due, plan_id, order) alone (migration 0015, PostgreSQL)
            # … and by 单位: one lead unit's slice in id order (tables.GroupOrderPaginator); also the FK's index
            models.Index(fields=["lead_unit", "id"], name="task_lead_unit_idx"),
        ]
        constraints = [
            # re-import finds a task by plan + import_key
            models.UniqueConstraint(
                fields=["plan", "import_key"], condition=~Q(import_key=""), name="task_unique_import_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        from reformtracker.links import pk_url  # reverse() once per pattern: lists link every row

        return pk_url("tasks:detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def warning_level(self) -> str:
        """三色预警: red overdue, yellow progress report missing, blue due soon."""
        if self.is_closed:
            return WarningLevel.NONE
        if self.flag == TaskFlag.OVERDUE:
            return WarningLevel.RED
        if self.progress_missing:
            return WarningLevel.YELLOW
        if self.flag == TaskFlag.DUE_SOON:
            return WarningLevel.BLUE
        return WarningLevel.NONE

    def get_warning_level_display(self) -> str:
        return WarningLevel(self.warning_level).label

    # --- the rule: a task's flags on a day, from its own fields, its milestones and the calendar -----
    # Twins of flag_case / progress_missing_case / pace_case (TaskQuerySet.with_flags), tested to
    # agree; tasks.flags stores their values on every write and the daily scan moves them a day on.

    def is_closed_on(self, day: dt.date) -> bool:
        """Closed by the end of `day` (twin: deadlines.models.task_open_on)."""
        if self.completed_on is not None:
            return self.completed_on <= day
        return self.is_closed

    def milestones_with_subtasks(self) -> list[Milestone]:
        return list(
            Milestone.objects.filter(Q(task=self) | Q(task__parent=self)).select_related("task__plan")
        )

    def flag_on(self, as_of: dt.date, calendar: dates.WorkCalendar | None = None) -> str:
        """逾期 if a milestone of the task or of a sub-task is overdue on `as_of`, else 临期 if one is
        due soon, else nothing; nothing once the task is closed."""
        if self.is_closed_on(as_of):
            return TaskFlag.NONE
        cal = calendar or work_calendar()
        states = {m.state_on(as_of, cal) for m in self.milestones_with_subtasks()}
        if MilestoneState.OVERDUE in states:
            return TaskFlag.OVERDUE
        if MilestoneState.DUE_SOON in states:
            return TaskFlag.DUE_SOON
        return TaskFlag.NONE

    def progress_period_owed(self, as_of: dt.date) -> dt.date | None:
        """The month whose report the task owes on `as_of`, or None: the latest period whose report
        day has passed, if the plan had been issued and the task existed in that month."""
        plan = self.plan
        period = dates.overdue_progress_period(as_of, plan.progress_due_day)
        first = dates.month_start(plan.issued_on) if plan.issued_on else dt.date(plan.year, 1, 1)
        if period < first or (self.created_at and self.created_at >= duty_starts_before(period)):
            return None
        return period

    def progress_missing_on(self, as_of: dt.date) -> bool:
        """黄: open, owes a period, and an assigned unit has no report on it or a later one (a report
        sent back does not count; one waiting for review does)."""
        period = self.progress_period_owed(as_of)
        if period is None or self.is_closed_on(as_of):
            return False
        reported = set(
            self.reports.filter(period__gte=period)
            .exclude(review_state=ReviewState.RETURNED)
            .values_list("unit_id", flat=True)
        )
        return any(unit_id not in reported for unit_id in self.assignments.values_list("unit_id", flat=True))

    def pace_on(self, as_of: dt.date, tolerance: int | None = None) -> str:
        """序时进度: the task's percent (the latest accepted report's, Task.percent) against the share of
        its time gone — from the plan's issue date (or the task's import) to its last due date —
        超序时 / 按序时 / 慢序时 within ± `tolerance` points (settings.PACE_TOLERANCE)."""
        tol = settings.PACE_TOLERANCE if tolerance is None else tolerance
        if self.is_closed_on(as_of):
            return TaskPace.NONE
        end = max((m.due_on for m in self.milestones_with_subtasks()), default=None)
        if end is None:
            return TaskPace.NONE
        start = self.plan.issued_on or timezone.localdate(self.created_at)
        return pace_of(self.percent, start, end, as_of, tol)

    def status_when_closed(self, completed_on: dt.date) -> str:
        """Done or done late (逾期完成): late when any milestone's due date had passed."""
        last_due = self.milestones.exclude(due_on__isnull=True).aggregate(m=models.Max("due_on"))["m"]
        if last_due is not None and completed_on > last_due:
            return TaskStatus.DONE_LATE
        return TaskStatus.DONE


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "牵头"
    RESPONSIBLE = "responsible", "责任"


class ConfirmState(models.TextChoices):
    PENDING = "pending", "待签收"
    CONFIRMED = "confirmed", "已签收"
    DISPUTED = "disputed", "有异议"


class DisputeResolution(models.TextChoices):
    NONE = "", "—"
    REASSIGNED = "reassigned", "已改派"
    INSISTED = "insisted", "维持分工"


class AssignmentSource(models.TextChoices):
    IMPORTED = "imported", "导入"
    MANUAL = "manual", "手工"


class AssignmentQuerySet(models.QuerySet):
    """Assignments; their copies of the task's fields are kept by TaskQuerySet.refresh_copies."""


class Assignment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", verbose_name="任务")
    unit = models.ForeignKey(
        "departments.Unit", on_delete=models.PROTECT, related_name="assignments", verbose_name="单位"
    )
    role = models.CharField("分工", max_length=20, choices=AssignmentRole.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0, help_text="在原文中的排列顺序")
    as_written = models.CharField("原文写法", max_length=200, blank=True)
    # A re-import replaces only what an import made: the office's own assignments
    # (added by hand, or reassigned after a dispute) survive it.
    source = models.CharField(
        "来源", max_length=20, choices=AssignmentSource.choices, default=AssignmentSource.MANUAL
    )
    state = models.CharField(
        "签收状态", max_length=20, choices=ConfirmState.choices, default=ConfirmState.PENDING
    )
    dispute_reason = models.TextField("异议理由", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="签收人",
    )
    responded_at = models.DateTimeField("签收时间", null=True, blank=True)
    resolution = models.CharField(
        "异议处理", max_length=20, choices=DisputeResolution.choices, default="", blank=True
    )
    resolution_note = models.TextField("处理意见", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="处理人",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    # Copies of the task's plan, level, status, flag and 序时进度, never edited: the per-unit tally
    # (tasks.tallies) counts each unit's tasks by them without joining 300,000 assignments to their
    # tasks. TaskQuerySet.refresh_copies keeps them.
    task_plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False,
        db_index=False, verbose_name="任务所属计划",
    )
    task_top_level = models.BooleanField("一级任务", default=False, editable=False)
    task_status = models.CharField("任务状态", max_length=20, choices=TaskStatus.choices, blank=True, editable=False)
    task_flag = models.CharField("任务时限标记", max_length=20, choices=TaskFlag.choices, blank=True, editable=False)
    task_pace = models.CharField("任务序时进度", max_length=10, choices=TaskPace.choices, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["task_plan", "task_top_level", "task_status", "task_flag", "task_pace"]
    )
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_one_per_task_unit"),
            models.CheckConstraint(
                condition=~Q(state=ConfirmState.DISPUTED) | ~Q(dispute_reason=""),
                name="assignment_dispute_needs_reason",
            ),
        ]
        indexes = [
            # "我的任务" and the confirmation queue filter by unit and state
            models.Index(fields=["unit", "state"], name="assignment_unit_state_idx"),
            # … and 我的任务's pending and disputed lists pick and sort their first rows from this one
            # without reading the assignments: the task, the copies, the order and the id included
            # (views.first_rows). Only the assignments still waiting (a third of them): INCLUDE turns
            # off the B-tree's deduplication, so a full copy would be ten times the size of the one
            # above. PostgreSQL only includes; SQLite indexes (unit, state) of those rows alone.
            models.Index(
                fields=["unit", "state"], include=["task", "task_flag", "task_status", "order", "id"],
                condition=Q(state__in=[ConfirmState.PENDING, ConfirmState.DISPUTED]),
                name="assignment_unit_waiting_idx",
            ),
            # Task.objects.visible_to(liaison) is a semi-join from the liaison's units to their tasks:
            # an index-only scan here instead of a bitmap heap scan over every assignment of the unit
            models.Index(fields=["unit", "task"], name="assignment_unit_task_idx"),
            # the task list's free-text search finds tasks by a unit's name as the document wrote it
            models.Index(fields=["as_written"], name="assignment_as_written_idx"),
            # 我的任务: a liaison's overdue and due-soon tasks, through the copy of the task's flag
            models.Index(fields=["unit", "task_flag", "task"], name="assignment_unit_flag_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} — {self.unit}（{self.get_role_display()}）"


class AssignmentTally(models.Model):
    """So many assignments (`n`, or fewer by −n) of one unit, role and state, on tasks of one plan,
    level, status, flag and 序时进度 (tasks.tallies: rows added by triggers on every write of the
    assignments, summed by the readers, folded nightly). Columns, not foreign keys: the rows of a unit
    or plan since deleted add up to nothing and are folded away."""

    unit_id = models.BigIntegerField("单位")
    role = models.CharField("分工", max_length=20)
    state = models.CharField("签收状态", max_length=20)
    task_plan_id = models.BigIntegerField("任务所属计划", null=True)
    task_top_level = models.BooleanField("一级任务")
    task_status = models.CharField("任务状态", max_length=20)
    task_flag = models.CharField("任务时限标记", max_length=20)
    task_pace = models.CharField("任务序时进度", max_length=10)
    n = models.IntegerField("条数")

    class Meta:
        verbose_name = "分工计数"
        verbose_name_plural = "分工计数"
        default_permissions = ()
        indexes = [
            # The readers' GROUP BYs in this order, `n` carried: the dashboard's unit figures (top
            # level, by unit, role, state, flag, pace, status) and 单位管理's 任务数 (by unit) read this
            # index only, already in group order — not every page of a table that the appends between
            # two folds (or a big import) have spread out, hashed on six text columns.
            # The dashboard scoped to some plans (当前计划) filters on the plan carried too: still
            # this index alone (INCLUDE: PostgreSQL only; elsewhere the plain index).
            models.Index(fields=["unit_id", "role", "state", "task_flag", "task_pace", "task_status",
                                 "task_top_level"], include=["n", "task_plan_id"], name="assignment_tally_read_idx"),
        ]

    def __str__(self) -> str:
        return f"单位 {self.unit_id} {self.role}/{self.state}：{self.n:+d}"


class TaskTally(models.Model):
    """So many tasks (`n`, or fewer by −n) of one plan, level, status, flag and 序时进度: the dashboard's
    per-plan tally, kept like AssignmentTally (tasks.tallies)."""

    plan_id = models.BigIntegerField("计划")
    top_level = models.BooleanField("一级任务")
    status = models.CharField("状态", max_length=20)
    flag = models.CharField("时限标记", max_length=20)
    pace = models.CharField("序时进度", max_length=10)
    n = models.IntegerField("条数")

    class Meta:
        verbose_name = "任务计数"
        verbose_name_plural = "任务计数"
        default_permissions = ()

    def __str__(self) -> str:
        return f"计划 {self.plan_id} {self.status}/{self.flag}/{self.pace}：{self.n:+d}"


class UnitTally(models.Model):
    """So many assignments (`n`, or fewer by −n) of one unit, whatever their role, state or task:
    单位管理's 任务数, kept like AssignmentTally (tasks.tallies.UNITS) but one row per unit once folded
    (the sum of AssignmentTally by unit read its 27,000 rows at 100,000 tasks)."""

    unit_id = models.BigIntegerField("单位")
    n = models.IntegerField("条数")

    class Meta:
        verbose_name = "单位分工计数"
        verbose_name_plural = "单位分工计数"
        default_permissions = ()

    def __str__(self) -> str:
        return f"单位 {self.unit_id}：{self.n:+d}"


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已通过"
    RETURNED = "returned", "已退回"


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProgressReportQuerySet:
        if roles.is_office(user) or roles.is_supervisor(user):
            return self
        if roles.is_liaison(user):
            return self.filter(unit_id__in=roles.unit_ids(user))
        return self.none()


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name="任务")
    unit = models.ForeignKey(
        "departments.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name="报送单位"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="报送人"
    )
    period = models.DateField("报送期", help_text="所属月份（取当月1日）")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    asks_completion = models.BooleanField("申请办结", default=False)
    review_state = models.CharField(
        "审核状态", max_length=20, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("报送时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报送"
        verbose_name_plural = "进展报送"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_at_most_100"),
        ]
        indexes = [
            # the monthly report-missing (黄色预警) check looks up reports by task, unit and period
            models.Index(fields=["task", "unit", "period"], name="report_task_unit_period_idx"),
            # 我的任务's 被退回的进展: a unit's returned reports, newest first, found among its
            # thousands of reports from these few entries (not each of the unit's reports read and
            # its review state tested: 2.7 ms for none at 100,000 tasks)
            models.Index(fields=["unit", "-created_at"], condition=Q(review_state=ReviewState.RETURNED),
                         name="report_unit_returned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period:%Y年%m月} 进展"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.report.task_id}/{instance.report_id}/{filename}"


class Evidence(models.Model):
    """佐证材料. Served only through a permission-checked view, never from MEDIA_URL."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="evidence", verbose_name="进展"
    )
    file = models.FileField("文件", upload_to=evidence_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class Urging(models.Model):
    """催办: the office urges a unit on a task; the unit answers."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="urgings", verbose_name="任务")
    unit = models.ForeignKey(
        "departments.Unit", on_delete=models.CASCADE, related_name="urgings", verbose_name="被催办单位"
    )
    message = models.TextField("催办内容")
    reply_by = models.DateField("回复期限", null=True, blank=True, help_text="单位应在此日期前回复")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="催办人"
    )
    created_at = models.DateTimeField("催办时间", auto_now_add=True)
    answer = models.TextField("回复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="回复人",
    )
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-created_at"]
        indexes = [
            # the office's queue of urgings unanswered past their reply date
            models.Index(
                fields=["reply_by"], condition=Q(answered_at__isnull=True), name="urging_unanswered_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"催办 {self.unit}：{self.task}"

    def is_late(self, today: dt.date) -> bool:
        """Unanswered past its reply date."""
        return self.answered_at is None and self.reply_by is not None and self.reply_by < today

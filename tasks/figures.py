"""统计口径: what every figure of the 督查看板 and of the monthly 督查通报 counts — one set of definitions.

Both the dashboard (`tasks.dashboard.board`) and the workbook (`tasks.supervision.report`) count through this
module, and both print its `definitions()` (the page 统计口径说明 and the workbook's 说明 sheet), so a
figure cannot mean one thing on the screen and another on paper.

- **What counts**: top-level tasks (一级任务) only. A sub-task splits one item of a plan by
  responsibility annotation; it rolls up into its parent, whose assignments are the union of its
  sub-tasks' units and whose 逾期 flag is the worst of its own and its sub-tasks' milestones.
- **Status buckets** (`BUCKETS`): every task falls in exactly one, the first whose condition holds,
  so the buckets sum to the total. Adding a bucket (慢序时 once `Task.pace` exists) is one line.
- **Rates**: 完成率, 按时完成率, 签收率 (`Tally`).
- **Ranking** (`rank`): competition ranking (1, 1, 3) on (完成率, 按时完成率, 逾期未完成), 部门 and
  镇街 ranked apart; collectives, placeholders, enterprises and units of another level than the
  plan's issuer are listed but not ranked (`ranking_table`).
- **Colours** (`WARNINGS`): 红 逾期, 黄 未报进展, 蓝 临期, 绿 正常.

- **Scope** (`Scope`): which plans a figure counts — by default the office's current plans
  (`CURRENT_SCOPE_DEFINITION`), or one plan, one year, or all; never a plan issued after the day.

Figures are counted as of a date. `as_of=None` reads the stored state — each task's status and the
flag the daily scan keeps — through the assignments' copies (`Assignment.task_*`): the dashboard's
index-only GROUP BY. A past date (the 督查通报: the month's last day, 24:00) rebuilds the same two
fields from completion dates and milestones. On the morning after a month's end both give the
same figures; the tests hold them to it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from deadlines import dates
from deadlines.models import Milestone, task_open_on
from departments.models import Unit, UnitKind, UnitLevel
from tasks.importers.units import is_collective
from tasks.models import (
    CLOSED,
    Assignment,
    AssignmentRole,
    AssignmentTally,
    ConfirmState,
    Plan,
    Task,
    TaskFlag,
    TaskPace,
    TaskStatus,
    TaskTally,
    WarningLevel,
    pace_case,
)

# --- status buckets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    # task field -> the values that put a task here; {} matches every task still unplaced
    match: Mapping[str, frozenset[str]]
    definition: str
    css: str = ""  # the figure's colour on the page (Bootstrap text colour); "" for none


BUCKETS: tuple[Bucket, ...] = (
    Bucket("done", "已完成", {"status": frozenset({TaskStatus.DONE})},
           "已办结，且完成日期不晚于最后一个时间节点（按时完成）。", "success"),
    Bucket("done_late", "逾期完成", {"status": frozenset({TaskStatus.DONE_LATE})},
           "已办结，但完成日期晚于最后一个时间节点。", "success-emphasis"),
    Bucket("overdue", "逾期未完成", {"flag": frozenset({TaskFlag.OVERDUE})},
           "尚未办结，且本任务或其子任务至少有一个时间节点已过截止日期仍未完成（不论是否已启动）。", "danger"),
    Bucket("behind", "慢序时", {"pace": frozenset({TaskPace.BEHIND})},
           "尚未办结、未逾期，报送的完成百分比落后于已用时间占比（序时进度）超过容差（PACE_TOLERANCE 个百分点）。",
           "warning"),
    Bucket("in_progress", "推进中", {"status": frozenset({TaskStatus.IN_PROGRESS})},
           "尚未办结、未逾期、不慢于序时进度，已启动。"),
    Bucket("not_started", "未启动", {},
           "尚未办结、未逾期、不慢于序时进度，尚未启动。"),
)
BUCKET_KEYS = tuple(b.key for b in BUCKETS)
BUCKET_LABELS = {b.key: b.label for b in BUCKETS}
# the task fields the buckets read: the GROUP BY keys of every tally
BUCKET_FIELDS = tuple(sorted({f for b in BUCKETS for f in b.match} | {"flag", "pace"}))
PACE_KEYS = tuple(TaskPace.values)  # (the enum builds that list anew on every read)


def classify(values: Mapping[str, str]) -> str:
    """The bucket of a task whose fields (see BUCKET_FIELDS) have these values."""
    return _classify(tuple(values.get(f) for f in BUCKET_FIELDS))


@functools.lru_cache(maxsize=1024)
def _classify(key: tuple) -> str:
    """classify, kept per combination of values: a tally folds thousands of groups of a few dozen kinds."""
    values = dict(zip(BUCKET_FIELDS, key, strict=True))
    for bucket in BUCKETS:
        if all(values.get(f) in allowed for f, allowed in bucket.match.items()):
            return bucket.key
    raise AssertionError("the last bucket matches everything")


@functools.lru_cache(maxsize=1024)
def _fold_plan(key: tuple) -> tuple[str, bool, str | None]:
    """What `Tally.fold` adds for a combination of bucket fields (BUCKET_FIELDS order, None as
    empty): its bucket, whether it is 临期, and its 序时进度 key — None for a task closed or
    overdue, which is counted by neither. Kept per combination, as `_classify`."""
    key = tuple(v or "" for v in key)
    bucket = _classify(key)
    if bucket in ("done", "done_late", "overdue"):
        return bucket, False, None
    values = dict(zip(BUCKET_FIELDS, key, strict=True))
    pace = values.get("pace", "")
    return bucket, values.get("flag") == TaskFlag.DUE_SOON, pace if pace in PACE_KEYS else ""


def _match_q(bucket: Bucket, prefix: str) -> Q:
    return Q(*[Q(**{f"{prefix}{f}__in": sorted(v)}) for f, v in bucket.match.items()])


def bucket_q(key: str, prefix: str = "") -> Q:
    """The tasks (or, with prefix "task__", the assignments) in bucket `key`, by their stored fields:
    in this bucket's condition and in none of the buckets before it."""
    q = Q()
    for bucket in BUCKETS:
        if bucket.key == key:
            return q & _match_q(bucket, prefix)
        q &= ~_match_q(bucket, prefix)
    raise KeyError(key)


# --- warning colours (三色预警, and green for the rest) -------------------------------------------


@dataclass(frozen=True)
class Warning:
    level: str  # WarningLevel value
    colour: str  # 红 / 黄 / 蓝 / 绿
    meaning: str
    css: str  # Bootstrap colour name
    fill: str  # Excel fill, RGB hex (prints as a distinguishable grey too)
    definition: str


WARNINGS: tuple[Warning, ...] = (
    Warning(WarningLevel.RED, "红", "逾期", "danger", "F4B6B6", "尚未办结且已逾期（同“逾期未完成”）。"),
    Warning(WarningLevel.YELLOW, "黄", "未报进展", "warning", "FFE08A", "尚未办结、未逾期，本期进展未按时报送。"),
    Warning(WarningLevel.BLUE, "蓝", "临期", "info", "BDD7EE",
            "尚未办结、未逾期、已报进展，有时间节点即将到期（看板：计划设定的工作日数内；督查通报：次月到期）。"),
    Warning(WarningLevel.NONE, "绿", "正常", "success", "C6E0B4", "其余未办结任务；已办结任务不预警。"),
)
WARNING_BY_LEVEL = {w.level: w for w in WARNINGS}


# --- tallies and rates --------------------------------------------------------------------------


def _rate(num: int, den: int) -> Fraction | None:
    return Fraction(num, den) if den else None


def pct(rate: Fraction | float | None) -> str:
    return "—" if rate is None else f"{100 * float(rate):.1f}%"


@dataclass
class Tally:
    """Counts of tasks by bucket, and of assignments by confirmation state."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKET_KEYS, 0))
    due_soon: int = 0  # open, not overdue, flagged 临期 (the stored state only)
    # open, not overdue, by 序时进度 (TaskPace value; "" no percent reported to compare): the
    # 超/按/慢序时 of the 督查通报's 总体情况; pace[BEHIND] is the 慢序时 bucket
    pace: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PACE_KEYS, 0))
    assignments: int = 0
    confirmed: int = 0
    links: dict[str, str] = field(default_factory=dict, repr=False)  # figure -> filtered task list

    def __getattr__(self, name: str) -> int:
        # t.done, t.overdue …: every bucket reads as an attribute (templates, tests)
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            return counts[name]
        raise AttributeError(name)

    def fold(self, key: tuple, n: int) -> None:
        """Add `n` tasks whose bucket fields have these values, in BUCKET_FIELDS order (a row of a
        tally's query)."""
        bucket, due_soon, pace = _fold_plan(key)
        self.counts[bucket] += n
        if pace is not None:
            if due_soon:
                self.due_soon += n
            self.pace[pace] += n

    def add(self, other: Tally) -> None:
        for key, n in other.counts.items():
            self.counts[key] += n
        self.due_soon += other.due_soon
        for key, n in other.pace.items():
            self.pace[key] = self.pace.get(key, 0) + n
        self.assignments += other.assignments
        self.confirmed += other.confirmed

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[Bucket, int, str]]:
        """(bucket, count, link to its task list) in bucket order: what a template loops over."""
        return [(b, self.counts[b.key], self.links.get(b.key, "")) for b in BUCKETS]

    assigned = total  # the dashboard's name of the same figure

    @property
    def closed(self) -> int:
        return self.counts["done"] + self.counts["done_late"]

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def completion_rate(self) -> Fraction | None:
        """完成率 = (已完成 + 逾期完成) ÷ 任务数."""
        return _rate(self.closed, self.total)

    @property
    def on_time_rate(self) -> Fraction | None:
        """按时完成率 = 已完成 ÷ (已完成 + 逾期完成); None (—) when nothing is closed yet."""
        return _rate(self.counts["done"], self.closed)

    @property
    def sign_rate(self) -> Fraction | None:
        """签收率 = 已签收的分工 ÷ 分工."""
        return _rate(self.confirmed, self.assignments)

    @property
    def completion_pct(self) -> str:
        return pct(self.completion_rate)

    @property
    def on_time_pct(self) -> str:
        return pct(self.on_time_rate)

    @property
    def sign_pct(self) -> str:
        return pct(self.sign_rate)

    @property
    def open_other(self) -> int:
        """Open and not overdue: the grey part of the bar."""
        return self.open - self.counts["overdue"]

    @property
    def bar(self) -> dict[str, str]:
        """Widths (% of the total, as CSS strings: templates would localise a float) of the stacked bar."""
        parts = {"done": self.done, "done_late": self.done_late, "overdue": self.overdue, "open": self.open_other}
        return {k: f"{100 * v / self.total:.2f}" if self.total else "0" for k, v in parts.items()}


@dataclass
class PlanTally(Tally):
    plan_id: int = 0
    title: str = ""
    year: int = 0
    doc_number: str = ""
    issuer: str = ""

    @property
    def level(self) -> str:
        return plan_level(self.issuer)


@dataclass
class UnitTally(Tally):
    unit_id: int = 0
    name: str = ""
    kind: str = ""
    level: str = ""
    lead: int = 0
    responsible: int = 0
    table: str = ""  # RankingTable key
    why_unranked: str = ""
    rank: int | None = None


# --- scope: which plans ------------------------------------------------------------------------

CURRENT_SCOPE_DEFINITION = (
    "默认统计“当前计划”：计划年度为数据截至日所在年份或上一年度、印发日期不晚于数据截至日（未填印发日期的按计划年度1月1日），"
    "且在统计月份第一天仍有未办结一级任务（或尚无任务）的计划——即本年度和上年度结转、仍在办的计划；看板的统计月份为本月。"
    "也可选择某一计划、某一年度（计划年度）或全部计划。任何范围都不含数据截至日之后才印发的计划。"
)


@dataclass(frozen=True)
class Scope:
    """Which plans the figures count. Written as a short key — "current", "all", "year:2020",
    "plan:12" — in URLs, forms and MonthlyReport.scope."""

    kind: str = "current"  # current / all / year / plan
    year: int | None = None
    plan_id: int | None = None

    KINDS = ("current", "all", "year", "plan")

    @classmethod
    def parse(cls, key: str | None) -> Scope:
        """The scope a key names; ValueError (with a Chinese message) for anything else."""
        key = (key or "current").strip()
        kind, _, value = key.partition(":")
        if kind in ("current", "all") and not value:
            return cls(kind)
        if kind in ("year", "plan") and value.isdigit():
            return cls("year", year=int(value)) if kind == "year" else cls("plan", plan_id=int(value))
        raise ValueError(f"统计范围无效：{key}（应为 current、all、year:年份 或 plan:计划ID）")

    @classmethod
    def of_plan(cls, plan) -> Scope:
        return cls("plan", plan_id=plan.pk)

    @property
    def key(self) -> str:
        if self.kind == "year":
            return f"year:{self.year}"
        if self.kind == "plan":
            return f"plan:{self.plan_id}"
        return self.kind

    def plans(self, day: dt.date):
        """The plans in scope on `day` (the last day whose data count): a Plan queryset."""
        plans = Plan.objects.exclude(issued_on__gt=day).exclude(issued_on__isnull=True, year__gt=day.year)
        if self.kind == "plan":
            return plans.filter(pk=self.plan_id)
        if self.kind == "year":
            return plans.filter(year=self.year)
        if self.kind == "all":
            return plans
        # current: this year's plans and last year's carried over, still open when the month began (a
        # year's plan is issued in spring and its last tasks run into the next one; older plans are history)
        before = dates.month_start(day) - dt.timedelta(days=1)
        top = Task.objects.filter(plan=OuterRef("pk"), parent__isnull=True)
        return plans.filter(year__gte=day.year - 1, year__lte=day.year).filter(
            Exists(top.filter(task_open_on(before, prefix=""))) | ~Exists(top)
        )

    def plan_ids(self, day: dt.date) -> list[int]:
        return list(self.plans(day).order_by().values_list("pk", flat=True))

    def label(self, day: dt.date | None = None, plan=None) -> str:
        """How a page or a sheet names the scope (`plan`: the plan row, when the caller has it)."""
        if self.kind == "all":
            return "全部计划"
        if self.kind == "year":
            return f"{self.year}年度计划"
        if self.kind == "plan":
            plan = plan or Plan.objects.filter(pk=self.plan_id).first()
            if plan is None:
                return f"计划 {self.plan_id}（不存在或尚未印发）"
            return f"{plan.title}（{plan.doc_number}）" if plan.doc_number else plan.title
        return f"当前计划（{day.year}年度及{day.year - 1}年度结转的在办计划）" if day else "当前计划（本年度及上年度结转的在办计划）"


def scope_choices(day: dt.date) -> list[tuple[str, str]]:
    """(key, label) of every scope a selector offers: current, all, each plan year, each plan."""
    plans = list(Plan.objects.order_by("-year", "title").values_list("pk", "title", "year"))
    years = sorted({year for _, _, year in plans}, reverse=True)
    return [
        ("current", Scope().label(day)),
        ("all", "全部计划"),
        *((f"year:{y}", f"{y}年度计划") for y in years),
        *((f"plan:{pk}", f"{title}（{year}）") for pk, title, year in plans),
    ]


# --- which tasks, as of when --------------------------------------------------------------------


def _closed_by(day: dt.date, prefix: str) -> Q:
    return Q(**{f"{prefix}status__in": CLOSED}) & (
        Q(**{f"{prefix}completed_on__isnull": True}) | Q(**{f"{prefix}completed_on__lte": day})
    )


def overdue_at(as_of: dt.date, task_ref: str, done_by: dt.date | None = None) -> Q:
    """A milestone of the task `task_ref` points at, or of one of its sub-tasks, was due before `as_of`
    and still open at the end of `done_by` (default `as_of`): the milestone rule
    (`MilestoneQuerySet.overdue`). The 督查通报 of a past month asks it about the 1st after the month,
    counting what was done by the month's last day (24:00).

    Two EXISTS, not one with `task = t OR task.parent = t`: PostgreSQL cannot look an OR across the
    join up in an index, and hash-joined every open milestone with every task once per row counted
    (the 督查通报's unit tally took 88 s at 10,000 tasks; each EXISTS is an index probe)."""
    ms = Milestone.objects.overdue(as_of, done_by=done_by)
    return Exists(ms.filter(task_id=OuterRef(task_ref))) | Exists(ms.filter(task__parent_id=OuterRef(task_ref)))


def fields_at(as_of: dt.date | None, *, prefix: str = "", stored: Mapping[str, str] | None = None,
              done_by: dt.date | None = None) -> dict:
    """Expressions for the bucket fields of a task (reached through `prefix`) on `as_of`, counting
    what was done or closed by the end of `done_by` (default `as_of`); None: the stored fields
    (`stored` names copies to read instead, e.g. task_status)."""
    if as_of is None:
        stored = stored or {}
        return {f: F(stored.get(f, f"{prefix}{f}")) for f in BUCKET_FIELDS}
    done_by = as_of if done_by is None else done_by
    closed = _closed_by(done_by, prefix)
    task_ref = f"{prefix}id" if prefix else "id"
    # 序时进度 of the day: the share of the task's time gone by then (with the percent it has now)
    pace = pace_case(done_by)
    if prefix:
        # (one row by its key: no ORDER BY, which Task's default ordering would add with a join)
        pace = Subquery(Task.objects.filter(pk=OuterRef(task_ref)).order_by().annotate(p=pace).values("p")[:1],
                        output_field=CharField())
    # a field with no history of its own (a later bucket's) is read as it is now
    return {f: F(f"{prefix}{f}") for f in BUCKET_FIELDS} | {
        "status": Case(
            When(closed, then=F(f"{prefix}status")),
            # closed after the day: it was being worked on then
            When(Q(**{f"{prefix}status__in": CLOSED}), then=Value(TaskStatus.IN_PROGRESS)),
            default=F(f"{prefix}status"),
            output_field=CharField(),
        ),
        "flag": Case(
            When(~closed & overdue_at(as_of, task_ref, done_by), then=Value(TaskFlag.OVERDUE)),
            default=Value(TaskFlag.NONE),
            output_field=CharField(),
        ),
        "pace": pace,
    }


def _state_at(done_by: dt.date | None) -> Case | F:
    """Confirmed by the end of `done_by`; None: the stored state."""
    if done_by is None:
        return F("state")
    cutoff = dt.datetime.combine(done_by + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    confirmed = Q(state=ConfirmState.CONFIRMED) & (Q(responded_at__isnull=True) | Q(responded_at__lt=cutoff))
    return Case(When(confirmed, then=Value(ConfirmState.CONFIRMED)), default=Value(ConfirmState.PENDING),
                output_field=CharField())


def _assignment_copies() -> dict[str, str]:
    """Each bucket field as the assignments read it: their copy (task_status) where they keep one,
    else through the join to the task (a bucket added before its copy is counted right, if slower)."""
    names = {f.name for f in Assignment._meta.get_fields()}
    return {f: f"task_{f}" if f"task_{f}" in names else f"task__{f}" for f in BUCKET_FIELDS}


class TallySum(Sum):
    """SUM of a tally's `n`, taken as the driver returns it (an int: the column is an integer and a
    group is never empty), without the int() that Django's Sum calls on each of thousands of rows."""

    convert_value = staticmethod(Sum._convert_value_noop)


def _counted_assignments(as_of: dt.date | None):
    """The top-level tasks' assignments to count, how to count a group of them, and the field that
    names their task's plan. The stored state (as_of None): the rows of the tally kept as
    assignments are written (tasks.tallies), each `n` assignments, with the same names as the
    assignments' copies. A past day: the assignments themselves, through their tasks (their copies
    are of today)."""
    if as_of is None:
        return AssignmentTally.objects.filter(task_top_level=True), TallySum("n"), "task_plan_id"
    return Assignment.objects.filter(task__parent__isnull=True), Count("*"), "task__plan_id"


def plan_tallies(
    *, as_of: dt.date | None = None, plan_ids: Iterable[int] | None = None, signing: bool = True,
    done_by: dt.date | None = None,
) -> list[PlanTally]:
    """Every plan (or those of `plan_ids`), newest first, with its top-level tasks tallied, and (with
    `signing`) its assignments by confirmation state for 签收率. Two queries, three with signing.
    `as_of`/`done_by` as in `fields_at`; None: the stored state."""
    if as_of is not None and done_by is None:
        done_by = as_of
    plans = Plan.objects.order_by("-year", "title")
    # the stored state: from the tallies kept as tasks and assignments are written (tasks.tallies)
    tasks, task_count = (TaskTally.objects.filter(top_level=True), TallySum("n")) if as_of is None else (
        Task.objects.top_level(), Count("*"))
    assignments, count, plan_field = _counted_assignments(as_of)
    if plan_ids is not None:
        plan_ids = list(plan_ids)
        plans, tasks = plans.filter(pk__in=plan_ids), tasks.filter(plan_id__in=plan_ids)
        assignments = assignments.filter(**{f"{plan_field}__in": plan_ids})
    fields = ("pk", "title", "year", "doc_number", "issuer")
    rows = {p["pk"]: PlanTally(plan_id=p.pop("pk"), **p) for p in plans.values(*fields)}
    # One row per (plan, status, flag, pace): a few dozen rows whatever the number of tasks
    exprs = {f"b_{f}": e for f, e in fields_at(as_of, done_by=done_by).items()}
    grouped = tasks.values("plan_id", **exprs).annotate(n=task_count).order_by()
    for r in grouped.values_list("plan_id", *exprs, "n"):
        if r[0] in rows:
            rows[r[0]].fold(r[1:-1], r[-1])
    if not signing:
        return list(rows.values())
    states = assignments.values(plan_field, s_at=_state_at(done_by)).annotate(n=count).order_by()
    for plan_id, state, n in states.values_list(plan_field, "s_at", "n"):
        if plan_id in rows:
            rows[plan_id].assignments += n
            rows[plan_id].confirmed += n if state == ConfirmState.CONFIRMED else 0
    return list(rows.values())


def unit_tallies(*, as_of: dt.date | None = None, plan_ids: Iterable[int] | None = None,
                 level: str | None = None, done_by: dt.date | None = None) -> list[UnitTally]:
    """Units with at least one top-level task in scope, each placed in its ranking table (for a plan
    of `level`; default: the plans' own level) and ranked. Two queries. `as_of`/`done_by` as in
    `fields_at`; None: the stored state."""
    if as_of is not None and done_by is None:
        done_by = as_of
    assignments, count, plan_field = _counted_assignments(as_of)
    if as_of is None:
        # the tally's copies of the task's plan, level, status, flag and pace (Assignment.task_*, kept
        # by TaskQuerySet.refresh_copies): a few thousand rows, where grouping 300,000 assignments
        # read off an index took 140 ms
        exprs = fields_at(None, stored=_assignment_copies())
    else:
        exprs = fields_at(as_of, prefix="task__", done_by=done_by)
    if plan_ids is not None:
        plan_ids = list(plan_ids)
        assignments = assignments.filter(**{f"{plan_field}__in": plan_ids})
    # Grouped by (unit, status, flag, pace), the confirmed and the lead ones summed within the group
    # (FILTER): a fifth of the groups that role and state in the key made (840 rows, not 4,300, on
    # the dashboard at 100,000 tasks), each folded in Python.
    bucket_exprs = {f"b_{f}": e for f, e in exprs.items()}
    weight = F("n") if as_of is None else Value(1)  # a tally row counts n assignments; an assignment one
    total = TallySum if as_of is None else Sum
    groups = (
        assignments.annotate(s_at=_state_at(done_by))
        .values("unit_id", **bucket_exprs)
        # (n last: an annotation named n hides the tally's column n from the sums after it)
        .annotate(confirmed=total(weight, filter=Q(s_at=ConfirmState.CONFIRMED), default=0),
                  lead=total(weight, filter=Q(role=AssignmentRole.LEAD), default=0), n=count)
        .filter(n__gt=0)  # (the tally's rows of a combination no assignment has any more add up to 0)
        .order_by()
    )
    rows: dict[int, UnitTally] = {}
    # hundreds of groups: read as tuples, each folded by its combination's plan (Tally.fold)
    for r in groups.values_list("unit_id", *bucket_exprs, "n", "confirmed", "lead"):
        unit_id, n, confirmed, lead = r[0], r[-3], r[-2], r[-1]
        row = rows.get(unit_id)
        if row is None:  # (not setdefault: that built a UnitTally for each of the groups)
            row = rows[unit_id] = UnitTally(unit_id=unit_id)
        row.fold(r[1:-3], n)
        row.assignments += n
        row.confirmed += confirmed
        row.lead += lead
        row.responsible += n - lead
    for pk, name, kind, unit_level in Unit.objects.filter(pk__in=rows).values_list("pk", "name", "kind", "level"):
        row = rows[pk]
        row.name, row.kind, row.level = name, kind, unit_level
    if level is None:
        level = scope_level(plan_ids)
    for row in rows.values():
        row.table, row.why_unranked = ranking_table(row, level)
    return rank(list(rows.values()))


# --- the overdue chart's month -----------------------------------------------------------------

# where a task flagged overdue goes when none of its milestones is overdue any more (the flag is
# the last scan's; a milestone done or moved since is seen at once)
NO_OVERDUE_MILESTONE = dt.date(9999, 12, 31)


def first_overdue_due(as_of: dt.date) -> Case:
    """The due date of a task's earliest milestone — its own or an open sub-task's — that is open and
    was due before `as_of`; NO_OVERDUE_MILESTONE when there is none. That is its `next_due` (the
    earliest open one, kept by TaskQuerySet.refresh_list_keys on every write of a milestone or a
    sub-task) when that is before `as_of`: read off the task, where a subquery per task over the
    milestones took 50 ms for the 13,000 overdue tasks of 100,000."""
    return Case(When(next_due__lt=as_of, then=F("next_due")), default=Value(NO_OVERDUE_MILESTONE),
                output_field=DateField())


# --- ranking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingTable:
    key: str
    label: str


RANKING_TABLES = (RankingTable("department", "部门"), RankingTable("town", "镇街"))
UNRANKED = RankingTable("unranked", "不参与排名的单位")

_LEVEL_WORDS = (("县", UnitLevel.COUNTY), ("区", UnitLevel.DISTRICT), ("市", UnitLevel.CITY),
                ("省", UnitLevel.PROVINCE))


def office_level() -> str:
    """The level of the office running this installation (settings.REFORM_OFFICE_LEVEL)."""
    return settings.REFORM_OFFICE_LEVEL


def plan_level(issuer: str) -> str:
    """The level of a plan's issuing body: the smallest administrative word in its name (宁波市象山县
    → 县级, 区委改革办 → 区级, 浙江省人民政府 → 省级); the office's own level when it names none."""
    for word, level in _LEVEL_WORDS:
        if word in issuer:
            return level
    return office_level()


def scope_level(plan_ids: Iterable[int] | None) -> str:
    """One plan: its issuer's level; all plans, or plans of several levels: the office's level."""
    if plan_ids is None:
        return office_level()
    return level_of_issuers(Plan.objects.filter(pk__in=list(plan_ids)).values_list("issuer", flat=True))


def level_of_issuers(issuers: Iterable[str]) -> str:
    """Plans all of one level: that level; none, or several: the office's level."""
    levels = {plan_level(i) for i in issuers}
    return levels.pop() if len(levels) == 1 else office_level()


def ranking_table(unit: UnitTally, level: str) -> tuple[str, str]:
    """(table key, why not ranked) of a unit for a plan of `level`."""
    # a collective written as a department (相关部门) by hand: the importer's own test of the name
    if unit.kind == UnitKind.COLLECTIVE or is_collective(unit.name):
        return UNRANKED.key, "集合单位或泛指（如“各镇街”“相关部门”）"
    if unit.kind == UnitKind.TOWN:
        return "town", ""
    if unit.kind != UnitKind.DEPARTMENT:
        return UNRANKED.key, UnitKind(unit.kind).label if unit.kind in UnitKind.values else "其他类型"
    if unit.level != level:
        if unit.level not in UnitLevel.values or unit.level == UnitLevel.OTHER:
            return UNRANKED.key, "未设定层级（可在单位管理中设定）"
        return UNRANKED.key, f"{UnitLevel(unit.level).label}单位（非{UnitLevel(level).label}）"
    return "department", ""


def rank_key(row: Tally) -> tuple:
    """Higher 完成率, then higher 按时完成率 (none closed: lowest), then fewer 逾期未完成."""
    on_time = row.on_time_rate if row.on_time_rate is not None else Fraction(-1)
    return (-(row.completion_rate or 0), -on_time, row.overdue)


def rank(rows: list[UnitTally]) -> list[UnitTally]:
    """Order every table by rank_key (then by name) and number it 1, 1, 3: a unit shares the rank of
    the one above only when all three ranked figures are equal. Unranked units follow, by name."""

    def order(r: UnitTally) -> tuple:
        ranked = r.table != UNRANKED.key
        return (_table_order(r.table), rank_key(r) if ranked else (), r.name)

    rows.sort(key=order)
    for table in RANKING_TABLES:
        mine = [r for r in rows if r.table == table.key]
        for position, row in enumerate(mine, start=1):
            above = mine[position - 2] if position > 1 else None
            row.rank = above.rank if above and rank_key(above) == rank_key(row) else position
    for row in rows:
        if row.table == UNRANKED.key:
            row.rank = None
    return rows


def _table_order(key: str) -> int:
    keys = [t.key for t in RANKING_TABLES]
    return keys.index(key) if key in keys else len(keys)


def tables(rows: list[UnitTally]) -> list[tuple[RankingTable, list[UnitTally]]]:
    """The ranked tables (部门, 镇街) and the unranked units, each with its rows; empty ones left out."""
    out = []
    for table in (*RANKING_TABLES, UNRANKED):
        mine = [r for r in rows if r.table == table.key]
        if mine:
            out.append((table, mine))
    return out


# --- the words: one text for the page and the workbook -----------------------------------------


OVERDUE_CHART_NOTE = (
    "“逾期未完成任务（按月）”图中每项逾期未完成任务只计一次，按其最早一个逾期未完成时间节点（含子任务的节点）的"
    "截止月份归入；近12个月每月一柱，标注年月（如 2025-11），更早的每年一柱；各柱合计等于“逾期未完成”。"
    "若任务仍标记为逾期、但其逾期节点已办结或改期（待次日时限扫描更新标记），归入“待重算”一柱。"
)


def definitions() -> list[tuple[str, str]]:
    """(term, definition) of every figure, in the order a reader needs them."""
    level_words = "、".join(label for _, label in UnitLevel.choices if _ != UnitLevel.OTHER)
    items = [
        ("统计范围", CURRENT_SCOPE_DEFINITION),
        ("统计对象", "只统计一级任务（计划中的条目）。拆分出的子任务不单独计数，并入其上级任务："
                     "上级任务的分工为各子任务单位之并集，子任务的时间节点逾期即视为上级任务逾期。"),
        ("单位的任务", "单位在任务上有分工（牵头或责任）即计入该单位；一项任务可同时计入多个单位。"
                       "“牵头”“责任”分列，两者之和为该单位的任务数。合计按任务去重。"),
        ("状态分类", "每项任务按下列顺序归入第一个符合的类别，各类互不重叠，合计等于任务数："
                     + "、".join(b.label for b in BUCKETS) + "。"),
    ]
    items += [(b.label, b.definition) for b in BUCKETS]
    items += [
        ("完成率", "（已完成 + 逾期完成）÷ 任务数。"),
        ("按时完成率", "已完成 ÷（已完成 + 逾期完成）；尚无办结任务时为空（—）。"),
        ("签收率", "已签收的分工 ÷ 全部分工（待签收、有异议的都不算已签收）。"),
        ("排名范围", "部门、镇街分表排名。集合单位及泛指（如“区级有关部门”“各镇街”“相关部门”）、"
                     "企业/机构，以及与计划发文机关层级不同的单位（如区级计划中的省级、市级单位）只列出、不排名。"
                     f"计划的层级按发文机关名称判断（{level_words}），看全部计划时按本单位层级。"),
        ("排名规则", "依次比较：完成率（高者在前）、按时完成率（高者在前，尚无办结任务者视为最低）、"
                     "逾期未完成数（少者在前）。三项都相同的单位名次并列（如 1、1、3），并列者按单位名称排列；"
                     "三项中任一项不同即名次不同。"),
        ("预警颜色", "；".join(f"{w.colour}色＝{w.meaning}：{w.definition.rstrip('。')}" for w in WARNINGS) + "。"),
        ("统计时点", "督查看板为当前状态（每次办理后即更新的任务状态、逾期标记和序时进度）。督查通报为所属月份最后一天24时的状态；"
                     "本月尚未结束的，按生成当日的状态（注明“数据截至某年某月某日”），不出具未来月份的通报。"
                     "截至时点前办结的按办结计，此后办结的计为推进中；逾期按当时未完成且已过截止日期的时间节点判断；"
                     "序时进度按截至时点已用时间占比计算（完成百分比取当前值）；"
                     "未办结任务的“推进中/未启动”、单位的类型和层级按生成时的状态。同一范围、同一月份，通报与看板数字一致。"),
        ("逾期天数", "数据截至日（过去月份为次月1日零时）减去截止日期的自然日数，截止当日不算逾期；"
                     "距截止天数自同一日起算。提醒消息、页面和通报使用同一算法。"),
    ]
    return items

"""The task list's filters (one FilterSet, reused by the Excel download)."""

from __future__ import annotations

from functools import cached_property

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from deadlines.models import Milestone
from departments.forms import UnitPicker
from departments.models import Unit
from tasks import figures
from tasks.models import (
    CLOSED,
    Assignment,
    AssignmentRole,
    ConfirmState,
    Plan,
    Section,
    Task,
    TaskFlag,
    TaskPace,
    TaskStatus,
    WarningLevel,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
INDENT = "\u3000"  # a full-width space per level: the select shows the sections as a tree


class SectionTree:
    """The sections offered by the 章节 filter: those of the chosen plan as an indented tree; with no
    plan chosen, every plan's tree under the plan's name (an optgroup each). One query."""

    def __init__(self, plan_id: int | None):
        self.plan_id = plan_id

    @cached_property
    def rows(self) -> list[dict]:
        """Read only when the select is drawn or a section is filtered by (not for every list page)."""
        sections = Section.objects.order_by("plan_id", "order", "pk")
        if self.plan_id is not None:
            sections = sections.filter(plan_id=self.plan_id)
        return list(sections.values("pk", "plan_id", "plan__title", "plan__year", "parent_id", "number", "title"))

    @cached_property
    def children(self) -> dict[int | None, list[dict]]:
        children: dict[int | None, list[dict]] = {}
        for row in self.rows:
            children.setdefault(row["parent_id"], []).append(row)
        return children

    def _walk(self, parent: int | None, depth: int, plan_id: int):
        for row in self.children.get(parent, []):
            if row["plan_id"] == plan_id:
                yield row, depth
                yield from self._walk(row["pk"], depth + 1, plan_id)

    def _label(self, row: dict, depth: int) -> str:
        number, title = row["number"], row["title"]
        text = title if not number or title.startswith(number) else f"{number}{title}"
        return f"{INDENT * depth}{text}"

    def choices(self) -> list:
        plans: dict[int, str] = {}
        for row in self.rows:
            plans.setdefault(row["plan_id"], f"{row['plan__title']}（{row['plan__year']}）")
        trees = {
            plan_id: [(row["pk"], self._label(row, depth)) for row, depth in self._walk(None, 0, plan_id)]
            for plan_id in plans
        }
        if self.plan_id is not None:
            return trees.get(self.plan_id, [])
        return [(plans[plan_id], tree) for plan_id, tree in trees.items()]

    def subtree(self, pk: int) -> list[int]:
        """`pk` and the sections under it (when no plan is chosen the tree holds every plan)."""
        out, todo = [], [pk]
        while todo:
            node = todo.pop()
            out.append(node)
            todo.extend(row["pk"] for row in self.children.get(node, []))
        return out


class TaskFilter(django_filters.FilterSet):
    """Filters of the task list; the filter state lives in the query string.

    Always pass the request — the FilterSet scopes itself to what that user may
    see (`Task.objects.visible_to(request.user)`), so a caller cannot forget it::

        filterset = TaskFilter(request.GET, request=request)
        tasks = filterset.qs            # filtered, visible to request.user, no duplicates
        if not filterset.is_valid(): ...  # bad input: filterset.errors

    `queryset=` may narrow the starting set further (it is still scoped). The
    Excel download of "the current filter" is `TaskFilter(request.GET,
    request=request).qs` with the same query string as the list page. Ordering
    (`?sort=`) belongs to the table, not to this FilterSet.

    Parameters: plan, section, unit, role (lead/responsible — with unit: that
    unit in that role), status, flag (due_soon/overdue), pace (ahead/on_pace/behind: 序时进度), warning (red/yellow/blue),
    confirm (pending/confirmed/disputed — with unit: that unit's state), due_after /
    due_before (an open milestone due in that range, inclusive), q (free text).
    """

    q = django_filters.CharFilter(method="search", label="关键词")
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label="计划")
    section = django_filters.ChoiceFilter(
        choices=[], method="filter_section", label="章节", empty_label="全部", help_text="含下级章节的任务"
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.filter(is_active=True), method="filter_assignment", label="单位",
        widget=UnitPicker,
    )
    role = django_filters.ChoiceFilter(
        choices=AssignmentRole.choices, method="filter_assignment", label="分工", empty_label="牵头或责任"
    )
    confirm = django_filters.ChoiceFilter(
        choices=ConfirmState.choices, method="filter_assignment", label="签收状态", empty_label="全部"
    )
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label="状态", empty_label="全部")
    flag = django_filters.ChoiceFilter(
        choices=[(TaskFlag.DUE_SOON, "临期"), (TaskFlag.OVERDUE, "逾期")],
        label="时限标记",
        empty_label="全部",
    )
    pace = django_filters.ChoiceFilter(
        choices=[c for c in TaskPace.choices if c[0]], label="序时进度", empty_label="全部"
    )
    warning = django_filters.ChoiceFilter(
        choices=[c for c in WarningLevel.choices if c[0]],
        method="filter_warning",
        label="预警",
        empty_label="全部",
    )
    level = django_filters.ChoiceFilter(
        choices=[("top", "一级任务"), ("sub", "子任务")], method="filter_level", label="层级", empty_label="全部"
    )
    due_after = django_filters.DateFilter(method="filter_due", label="截止日期从", widget=DATE_INPUT)
    due_before = django_filters.DateFilter(method="filter_due", label="截止日期到", widget=DATE_INPUT)
    bucket = django_filters.ChoiceFilter(
        choices=[(b.key, b.label) for b in figures.BUCKETS], method="filter_bucket", label="统计分类",
        empty_label="全部",
    )
    # the dashboard's overdue chart: the earliest overdue milestone's due date in this range
    # the dashboard's 统计范围 (figures.Scope key: current / all / year:2020): its figures link here
    scope = django_filters.CharFilter(method="filter_scope", widget=forms.HiddenInput)
    overdue_from = django_filters.DateFilter(method="filter_overdue_since", widget=forms.HiddenInput)
    overdue_to = django_filters.DateFilter(method="filter_overdue_since", widget=forms.HiddenInput)

    class Meta:
        model = Task
        fields = ["q", "plan", "section", "unit", "role", "confirm", "status", "flag", "pace", "warning"]

    def __init__(self, data=None, queryset=None, *, request, prefix=None):
        base = queryset if queryset is not None else Task.objects.all()
        super().__init__(data, base.visible_to(request.user), request=request, prefix=prefix)
        self._sections = SectionTree(self._chosen_plan())
        self.filters["section"].extra["choices"] = self._sections.choices  # a callable: read when needed

    def _chosen_plan(self) -> int | None:
        raw = (self.data or {}).get(f"{self.form_prefix}-plan" if self.form_prefix else "plan", "")
        return int(raw) if str(raw).isdigit() else None

    def filter_section(self, queryset, name, value):
        """A section and every section under it."""
        return queryset.filter(section_id__in=self._sections.subtree(int(value)))

    def filter_scope(self, queryset, name, value):
        """The plans of a dashboard scope on today, as its figures count them; a bad key is ignored."""
        try:
            scope = figures.Scope.parse(value)
        except ValueError:
            return queryset
        return queryset.filter(plan_id__in=scope.plans(timezone.localdate()).values("pk"))

    def filter_bucket(self, queryset, name, value):
        """The dashboard's status buckets (tasks.figures), exactly as its tallies count them."""
        return queryset.filter(figures.bucket_q(value))

    def filter_overdue_since(self, queryset, name, value):
        if name != ("overdue_from" if self.form.cleaned_data.get("overdue_from") else "overdue_to"):
            return queryset  # both bounds apply to the same date, once
        data = self.form.cleaned_data
        queryset = queryset.filter(figures.bucket_q("overdue")).alias(
            first_overdue=figures.first_overdue_due(timezone.localdate())
        )
        if data.get("overdue_from"):
            queryset = queryset.filter(first_overdue__gte=data["overdue_from"])
        if data.get("overdue_to"):
            queryset = queryset.filter(first_overdue__lte=data["overdue_to"])
        return queryset

    def filter_level(self, queryset, name, value):
        """一级任务 are the items of a plan — what the dashboard counts; 子任务 split them by unit."""
        return queryset.filter(parent__isnull=(value == "top"))

    def search(self, queryset, name, value):
        """Words in the task's texts, its number, its plan's title or 文号, or a unit's name, alias or
        the name as the document wrote it. Units, plans and names as written are few: they are
        matched first, apart, and the tasks then through them by index, so PostgreSQL scans the
        tasks once (not a subquery per task). Chinese and digits have no case: a plain LIKE then finds the same rows
        as a case-insensitive one without upper-casing every text first (twice as fast)."""
        value = value.strip()
        if not value:
            return queryset
        has_case = value.lower() != value.upper()

        def like(field: str) -> Q:
            return Q(**{f"{field}__{'icontains' if has_case else 'contains'}": value})

        unit_ids = list(
            Unit.objects.filter(Q(name__icontains=value) | Q(aliases__name__icontains=value))
            .values_list("pk", flat=True)
            .distinct()
        )
        plan_ids = list(
            Plan.objects.filter(Q(title__icontains=value) | Q(doc_number__icontains=value)).values_list("pk", flat=True)
        )
        # the names as written are few distinct strings: matched once here, then looked up by index
        # (as a condition inside the task query, PostgreSQL re-ran that scan in every parallel worker)
        written = list(
            Assignment.objects.filter(like("as_written")).order_by().values_list("as_written", flat=True).distinct()
        )
        by_unit = Assignment.objects.filter(Q(unit_id__in=unit_ids) | Q(as_written__in=written)).values("task_id")
        return queryset.filter(
            like("title")
            | like("text")
            | Q(number=value)
            | like("indicator")
            | like("target")
            | Q(plan_id__in=plan_ids)
            | Q(pk__in=by_unit)
        )

    def filter_assignment(self, queryset, name, value):
        """unit, role and confirm combine on the same assignment row: "区税务局 as lead, pending"."""
        if name != self._first_assignment_filter():
            return queryset  # the combined condition is applied once, by the first one present
        data = self.form.cleaned_data
        cond = Q(task=OuterRef("pk"))
        if data.get("unit"):
            cond &= Q(unit=data["unit"])
        if data.get("role"):
            cond &= Q(role=data["role"])
        if data.get("confirm"):
            cond &= Q(state=data["confirm"])
        return queryset.filter(Exists(Assignment.objects.filter(cond)))

    def _first_assignment_filter(self) -> str | None:
        data = self.form.cleaned_data
        return next((n for n in ("unit", "role", "confirm") if data.get(n)), None)

    def filter_warning(self, queryset, name, value):
        # mirrors Task.warning_level: red overdue > yellow report missing > blue due soon
        open_q = ~Q(status__in=CLOSED)
        if value == WarningLevel.RED:
            return queryset.filter(open_q, flag=TaskFlag.OVERDUE)
        if value == WarningLevel.YELLOW:
            return queryset.filter(open_q, progress_missing=True).exclude(flag=TaskFlag.OVERDUE)
        if value == WarningLevel.BLUE:
            return queryset.filter(open_q, flag=TaskFlag.DUE_SOON, progress_missing=False)
        return queryset

    def filter_due(self, queryset, name, value):
        if name != ("due_after" if self.form.cleaned_data.get("due_after") else "due_before"):
            return queryset  # both bounds apply to the same milestone, once
        data = self.form.cleaned_data
        cond = Q(task=OuterRef("pk"), done_on__isnull=True)
        if data.get("due_after"):
            cond &= Q(due_on__gte=data["due_after"])
        if data.get("due_before"):
            cond &= Q(due_on__lte=data["due_before"])
        return queryset.filter(Exists(Milestone.objects.filter(cond)))

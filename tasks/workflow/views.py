"""Pages of the task workflow for the office and the liaisons; supervisors read only.

Every object is looked up through a queryset scoped to the user (another
unit's task, report, urging or file is a 404), and every write view refuses
anyone but the role that may write (a supervisor's POST is a 403).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from deadlines.models import ExtensionRequest, ExtensionState
from departments import roles
from departments.models import Unit
from departments.roles import liaison_only, office_only, office_or_liaison, office_or_supervisor, readers
from reformtracker import dataversion
from tasks.evidence_files import download_name
from tasks.figures import TallySum
from tasks.models import (
    CLOSED,
    Assignment,
    AssignmentTally,
    ConfirmState,
    Evidence,
    ProgressReport,
    ReviewState,
    Task,
    TaskFlag,
    Urging,
)
from tasks.workflow import services as workflow
from tasks.workflow.filters import TaskFilter
from tasks.workflow.forms import (
    AnswerForm,
    AssignmentFormSet,
    BatchUrgeForm,
    CloseForm,
    DisputeForm,
    ExtensionDecisionForm,
    ExtensionForm,
    MilestoneFormSet,
    ProgressForm,
    ReopenForm,
    ResolveForm,
    ReviewForm,
    TaskEditForm,
    UrgeForm,
    VersionForm,
)
from tasks.workflow.history import task_history
from tasks.workflow.tables import GroupOrderPaginator, TaskTable, page_rows, with_list_columns

# --- access rules ------------------------------------------------------------


def visible_task(request, pk) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user).select_related("plan", "section"), pk=pk)


def _next_or(request, default):
    """Where a POST asked to go back to, if it is on this site; else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def kept_fragments(request, *scope, units: list[Unit] | None = None) -> dict:
    """`kept_seconds` and `kept_key` for a page's `{% cache %}` fragments: what the user may see
    (role, units) and `scope` are in the key, besides the data version, the path and today.
    `units`: the user's units, when the page has read them already."""
    seconds = settings.COUNT_CACHE_SECONDS
    if not seconds:
        return {"kept_seconds": 0, "kept_key": dataversion.page_key(request, 0)}
    user = request.user
    if not roles.is_liaison(user):
        unit_ids = []
    elif units is None:
        unit_ids = roles.unit_ids(user)
    else:
        unit_ids = sorted(unit.pk for unit in units)
    return {"kept_seconds": seconds,
            "kept_key": dataversion.page_key(request, seconds, roles.is_office(user), roles.is_supervisor(user), unit_ids,
                                             *scope)}


def my_assignments(user):
    return Assignment.objects.filter(unit__in=Unit.objects.of_user(user))


def _stale(request, form, exc: workflow.StaleVersionError):
    """Show the newer version and arm the form with it, so a second save is a deliberate choice."""
    form.add_error(None, str(exc))
    data = form.data.copy()
    data["version"] = exc.current.version
    form.data = data
    return exc.current


# --- lists -------------------------------------------------------------------


class TaskListView(SingleTableMixin, FilterView):
    """任务列表: filter state in the URL, sortable columns, paginated, scoped by TaskFilter."""

    filterset_class = TaskFilter
    table_class = TaskTable
    template_name = "tasks/task_list.html"
    paginate_by = 25
    strict = True

    def get_queryset(self):
        return Task.objects.all()

    def get_table_data(self):
        return with_list_columns(super().get_table_data())

    def get_table(self, **kwargs):
        # Built (counted, paged, its rows read) only when the template renders it: a page whose
        # fragments are kept (kept_key below) reads no task at all.
        return SimpleLazyObject(lambda: self._build_table(**kwargs))

    def _build_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if roles.is_office(self.request.user):
            table.columns.show("select")
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kept_fragments(self.request))
        return context

    def get_table_pagination(self, table):
        return {"per_page": self.per_page(), "paginator_class": GroupOrderPaginator}

    def get_paginate_by(self, queryset):
        # Only the table paginates: ListView's own paginator would COUNT the same rows again.
        return None

    def per_page(self) -> int:
        try:
            return max(5, min(int(self.request.GET.get("per_page", self.paginate_by)), 200))
        except ValueError:
            return self.paginate_by


task_list = readers(TaskListView.as_view())


PENDING_SHOWN = 20  # as many as the overdue and due-soon tables show per page
DISPUTED_SHOWN = 20


class FirstOf(Sequence):
    """The first `shown` rows of a queryset whose len() is the whole queryset's COUNT.

    After a plan is imported a unit can have thousands of assignments waiting for 签收;
    rendering them all took seconds. The page still says how many wait (and 全部签收 signs
    them all) but lists only the first ones."""

    def __init__(self, queryset, shown: int, total: int | None = None):
        """`total`: the count when it is already known (MyCounts); else counted when the rows fill
        the page."""
        self._rows = first_rows(queryset, shown) if total != 0 else []
        if total is None:
            total = len(self._rows) if len(self._rows) < shown else queryset.count()
        self._total = total

    @property
    def hidden(self) -> int:
        return self._total - len(self._rows)

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, index):
        return self._rows[index]

    def __iter__(self):
        return iter(self._rows)


def first_rows(queryset, shown: int) -> list:
    """The first `shown` rows of `queryset` in its order, ids first (tables.page_rows). Sorting a
    unit's thousands of assignments by their tasks' keys with every column of the task in the SELECT
    made PostgreSQL hash all 100,000 tasks (a sequential scan, 40 ms and more); sorting the ids needs
    only the keys, which task_sort_keys_idx and assignment_unit_waiting_idx hold (index-only probes,
    migration 0015)."""
    return page_rows(queryset, 0, shown)


MY_TASKS_SECTIONS = ("urgings", "overdue", "due_soon", "pending", "pending_all", "pending_above", "returned", "disputed")


@liaison_only
@require_GET
def my_tasks(request):
    """我的任务, in the order of what to do first: 待回复催办, 已逾期, 临期, 待签收 — for the liaison's
    units only. A task is listed once, in the first of these sections it belongs to (an overdue task
    still waiting for 签收 is listed as overdue, marked 待签收); an empty section is not shown.

    The sections are read only when the template renders them: kept under the data version
    (kept_fragments; the CSRF secret is in the key, as the 签收 buttons are forms), a reload reads
    none of them."""
    units = list(Unit.objects.of_user(request.user))
    csrf_secret = request.META.get("CSRF_COOKIE", "")
    kept = kept_fragments(request, csrf_secret, units=units) if csrf_secret else {
        "kept_seconds": 0, "kept_key": dataversion.page_key(request, 0)}
    sections = functools.cache(lambda: _my_sections(request, units))
    for note in dataversion.cached(f"my-tasks-notes:{kept['kept_key']}", kept["kept_seconds"],
                                   lambda: _my_notes(sections())):
        messages.info(request, note)
    context = {
        "units": units,
        "today": timezone.localdate(),
        **kept,
        **{name: SimpleLazyObject(functools.partial(lambda n: sections()[n], name)) for name in MY_TASKS_SECTIONS},
    }
    return render(request, "tasks/my_tasks.html", context)


def _my_notes(sections: dict) -> list[str]:
    notes = []
    pending, disputed = sections["pending"], sections["disputed"]
    if pending.hidden:
        notes.append(f"待签收共 {len(pending)} 项，下面列出前 {PENDING_SHOWN} 项；可“全部签收”，"
                     "或点列表下方的链接查看其余各项。")
    if disputed.hidden:
        notes.append(f"已提出异议、等待处理的共 {len(disputed)} 项，下面列出前 {DISPUTED_SHOWN} 项。")
    return notes


FLAGGED = (TaskFlag.OVERDUE, TaskFlag.DUE_SOON)
# What the 待签收 and 已提出异议 rows show (templatetags/my_rows.py), not every column of the task:
# a task has thirty, and each is set on each of the rows read
PENDING_FIELDS = ("id", "role", "state", "unit", "task", "task__number", "task__title", "task__next_due",
                  "task__status", "task__flag", "task__progress_missing", "task__plan", "task__plan__title")
DISPUTED_FIELDS = ("id", "state", "unit", "dispute_reason", "task", "task__title")


@dataclass
class MyCounts:
    """How many rows each section of 我的任务 has, summed from the assignment tally the database keeps
    as assignments are written (tasks.tallies): one query over the unit's few hundred tally rows in
    place of five COUNTs over its thousands of assignments and tasks (3–4 ms each at 100,000 tasks).
    Exact for one unit: an assignment is one task of the unit (assignment_one_per_task_unit) and its
    copies of the task's flag and status are the task's (the one-definition rule). The tasks urged
    are listed in their own section, so the assignments of those are subtracted (a second, tiny
    query, only when something is urged)."""

    flagged: dict[str, int]  # open tasks by flag: the 已逾期 and 临期 tables
    pending: int  # waiting for 签收, not listed above
    pending_all: int  # waiting for 签收, all of them (全部签收)
    disputed: int

    @classmethod
    def of(cls, unit: Unit, urged: set[int]) -> MyCounts:
        counts = cls(flagged=dict.fromkeys(FLAGGED, 0), pending=0, pending_all=0, disputed=0)
        tally = (AssignmentTally.objects.filter(unit_id=unit.pk).order_by()
                 .values_list("state", "task_flag", "task_status").annotate(n=TallySum("n")))
        for state, flag, status, n in tally:
            counts.add(state, flag, status, n)
            if state == ConfirmState.PENDING:
                counts.pending_all += n
            elif state == ConfirmState.DISPUTED:
                counts.disputed += n
        if urged:  # listed under 待回复的催办 instead
            for state, flag, status in Assignment.objects.filter(unit=unit, task_id__in=urged).values_list(
                    "state", "task_flag", "task_status"):
                counts.add(state, flag, status, -1)
        return counts

    def add(self, state: str, flag: str, status: str, n: int) -> None:
        """`n` assignments into the sections that leave out the tasks urged."""
        if flag in FLAGGED and status not in CLOSED:
            self.flagged[flag] += n
        elif state == ConfirmState.PENDING:
            self.pending += n


def _my_sections(request, units: list[Unit]) -> dict:
    open_flagged = Q(task_flag__in=FLAGGED) & ~Q(task_status__in=CLOSED)
    urgings = list(
        Urging.objects.filter(unit__in=units, answered_at__isnull=True)
        .select_related("task", "unit")
        .order_by(F("reply_by").asc(nulls_last=True), "created_at")
    )
    urged = {u.task_id for u in urgings}
    # a liaison of several units: a task of two of them is one row, counted by the queries themselves
    counts = MyCounts.of(units[0], urged) if len(units) == 1 else None

    def flagged(flag: str):
        """The units' open tasks with this flag, found through the assignments' copy of the flag
        (assignment_unit_flag_idx): a few thousand index entries, not a semi-join over every task."""
        ids = Assignment.objects.filter(unit__in=units, task_flag=flag).values("task_id")
        return Task.objects.filter(pk__in=ids, flag=flag).open().exclude(pk__in=urged)

    pending_rows = Assignment.objects.filter(unit__in=units, state=ConfirmState.PENDING)
    # The unit's pending assignments (assignment_unit_state_idx), sorted: ordered by the bare
    # next_due, PostgreSQL walked task_next_due_idx over every task probing each for the unit,
    # hoping to meet 50 early (0.2 s at 100,000 tasks). COALESCE sorts the same (no date: last).
    pending = FirstOf(
        pending_rows.exclude(open_flagged).exclude(task_id__in=urged)
        .select_related("task__plan").only(*PENDING_FIELDS)
        .order_by(Coalesce("task__next_due", Value(dt.date.max)), "task__plan", "task__order", "pk"),
        PENDING_SHOWN, None if counts is None else counts.pending,
    )
    by_id = {unit.pk: unit for unit in units}
    for assignment in pending:  # one of the liaison's units, already read
        assignment.unit = by_id[assignment.unit_id]
    disputed = FirstOf(
        Assignment.objects.filter(unit__in=units, state=ConfirmState.DISPUTED)
        .select_related("task").only(*DISPUTED_FIELDS)
        .order_by("task__plan", "task__order", "order", "pk"),
        DISPUTED_SHOWN, None if counts is None else counts.disputed,
    )
    tables = {}
    for flag, prefix in ((TaskFlag.OVERDUE, "o-"), (TaskFlag.DUE_SOON, "s-")):
        tables[flag] = table = TaskTable(with_list_columns(flagged(flag)), prefix=prefix)
        paginator = GroupOrderPaginator if counts is None else functools.partial(
            GroupOrderPaginator, count=counts.flagged[flag])
        RequestConfig(request, paginate={"per_page": 20, "paginator_class": paginator}).configure(table)
    overdue, due_soon = tables[TaskFlag.OVERDUE], tables[TaskFlag.DUE_SOON]
    pending_all = pending_rows.count() if counts is None else counts.pending_all
    return {
        "urgings": urgings,
        "overdue": overdue,
        "due_soon": due_soon,
        "pending": pending,
        # 全部签收 signs every pending one, also those listed above as overdue, due soon or urged
        "pending_all": pending_all,
        "pending_above": pending_all - len(pending),
        "returned": ProgressReport.objects.filter(unit__in=units, review_state=ReviewState.RETURNED)
        .exclude(task__status__in=["done", "done_late"])
        .select_related("task", "unit")[:50],
        "disputed": disputed,
    }


# --- the task page -----------------------------------------------------------


@readers
@require_GET
def task_detail(request, pk):
    task = visible_task(request, pk)
    user = request.user
    liaison = roles.is_liaison(user)
    my_unit_ids = roles.unit_ids(user) if liaison else []
    reports = (
        ProgressReport.objects.visible_to(user)
        .filter(task=task)
        .select_related("unit", "author", "reviewed_by")
        .prefetch_related("evidence")
    )
    urgings = task.urgings.select_related("unit", "created_by", "answered_by")
    extensions = ExtensionRequest.objects.filter(milestone__task=task).select_related(
        "unit", "requested_by", "decided_by", "milestone"
    )
    if liaison:
        urgings = urgings.filter(unit__in=my_unit_ids)
        extensions = extensions.filter(unit__in=my_unit_ids)
    assignments = list(task.assignments.select_related("unit", "responded_by", "resolved_by"))
    context = {
        "task": task,
        "children": task.children.all(),
        "assignments": assignments,
        "my_assignments": [a for a in assignments if a.unit_id in my_unit_ids],
        "milestones": task.milestones.all(),
        "unresolved": task.unresolved_phrases.filter(settled=False),
        "reports": reports,
        "urgings": urgings,
        "extensions": extensions,
        # the change timeline (four history tables) is read only if its rendered rows are not kept
        "history": SimpleLazyObject(lambda: task_history(task, report_units=my_unit_ids if liaison else None)),
        "today": timezone.localdate(),
        **kept_fragments(request),
    }
    if liaison and not task.is_closed:
        context["extension_blocked"] = workflow.extension_unavailable_reason(
            task=task, units=[a.unit for a in context["my_assignments"]], today=context["today"]
        )
    if roles.is_office(user):
        context["review_form"] = ReviewForm()
        context["reopen_form"] = ReopenForm(initial={"version": task.version})
    return render(request, "tasks/task_detail.html", context)


# --- office: edit the task, its units, its milestones ------------------------


@office_only
def task_edit(request, pk):
    task = visible_task(request, pk)
    current = None
    if request.method == "POST":
        form = TaskEditForm(request.POST, instance=task)
        if form.is_valid():
            try:
                workflow.task_update(
                    task=Task.objects.get(pk=pk),
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    changes=form.changes(),
                )
            except workflow.StaleVersionError as exc:
                current = _stale(request, form, exc)
            else:
                messages.success(request, "任务已保存。")
                return redirect(task)
    else:
        form = TaskEditForm(instance=task)
    return render(request, "tasks/task_edit.html", {"task": task, "form": form, "current": current})


def _formset_page(request, pk, formset_class, save, template, what):
    task = visible_task(request, pk)
    current = None
    if request.method == "POST":
        version_form = VersionForm(request.POST)
        formset = formset_class(request.POST, instance=task)
        if version_form.is_valid() and formset.is_valid():
            try:
                save(task=task, user=request.user, expected_version=version_form.cleaned_data["version"], formset=formset)
            except workflow.StaleVersionError as exc:
                current = _stale(request, version_form, exc)
            else:
                messages.success(request, f"{what}已保存。")
                return redirect(task)
    else:
        version_form = VersionForm(initial={"version": task.version})
        formset = formset_class(instance=task)
    if current is not None:
        formset = formset_class(instance=current)  # show the newer rows; the user redoes the edit
    context = {"task": task, "formset": formset, "version_form": version_form, "current": current, "what": what}
    return render(request, template, context)


@office_only
def task_units(request, pk):
    return _formset_page(request, pk, AssignmentFormSet, workflow.assignments_save, "tasks/task_formset.html", "承办单位")


@office_only
def task_milestones(request, pk):
    return _formset_page(
        request, pk, MilestoneFormSet, workflow.milestones_save, "tasks/task_formset.html", "时间节点"
    )


# --- progress ----------------------------------------------------------------


@office_or_liaison
def progress_create(request, pk):
    """报送进展 (liaison, for their unit) / 记录进展 (office, accepted at once)."""
    task = visible_task(request, pk)
    office = roles.is_office(request.user)
    units = Unit.objects.filter(assignments__task=task)
    if not office:
        units = units.filter(liaisons=request.user)
    today = timezone.localdate()
    form = ProgressForm(request.POST or None, request.FILES or None, units=units, today=today)
    if office:
        del form.fields["asks_completion"]  # the office closes through 办结审核 itself
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.progress_submit(
                task=task,
                unit=data["unit"],
                author=request.user,
                text=data["text"],
                percent=data["percent"],
                period=data["period"],
                files=data["files"],
                asks_completion=data.get("asks_completion", False),
                accepted=office,
            )
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "进展已记录。" if office else "进展已报送，等待改革办审核。")
            return redirect(task)
    return render(request, "tasks/progress_form.html", {"task": task, "form": form, "office": office})


@office_only
@require_POST
def report_review(request, pk):
    report = get_object_or_404(ProgressReport.objects.select_related("task"), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            workflow.report_review(
                report=report,
                user=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "审核意见已保存。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return _next_or(request, report.task)


@office_or_supervisor
@require_GET
def review_queue(request):
    reports = (
        ProgressReport.objects.filter(review_state=ReviewState.SUBMITTED)
        .select_related("task__plan", "unit", "author")
        .prefetch_related("evidence")
        .order_by("created_at")
    )
    return render(request, "tasks/review_queue.html", {"reports": reports, "review_form": ReviewForm()})


@readers
@require_GET
def evidence_download(request, pk):
    """佐证材料 go through here, never MEDIA_URL: the report must be visible to the user."""
    evidence = get_object_or_404(
        Evidence.objects.filter(report__in=ProgressReport.objects.visible_to(request.user)), pk=pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    inline = evidence.content_type in ("application/pdf", "image/jpeg", "image/png")
    name = download_name(evidence.original_name, evidence.content_type)  # x.exe holding a PDF → x.pdf
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- close / reopen ----------------------------------------------------------


@office_only
def task_close(request, pk):
    task = visible_task(request, pk)
    today = timezone.localdate()
    unconfirmed = [] if task.is_closed else list(
        task.assignments.exclude(state=ConfirmState.CONFIRMED).select_related("unit").order_by("order", "pk")
    )
    form = CloseForm(request.POST or None, today=today, unconfirmed=unconfirmed, initial={"version": task.version})
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            workflow.task_close(
                task=task,
                user=request.user,
                completed_on=form.cleaned_data["completed_on"],
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except workflow.StaleVersionError as exc:
            current = _stale(request, form, exc)
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            task.refresh_from_db()
            messages.success(request, f"任务已办结（{task.get_status_display()}）。")
            return redirect(task)
    reports = task.reports.select_related("unit").prefetch_related("evidence")
    context = {"task": task, "form": form, "reports": reports, "current": current,
               "milestones": task.milestones.all(), "unconfirmed": unconfirmed}
    return render(request, "tasks/task_close.html", context)


@office_only
@require_POST
def task_reopen(request, pk):
    task = visible_task(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            workflow.task_reopen(
                task=task, user=request.user, reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "任务已重新打开。")
    else:
        messages.error(request, "重新打开必须填写原因。")
    return redirect(task)


# --- urging ------------------------------------------------------------------


@office_only
def task_urge(request, pk):
    """催办 one or several units of the task, with a reply date."""
    task = visible_task(request, pk)
    form = UrgeForm(request.POST or None, task=task, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = [a.unit for a in form.assignments if a.unit in data["units"]]
        try:
            workflow.urgings_create(
                task=task, units=units, user=request.user, message=data["message"], reply_by=data["reply_by"]
            )
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            names = "、".join(u.name for u in units)
            messages.success(request, f"已向{names}发出催办，请于 {data['reply_by']:%Y-%m-%d} 前回复。")
            return redirect(task)
    return render(request, "tasks/urge_form.html", {"task": task, "form": form, "checked": form.checked()
                  if form.is_bound else set(form.fields["units"].initial)})


BATCH_URGE_MAX = 200


@office_only
@require_POST
def urge_batch(request):
    """批量催办: the task list posts the ticked tasks here; this page asks whom, what and by when,
    and its own POST (with `confirm`) urges them."""
    tasks = Task.objects.visible_to(request.user).select_related("plan")
    selected = request.POST.getlist("tasks")
    if len(selected) > BATCH_URGE_MAX:
        messages.error(request, f"一次最多催办 {BATCH_URGE_MAX} 项任务，请缩小选择范围。")
        return _next_or(request, "tasks:list")
    if "confirm" not in request.POST:
        form = BatchUrgeForm(initial={"tasks": selected}, tasks=tasks, today=timezone.localdate())
        if not selected:
            messages.warning(request, "请先在任务列表中勾选要催办的任务。")
            return _next_or(request, "tasks:list")
    else:
        form = BatchUrgeForm(request.POST, tasks=tasks, today=timezone.localdate())
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = workflow.urgings_create_batch(
                    tasks=data["tasks"], user=request.user, message=data["message"],
                    lead_only=data["scope"] == BatchUrgeForm.LEAD, reply_by=data["reply_by"],
                )
            except workflow.WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                n_tasks = len({u.task_id for u in result.urgings})
                n_units = len({u.unit_id for u in result.urgings})
                messages.success(
                    request, f"已对 {n_tasks} 项任务发出催办 {len(result.urgings)} 条（{n_units} 个单位），"
                    f"请于 {data['reply_by']:%Y-%m-%d} 前回复。"
                )
                if result.skipped_closed:
                    messages.info(request, f"{len(result.skipped_closed)} 项已办结的任务未催办。")
                if result.without_units:
                    messages.warning(request, f"{len(result.without_units)} 项任务没有可催办的单位，未催办。")
                return _next_or(request, "tasks:list")
    chosen = list(tasks.filter(pk__in=[v for v in (form["tasks"].value() or []) if str(v).isdigit()])
                  .prefetch_related("assignments__unit").order_by("plan", "order"))
    context = {"form": form, "chosen": chosen, "next": request.POST.get("next", "")}
    return render(request, "tasks/urge_batch.html", context)


@office_or_supervisor
@require_GET
def urging_queue(request):
    """催办未回复: urgings past their reply date first, then those still within it."""
    today = timezone.localdate()
    open_urgings = Urging.objects.filter(answered_at__isnull=True).select_related("task__plan", "unit", "created_by")
    context = {
        "late": workflow.urgings_late(today=today).select_related("task__plan"),
        "waiting": open_urgings.exclude(reply_by__lt=today).order_by(F("reply_by").asc(nulls_last=True), "pk")[:100],
        "today": today,
    }
    return render(request, "tasks/urging_queue.html", context)


@liaison_only
def urging_answer(request, pk):
    urging = get_object_or_404(
        Urging.objects.filter(unit__in=Unit.objects.of_user(request.user)).select_related("task", "unit"), pk=pk
    )
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.urging_answer(urging=urging, user=request.user, answer=form.cleaned_data["answer"])
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已回复催办。")
            return redirect(urging.task)
    context = {"task": urging.task, "form": form, "title": "回复催办", "intro": urging.message}
    return render(request, "tasks/simple_form.html", context)


# --- 签收 / 异议 ----------------------------------------------------------------


@liaison_only
@require_POST
def assignment_confirm(request, pk):
    assignment = get_object_or_404(my_assignments(request.user).select_related("task"), pk=pk)
    if workflow.assignment_confirm(assignment=assignment, user=request.user):
        messages.success(request, f"已签收：{assignment.task.title}")
    else:
        messages.warning(request, "该任务已不是待签收状态。")
    return _next_or(request, assignment.task)


@liaison_only
@require_POST
def confirm_all(request):
    count = workflow.assignments_confirm_all(user=request.user, units=Unit.objects.of_user(request.user))
    messages.success(request, f"已签收 {count} 项任务。")
    return redirect("tasks:mine")


@liaison_only
def assignment_dispute(request, pk):
    assignment = get_object_or_404(my_assignments(request.user).select_related("task", "unit"), pk=pk)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.assignment_dispute(assignment=assignment, user=request.user, reason=form.cleaned_data["reason"])
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "异议已提交，等待改革办处理。")
            return redirect(assignment.task)
    context = {"task": assignment.task, "form": form, "title": f"提出异议（{assignment.unit}）"}
    return render(request, "tasks/simple_form.html", context)


@office_or_supervisor
@require_GET
def dispute_queue(request):
    disputes = (
        Assignment.objects.filter(state=ConfirmState.DISPUTED)
        .select_related("task__plan", "unit", "responded_by")
        .order_by("responded_at")
    )
    return render(request, "tasks/dispute_queue.html", {"disputes": disputes})


@office_only
def dispute_resolve(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.filter(state=ConfirmState.DISPUTED).select_related("task", "unit", "responded_by"), pk=pk
    )
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.assignment_resolve(
                assignment=assignment, user=request.user, resolution=data["resolution"],
                note=data["note"], new_unit=data["new_unit"],
            )
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "异议已处理。")
            return redirect("tasks:disputes")
    context = {"task": assignment.task, "assignment": assignment, "form": form}
    return render(request, "tasks/dispute_resolve.html", context)


# --- 延期 -----------------------------------------------------------------------


@liaison_only
def extension_create(request, pk):
    task = visible_task(request, pk)
    today = timezone.localdate()
    units = Unit.objects.of_user(request.user).filter(assignments__task=task)
    reason = workflow.extension_unavailable_reason(task=task, units=units, today=today)
    if reason:  # no milestone qualifies: say why instead of an empty form
        messages.warning(request, f"不能申请延期：{reason}")
        return redirect(task)
    form = ExtensionForm(request.POST or None, task=task, units=units, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.extension_request(
                milestone=data["milestone"], unit=data["unit"], user=request.user, reason=data["reason"],
                proposed_date=data["proposed_date"], today=today,
            )
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "延期申请已提交，等待改革办审批。")
            return redirect(task)
    intro = "只有尚未到期的时间节点可以申请延期；逾期后不能再申请。"
    return render(request, "tasks/simple_form.html", {"task": task, "form": form, "title": "延期申请", "intro": intro})


@office_or_supervisor
@require_GET
def extension_queue(request):
    pending = ExtensionRequest.objects.filter(state=ExtensionState.PENDING).select_related(
        "milestone__task__plan", "unit", "requested_by"
    ).order_by("created_at")
    decided = ExtensionRequest.objects.exclude(state=ExtensionState.PENDING).select_related(
        "milestone__task", "unit", "decided_by"
    ).order_by("-decided_at")[:30]
    context = {"pending": pending, "decided": decided, "form": ExtensionDecisionForm()}
    return render(request, "tasks/extension_queue.html", context)


@office_only
@require_POST
def extension_decide(request, pk):
    ext = get_object_or_404(ExtensionRequest.objects.select_related("milestone__task", "unit"), pk=pk)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                workflow.extension_approve(
                    request=ext, user=request.user, as_of=timezone.localdate(), comment=data["reason"]
                )
                messages.success(request, f"已批准延期至 {ext.proposed_date:%Y-%m-%d}。")
            else:
                workflow.extension_refuse(request=ext, user=request.user, reason=data["reason"])
                messages.success(request, "已不予批准。")
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("tasks:extensions")


"""Units and users: the office maintains them, supervisors may read the unit list.
(Merging two units moves their tasks, so that page is `tasks.unitmerge`.)"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from departments.forms import UnitForm, UserForm
from departments.models import Unit
from departments.roles import office_only, office_or_supervisor
from departments.tables import UnitTable, UserTable, with_list_columns
from reformtracker import dataversion


def unit_task_counts() -> dict[int, int]:
    """Each unit's number of assignments (its tasks: one assignment per task and unit), summed from
    the per-unit tally the database keeps as assignments are written (tasks.tallies.UNITS: a row per
    unit and the changes since the last fold, where counting every assignment grew with the tasks),
    and kept under reformtracker.dataversion's number between two writes."""
    tally = apps.get_model("tasks", "UnitTally").objects  # (departments does not import tasks)

    def count() -> dict[int, int]:
        return {unit: n for unit, n in tally.order_by().values_list("unit_id").annotate(n=Sum("n")) if n}

    return dataversion.cached("unit-task-counts", settings.COUNT_CACHE_SECONDS, count)


@office_or_supervisor
@require_GET
def unit_list(request):
    q = request.GET.get("q", "").strip()
    seconds = settings.COUNT_CACHE_SECONDS
    context = {
        "q": q,
        # read only when the template renders it: a kept table (kept_key) reads no unit at all
        "table": SimpleLazyObject(lambda: _unit_table(request, q)),
        "kept_seconds": seconds,
        "kept_key": dataversion.page_key(request, seconds),
    }
    return render(request, "departments/unit_list.html", context)


def _unit_table(request, q: str) -> UnitTable:
    units = Unit.objects.all()
    if q:
        units = units.filter(Q(name__icontains=q) | Q(aliases__name__icontains=q) | Q(short_name__icontains=q)).distinct()
    if request.GET.get("review"):
        units = units.filter(needs_review=True)
    # units are few (a few hundred at most, whatever the number of tasks): the list is sorted and
    # paged in Python, so 任务数 sorts like any other column
    counts = unit_task_counts()
    units = with_list_columns(units)
    for unit in units:
        unit.task_count = counts.get(unit.pk, 0)
    table = UnitTable(units)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return table


@office_only
def unit_edit(request, pk=None):
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, f"单位“{unit.name}”已保存。")
        return redirect("departments:list")
    return render(request, "departments/unit_form.html", {"form": form, "unit": unit})


def manageable_users():
    """The accounts the office manages here: never a superuser or a staff account (those are
    managed by superusers in the admin), so setting their password cannot open /admin/."""
    return get_user_model().objects.filter(is_superuser=False, is_staff=False)


@office_only
@require_GET
def user_list(request):
    users = manageable_users().prefetch_related("groups", "units").order_by("username")
    table = UserTable(users)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "departments/user_list.html", {"table": table})


@office_only
def user_edit(request, pk=None):
    user = get_object_or_404(manageable_users(), pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"用户“{saved.username}”已保存。")
        return redirect("departments:users")
    return render(request, "departments/user_form.html", {"form": form, "edited": user})

"""督查看板: read-only figures for supervisors and the office; liaisons get 403."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from departments import roles
from reformtracker import dataversion
from tasks import figures
from tasks.dashboard import board as dashboard


@require_safe
@login_required
def index(request):
    user = request.user
    if not (roles.is_office(user) or roles.is_supervisor(user)):
        raise PermissionDenied("督查看板仅对督查室和改革办开放")
    plan_id, error = _plan_param(request.GET.get("plan", ""))
    scope = None
    if request.GET.get("scope") and not plan_id:
        try:
            scope = figures.Scope.parse(request.GET["scope"])
        except ValueError:
            error = "统计范围无效，已显示当前计划。"
    today = timezone.localdate()
    board = dashboard.build_cached(as_of=today, plan_id=plan_id, scope=scope)
    if board.scope.kind == "plan" and board.plan is None:
        error = "所选计划不存在或尚未印发。"
    return render(
        request,
        "dashboard/index.html",
        {
            "board": board,
            "error": error,
            "cache_seconds": dashboard.cache_seconds(),
            "buckets": figures.BUCKETS,
            # the page's HTML (300 KB at 100 units) is kept beside the board it shows
            "kept_seconds": dashboard.cache_seconds(),
            "kept_key": dataversion.page_key(request, dashboard.cache_seconds()),
            "scope_choices": figures.scope_choices(today),
        },
    )


@require_safe
@login_required
def notes(request):
    """统计口径说明: the same definitions the 督查通报's 说明 sheet prints."""
    return render(
        request,
        "dashboard/notes.html",
        {"definitions": figures.definitions(), "warnings": figures.WARNINGS,
         "chart_note": figures.OVERDUE_CHART_NOTE},
    )


def _plan_param(raw: str) -> tuple[int | None, str]:
    raw = raw.strip()
    if not raw:
        return None, ""
    if not raw.isdigit():
        return None, "计划参数无效，已显示当前计划。"
    return int(raw), ""

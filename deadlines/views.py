"""Notifications (everyone, their own only) and the monthly reports (supervisors and office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from departments import roles

from . import dates, tasks
from .models import MonthlyReport, ReportStatus


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
def notification_list(request):
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "deadlines/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one of the user's own notifications read (anyone else's is a 404);
    with open=1 go on to what it links to."""
    note = get_object_or_404(request.user.notifications.all(), pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.POST.get("open") and note.url.startswith("/"):
        return redirect(note.url)
    return redirect(_safe_next(request, "deadlines:notifications"))


@login_required
@require_POST
def notification_read_all(request):
    count = request.user.notifications.unread().update(read_at=timezone.now())
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect(_safe_next(request, "deadlines:notifications"))


def _require_report_reader(user) -> None:
    if not (roles.is_office(user) or roles.is_supervisor(user)):
        raise PermissionDenied("仅督查室和改革办可以查看督查通报。")


@login_required
def report_list(request):
    _require_report_reader(request.user)
    if request.method == "POST":
        return _rebuild(request)
    last_year, last_month = dates.previous_month(timezone.localdate())
    return render(
        request,
        "deadlines/reports.html",
        {"reports": MonthlyReport.objects.all(), "last_year": last_year, "last_month": last_month,
         "can_rebuild": roles.is_office(request.user)},
    )


def _rebuild(request):
    """The office asks for a month to be (re)built; the worker does it."""
    if not roles.is_office(request.user):
        raise PermissionDenied("仅改革办可以重新生成督查通报。")
    try:
        year, month = int(request.POST["year"]), int(request.POST["month"])
        dates.month_end(year, month)
    except (KeyError, ValueError):
        messages.error(request, "请选择正确的年份和月份。")
        return redirect("deadlines:reports")
    report, _ = MonthlyReport.objects.get_or_create(year=year, month=month)
    if tasks.publish(tasks.build_monthly_report, year, month):
        MonthlyReport.objects.filter(pk=report.pk).update(queued_at=timezone.now())
        messages.success(request, f"已提交生成{year}年{month}月督查通报，稍后刷新本页查看。")
    else:  # the row stays 排队中 and requeue_stale_reports (beat) hands it over when the broker is back
        MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING, queued_at=None)
        messages.warning(request, f"{year}年{month}月督查通报已登记，但任务队列暂不可用，将自动重试；稍后刷新本页查看。")
    return redirect("deadlines:reports")


@login_required
def report_download(request, pk: int):
    _require_report_reader(request.user)
    report = get_object_or_404(MonthlyReport.objects.filter(status=ReportStatus.READY).exclude(file=""), pk=pk)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在，请重新生成。") from exc
    return FileResponse(handle, as_attachment=True, filename=f"督查通报_{report.year}年{report.month:02d}月.xlsx")

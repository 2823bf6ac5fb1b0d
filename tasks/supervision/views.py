"""The monthly 督查通报: supervisors and the office read them, the office has a month (re)built."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from deadlines import dates
from deadlines.models import MonthlyReport, ReportStatus
from departments import roles
from reformtracker import xlsx

from . import jobs

report_readers = roles.role_required(roles.is_office, roles.is_supervisor, message="仅督查室和改革办可以查看督查通报。")


@report_readers
def report_list(request):
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
        return redirect("supervision:reports")
    report, _ = MonthlyReport.objects.get_or_create(year=year, month=month)
    if jobs.publish(jobs.build_monthly_report, year, month):
        MonthlyReport.objects.filter(pk=report.pk).update(queued_at=timezone.now())
        messages.success(request, f"已提交生成{year}年{month}月督查通报，稍后刷新本页查看。")
    else:  # the row stays 排队中 and requeue_stale_reports (beat) hands it over when the broker is back
        MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING, queued_at=None)
        messages.warning(request, f"{year}年{month}月督查通报已登记，但任务队列暂不可用，将自动重试；稍后刷新本页查看。")
    return redirect("supervision:reports")


@report_readers
def report_download(request, pk: int):
    report = get_object_or_404(MonthlyReport.objects.filter(status=ReportStatus.READY).exclude(file=""), pk=pk)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在，请重新生成。") from exc
    return FileResponse(handle, as_attachment=True, filename=f"督查通报_{report.year}年{report.month:02d}月.xlsx",
                        content_type=xlsx.CONTENT_TYPE)

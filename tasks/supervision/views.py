"""The 通报 page: every month's 督查通报 (the Word 通报 and its annex workbook), built for any past
month or the current one; the office edits the Word text, supervisors read and download."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from deadlines import dates
from deadlines.models import Bulletin, MonthlyReport, ReportStatus
from departments import roles
from reformtracker import xlsx
from tasks import figures

from . import bulletin as bulletins
from . import jobs
from .forms import BuildForm, BulletinForm, InstantForm
from .report import write_supervision_report

report_readers = roles.role_required(roles.is_office, roles.is_supervisor, message="仅督查室和改革办可以查看督查通报。")
office_only = roles.role_required(roles.is_office, message="仅改革办可以修改督查通报。")

XLSX = xlsx.CONTENT_TYPE
BUSY = (ReportStatus.PENDING, ReportStatus.BUILDING)


@report_readers
def report_list(request):
    if request.method == "POST":
        return _build(request)
    last_year, last_month = dates.previous_month(timezone.localdate())
    initial = {"month": f"{last_year:04d}-{last_month:02d}"}
    return render(request, "deadlines/reports.html", {
        "reports": _with_scope_labels(MonthlyReport.objects.select_related("bulletin")),
        "form": BuildForm(initial=initial),
        "instant_form": InstantForm(initial=initial, auto_id="instant_%s"),
        "can_rebuild": roles.is_office(request.user),
        "busy": BUSY,
    })


def _with_scope_labels(reports) -> list[MonthlyReport]:
    reports = list(reports)
    for report in reports:
        report.scope_label = _scope_label(report)
    return reports


def _scope_label(report: MonthlyReport) -> str:
    try:
        return figures.Scope.parse(report.scope).label(report.as_of)
    except ValueError:
        return report.scope


def _build(request):
    """The office asks for a month's figures to be (re)built; the worker does it and the page
    follows the row (static/js/report_status.js). The Word text already edited is kept."""
    if not roles.is_office(request.user):
        raise PermissionDenied("仅改革办可以生成督查通报。")
    form = BuildForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("month", []) + form.errors.get("scope", []):
            messages.error(request, error)
        return redirect("supervision:reports")
    year, month = form.cleaned_data["month"]
    scope = form.cleaned_data["scope"].key
    report, _ = MonthlyReport.objects.get_or_create(year=year, month=month, scope=scope)
    # 排队中 before the worker can pick it up, so the row the page follows never goes back to it
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING, queued_at=timezone.now())
    if jobs.publish(jobs.build_monthly_report, year, month, **jobs.scope_kwargs(scope)):
        messages.success(request, f"已提交生成{year}年{month}月督查通报，本页会在生成后自动更新。")
    else:  # the row stays 排队中 and requeue_stale_reports (beat) hands it over when the broker is back
        MonthlyReport.objects.filter(pk=report.pk).update(queued_at=None)
        messages.warning(request, f"{year}年{month}月督查通报已登记，但任务队列暂不可用，将自动重试；本页会在生成后自动更新。")
    return redirect("supervision:reports")


@require_GET
@report_readers
def report_status(request):
    """Each month's row as the page shows it: static/js/report_status.js polls this while a row is
    排队中 or 生成中."""
    rows = MonthlyReport.objects.values("pk", "year", "month", "scope", "status", "generated_at", "queued_at")
    labels = dict(ReportStatus.choices)
    return JsonResponse({
        "reports": [
            {"id": r["pk"], "label": f"{r['year']}年{r['month']}月督查通报", "scope": r["scope"], "status": r["status"],
             "status_label": labels.get(r["status"], r["status"]), "busy": r["status"] in BUSY,
             "queued": r["queued_at"] is not None,
             "generated_at": timezone.localtime(r["generated_at"]).strftime("%Y-%m-%d %H:%M")
             if r["generated_at"] else None}
            for r in rows
        ],
    })


def _ready(pk: int) -> MonthlyReport:
    return get_object_or_404(
        MonthlyReport.objects.filter(status=ReportStatus.READY).exclude(file="").select_related("bulletin"), pk=pk
    )


def _read(field) -> bytes:
    try:
        with field.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise Http404("文件不存在，请重新生成。") from exc


def _xlsx_name(report: MonthlyReport) -> str:
    return f"督查通报附表_{report.year}年{report.month:02d}月.xlsx"


def _bulletin_of(report: MonthlyReport) -> Bulletin:
    bulletin = getattr(report, "bulletin", None)
    if bulletin is None or not bulletin.file:
        raise Http404("该月尚无 Word 通报，请重新生成。")
    return bulletin


@report_readers
def report_download(request, pk: int):
    report = _ready(pk)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在，请重新生成。") from exc
    return FileResponse(handle, as_attachment=True, filename=_xlsx_name(report), content_type=XLSX)


@report_readers
def bulletin_download(request, pk: int):
    bulletin = _bulletin_of(_ready(pk))
    try:
        handle = bulletin.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在，请重新生成。") from exc
    return FileResponse(handle, as_attachment=True, filename=bulletins.bulletin_filename(bulletin),
                        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@report_readers
def report_bundle(request, pk: int):
    """The pair as the office sends it: the Word 通报 and its annex workbook in one zip."""
    report = _ready(pk)
    bulletin = _bulletin_of(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(bulletins.bulletin_filename(bulletin), _read(bulletin.file))
        archive.writestr(f"附件：{_xlsx_name(report)}", _read(report.file))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"督查通报_{report.year}年{report.month:02d}月_第{bulletin.issue_number}期.zip"
    )
    return response


@require_GET
@report_readers
def report_instant(request):
    """One month's workbook for a scope (one plan, a year, all), built in the request: no row, no Word text."""
    form = InstantForm(request.GET)
    if not form.is_valid():
        for error in form.errors.get("month", []) + form.errors.get("scope", []):
            messages.error(request, error)
        return redirect("supervision:reports")
    year, month = form.cleaned_data["month"]
    buffer = io.BytesIO()
    write_supervision_report(buffer, year=year, month=month, scope=form.cleaned_data["scope"])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"督查通报-{year}-{month:02d}.xlsx")
    return response


@report_readers
def bulletin_edit(request, pk: int):
    """The Word 通报's text: the office edits it (each save renders the .docx); supervisors read it."""
    report = _ready(pk)
    bulletin = _bulletin_of(report)
    can_edit = roles.is_office(request.user) and not bulletin.is_final
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("仅改革办可以修改督查通报；已定稿的通报请先取消定稿。")
        form = BulletinForm(request.POST, instance=Bulletin.objects.get(pk=bulletin.pk))
        if form.is_valid():
            text = bulletins.BulletinText(**{f: form.cleaned_data[f] for f in BulletinForm.Meta.fields})
            bulletins.bulletin_save(bulletin=bulletin, text=text, user=request.user)
            messages.success(request, f"已保存并重新生成 Word 通报（第{text.issue_number}期）。")
            return redirect("supervision:bulletin", pk=report.pk)
    else:
        form = BulletinForm(instance=bulletin)
    stale = report.generated_at and report.generated_at > bulletin.drafted_at
    return render(request, "deadlines/bulletin.html", {
        "report": report, "bulletin": bulletin, "form": form, "can_edit": can_edit,
        "is_office": roles.is_office(request.user), "stale": stale,
        "requirements_missing": bulletins.requirements_missing(bulletin),
    })


@require_POST
@office_only
def bulletin_redraft(request, pk: int):
    bulletin = _bulletin_of(_ready(pk))
    try:
        bulletins.bulletin_redraft(bulletin=bulletin, user=request.user)
    except bulletins.BulletinFinal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已按最新数据重新起草“总体情况”和“存在问题”；期号、主送、下步工作要求和落款未改动。")
    return redirect("supervision:bulletin", pk=pk)


@require_POST
@office_only
def bulletin_finalize(request, pk: int):
    bulletin = _bulletin_of(_ready(pk))
    final = request.POST.get("final") != "0"
    try:
        bulletins.bulletin_finalize(bulletin=bulletin, user=request.user, final=final)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已定稿：督查室可下载正式通报。" if final else "已取消定稿，可继续修改。")
    return redirect("supervision:bulletin", pk=pk)


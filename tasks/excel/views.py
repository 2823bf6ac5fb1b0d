"""Excel pages: download the filtered task list, import a breakdown table (the monthly 通报 is on the 通报 page).

The task-list download streams: rows go through xlsxwriter's constant_memory mode
(tasks.excel.streaming) into a temporary file on disk, which FileResponse then sends in blocks —
memory stays flat however many rows.
The import keeps the upload in DATA_DIR/breakdown/<uuid>.xlsx between preview and confirm
(the session holds only the uuid), re-parses it on confirm and writes in one transaction.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from departments import roles
from departments.models import Unit
from reformtracker import xlsx
from tasks.excel.breakdown import (
    BreakdownDiff,
    BreakdownFileError,
    Missing,
    NewPlan,
    ParsedBreakdown,
    breakdown_diff,
    breakdown_import,
    format_errors,
    parse_breakdown,
    resolve_units,
    unknown_unit_errors,
    write_breakdown,
)
from tasks.models import Plan, Task
from tasks.planimport.pending import PendingUploads
from tasks.workflow.filters import TaskFilter

XLSX = xlsx.CONTENT_TYPE


_office_required = roles.role_required(roles.is_office, message="只有改革办工作人员可以导入任务分解表。")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- task list download --------------------------------------------------------------------


def _filter_note(filterset) -> str:
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        shown = dict(getattr(field, "choices", ())).get(value, value)
        parts.append(f"{field.label}：{shown}")
    return "筛选条件：" + ("；".join(parts) if parts else "全部")


@require_GET
@roles.role_required(roles.is_office, roles.is_supervisor, roles.is_liaison, message="没有查看任务的权限。")
def task_list(request):
    """The task list as the user sees it now (same query string), as a breakdown workbook."""
    # the list's own FilterSet: the download holds exactly the rows the list shows
    filterset = TaskFilter(request.GET, queryset=Task.objects.all(), request=request)
    if not filterset.is_valid():
        errors = "；".join(f"{filterset.form.fields[f].label}：{'，'.join(e)}" for f, e in filterset.errors.items())
        return HttpResponseBadRequest(f"筛选条件有误：{errors}", content_type="text/plain; charset=utf-8")
    tasks, note = filterset.qs, _filter_note(filterset)
    fh = tempfile.TemporaryFile()
    write_breakdown(fh, tasks, title="任务分解表", note=note)
    fh.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(fh, as_attachment=True, filename=f"任务分解表-{stamp}.xlsx", content_type=XLSX)


# --- monthly report ------------------------------------------------------------------------


@require_GET
def monthly(request):
    """The former 即时通报 page: one 通报 page now holds the archive, the builds and the on-the-spot
    workbook of a plan; a bookmark with a month in it still downloads that workbook."""
    target = reverse("supervision:report_instant" if request.GET.get("month") else "supervision:reports")
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query and request.GET.get("month") else target, permanent=True)


# --- breakdown import ----------------------------------------------------------------------


class BreakdownUploadForm(forms.Form):
    file = forms.FileField(
        label="任务分解表（.xlsx）",
        help_text="列：序号、类别、指标名称、目标任务、牵头单位、责任单位、时间进度、进展情况、状态"
        "（类别、进展情况、状态可省略；也可写作 重点任务、具体举措、完成时限、配合单位、备注）。"
        "从本系统导出后修改的表，导入到原计划时按隐藏的“任务ID”列原地更新原任务。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX, "class": "form-control"}),
        error_messages={"required": "请选择要导入的 .xlsx 文件。", "empty": "文件是空的。"},
    )
    plan = forms.ModelChoiceField(
        label="导入到已有计划", queryset=Plan.objects.all(), required=False, empty_label="（新建计划）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    new_title = forms.CharField(
        label="新计划标题", required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    new_year = forms.IntegerField(
        label="新计划年度", required=False, min_value=2000, max_value=2100,
        help_text="“12月底”“全年”等按这一年解释",
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PLAN_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"文件过大（{upload.size / 1024 / 1024:.1f} MB）：最大 {settings.PLAN_UPLOAD_MAX_BYTES // 1024 // 1024} MB。"
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("plan") is None:
            if not data.get("new_title") or not data.get("new_year"):
                raise forms.ValidationError("请选择一个已有计划，或填写新计划的标题和年度。")
            if Plan.objects.filter(title=data["new_title"], year=data["new_year"]).exists():
                self.add_error("new_title", "已有同标题、同年度的计划，请直接在上面选择它。")
        return data

    @property
    def year(self) -> int:
        plan = self.cleaned_data.get("plan")
        return plan.year if plan else self.cleaned_data["new_year"]


PENDING = PendingUploads(folder="breakdown", suffix=".xlsx", session_key="breakdown_imports")


@_office_required
def breakdown_import_view(request):
    form = BreakdownUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:  # a file that cannot be read at all is refused here, next to the field
            parse_breakdown(io.BytesIO(data), year=form.year)
        except BreakdownFileError as exc:
            form.add_error("file", str(exc))
        else:
            plan = form.cleaned_data.get("plan")
            token = PENDING.add(
                request,
                data,
                filename=upload.name,
                plan=plan.pk if plan else None,
                new_title=form.cleaned_data.get("new_title") or "",
                new_year=form.cleaned_data.get("new_year"),
            )
            return redirect("excel:breakdown_preview", token=token)
    return render(request, "tasks/excel/breakdown_upload.html", {"form": form})


class UnitMappingForm(forms.Form):
    def __init__(self, *args, unknown: list[str], lines: dict[str, list[int]], missing: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        units = Unit.objects.filter(is_active=True).order_by("name")
        for k, name in enumerate(unknown):
            rows = "、".join(map(str, lines.get(name, [])))
            self.fields[f"unit_{k}"] = forms.ModelChoiceField(
                label=name, queryset=units, required=False, empty_label="（新建此单位，待核对）",
                help_text=f"第 {rows} 行" if rows else "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        if missing:
            self.fields["missing"] = forms.ChoiceField(
                label=f"计划中有、文件中没有的 {missing} 项任务", choices=Missing.choices, initial=Missing.KEEP,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def mapping(self) -> dict[str, Unit | None]:
        return {name: self.cleaned_data.get(f"unit_{k}") for k, name in enumerate(self.unknown)}


def _parse_pending(entry: dict, path: Path) -> tuple[ParsedBreakdown, Plan | None, int]:
    plan = Plan.objects.filter(pk=entry["plan"]).first() if entry["plan"] else None
    if entry["plan"] and plan is None:
        raise Http404("所选计划已不存在，请重新上传。")
    year = plan.year if plan else entry["new_year"]
    with path.open("rb") as fh:
        parsed = parse_breakdown(fh, year=year)
    return parsed, plan, year


def _after_import_url(plan: Plan) -> str:
    return reverse("tasks:list") + f"?plan={plan.pk}"


@_office_required
def breakdown_preview(request, token: str):
    entry, path = PENDING.get(request, token)
    try:
        parsed, plan, year = _parse_pending(entry, path)
    except BreakdownFileError as exc:
        PENDING.finish(request, token)
        messages.error(request, str(exc))
        return redirect("excel:breakdown_import")
    known, unknown = resolve_units(parsed.unit_names)
    diff: BreakdownDiff = breakdown_diff(parsed, plan, {**known, **{n: None for n in unknown}})
    errors = sorted(parsed.errors + diff.errors, key=lambda e: e.line)
    form = UnitMappingForm(request.POST or None, unknown=unknown,
                           lines={n: parsed.unit_lines(n) for n in unknown}, missing=len(diff.missing))
    if request.method == "POST" and not errors and form.is_valid():
        new_plan = None if plan else NewPlan(entry["new_title"], entry["new_year"])
        result = breakdown_import(
            rows=parsed, unit_map={**known, **form.mapping()}, user=request.user,
            today=timezone.localdate(), plan=plan, new_plan=new_plan, filename=entry["filename"],
            missing=form.cleaned_data.get("missing") or Missing.KEEP,
        )
        PENDING.finish(request, token)
        messages.success(request, str(result))
        return redirect(_after_import_url(result.plan))
    new_rows = [parsed.rows[i] for i in diff.new]
    source = parsed.key_plans
    source_plan = Plan.objects.filter(pk=next(iter(source))).first() if plan is None and len(source) == 1 else None
    context = {
        "source_plan": source_plan,
        "unknown_lines": unknown_unit_errors(parsed, unknown),
        "form": form,
        "parsed": parsed,
        "diff": diff,
        "errors": list(format_errors(errors)),
        "error_count": len(errors),
        "rows": new_rows[:200],
        "more_rows": max(0, len(new_rows) - 200),
        "changed": diff.changed[:500],
        "more_changed": max(0, len(diff.changed) - 500),
        "missing_tasks": diff.missing[:200],
        "plan_label": str(plan) if plan else f"新建：{entry['new_title']}（{entry['new_year']}年）",
        "year": year,
        "filename": entry["filename"],
        "token": token,
        "unknown": set(unknown),
    }
    return render(request, "tasks/excel/breakdown_preview.html", context)


@_office_required
def breakdown_cancel(request, token: str):
    if request.method == "POST":
        PENDING.finish(request, token)
        messages.info(request, "已取消这次导入，没有写入任何内容。")
    return redirect("excel:breakdown_import")

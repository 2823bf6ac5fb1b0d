"""Import a plan in the browser: upload or paste → preview with corrections → confirm.

Between preview and confirm the text waits in DATA_DIR/imports/<uuid>.txt; the session
only holds the uuid (and file name, year), and only this user's session can reach it.
On confirm the text is parsed again and the corrections applied, in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from departments import roles
from tasks.importers import ImportFailure
from tasks.models import Plan, Task
from tasks.planimport.forms import ImportEditsForm, PlanUploadForm
from tasks.planimport.pending import PendingUploads
from tasks.planimport.services import plan_import, plan_import_preview, plan_parse, plan_prepare

RESULT_KEY = "plan_import_result"
YEAR_REASONS = {  # why the preview shows this year (tasks.importers.years)
    "override": "由导入时指定。",
    "title": "取自标题。",
    "doc_number": "标题中没有年份，取自文号。",
    "heading": "标题中没有年份，取自文首的标题行。",
    "dates": "标题中没有年份，按文中最早写明的年份。请核对。",
    "issue_date": "标题中没有年份，按发文日期。请核对。",
    "notice": "标题中没有年份，按文首引用的文号。请核对。",
    "page": "标题中没有年份，按网页上的发布日期。请核对。",
    "preamble": "标题中没有年份，按文首说明中写明的计划年度。请核对。",
    "inferred": "标题中没有年份，按文中提到的往年推断。请核对。",
    "mentioned": "标题中没有年份，按任务中最常写到的年份。请核对。",
    "today": "文中没有年份，暂按今年（文中没有需要年份换算的时间）。",
}


office_required = roles.role_required(roles.is_office, message="只有改革办工作人员可以导入计划。")


PENDING = PendingUploads(folder="imports", suffix=".txt", session_key="plan_imports")


@office_required
def upload(request):
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = PENDING.add(
            request, form.source_text.encode("utf-8"), filename=form.filename, year=form.cleaned_data.get("year")
        )
        return redirect("imports:preview", token=token)
    return render(request, "tasks/import/upload.html", {"form": form})


@office_required
def preview(request, token: str):
    entry, path = PENDING.get(request, token)
    text = path.read_text(encoding="utf-8")
    try:
        parsed = plan_parse(text=text, year=entry["year"], filename=entry["filename"])
    except ImportFailure as exc:  # the alias table changed under us; say so rather than crash
        PENDING.finish(request, token)
        messages.error(request, str(exc))
        return redirect("imports:upload")
    if request.method == "POST" and "set_year" in request.POST:
        # the office settles the plan's year: every date is read again with it; nothing is written
        try:
            new_year = int(request.POST.get("plan_year", ""))
        except ValueError:
            new_year = 0
        if 1900 <= new_year <= 2200:
            entry["year"] = new_year
            request.session.modified = True
            messages.info(request, f"已按 {new_year} 年重新计算文中的日期。")
        else:
            messages.error(request, "计划年度应为四位数年份，例如 2020。")
        return redirect("imports:preview", token=token)
    summary = plan_import_preview(parsed=parsed)
    data = request.POST if request.method == "POST" else None  # an empty POST (no corrections) still confirms
    form = ImportEditsForm(data, plan=plan_prepare(parsed), new_units=summary.new_units)
    if request.method == "POST" and form.is_valid():
        try:
            result = plan_import(
                parsed=parsed, source_text=text, filename=entry["filename"], user=request.user, edits=form.edits()
            )
        except ImportFailure as exc:
            form.add_error(None, str(exc))
        else:
            PENDING.finish(request, token)
            request.session[RESULT_KEY] = {
                "plan": result.plan.pk, "lines": result.summary_lines(), "created": result.created_ids,
            }
            return redirect("imports:done", plan_id=result.plan.pk)
    status = {i.ref: ("new", []) for i in summary.new} | {c.key: ("changed", c.what) for c in summary.changed}
    context = {
        "form": form,
        "parsed": parsed,
        "summary": summary,
        "rows": form.rows(status),
        "unit_fields": form.unit_fields(),
        "unknown": set(parsed.unknown_units),
        "filename": entry["filename"] or "粘贴的文本",
        "year_reason": YEAR_REASONS.get(parsed.meta.year_source, ""),
        "token": token,
    }
    return render(request, "tasks/import/preview.html", context)


@office_required
def cancel(request, token: str):
    if request.method == "POST":
        PENDING.finish(request, token)
        messages.info(request, "已取消这次导入，没有写入任何内容。")
    return redirect("imports:upload")


DONE_SHOWN = 200  # the rest are a click away, in the task list filtered to the plan


@office_required
def done(request, plan_id: int):
    """What the import wrote: its summary, the new tasks (number, title, lead unit, first deadline) and
    links to the task list filtered to the plan and to each of its top-level sections."""
    plan = get_object_or_404(Plan, pk=plan_id)
    result = request.session.get(RESULT_KEY) or {}
    mine = result.get("plan") == plan.pk
    created = result.get("created", []) if mine else []
    new_tasks = (
        Task.objects.filter(plan=plan, pk__in=created)
        .select_related("lead_unit", "section")
        .only("number", "title", "order", "next_due", "parent_id", "lead_unit__name", "section__title")
        .order_by("order", "pk")
    )
    context = {
        "plan": plan,
        "lines": result.get("lines", []) if mine else [],
        "new_tasks": new_tasks[:DONE_SHOWN],
        "new_count": len(created),
        "sections": plan.sections.filter(parent=None).order_by("order", "pk"),
    }
    return render(request, "tasks/import/done.html", context)

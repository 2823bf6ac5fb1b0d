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
from tasks.models import Plan
from tasks.planimport.forms import ImportEditsForm, PlanUploadForm
from tasks.planimport.pending import PendingUploads
from tasks.planimport.services import plan_import, plan_import_preview, plan_parse, plan_prepare

RESULT_KEY = "plan_import_result"


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
            request.session[RESULT_KEY] = {"plan": result.plan.pk, "lines": result.summary_lines()}
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
        "token": token,
    }
    return render(request, "tasks/import/preview.html", context)


@office_required
def cancel(request, token: str):
    if request.method == "POST":
        PENDING.finish(request, token)
        messages.info(request, "已取消这次导入，没有写入任何内容。")
    return redirect("imports:upload")


@office_required
def done(request, plan_id: int):
    plan = get_object_or_404(Plan, pk=plan_id)
    result = request.session.get(RESULT_KEY) or {}
    lines = result.get("lines", []) if result.get("plan") == plan.pk else []
    return render(request, "tasks/import/done.html", {"plan": plan, "lines": lines})

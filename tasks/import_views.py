"""Import a plan in the browser: upload or paste → preview with corrections → confirm.

Between preview and confirm the text waits in DATA_DIR/imports/<uuid>.txt; the session
only holds the uuid (and file name, year), and only this user's session can reach it.
On confirm the text is parsed again and the corrections applied, in one transaction.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from departments import roles
from tasks.import_forms import ImportEditsForm, PlanUploadForm
from tasks.importers import ImportFailure
from tasks.models import Plan
from tasks.services.plans import plan_import, plan_import_preview, plan_parse, plan_prepare

SESSION_KEY = "plan_imports"
RESULT_KEY = "plan_import_result"
KEEP_SECONDS = 2 * 24 * 3600  # a preview nobody confirmed is forgotten after two days


office_required = roles.role_required(roles.is_office, message="只有改革办工作人员可以导入计划。")


def _import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_old_uploads(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for f in folder.glob("*.txt"):
        if f.stat().st_mtime < cutoff:
            f.unlink(missing_ok=True)


def _pending(request, token: str) -> tuple[dict, Path]:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    path = _import_dir() / f"{token}.txt"
    if entry is None or not path.is_file():
        raise Http404("这次导入已失效，请重新上传。")
    return entry, path


def _finish(request, token: str) -> None:
    if request.session.get(SESSION_KEY, {}).pop(token, None) is not None:
        (_import_dir() / f"{token}.txt").unlink(missing_ok=True)
        request.session.modified = True


@office_required
def upload(request):
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        folder = _import_dir()
        _forget_old_uploads(folder)
        token = uuid.uuid4().hex
        (folder / f"{token}.txt").write_text(form.source_text, encoding="utf-8")
        pending = request.session.setdefault(SESSION_KEY, {})
        pending[token] = {"filename": form.filename, "year": form.cleaned_data.get("year")}
        request.session.modified = True
        return redirect("imports:preview", token=token)
    return render(request, "tasks/import/upload.html", {"form": form})


@office_required
def preview(request, token: str):
    entry, path = _pending(request, token)
    text = path.read_text(encoding="utf-8")
    try:
        parsed = plan_parse(text=text, year=entry["year"], filename=entry["filename"])
    except ImportFailure as exc:  # the alias table changed under us; say so rather than crash
        _finish(request, token)
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
            _finish(request, token)
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
        _finish(request, token)
        messages.info(request, "已取消这次导入，没有写入任何内容。")
    return redirect("imports:upload")


@office_required
def done(request, plan_id: int):
    plan = get_object_or_404(Plan, pk=plan_id)
    result = request.session.get(RESULT_KEY) or {}
    lines = result.get("lines", []) if result.get("plan") == plan.pk else []
    return render(request, "tasks/import/done.html", {"plan": plan, "lines": lines})

"""The office merges a unit into another (the same unit under two names)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from departments.forms import UnitMergeForm
from departments.models import Unit
from departments.roles import office_only
from tasks.workflow import services as workflow


@office_only
def unit_merge(request, pk):
    source = get_object_or_404(Unit.objects.annotate(task_count=Count("assignments")), pk=pk)
    form = UnitMergeForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            target = workflow.unit_merge(source=source, target=form.cleaned_data["target"], user=request.user)
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已将“{source.name}”合并到“{target.name}”。")
            return redirect("departments:edit", target.pk)
    return render(request, "departments/unit_merge.html", {"form": form, "unit": source})

"""导入节假日安排: the office pastes the State Council notice, sees every date it will write,
and confirms (deadlines.holiday_notice parses, deadlines.holiday_import saves)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone

from departments import roles

from .holiday_import import CalendarChanged, apply_notice, plan_notice
from .holiday_notice import NoticeError, parse_notice
from .models import CalendarDay, DaySource


class NoticeForm(forms.Form):
    text = forms.CharField(
        label="通知全文",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14, "class": "form-control",
                                     "placeholder": "国务院办公厅关于2027年部分节假日安排的通知\n……\n一、元旦：……"}),
        error_messages={"required": "请粘贴国务院办公厅通知全文", "max_length": "通知过长（最多 %(limit_value)d 字）"},
    )
    overwrite = forms.BooleanField(label="以通知为准，覆盖上面标为冲突的手工录入记录", required=False)
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)


@roles.role_required(roles.is_office, message="仅改革办可以导入节假日安排。")
def holiday_import(request):
    form = NoticeForm(request.POST or None)
    context = {"form": form, "years": _stored_years()}
    if request.method == "POST" and form.is_valid():
        try:
            notice = parse_notice(form.cleaned_data["text"])
        except NoticeError as error:
            form.add_error("text", str(error))
            return render(request, "deadlines/holiday_import.html", context)
        if "confirm" in request.POST:
            try:
                plan = apply_notice(
                    notice,
                    overwrite_conflicts=form.cleaned_data["overwrite"],
                    expect=form.cleaned_data["fingerprint"] or "-",
                )
            except CalendarChanged as changed:
                messages.error(request, str(changed))
            else:
                counts = plan.counts
                updated = counts["update"] + (counts["conflict"] if form.cleaned_data["overwrite"] else 0)
                kept = 0 if form.cleaned_data["overwrite"] else counts["conflict"]
                messages.success(
                    request,
                    f"已保存{notice.year}年节假日安排：新增 {counts['new']} 天，更新 {updated} 天，"
                    f"删除 {counts['remove']} 天，不变 {counts['same']} 天"
                    + (f"；{kept} 天与改革办录入的记录冲突，已保留原记录。" if kept else "。"),
                )
                return redirect("deadlines:holiday_import")
        context.update(notice=notice, plan=plan_notice(notice))
    return render(request, "deadlines/holiday_import.html", context)


def _stored_years() -> list[dict]:
    """What the office's table holds from last year on: days per year and where they came from."""
    since = timezone.localdate().year - 1
    return list(
        CalendarDay.objects.filter(date__year__gte=since)
        .values("date__year")
        .annotate(
            days=Count("pk"),
            notice=Count("pk", filter=Q(source=DaySource.NOTICE)),
            package=Count("pk", filter=Q(source=DaySource.PACKAGE)),
            office=Count("pk", filter=Q(source=DaySource.OFFICE)),
        )
        .order_by("date__year")
    )

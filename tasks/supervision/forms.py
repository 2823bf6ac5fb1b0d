"""The choice of a 督查通报: which month, which plans (统计范围)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from tasks import figures


def month_refusal(year: int, month: int, today: dt.date | None = None) -> str:
    """Why year-month cannot be reported on `today` ("" when it can)."""
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return "月份格式应为 年-月，如 2020-09。"
    today = today or timezone.localdate()
    if dt.date(year, month, 1) > today:
        return f"{year}年{month}月尚未开始，不能生成该月督查通报；本月的通报按生成当日的数据统计。"
    return ""


class ScopeField(forms.ChoiceField):
    """当前计划 (default) / 全部计划 / a plan year / one plan, as a figures.Scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "统计范围")
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "默认“当前计划”：本年度、仍在办的计划（见统计口径说明）")
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(choices=lambda: figures.scope_choices(timezone.localdate()), **kwargs)

    def to_python(self, value):
        return super().to_python(value) or "current"

    def validate(self, value):
        # plans come and go: any well-formed key is accepted, an unknown plan reports nothing
        pass

    def clean(self, value) -> figures.Scope:
        value = self.to_python(value)
        try:
            return figures.Scope.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ReportMonthForm(forms.Form):
    month = forms.CharField(
        label="月份", widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}),
        help_text="例如 2020-09：数据截至该月最后一天 24 时；本月按生成当日统计",
    )
    scope = ScopeField()

    def clean_month(self) -> tuple[int, int]:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", self.cleaned_data["month"].strip())
        if not m:
            raise forms.ValidationError("月份格式应为 年-月，如 2020-09。")
        year, month = int(m[1]), int(m[2])
        refusal = month_refusal(year, month)
        if refusal:
            raise forms.ValidationError(refusal)
        return year, month

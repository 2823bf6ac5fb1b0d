"""The 通报 page's forms: which month and which plans (统计范围) to build, a workbook on the spot,
the Word 通报's text."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from deadlines.models import Bulletin
from tasks import figures

from .report import month_refusal


class ScopeField(forms.ChoiceField):
    """当前计划 (default) / 全部计划 / a plan year / one plan, as a figures.Scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "统计范围")
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "默认“当前计划”：本年度及上年度结转、仍在办的计划（见统计口径说明）")
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


def month_value(day: dt.date) -> str:
    return f"{day:%Y-%m}"


class MonthField(forms.CharField):
    """A month from <input type="month"> (2020-09) as (year, month); months not yet begun are refused:
    the current month is reported as of today, a future one has nothing to report."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "月份")
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month", "class": "form-control",
                                                           "min": "2000-01"}))
        kwargs.setdefault("error_messages", {"required": "请选择月份。"})
        super().__init__(**kwargs)

    def clean(self, value) -> tuple[int, int]:
        text = super().clean(value).strip()
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not m:
            raise forms.ValidationError("月份格式应为 年-月，如 2020-09。")
        year, month = int(m[1]), int(m[2])
        refusal = month_refusal(year, month)
        if refusal:
            raise forms.ValidationError(refusal)
        return year, month


class MonthForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget.attrs["max"] = month_value(timezone.localdate())  # the picker stops today


class BuildForm(MonthForm):
    month = MonthField(help_text="已结束的月份数据截至该月最后一天 24 时；本月数据截至今日。")
    scope = ScopeField()


class InstantForm(MonthForm):
    """The workbook of one month and scope, built in the request and downloaded at once."""

    month = MonthField()
    scope = ScopeField()

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("plan") and not data.get("scope"):  # links made before 统计范围
            data = data.copy()
            data["scope"] = f"plan:{data['plan']}"
        super().__init__(data, *args, **kwargs)


class BulletinForm(forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = ["issue_number", "issued_on", "title", "addressee", "overview", "problems", "requirements",
                  "signature"]
        labels = {"issue_number": "期号（第N期）", "issued_on": "印发日期（刊头与落款）", "requirements": "下步工作要求",
                  "signature": "落款单位"}
        help_texts = {
            "overview": "按数据起草，可直接修改；每行一段。",
            "problems": "按数据起草，可直接修改；每行一段。",
            "requirements": "由改革办填写，如“一是……；二是……”；每行一段。定稿前须填写。",
        }
        widgets = {
            "issue_number": forms.NumberInput(attrs={"class": "form-control", "min": 1}),
            "issued_on": forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            "title": forms.TextInput(attrs={"class": "form-control"}),
            "addressee": forms.Textarea(attrs={"class": "form-control", "rows": 2}),
            "overview": forms.Textarea(attrs={"class": "form-control", "rows": 8}),
            "problems": forms.Textarea(attrs={"class": "form-control", "rows": 8}),
            "requirements": forms.Textarea(attrs={"class": "form-control", "rows": 6}),
            "signature": forms.TextInput(attrs={"class": "form-control"}),
        }
        error_messages = {
            "issue_number": {"required": "请填写期号。", "invalid": "期号应为正整数。"},
            "issued_on": {"required": "请填写印发日期。", "invalid": "日期格式应为 年-月-日。"},
            "title": {"required": "请填写标题。"},
            "addressee": {"required": "请填写主送单位。"},
            "overview": {"required": "请填写总体情况。"},
            "signature": {"required": "请填写落款单位。"},
        }

    def clean_issue_number(self) -> int:
        number = self.cleaned_data["issue_number"]
        if number < 1:
            raise forms.ValidationError("期号应为正整数。")
        return number

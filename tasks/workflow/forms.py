"""Forms of the task pages. Validation that needs the database lives in the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.forms import inlineformset_factory

from deadlines.models import Milestone
from departments.models import Unit
from tasks.models import Assignment, AssignmentRole, DisputeResolution, Task, TaskStatus
from tasks.workflow.services import (
    TASK_EDIT_FIELDS,
    WorkflowError,
    evidence_content_type,
    extendable_milestones,
    urging_default_reply_by,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionMixin(forms.Form):
    """The task version the page was loaded with (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TaskEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Task
        fields = TASK_EDIT_FIELDS
        widgets = {"text": forms.Textarea(attrs={"rows": 6}), "target": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = self.instance.plan.sections.all()
        self.fields["percent"].widget.attrs.update(min=0, max=100)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        # done / done late are reached only through 办结审核 (and left through 重新打开)
        if self.instance.is_closed:
            del self.fields["status"]
        else:
            self.fields["status"].choices = [
                (TaskStatus.NOT_STARTED, TaskStatus.NOT_STARTED.label),
                (TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS.label),
            ]

    def clean_percent(self):
        percent = self.cleaned_data["percent"]
        if percent > 100:
            raise forms.ValidationError("完成进度不能超过 100%。")
        return percent

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in TASK_EDIT_FIELDS if name in self.fields}


class VersionForm(VersionMixin):
    pass


AssignmentFormSet = inlineformset_factory(
    Task,
    Assignment,
    fields=("unit", "role", "order"),
    extra=2,
    can_delete=True,
)

MilestoneFormSet = inlineformset_factory(
    Task,
    Milestone,
    fields=("due_on", "phrase", "what", "recurrence", "order"),
    extra=1,
    can_delete=True,
    widgets={"due_on": DATE, "what": forms.TextInput()},
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class ProgressForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="报送单位")
    period = MonthField(label="所属月份")
    percent = forms.IntegerField(label="完成进度(%)", min_value=0, max_value=100)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label="佐证材料", required=False, help_text="PDF、Word、Excel、PowerPoint、JPG/PNG，可多选")
    asks_completion = forms.BooleanField(label="申请办结（任务已全部完成）", required=False)

    def __init__(self, *args, units, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()
        self.fields["period"].initial = today.replace(day=1)

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = []
        for f in files:
            try:
                evidence_content_type(f)
            except WorkflowError as exc:
                errors.append(str(exc))
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        data = super().clean()
        if data.get("asks_completion") and not data.get("files"):
            self.add_error("files", "申请办结须上传佐证材料。")
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果", choices=[("accept", "通过"), ("return", "退回")], widget=forms.RadioSelect
    )
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", "退回必须填写审核意见。")
        return data


class CloseForm(VersionMixin):
    completed_on = forms.DateField(label="完成日期", widget=DATE)
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, today: dt.date, unconfirmed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["completed_on"].initial = today
        if unconfirmed:
            # a confirmation step: the office closes a task some unit never 签收'd only on purpose
            self.fields["despite_unconfirmed"] = forms.BooleanField(
                label=f"{'、'.join(a.unit.name for a in unconfirmed)}尚未签收，仍确认办结",
                error_messages={"required": "有承办单位尚未签收：请勾选确认后再办结，或先请其签收。"},
            )

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > self.today:
            raise forms.ValidationError("完成日期不能晚于今天。")
        return value


class ReopenForm(VersionMixin):
    reason = forms.CharField(label="重新打开原因", widget=forms.Textarea(attrs={"rows": 2}))


URGE_MESSAGE = "请抓紧推进并及时报送进展。"


class _ReplyByMixin(forms.Form):
    reply_by = forms.DateField(label="回复期限", widget=DATE, help_text="默认三个工作日后；逾期未回复的催办列入改革办的“催办未回复”")

    def _init_reply_by(self, today: dt.date):
        self.today = today
        self.fields["reply_by"].initial = urging_default_reply_by(today)

    def clean_reply_by(self):
        value = self.cleaned_data["reply_by"]
        if value < self.today:
            raise forms.ValidationError("回复期限不能早于今天。")
        return value


class UrgeForm(_ReplyByMixin):
    """催办 from the task page: the task's units as checkboxes (the lead units ticked)."""

    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label="催办单位", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个被催办单位。"},
    )
    message = forms.CharField(label="催办内容", widget=forms.Textarea(attrs={"rows": 2}), initial=URGE_MESSAGE)
    field_order = ["units", "message", "reply_by"]

    def __init__(self, *args, task: Task, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = list(task.assignments.select_related("unit").order_by("order", "pk"))
        self.fields["units"].queryset = Unit.objects.filter(pk__in=[a.unit_id for a in self.assignments])
        self.fields["units"].initial = [a.unit_id for a in self.assignments if a.role == AssignmentRole.LEAD]
        self._init_reply_by(today)

    def checked(self) -> set[int]:
        values = self["units"].value() or []
        return {int(v) for v in values if str(v).isdigit()}


class BatchUrgeForm(_ReplyByMixin):
    """批量催办 from the task list: the selected tasks, all their units or only the lead units."""

    ALL, LEAD = "all", "lead"
    tasks = forms.ModelMultipleChoiceField(
        queryset=Task.objects.none(), widget=forms.MultipleHiddenInput,
        error_messages={"required": "请先在任务列表中勾选要催办的任务。"},
    )
    scope = forms.ChoiceField(
        label="催办哪些单位", choices=[(ALL, "各任务的全部承办单位"), (LEAD, "仅牵头单位")],
        initial=ALL, widget=forms.RadioSelect,
    )
    message = forms.CharField(label="催办内容", widget=forms.Textarea(attrs={"rows": 2}), initial=URGE_MESSAGE)
    field_order = ["tasks", "scope", "message", "reply_by"]

    def __init__(self, *args, tasks, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = tasks
        self._init_reply_by(today)


class AnswerForm(forms.Form):
    answer = forms.CharField(label="回复", widget=forms.Textarea(attrs={"rows": 2}))


class DisputeForm(forms.Form):
    reason = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label="处理方式",
        choices=[(DisputeResolution.INSISTED, "维持分工"), (DisputeResolution.REASSIGNED, "改派给其他单位")],
        widget=forms.RadioSelect,
    )
    new_unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(is_active=True), label="改派单位", required=False
    )
    note = forms.CharField(label="处理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("resolution") == DisputeResolution.REASSIGNED and not data.get("new_unit"):
            self.add_error("new_unit", "改派必须选择新的单位。")
        return data


class ExtensionForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="申请单位")
    milestone = forms.ModelChoiceField(queryset=Milestone.objects.none(), label="时间节点")
    proposed_date = forms.DateField(label="申请延至", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, task: Task, units, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if len(units) == 1:  # the usual case: one unit, nothing to choose
            self.fields["unit"].initial = units[0]
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].disabled = True
        # only milestones whose date has not passed (and without a pending request) may be extended
        self.fields["milestone"].queryset = extendable_milestones(task=task, units=units, today=today)

    def clean(self):
        data = super().clean()
        milestone, proposed = data.get("milestone"), data.get("proposed_date")
        if milestone and proposed and proposed <= milestone.due_on:
            self.add_error("proposed_date", "申请延至的日期必须晚于原截止日期。")
        return data


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批结果", choices=[("approve", "批准"), ("refuse", "不予批准")], widget=forms.RadioSelect
    )
    reason = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", "不予批准必须填写理由。")
        return data

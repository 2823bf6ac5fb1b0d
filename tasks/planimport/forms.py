"""Forms of the plan import pages: the upload (file or pasted text) and the corrections on the preview."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.conf import settings

from departments.forms import UnitPicker
from departments.models import Unit
from tasks.importers import ImportFailure, ParsedItem, ParsedPlan, YearNeeded, read_document
from tasks.planimport.services import ImportEdits, plan_parse

ACCEPT = ".txt,.docx,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="计划文件",
        required=False,
        help_text="Word（.docx）或文本文件（.txt，UTF-8 或 GBK 编码），不超过 10 MB",
        error_messages={"empty": "文件是空的：没有可导入的内容。"},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )
    text = forms.CharField(
        label="或直接粘贴计划全文",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control", "placeholder": "从 Word 中复制全文粘贴到这里"}),
    )
    year = forms.IntegerField(
        label="计划年度（可选）",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="文中看不出年份时填写，例如 2020",
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    source_text: str = ""
    filename: str = ""
    parsed: ParsedPlan | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        # Checked on the size the browser announced, before reading a large file into memory.
        if upload.size > settings.PLAN_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"文件过大（{upload.size / 1024 / 1024:.1f} MB）：最大 {settings.PLAN_UPLOAD_MAX_BYTES // 1024 // 1024} MB。"
            )
        try:
            self.source_text = read_document(upload.read(), upload.name)
        except ImportFailure as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.filename = upload.name
        return upload

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        upload, pasted = data.get("file"), data.get("text") or ""
        if not upload:
            if not pasted.strip():
                raise forms.ValidationError("请选择要导入的文件，或粘贴计划全文。")
            self.source_text, self.filename = pasted, ""
        field_name = "file" if upload else "text"
        try:
            self.parsed = plan_parse(text=self.source_text, year=data.get("year"), filename=self.filename)
        except YearNeeded as exc:
            self.add_error("year", str(exc))  # the text is fine; the office only has to say the year
        except ImportFailure as exc:
            self.add_error(field_name, str(exc))
        return data


@dataclass
class ItemRow:
    """One task on the preview page, with the form fields that correct it."""

    item: ParsedItem
    depth: int
    drop: forms.BoundField
    dates: list[tuple[str, forms.BoundField]] = field(default_factory=list)  # (phrase, field)
    settle: list[tuple[str, forms.BoundField]] = field(default_factory=list)
    lead: forms.BoundField | None = None  # which of the item's units lead
    status: str = ""  # "new" / "changed" / ""
    changes: list[str] = field(default_factory=list)


class ImportEditsForm(forms.Form):
    """Built from the parse the preview shows; field names are positions, stable while the text is."""

    def __init__(self, *args, plan: ParsedPlan, new_units: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.items: list[tuple[ParsedItem, int]] = list(_walk(plan.items))
        self.new_units = new_units
        units = Unit.objects.filter(is_active=True).order_by("name")
        self.fields["title"] = forms.CharField(
            label="计划标题", initial=plan.meta.title, max_length=300, required=False,
        )
        self.fields["first_leads"] = forms.BooleanField(
            label="未标明牵头单位的任务，以列第一位的单位为牵头单位", required=False,
        )
        # the lead checkboxes are applied only when the page that showed them is what was posted
        self.leads_posted = bool(self.data.get("leads_shown"))
        for i, (item, _) in enumerate(self.items):
            self.fields[f"drop_{i}"] = forms.BooleanField(label="不是任务，不导入", required=False)
            if item.responsible_units:
                self.fields[f"lead_{i}"] = forms.MultipleChoiceField(
                    label="牵头单位", required=False, widget=forms.CheckboxSelectMultiple,
                    choices=[(u.name, u.name) for u in item.responsible_units],
                    initial=[u.name for u in item.lead_units],
                )
            for j, d in enumerate(item.deadlines):
                # left empty, the date stays as read from the document
                self.fields[f"date_{i}_{j}"] = forms.DateField(
                    label=d.phrase, initial=d.date, required=False,
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    error_messages={"invalid": "日期格式应为 年-月-日"},
                )
            for j, phrase in enumerate(item.unresolved):
                self.fields[f"settle_{i}_{j}"] = forms.DateField(
                    label=phrase, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    error_messages={"invalid": "日期格式应为 年-月-日"},
                )
        for k, name in enumerate(new_units):
            self.fields[f"unit_{k}"] = forms.ModelChoiceField(
                label=name, queryset=units, required=False, empty_label="（新建此单位，待核对）",
                widget=UnitPicker(attrs={"class": "form-select form-select-sm"}),
            )

    def clean_title(self) -> str:
        # left empty, the title stays as read; but a plan needs one (its key when there is no 文号)
        title = self.cleaned_data.get("title", "").strip() or self.plan.meta.title
        if not title:
            raise forms.ValidationError("没有识别出计划标题，请填写。")
        return title

    def rows(self, status: dict[str, tuple[str, list[str]]]) -> list[ItemRow]:
        rows = []
        for i, (item, depth) in enumerate(self.items):
            state, changes = status.get(item.ref, ("", []))
            rows.append(
                ItemRow(
                    item=item,
                    depth=depth,
                    drop=self[f"drop_{i}"],
                    dates=[(d.phrase, self[f"date_{i}_{j}"]) for j, d in enumerate(item.deadlines)],
                    settle=[(p, self[f"settle_{i}_{j}"]) for j, p in enumerate(item.unresolved)],
                    lead=self[f"lead_{i}"] if f"lead_{i}" in self.fields else None,
                    status=state,
                    changes=changes,
                )
            )
        return rows

    def unit_fields(self) -> list[forms.BoundField]:
        return [self[f"unit_{k}"] for k in range(len(self.new_units))]

    def edits(self) -> ImportEdits:
        data = self.cleaned_data
        edits = ImportEdits()
        if data.get("title") and data["title"] != self.plan.meta.title:
            edits.title = data["title"]
        edits.first_unit_leads = bool(data.get("first_leads"))
        for i, (item, _) in enumerate(self.items):
            if data.get(f"drop_{i}"):
                edits.drop.add(item.ref)
            if self.leads_posted and f"lead_{i}" in self.fields:
                chosen = list(data.get(f"lead_{i}") or [])
                if set(chosen) != {u.name for u in item.lead_units}:
                    edits.leads[item.ref] = chosen
            for j, d in enumerate(item.deadlines):
                day = data.get(f"date_{i}_{j}")
                if day and day != d.date:
                    edits.dates[(item.ref, j)] = day
            for j, _phrase in enumerate(item.unresolved):
                day = data.get(f"settle_{i}_{j}")
                if day:
                    edits.settle[(item.ref, j)] = day
        for k, name in enumerate(self.new_units):
            unit = data.get(f"unit_{k}")
            if unit is not None:
                edits.unit_map[name] = unit.pk
        return edits


def _walk(items: list[ParsedItem], depth: int = 0):
    for it in items:
        yield it, depth
        yield from _walk(it.children, depth + 1)

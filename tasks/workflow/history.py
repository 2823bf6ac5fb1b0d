"""The change history of one task (who changed what, when), read from django-simple-history.

Diffs are computed in Python from each model's history rows in one query per
model, so the page costs the same number of queries however long the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from deadlines.models import Milestone
from departments.models import Unit
from tasks.models import Assignment, ProgressReport, Task

# Bookkeeping fields nobody needs to read in a history.
SKIP = {
    "id", "version", "created_at", "updated_at", "flag", "progress_missing", "order", "task", "state",
    "plan", "import_key", "source",
}
KEEP_STATE_FOR = {"Assignment"}  # an assignment's 签收状态 is news; a milestone's computed state is not

ACTIONS = {"+": "新建", "~": "修改", "-": "删除"}
# Date fields that hold a month (the 1st of it): a progress report's 报送期 reads 2026年12月, not 2026-12-01.
MONTH_FIELDS = {(ProgressReport, "period")}


def month_label(value: dt.date) -> str:
    return f"{value.year}年{value.month}月"


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    when: dt.datetime
    who: str
    what: str  # 任务 / 分工 / 时间节点 / 进展
    subject: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


def _tracked_fields(model) -> list[models.Field]:
    keep_state = model.__name__ in KEEP_STATE_FOR
    return [
        f
        for f in model._meta.concrete_fields
        if (f.name not in SKIP or (keep_state and f.name == "state"))
        and hasattr(model.history.model, f.attname)
    ]


def _display(f: models.Field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if (f.model, f.name) in MONTH_FIELDS and isinstance(value, dt.date):
        return month_label(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        return names.get((f.related_model, value), f"#{value}")
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    return text if len(text) <= 120 else text[:120] + "…"


def task_history(task: Task, *, report_units: list[int] | None = None, limit: int = 300) -> list[Change]:
    """Newest first. `report_units` limits progress-report rows to those units (a liaison's view)."""
    reports = ProgressReport.history.filter(task_id=task.pk)
    if report_units is not None:
        reports = reports.filter(unit_id__in=report_units)
    sources = [
        ("任务", Task, task.history.all()),
        ("分工", Assignment, Assignment.history.filter(task_id=task.pk)),
        ("时间节点", Milestone, Milestone.history.filter(task_id=task.pk)),
        ("进展", ProgressReport, reports),
    ]
    User = get_user_model()
    rows_by_source = []
    fk_ids: dict[type, set] = {}
    for what, model, qs in sources:
        fields = _tracked_fields(model)
        rows = list(qs.select_related("history_user").order_by("id", "history_date", "history_id"))
        rows_by_source.append((what, model, fields, rows))
        for f in fields:
            if isinstance(f, models.ForeignKey):
                ids = fk_ids.setdefault(f.related_model, set())
                ids.update(v for r in rows if (v := getattr(r, f.attname)) is not None)
    # one query per referenced model (units, users, sections, …), however many rows
    names: dict = {}
    for related, ids in fk_ids.items():
        for pk, obj in related._default_manager.in_bulk(ids).items():
            label = (obj.get_full_name() or obj.username) if related is User else str(obj)
            names[(related, pk)] = label

    changes: list[Change] = []
    for what, model, fields, rows in rows_by_source:
        previous: dict[int, object] = {}
        for row in rows:
            before = previous.get(row.id)
            previous[row.id] = row
            diffs = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(before, f.attname) if before is not None else None
                if row.history_type == "+" and new in (None, "", 0, False):
                    continue
                if row.history_type == "~" and old == new:
                    continue
                if row.history_type == "-":
                    continue
                diffs.append(FieldChange(str(f.verbose_name), _display(f, old, names), _display(f, new, names)))
            if row.history_type == "~" and not diffs:
                continue  # a save that changed only bookkeeping fields
            who = row.history_user.get_full_name() or row.history_user.username if row.history_user else "系统"
            changes.append(
                Change(
                    when=row.history_date,
                    who=who,
                    what=what,
                    subject=_subject(model, row, names),
                    action=ACTIONS.get(row.history_type, row.history_type),
                    changes=diffs,
                )
            )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def _subject(model, row, names) -> str:
    if model is Task:
        return f"{row.number} {row.title}".strip()[:60]
    if model is Assignment:
        return names.get((Unit, row.unit_id), "")
    if model is Milestone:
        return f"{row.due_on:%Y-%m-%d}{('（' + row.phrase + '）') if row.phrase else ''}"
    if model is ProgressReport:
        return f"{names.get((Unit, row.unit_id), '')} {month_label(row.period)}"
    return ""

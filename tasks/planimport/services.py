"""Writing a parsed plan (tasks.importers) into the database, and saying beforehand what that will change.

The parser turns text into plain dataclasses; everything here happens in one
`transaction.atomic`, so a plan is either imported whole or not at all. A
re-import of the same plan (same 文号, or same title and year) updates it in
place: tasks are matched by their `import_key` (the parser's `ref`), so their
progress reports, the units' confirmations and the milestones' done dates and
extensions survive.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef

from deadlines.models import Milestone, Recurrence, UnresolvedPhrase
from departments.models import Unit, UnitAlias, UnitKind, UnitLevel
from tasks.flags import flags_refresh
from tasks.importers import (
    Deadline,
    ImportFailure,
    ParsedItem,
    ParsedPlan,
    UnitRef,
    no_lead_warning,
    parse_plan,
    read_document,
)
from tasks.importers.units import without_etc
from tasks.models import (
    Assignment,
    AssignmentRole,
    AssignmentSource,
    Plan,
    PlanSource,
    ProgressReport,
    Section,
    Task,
    TaskSource,
)

__all__ = [
    "ImportEdits",
    "ImportFailure",
    "ImportPreview",
    "ImportResult",
    "TaskChange",
    "plan_import",
    "plan_import_file",
    "plan_import_preview",
    "plan_parse",
    "plan_prepare",
    "unit_aliases",
]

SECTION_SEP = " / "
_SECTION_NUMBER_RE = re.compile(
    r"^\s*([一二三四五六七八九十]{1,3}\s*、|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]|\d{1,3}\s*[.．、])\s*(.*)$"
)


# --------------------------------------------------------------------------- inputs and outputs


@dataclass
class ImportEdits:
    """What the office corrected on the preview page, applied to a fresh parse on confirm.

    Deadline and unresolved indexes count within one item's *own* dates, as `plan_prepare`
    leaves them (the preview shows exactly those).
    """

    drop: set[str] = field(default_factory=set)  # refs of items that are not tasks
    dates: dict[tuple[str, int], dt.date] = field(default_factory=dict)  # (ref, deadline index) → date
    settle: dict[tuple[str, int], dt.date] = field(default_factory=dict)  # (ref, unresolved index) → date
    unit_map: dict[str, int] = field(default_factory=dict)  # parsed unit name → existing Unit pk
    title: str = ""  # the plan's title, when the parser missed or garbled it
    leads: dict[str, list[str]] = field(default_factory=dict)  # ref → the names of its lead units (may be none)
    first_unit_leads: bool = False  # "每项第一个单位为牵头单位": items the text names no lead for

    def __bool__(self) -> bool:
        return bool(self.drop or self.dates or self.settle or self.unit_map or self.title or self.leads
                    or self.first_unit_leads)


@dataclass
class TaskChange:
    key: str
    number: str
    title: str
    what: list[str]  # Chinese: 标题, 内容, 责任单位, 时间节点 …


@dataclass
class ImportPreview:
    plan: Plan | None  # the plan a confirm would update, None when it creates one
    items: int
    new: list[ParsedItem]
    changed: list[TaskChange]
    unchanged: int
    removed: list[Task]  # disappeared, no progress reports: will be deleted
    kept: list[Task]  # disappeared but have progress reports: will be kept
    new_units: list[str]

    @property
    def is_update(self) -> bool:
        return self.plan is not None


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    tasks: int = 0
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_removed: int = 0
    created_ids: list[int] = field(default_factory=list)  # the tasks this import added, in document order
    units: int = 0
    units_created: list[str] = field(default_factory=list)
    units_to_review: list[str] = field(default_factory=list)
    aliases_created: list[str] = field(default_factory=list)
    milestones: int = 0
    unresolved: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        verb = "新建" if self.created else "更新"
        lines = [
            f"{verb}计划：{self.plan}",
            f"任务 {self.tasks} 项（新增 {self.tasks_created}，更新 {self.tasks_updated}，删除 {self.tasks_removed}）",
            f"涉及单位 {self.units} 个，新建单位 {len(self.units_created)} 个，"
            f"待核对单位 {len(self.units_to_review)} 个"
            + (f"：{'、'.join(self.units_to_review)}" if self.units_to_review else ""),
            f"时间节点 {self.milestones} 个，待定时限 {self.unresolved} 条",
        ]
        if self.aliases_created:
            lines.append(f"新增单位别名 {len(self.aliases_created)} 个：{'、'.join(self.aliases_created)}")
        lines.append(f"提示 {len(self.warnings)} 条" + ("：" if self.warnings else ""))
        lines += [f"  - {w}" for w in self.warnings]
        return lines

    def __str__(self) -> str:
        return "\n".join(self.summary_lines())


# --------------------------------------------------------------------------- parsing with the office's aliases


def unit_aliases() -> dict[str, str]:
    """as-written → canonical, from the database: the office's own mapping wins over the parser's table."""
    aliases = {name: name for name in Unit.objects.values_list("name", flat=True)}
    aliases.update(UnitAlias.objects.values_list("name", "unit__name"))
    return aliases


def plan_parse(*, text: str, year: int | None = None, filename: str = "", undated: bool = False) -> ParsedPlan:
    return parse_plan(text, year=year, filename=filename, aliases=unit_aliases(), undated=undated)


def plan_import_file(*, path: Path | str, user=None, year: int | None = None) -> ImportResult:
    path = Path(path)
    text = read_document(path.read_bytes(), path.name)
    parsed = plan_parse(text=text, year=year, filename=path.name)
    return plan_import(parsed=parsed, source_text=text, filename=path.name, user=user)


# --------------------------------------------------------------------------- preparing the parse


def _multiset_minus(items: list, remove: list, key: Callable) -> list:
    left = Counter(key(x) for x in remove)
    out = []
    for x in items:
        if left[key(x)] > 0:
            left[key(x)] -= 1
        else:
            out.append(x)
    return out


def _strip_inherited(item: ParsedItem) -> None:
    """A parent's dates are the union of its sub-tasks'; written twice they would be reminded twice.
    Keep on the parent only the dates no sub-task carries (its units stay the union: who leads the item)."""
    for child in item.children:
        _strip_inherited(child)
    if item.children:
        below = [d for c in item.children for n in c.walk() for d in n.deadlines]
        item.deadlines = _multiset_minus(item.deadlines, below, key=lambda d: (d.date, d.phrase))
        below_u = [p for c in item.children for n in c.walk() for p in n.unresolved]
        item.unresolved = _multiset_minus(item.unresolved, below_u, key=lambda p: p)


def _apply_edits(plan: ParsedPlan, edits: ImportEdits, units_by_pk: dict[int, Unit]) -> None:
    def keep(items: list[ParsedItem]) -> list[ParsedItem]:
        out = []
        for it in items:
            if it.ref in edits.drop:
                continue
            it.children = keep(it.children)
            out.append(it)
        return out

    plan.items = keep(plan.items)
    if edits.title.strip():
        plan.meta.title = edits.title.strip()
    for it in plan.walk():
        for i, d in enumerate(it.deadlines):
            if (it.ref, i) in edits.dates:
                d.date = edits.dates[(it.ref, i)]
        settled = {i: day for (ref, i), day in edits.settle.items() if ref == it.ref}
        for i, phrase in enumerate(it.unresolved):
            if i in settled:
                it.deadlines.append(Deadline(date=settled[i], phrase=phrase, what="改革办在导入时确定"))
        it.unresolved = [p for i, p in enumerate(it.unresolved) if i not in settled]
        if edits.first_unit_leads and it.responsible_units and not it.lead_units:
            it.lead_units = [it.responsible_units[0]]
        if it.ref in edits.leads:
            chosen = set(edits.leads[it.ref])
            it.lead_units = [u for u in it.responsible_units if u.name in chosen]
        if it.lead_units and it.responsible_units:  # a lead marked on the preview settles the warning
            plan.warnings = [w for w in plan.warnings if w != no_lead_warning(it)]
        for ref in [*it.lead_units, *it.responsible_units]:
            unit = units_by_pk.get(edits.unit_map.get(ref.name, 0))
            if unit is not None:
                ref.name, ref.known = unit.name, True


def plan_prepare(parsed: ParsedPlan, edits: ImportEdits | None = None) -> ParsedPlan:
    """A copy of the parse as it will be written: parents without their sub-tasks' dates, edits applied."""
    plan = copy.deepcopy(parsed)
    for item in plan.items:
        _strip_inherited(item)
    if edits:
        units_by_pk = Unit.objects.in_bulk(set(edits.unit_map.values()))
        missing = set(edits.unit_map.values()) - set(units_by_pk)
        if missing:
            raise ImportFailure("所选的对应单位不存在（可能已被删除），请刷新预览后重新选择。")
        _apply_edits(plan, edits, units_by_pk)
    return plan


# --------------------------------------------------------------------------- what one task should look like


@dataclass
class _Spec:
    item: ParsedItem
    key: str
    parent_key: str | None
    order: int
    section_path: tuple[str, ...]
    fields: dict
    units: list[tuple[str, str, str]]  # (canonical unit name, role, as written), deduplicated
    milestones: list[tuple[dt.date, str, str, str]]  # (date, phrase, what, recurrence)
    unresolved: list[str]


def _clip(value: str, model, name: str) -> str:
    return (value or "")[: model._meta.get_field(name).max_length]


def _section_path(item: ParsedItem) -> tuple[str, ...]:
    parts = [p.strip() for p in item.section.split(SECTION_SEP) if p.strip()]
    if item.source == "table" and item.indicator and len(parts) > 2:
        parts = parts[:2]  # table title / 类别: one section per indicator would be a section per row
    return tuple(parts)


def _walk_with_parent(items: list[ParsedItem], parent: ParsedItem | None = None) -> Iterator:
    for it in items:
        yield it, parent
        yield from _walk_with_parent(it.children, it)


def _specs(plan: ParsedPlan, unit_name: Callable[[UnitRef], str]) -> list[_Spec]:
    specs: list[_Spec] = []
    seen: set[str] = set()
    keys: dict[int, str] = {}
    for order, (item, parent) in enumerate(_walk_with_parent(plan.items)):
        key = item.ref or f"#{order}"
        while key in seen:  # the parser promises unique refs; a duplicate must not break the import
            key += "′"
        seen.add(key)
        keys[id(item)] = key
        leads = {unit_name(u) for u in item.lead_units}
        units: dict[str, tuple[str, str, str]] = {}
        # printed order; the same canonical unit twice keeps its first place, and lead wins
        for u in [*item.responsible_units, *item.lead_units]:
            name = unit_name(u)
            role = AssignmentRole.LEAD if name in leads else AssignmentRole.RESPONSIBLE
            units.setdefault(name, (name, role, u.as_written))
        specs.append(
            _Spec(
                item=item,
                key=_clip(key, Task, "import_key"),
                parent_key=keys[id(parent)] if parent is not None else None,
                order=order,
                section_path=_section_path(item),
                fields={
                    "number": _clip(item.number, Task, "number"),
                    "source": TaskSource.TABLE if item.source == "table" else TaskSource.TEXT,
                    "title": _clip(item.title or item.text[:60] or "（无标题）", Task, "title"),
                    "text": item.text,
                    "category": _clip(item.category, Task, "category"),
                    "indicator": _clip(item.indicator, Task, "indicator"),
                    "target": item.target,
                },
                units=list(units.values()),
                milestones=[
                    (
                        d.date,
                        _clip(d.phrase, Milestone, "phrase"),
                        d.what,
                        Recurrence.QUARTERLY if d.recurring else Recurrence.NONE,
                    )
                    for d in item.deadlines
                ],
                unresolved=[_clip(p, UnresolvedPhrase, "phrase") for p in item.unresolved],
            )
        )
    return specs


def _find_plan(plan: ParsedPlan) -> Plan | None:
    meta = plan.meta
    if meta.doc_number:
        found = Plan.objects.filter(doc_number=meta.doc_number).first()
        if found is not None:
            return found
    return Plan.objects.filter(title=_clip(meta.title, Plan, "title"), year=meta.year).first()


def _lookup_unit(ref: UnitRef) -> Unit | None:
    return Unit.objects.resolve(ref.name) or Unit.objects.resolve(ref.as_written)


def _unit_names_readonly(plan: ParsedPlan) -> tuple[Callable[[UnitRef], str], list[str]]:
    """Canonical names as the database would resolve them, and those it does not know yet."""
    cache: dict[tuple[str, str], str] = {}
    new: dict[str, None] = {}

    def name(ref: UnitRef) -> str:
        k = (ref.name, ref.as_written)
        if k not in cache:
            unit = _lookup_unit(ref)
            cache[k] = unit.name if unit is not None else ref.name
            if unit is None:
                new[ref.name] = None
        return cache[k]

    for it in plan.walk():
        for ref in [*it.lead_units, *it.responsible_units]:
            name(ref)
    return name, list(new)


def _has_reports() -> Exists:
    return Exists(ProgressReport.objects.filter(task=OuterRef("pk")))


def _subtree_has_reports(task: Task, children: dict[int | None, list[Task]], with_reports: set[int]) -> bool:
    return task.pk in with_reports or any(
        _subtree_has_reports(c, children, with_reports) for c in children.get(task.pk, [])
    )


def _disappeared(plan_obj: Plan, keys: set[str]) -> tuple[list[Task], list[Task]]:
    """Imported tasks no longer in the document: (to delete, to keep because reports hang on them)."""
    tasks = list(plan_obj.tasks.annotate(reported=_has_reports()))
    gone = [t for t in tasks if t.import_key and t.import_key not in keys]
    if not gone:
        return [], []
    children: dict[int | None, list[Task]] = {}
    for t in tasks:
        children.setdefault(t.parent_id, []).append(t)
    with_reports = {t.pk for t in tasks if t.reported}
    keep = [t for t in gone if _subtree_has_reports(t, children, with_reports)]
    keep_pks = {t.pk for t in keep}
    # a kept task's parent must stay too, or deleting the parent would cascade to it
    by_pk = {t.pk: t for t in tasks}
    for t in list(keep):
        p = by_pk.get(t.parent_id)
        while p is not None and p.import_key not in keys and p.pk not in keep_pks:
            keep.append(p)
            keep_pks.add(p.pk)
            p = by_pk.get(p.parent_id)
    return [t for t in gone if t.pk not in keep_pks], keep


# --------------------------------------------------------------------------- comparing a task with its spec


def _task_state(task: Task) -> dict:
    return {
        **{f: getattr(task, f) for f in ("number", "source", "title", "text", "category", "indicator", "target")},
        "units": [(a.unit.name, a.role) for a in sorted(task.assignments.all(), key=lambda a: a.order)
                  if a.source == AssignmentSource.IMPORTED],
        "milestones": [
            (m.original_due_on or m.due_on, m.phrase)
            for m in sorted(task.milestones.all(), key=lambda m: (m.order, m.pk))
        ],
        "unresolved": sorted(p.phrase for p in task.unresolved_phrases.all()),
    }


_FIELD_LABELS = {
    "number": "编号",
    "source": "来源",
    "title": "任务名称",
    "text": "任务内容",
    "category": "类别",
    "indicator": "指标名称",
    "target": "目标任务",
    "units": "责任单位",
    "milestones": "时间节点",
    "unresolved": "待定时限",
    "parent": "上级任务",
}


def _manual_units(task: Task) -> set[str]:
    return {a.unit.name for a in task.assignments.all() if a.source == AssignmentSource.MANUAL}


def _differences(task: Task, spec: _Spec, parent_key: str | None) -> list[str]:
    now = _task_state(task)
    want = {
        **spec.fields,
        # the office's own assignments are compared on neither side
        "units": [(name, role) for name, role, _ in _wanted_units(spec, list(task.assignments.all()))
                  if name not in _manual_units(task)],
        "milestones": [(d, phrase) for d, phrase, _, _ in spec.milestones],
        "unresolved": sorted(spec.unresolved),
    }
    out = [_FIELD_LABELS[k] for k in want if now[k] != want[k]]
    if parent_key != spec.parent_key:
        out.append(_FIELD_LABELS["parent"])
    return out


# --------------------------------------------------------------------------- preview


def plan_import_preview(*, parsed: ParsedPlan, edits: ImportEdits | None = None) -> ImportPreview:
    """What `plan_import` would do with this parse and these edits. Reads only."""
    plan = plan_prepare(parsed, edits)
    unit_name, new_units = _unit_names_readonly(plan)
    specs = _specs(plan, unit_name)
    existing = _find_plan(plan)
    new, changed, unchanged = [], [], 0
    removed: list[Task] = []
    kept: list[Task] = []
    if existing is None:
        new = [s.item for s in specs]
    else:
        tasks = {
            t.import_key: t
            for t in existing.tasks.exclude(import_key="")
            .select_related("parent")
            .prefetch_related("assignments__unit", "milestones", "unresolved_phrases")
        }
        for spec in specs:
            task = tasks.get(spec.key)
            if task is None:
                new.append(spec.item)
                continue
            what = _differences(task, spec, task.parent.import_key if task.parent else None)
            if what:
                changed.append(TaskChange(spec.key, spec.fields["number"], spec.fields["title"], what))
            else:
                unchanged += 1
        removed, kept = _disappeared(existing, {s.key for s in specs})
    return ImportPreview(
        plan=existing,
        items=len(specs),
        new=new,
        changed=changed,
        unchanged=unchanged,
        removed=removed,
        kept=kept,
        new_units=new_units,
    )


# --------------------------------------------------------------------------- writing


class _UnitWriter:
    """Finds or creates the unit for each reference, and records as-written names as aliases."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.cache: dict[tuple[str, str], Unit] = {}
        self.by_name: dict[str, Unit] = {}

    def unit(self, ref: UnitRef) -> Unit:
        k = (ref.name, ref.as_written)
        if k in self.cache:
            return self.cache[k]
        unit = _lookup_unit(ref)
        if unit is None:
            unit = Unit.objects.create(
                name=_clip(ref.name, Unit, "name"),
                kind=ref.kind if ref.kind in UnitKind.values else UnitKind.DEPARTMENT,
                level=ref.level if ref.level in UnitLevel.values else UnitLevel.OTHER,
                needs_review=not ref.known,
            )
            self.result.units_created.append(unit.name)
            if unit.needs_review:
                self.result.units_to_review.append(unit.name)
        # Every other name it went by becomes an alias, so the admin shows it and the next import knows it.
        # (`A等有关部门` as written: A is the name, the 等 tail no alias)
        for other in {ref.name, without_etc(ref.as_written)} - {unit.name}:
            self.alias(other, unit)
        self.cache[k] = self.by_name[unit.name] = unit
        return unit

    def alias(self, name: str, unit: Unit) -> None:
        name = _clip(name.strip(), UnitAlias, "name")
        if name and Unit.objects.resolve(name) is None:
            UnitAlias.objects.create(name=name, unit=unit)
            self.result.aliases_created.append(f"{name}→{unit.name}")

    def name(self, ref: UnitRef) -> str:
        return self.unit(ref).name


def _write_plan(parsed: ParsedPlan, source_text: str, filename: str, user) -> tuple[Plan, bool]:
    meta = parsed.meta
    values = {
        "title": _clip(meta.title or Path(filename).stem or "未命名计划", Plan, "title"),
        "issuer": _clip(meta.issuer or "", Plan, "issuer"),
        "doc_number": _clip(meta.doc_number or "", Plan, "doc_number"),
        "issued_on": meta.issued_on,
        "year": meta.year,
        "source_filename": _clip(filename, Plan, "source_filename"),
        "imported_by": user if user is not None and user.is_authenticated else None,
    }
    plan = _find_plan(parsed)
    created = plan is None
    if created:
        plan = Plan.objects.create(**values)
    else:
        for k, v in values.items():
            setattr(plan, k, v)
        plan.save()
    PlanSource.objects.update_or_create(plan=plan, defaults={"text": source_text})
    return plan, created


def _write_sections(plan: Plan, specs: list[_Spec]) -> dict[tuple[str, ...], Section]:
    existing: dict[tuple[str, ...], Section] = {}
    by_pk = {s.pk: s for s in plan.sections.all()}
    for s in by_pk.values():
        path, node = [], s
        while node is not None:
            path.append(f"{node.number}{node.title}")
            node = by_pk.get(node.parent_id)
        existing[tuple(reversed(path))] = s
    wanted: dict[tuple[str, ...], Section] = {}
    order = 0
    for spec in specs:
        for depth in range(1, len(spec.section_path) + 1):
            path = spec.section_path[:depth]
            if path in wanted:
                continue
            m = _SECTION_NUMBER_RE.match(path[-1])
            number, title = (m.group(1).strip(), m.group(2).strip()) if m else ("", path[-1])
            section = existing.get(path)
            parent = wanted.get(path[:-1]) if depth > 1 else None
            if section is None:
                section = Section.objects.create(
                    plan=plan, parent=parent, number=_clip(number, Section, "number"),
                    title=_clip(title or number, Section, "title"), order=order,
                )
            elif section.order != order or section.parent_id != (parent.pk if parent else None):
                section.order, section.parent = order, parent
                section.save(update_fields=["order", "parent"])
            wanted[path] = section
            order += 1
    return wanted


def _overruled(assignments) -> set[str]:
    """Mentions of the document the office has decided otherwise: a dispute reassigned
    keeps the as-written text of the unit it replaced, and the import respects it."""
    return {a.as_written for a in assignments if a.source == AssignmentSource.MANUAL and a.as_written}


def _wanted_units(spec: _Spec, assignments) -> list[tuple[str, str, str]]:
    overruled = _overruled(assignments)
    assigned = {a.unit.name for a in assignments}
    return [u for u in spec.units if u[0] in assigned or u[2] not in overruled]


def _write_assignments(task: Task, spec: _Spec, units: _UnitWriter) -> None:
    current = list(task.assignments.select_related("unit"))
    by_unit = {a.unit.name: a for a in current}
    for order, (name, role, as_written) in enumerate(_wanted_units(spec, current)):
        a = by_unit.pop(name, None)
        if a is None:
            Assignment.objects.create(
                task=task, unit=units.by_name[name], role=role, order=order,
                as_written=_clip(as_written, Assignment, "as_written"), source=AssignmentSource.IMPORTED,
            )
        elif (a.role, a.order, a.as_written) != (role, order, as_written):
            # keeps its confirmation state: the unit is still assigned
            a.role, a.order, a.as_written = role, order, _clip(as_written, Assignment, "as_written")
            a.save(update_fields=["role", "order", "as_written"])
    # Units the document no longer names lose the assignment; ones the office added by hand
    # or reassigned after a dispute are the office's business and stay.
    for a in by_unit.values():
        if a.source == AssignmentSource.IMPORTED:
            a.delete()


def _write_milestones(task: Task, spec: _Spec) -> None:
    # A milestone is the same one while its printed date is: it keeps done_on and extensions.
    pool: dict[dt.date, list[Milestone]] = {}
    for m in task.milestones.order_by("order", "pk"):
        pool.setdefault(m.original_due_on or m.due_on, []).append(m)
    for order, (day, phrase, what, recurrence) in enumerate(spec.milestones):
        same = pool.get(day)
        if same:
            m = same.pop(0)
            if (m.phrase, m.what, m.recurrence, m.order) != (phrase, what, recurrence, order):
                m.phrase, m.what, m.recurrence, m.order = phrase, what, recurrence, order
                m.save(update_fields=["phrase", "what", "recurrence", "order"])
        else:
            Milestone.objects.create(
                task=task, due_on=day, phrase=phrase, what=what, recurrence=recurrence, order=order
            )
    for rest in pool.values():
        for m in rest:
            m.delete()


def _write_unresolved(task: Task, spec: _Spec) -> None:
    have: dict[str, list[UnresolvedPhrase]] = {}
    for p in task.unresolved_phrases.order_by("pk"):
        have.setdefault(p.phrase, []).append(p)
    for phrase in spec.unresolved:
        if have.get(phrase):
            have[phrase].pop(0)  # kept, with whether a person already settled it
        else:
            UnresolvedPhrase.objects.create(task=task, phrase=phrase)
    for rest in have.values():
        for p in rest:
            p.delete()


@transaction.atomic
def plan_import(
    *,
    parsed: ParsedPlan,
    source_text: str,
    filename: str = "",
    user=None,
    edits: ImportEdits | None = None,
) -> ImportResult:
    """Create or update the plan of `parsed`; all or nothing."""
    prepared = plan_prepare(parsed, edits)
    if not prepared.items:
        raise ImportFailure("没有可导入的工作任务（全部被标为“非任务”）。")
    plan, created = _write_plan(prepared, source_text, filename, user)
    result = ImportResult(plan=plan, created=created, warnings=list(prepared.warnings))

    units = _UnitWriter(result)
    specs = _specs(prepared, units.name)
    if edits and edits.unit_map:
        # the office said "this name is that unit": remember it for the next import
        by_pk = Unit.objects.in_bulk(set(edits.unit_map.values()))
        for name, pk in edits.unit_map.items():
            units.alias(name, by_pk[pk])
    sections = _write_sections(plan, specs)

    existing = {
        t.import_key: t
        for t in plan.tasks.exclude(import_key="").prefetch_related(
            "assignments__unit", "milestones", "unresolved_phrases"
        )
    }
    tasks: dict[str, Task] = {}
    for spec in specs:
        values = {
            **spec.fields,
            "order": spec.order,
            "section": sections.get(spec.section_path),
            "parent": tasks.get(spec.parent_key) if spec.parent_key else None,
        }
        task = existing.get(spec.key)
        if task is None:
            task = Task.objects.create(plan=plan, import_key=spec.key, **values)
            result.tasks_created += 1
            result.created_ids.append(task.pk)
        else:
            dirty = [k for k, v in values.items() if getattr(task, k) != v]
            if dirty or _differences(task, spec, spec.parent_key):
                result.tasks_updated += 1
            if dirty:
                for k in dirty:
                    setattr(task, k, values[k])
                task.save()
        tasks[spec.key] = task
        _write_assignments(task, spec, units)
        _write_milestones(task, spec)
        _write_unresolved(task, spec)

    removed, kept = _disappeared(plan, set(tasks))
    for task in kept:
        result.warnings.append(f"任务“{task}”已不在新文件中，但已有进展报送，予以保留，请人工处理。")
    for task in removed:
        task.delete()
    result.tasks_removed = len(removed)
    _prune_sections(plan)

    # a plan imported today shows today's 逾期/临期 at once, not after the next 07:30 scan
    flags_refresh(tasks=plan.tasks.all())
    result.tasks = len(specs)
    result.units = len(units.by_name)
    result.milestones = sum(len(s.milestones) for s in specs)
    result.unresolved = sum(len(s.unresolved) for s in specs)
    return result


def _prune_sections(plan: Plan) -> None:
    """Drop sections no task sits in any more (a task kept for its reports keeps its section and parents)."""
    sections = {s.pk: s for s in plan.sections.all()}
    used: set[int] = set()
    for pk in plan.tasks.exclude(section=None).values_list("section_id", flat=True):
        while pk is not None and pk not in used:
            used.add(pk)
            pk = sections[pk].parent_id
    Section.objects.filter(plan=plan).exclude(pk__in=used).delete()

"""任务分解表 round trip on the five seed plans: export, re-save in LibreOffice, edit, re-import as an update.

The export carries each task's id in a hidden column (RT<plan>-<task>); importing the file back into its
plan changes exactly the edited cells, adds nothing, and a second import changes nothing.
"""

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from departments.models import Unit, UnitAlias
from tasks.excel.breakdown import (
    HEADERS,
    KEY_HEADER,
    NewPlan,
    breakdown_diff,
    breakdown_import,
    parse_breakdown,
    resolve_units,
    write_breakdown,
)
from tasks.models import Plan, ProgressReport, Task

TODAY = dt.date(2020, 10, 1)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The five seeds, loaded once for the module through the plan importer; each test rolls back its writes."""
    with django_db_blocker.unblock():
        call_command("load_seeds", stdout=io.StringIO())
        yield {p.source_filename[:3]: p.pk for p in Plan.objects.all()}
        Plan.objects.all().delete()
        UnitAlias.objects.all().delete()
        Unit.objects.all().delete()


@pytest.fixture
def plans(seeded, db):
    return {seed: Plan.objects.get(pk=pk) for seed, pk in seeded.items()}


def _export(plan: Plan) -> bytes:
    buf = io.BytesIO()
    write_breakdown(buf, plan.tasks.all())
    return buf.getvalue()


def _parse(data: bytes, plan: Plan):
    parsed = parse_breakdown(io.BytesIO(data), year=plan.year)
    assert [str(e) for e in parsed.errors] == []
    return parsed


def _import(data: bytes, plan: Plan, user, **kwargs):
    parsed = _parse(data, plan)
    known, unknown = resolve_units(parsed.unit_names)
    assert unknown == []
    return breakdown_import(rows=parsed, unit_map=known, user=user, today=TODAY, plan=plan, **kwargs)


def _cells(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[v if v is not None else "" for v in r] for r in ws.iter_rows(min_row=4, values_only=True)]


def _libreoffice(files: dict[str, bytes], tmp_path: Path) -> dict[str, bytes]:
    """Re-save each workbook through LibreOffice headless, as an office worker re-saving in Calc would."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    for name, data in files.items():
        (src / f"{name}.xlsx").write_bytes(data)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), *sorted(str(p) for p in src.iterdir())],
        check=True, capture_output=True, timeout=180,
    )
    return {name: (out / f"{name}.xlsx").read_bytes() for name in files}


@pytest.mark.django_db
def test_every_seed_plan_reimports_its_own_export_with_no_changes(plans):
    for seed, plan in plans.items():
        parsed = _parse(_export(plan), plan)
        diff = breakdown_diff(parsed, plan)
        assert (seed, diff.errors, diff.changes, diff.missing, diff.unchanged) == (
            seed, [], 0, [], plan.tasks.count())


@pytest.mark.django_db
def test_every_seed_plan_export_imports_into_a_new_plan_with_its_sub_tasks(plans, office):
    for seed, plan in plans.items():
        parsed = _parse(_export(plan), plan)
        known, unknown = resolve_units(parsed.unit_names)
        result = breakdown_import(rows=parsed, unit_map=known, user=office, today=TODAY,
                                  new_plan=NewPlan(f"{plan.title}（副本）", plan.year))
        copy = result.plan
        assert (seed, copy.tasks.count()) == (seed, plan.tasks.count())
        # 1-1, 1-2 … land under 1, as the plan importer put them
        assert (seed, copy.tasks.top_level().count()) == (seed, plan.tasks.top_level().count())
        assert [r[: len(HEADERS)] for r in _cells(_export(copy))] == [r[: len(HEADERS)] for r in _cells(_export(plan))]


def _edit(data: bytes, plan: Plan) -> tuple[bytes, dict[int, dict[str, str]]]:
    """Change a deadline, a lead unit and a text in three different rows; return the edited cells by task id."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert ws.cell(3, len(HEADERS) + 1).value == KEY_HEADER
    rows = list(ws.iter_rows(min_row=4))
    key = len(HEADERS)  # 0-based: the hidden column after 状态
    used = set(plan.tasks.values_list("assignments__unit__name", flat=True))
    spare = Unit.objects.exclude(name__in=used).order_by("name").first() or Unit.objects.order_by("name").first()
    edits: dict[int, dict[str, str]] = {}

    def task_id(row) -> int:
        return int(row[key].value.split("-")[1])

    with_text = [r for r in rows if r[3].value]
    deadline_row, unit_row, text_row = with_text[0], with_text[len(with_text) // 2], with_text[-1]
    deadline_row[6].value = "9月底" if deadline_row[6].value != "9月底" else "11月底"
    edits.setdefault(task_id(deadline_row), {})["时间进度"] = deadline_row[6].value
    names = {*(unit_row[4].value or "").split("、"), *(unit_row[5].value or "").split("、")}
    if spare.name in names:
        spare = Unit.objects.exclude(name__in=used | names).order_by("name").first()
    unit_row[4].value = spare.name
    edits.setdefault(task_id(unit_row), {})["牵头单位"] = spare.name
    text_row[3].value = f"{text_row[3].value}（已修改）"
    edits.setdefault(task_id(text_row), {})["目标任务"] = text_row[3].value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), edits


@pytest.mark.django_db
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_resaved_edited_exports_update_exactly_the_edited_cells(plans, office, tmp_path):
    exported = {seed: _export(plan) for seed, plan in plans.items()}
    resaved = _libreoffice(exported, tmp_path)
    for seed, plan in plans.items():
        # the hidden 任务ID column survives LibreOffice's re-save
        assert _cells(resaved[seed]) == _cells(exported[seed]), seed
        assert load_workbook(io.BytesIO(resaved[seed])).worksheets[0].column_dimensions["J"].hidden, seed
        assert breakdown_diff(_parse(resaved[seed], plan), plan).changes == 0, seed
        count = plan.tasks.count()
        edited, edits = _edit(resaved[seed], plan)
        diff = breakdown_diff(_parse(edited, plan), plan)
        assert {c.task_id: {cell.column: cell.new for cell in c.cells} for c in diff.changed} == edits, seed
        assert (diff.new, diff.missing) == ([], []), seed
        before = {t.pk: (t.title, t.text, t.target, t.version) for t in plan.tasks.all()}
        result = _import(edited, plan, office)
        assert (result.tasks, result.updated, plan.tasks.count()) == (0, len(edits), count), seed
        # the export now reads exactly like the edited file: only the edited cells changed
        assert _cells(_export(plan)) == _cells(edited), seed
        untouched = {pk: v for pk, v in before.items() if pk not in edits}
        assert {t.pk: (t.title, t.text, t.target, t.version) for t in plan.tasks.exclude(pk__in=edits)} == untouched
        # importing the same file again changes nothing
        assert breakdown_diff(_parse(edited, plan), plan).changes == 0, seed
        history = Task.history.count()
        again = _import(edited, plan, office)
        assert (again.tasks, again.updated, again.reports, Task.history.count()) == (0, 0, 0, history), seed


@pytest.mark.django_db
def test_a_changed_deadline_lands_on_the_task_itself(plans, office):
    """Issue 13: the changed deadline went to a copy and the original kept the old one."""
    plan = plans["000"]
    data = _export(plan)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    row = next(r for r in ws.iter_rows(min_row=4) if r[6].value == "2020年12月底前")
    task = Task.objects.get(pk=int(row[len(HEADERS)].value.split("-")[1]))
    row[6].value = "2021年3月底前"
    buf = io.BytesIO()
    wb.save(buf)
    _import(buf.getvalue(), plan, office)
    task.refresh_from_db()
    assert [(m.due_on, m.phrase) for m in task.milestones.all()] == [(dt.date(2021, 3, 31), "2021年3月底前")]
    assert task.next_due == dt.date(2021, 3, 31)  # the copies are refreshed
    assert plan.tasks.count() == 57


@pytest.mark.django_db
def test_command_dry_run_shows_each_changed_cell_then_zero_changes_after_import(plans, office, tmp_path):
    plan = plans["004"]
    wb = load_workbook(io.BytesIO(_export(plan)))
    ws = wb.worksheets[0]
    row = next(r for r in ws.iter_rows(min_row=4) if r[2].value and r[6].value == "12月底")
    row[6].value = "10月底"
    row[7].value = "已完成系统建设。"
    path = tmp_path / "改过的分解表.xlsx"
    wb.save(path)
    out = io.StringIO()
    call_command("import_breakdown", str(path), "--plan", str(plan.pk), "--dry-run", "--user", office.username,
                 stdout=out)
    text = out.getvalue()
    assert "修改任务 1 项（2 个单元格），新增 0 项" in text
    assert "时间进度：12月底 → 10月底" in text and "进展情况：（空） → 已完成系统建设。" in text
    assert "共 2 处改动（未写入，--dry-run）" in text
    assert ProgressReport.objects.count() == 0 and plan.tasks.count() == 120
    call_command("import_breakdown", str(path), "--plan", str(plan.pk), "--user", office.username, stdout=io.StringIO())
    report = ProgressReport.objects.get()
    assert (report.text, report.author, report.review_state) == ("已完成系统建设。", office, "submitted")
    out = io.StringIO()
    call_command("import_breakdown", str(path), "--plan", str(plan.pk), "--dry-run", "--user", office.username,
                 stdout=out)
    assert "共 0 处改动" in out.getvalue() and plan.tasks.count() == 120

"""plan_import / plan_import_preview: what a parsed plan turns into in the database."""

import datetime as dt

import pytest

from deadlines.models import ExtensionRequest, Milestone, UnresolvedPhrase
from departments.models import Unit, UnitAlias
from tasks.importers import ImportFailure, ParsedItem, ParsedPlan, PlanMeta, UnitRef
from tasks.models import Assignment, AssignmentRole, ConfirmState, Plan, PlanSource, Section, Task
from tasks.planimport import services as plans
from tasks.planimport.services import ImportEdits, plan_import, plan_import_preview, plan_parse
from tests.factories import ProgressReportFactory, UnitFactory

pytestmark = pytest.mark.django_db

V1 = """萧山区测试局文件
萧测〔2020〕7号
2020年萧山区测试改革工作要点

一、工作内容
（一）提升服务能级
1.打造政务服务体系。推进一窗受理，2020年12月底前建成企业办事服务大厅。【责任单位：区审管办（跑改办）、区数管局、区级有关部门；列第一个单位的均为牵头单位】
2.推动网上办事。8月底前完成高频事项接入。【责任单位：区数管局、区公安分局】三季度前完成评估。【责任单位：区公安局、区数管局、区新设服务局】
3.推进证明减免。9月底前实现数据核验。【责任单位：区司法局】
二、工作要求
（一）加强领导。各单位要高度重视。
"""

# The same plan, revised: item 1 reworded, 2-1 due later, item 3 gone, item 4 new.
V2 = (
    V1.replace("推进一窗受理，", "全面推进一窗受理，")
    .replace("8月底前完成高频事项接入", "10月底前完成高频事项接入")
    .replace("3.推进证明减免。9月底前实现数据核验。【责任单位：区司法局】", "4.推进窗口改革。11月底前完成。【责任单位：区司法局】")
)


def run(text, **kwargs):
    return plan_import(parsed=plan_parse(text=text), source_text=text, filename="plan.txt", **kwargs)


def task(key, plan=None):
    return Task.objects.get(import_key=key, **({"plan": plan} if plan else {}))


def units_of(t, role=None):
    qs = t.assignments.order_by("order")
    if role:
        qs = qs.filter(role=role)
    return [a.unit.name for a in qs]


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Section, Task, Assignment, Milestone, UnresolvedPhrase, Unit, UnitAlias)
    }


def test_import_creates_plan_with_sections_tasks_units_and_milestones(office):
    result = run(V1, user=office)

    plan = result.plan
    assert result.created
    assert (plan.title, plan.doc_number, plan.year, plan.issuer) == (
        "2020年萧山区测试改革工作要点", "萧测〔2020〕7号", 2020, "萧山区测试局",
    )
    assert plan.source.text == V1 and plan.source_filename == "plan.txt" and plan.imported_by == office
    assert plan.tasks.count() == result.tasks == 5  # 1, 2, 2-1, 2-2, 3 and nothing from 工作要求
    assert task("一.一.2-1").parent == task("一.一.2")
    assert task("一.一.1").section.path == "一、工作内容 / （一）提升服务能级"
    assert units_of(task("一.一.1"), AssignmentRole.LEAD) == ["区审管办"]
    assert units_of(task("一.一.1")) == ["区审管办", "区数管局", "区级有关部门"]
    assert [(m.due_on, m.phrase) for m in task("一.一.1").milestones.all()] == [(dt.date(2020, 12, 31), "2020年12月底前")]
    assert set(task("一.一.1").assignments.values_list("state", flat=True)) == {ConfirmState.PENDING}


def test_parent_keeps_units_but_not_the_dates_of_its_sub_tasks():
    run(V1)

    parent = task("一.一.2")
    assert units_of(parent, AssignmentRole.LEAD) == ["区数管局", "区公安局"]
    assert parent.milestones.count() == 0 and parent.unresolved_phrases.count() == 0
    assert [m.due_on for m in task("一.一.2-1").milestones.all()] == [dt.date(2020, 8, 31)]
    assert list(task("一.一.2-2").unresolved_phrases.values_list("phrase", flat=True)) == ["三季度前"]


def test_aliases_merge_into_one_unit_and_are_stored_for_the_admin():
    run(V1)

    assert not Unit.objects.filter(name="区公安分局").exists()
    police = Unit.objects.get(name="区公安局")
    assert UnitAlias.objects.get(name="区公安分局").unit == police
    assert UnitAlias.objects.get(name="区审管办（跑改办）").unit.name == "区审管办"
    assert task("一.一.2-1").assignments.get(unit=police).as_written == "区公安分局"
    assert task("一.一.2-2").assignments.get(unit=police).as_written == "区公安局"


def test_unknown_unit_is_created_and_marked_for_review_known_ones_are_not():
    result = run(V1)

    assert result.units_to_review == ["区新设服务局"]
    assert Unit.objects.get(name="区新设服务局").needs_review
    assert not Unit.objects.get(name="区数管局").needs_review
    assert Unit.objects.get(name="区级有关部门").kind == "collective"


def test_an_alias_in_the_database_is_used_by_the_next_parse():
    known = UnitFactory(name="区政务服务局")
    UnitAlias.objects.create(name="区新设服务局", unit=known)

    result = run(V1)

    assert "区新设服务局" not in result.units_created
    assert "区政务服务局" in units_of(task("一.一.2-2"))
    assert not Unit.objects.filter(name="区新设服务局").exists()


def _item(ref, responsible, leads, **kw):
    return ParsedItem(number=ref, source="text", section="一、工作", title=f"任务{ref}", text="", ref=ref,
                      responsible_units=responsible, lead_units=leads, **kw)


def test_same_canonical_unit_twice_keeps_its_first_place_and_lead_wins():
    police_as_branch = UnitRef(name="区公安局", as_written="区公安分局", known=True)
    police = UnitRef(name="区公安局", as_written="区公安局", known=True)
    tax = UnitRef(name="区税务局", as_written="区税务局", known=True)
    parsed = ParsedPlan(
        meta=PlanMeta(title="手工计划", year=2020),
        items=[_item("1", [tax, police_as_branch, police], [police])],
    )

    plan_import(parsed=parsed, source_text="x")

    rows = list(task("1").assignments.order_by("order").values_list("unit__name", "role", "as_written"))
    assert rows == [("区税务局", "responsible", "区税务局"), ("区公安局", "lead", "区公安分局")]


def test_reimport_updates_in_place_and_keeps_reports_confirmations_and_done_dates(office, liaison_a):
    first = run(V1)
    kept = task("一.一.1")
    confirmed = kept.assignments.get(unit__name="区数管局")
    Assignment.objects.filter(pk=confirmed.pk).update(state=ConfirmState.CONFIRMED, responded_by=liaison_a)
    ProgressReportFactory(task=kept, unit=confirmed.unit)
    done = kept.milestones.get()
    Milestone.objects.filter(pk=done.pk).update(done_on=dt.date(2020, 11, 30))
    moved = task("一.一.2-1").milestones.get()

    second = run(V2, user=office)

    assert second.plan.pk == first.plan.pk and not second.created
    assert Plan.objects.count() == 1
    assert list(PlanSource.objects.values_list("plan_id", "text")) == [(first.plan.pk, V2)]  # the new document
    kept.refresh_from_db()
    assert kept.text.startswith("打造政务服务体系。全面推进一窗受理")
    assert kept.reports.count() == 1
    assert Assignment.objects.get(pk=confirmed.pk).state == ConfirmState.CONFIRMED
    assert Milestone.objects.get(pk=done.pk).done_on == dt.date(2020, 11, 30)
    # 2-1's date changed: a new milestone replaces the old one
    assert not Milestone.objects.filter(pk=moved.pk).exists()
    assert [m.due_on for m in task("一.一.2-1").milestones.all()] == [dt.date(2020, 10, 31)]
    assert not Task.objects.filter(import_key="一.一.3").exists()
    assert task("一.一.4").title == "推进窗口改革"
    assert (second.tasks_created, second.tasks_removed) == (1, 1)
    assert second.tasks_updated == 3  # 1 (text), 2-1 (text, date) and 2, whose text holds 2-1's


def test_reimport_keeps_an_approved_extension_while_the_printed_date_is_unchanged(unit_a):
    run(V1)
    m = task("一.一.1").milestones.get()
    ExtensionRequest.objects.create(milestone=m, unit=unit_a, reason="疫情", original_date=m.due_on,
                                    proposed_date=dt.date(2021, 3, 31), state="approved")
    Milestone.objects.filter(pk=m.pk).update(original_due_on=m.due_on, due_on=dt.date(2021, 3, 31))

    run(V1)

    m.refresh_from_db()
    assert (m.due_on, m.original_due_on) == (dt.date(2021, 3, 31), dt.date(2020, 12, 31))
    assert m.extensions.count() == 1


def test_reimport_keeps_a_vanished_task_that_has_progress_reports_and_warns():
    run(V1)
    ProgressReportFactory(task=task("一.一.3"), unit=Unit.objects.get(name="区司法局"))

    result = run(V2)

    assert Task.objects.filter(import_key="一.一.3").exists()
    assert result.tasks_removed == 0
    assert any("已不在新文件中" in w and "推进证明减免" in w for w in result.warnings)


def test_reimport_removes_units_the_document_dropped_but_keeps_ones_the_office_added_by_hand():
    run(V1)
    t = task("一.一.3")
    hand = Assignment.objects.create(task=t, unit=UnitFactory(name="区人社局"), role="responsible", as_written="")
    text = V1.replace("【责任单位：区司法局】", "【责任单位：区财政局】")

    run(text)

    assert set(units_of(t)) == {"区财政局", "区人社局"}
    assert Assignment.objects.filter(pk=hand.pk).exists()
    assert not t.assignments.filter(unit__name="区司法局").exists()


def test_reimport_of_identical_text_changes_nothing():
    run(V1)
    before = snapshot()
    ids = set(Task.objects.values_list("pk", "import_key"))

    result = run(V1)

    assert snapshot() == before
    assert set(Task.objects.values_list("pk", "import_key")) == ids
    assert (result.tasks_created, result.tasks_updated, result.tasks_removed) == (0, 0, 0)
    assert result.aliases_created == [] and result.units_created == []


def test_plan_is_found_by_doc_number_even_when_its_title_changed():
    first = run(V1)

    second = run(V1.replace("测试改革工作要点", "测试改革重点工作要点"))

    assert second.plan.pk == first.plan.pk
    assert second.plan.title == "2020年萧山区测试改革重点工作要点"


def test_plan_without_doc_number_is_found_by_title_and_year():
    text = V1.replace("萧测〔2020〕7号\n", "")
    first = run(text)

    assert first.plan.doc_number == ""
    assert run(text).plan.pk == first.plan.pk


@pytest.mark.parametrize("existing", [False, True], ids=["fresh import", "re-import"])
def test_a_failure_half_way_leaves_the_database_as_it_was(monkeypatch, existing):
    if existing:
        run(V1)
    before = snapshot()
    titles = sorted(Task.objects.values_list("text", flat=True))
    real, calls = plans._write_unresolved, []

    def explode(task, spec):
        calls.append(spec.key)
        real(task, spec)
        if len(calls) == 4:
            raise RuntimeError("disk full")

    monkeypatch.setattr(plans, "_write_unresolved", explode)
    with pytest.raises(RuntimeError):
        run(V2)

    assert len(calls) == 4  # it did fail half-way, after writing tasks
    assert snapshot() == before
    assert sorted(Task.objects.values_list("text", flat=True)) == titles


@pytest.mark.django_db(transaction=True)
def test_a_failure_half_way_rolls_back_a_real_transaction(monkeypatch):
    monkeypatch.setattr(plans, "_prune_sections", lambda plan: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        run(V1)

    assert not Plan.objects.exists() and not Task.objects.exists() and not Unit.objects.exists()


def test_preview_says_what_will_change_and_writes_nothing():
    run(V1)
    ProgressReportFactory(task=task("一.一.1"), unit=Unit.objects.get(name="区数管局"))
    before = snapshot()

    preview = plan_import_preview(parsed=plan_parse(text=V2.replace("区新设服务局", "区另一新局")))

    assert snapshot() == before
    assert preview.is_update and preview.plan == Plan.objects.get()
    assert [i.ref for i in preview.new] == ["一.一.4"]
    assert {c.key: c.what for c in preview.changed} == {
        "一.一.1": ["任务内容"],
        "一.一.2-1": ["任务名称", "任务内容", "时间节点"],
        "一.一.2": ["任务内容", "责任单位"],
        "一.一.2-2": ["任务内容", "责任单位"],
    }
    assert [t.import_key for t in preview.removed] == ["一.一.3"]
    assert preview.kept == []
    assert preview.new_units == ["区另一新局"]


def test_preview_of_a_new_plan_lists_every_task_as_new_and_every_unit_to_create():
    preview = plan_import_preview(parsed=plan_parse(text=V1))

    assert preview.plan is None and len(preview.new) == 5
    assert "区新设服务局" in preview.new_units and "区公安局" in preview.new_units
    assert Unit.objects.count() == 0


def test_edits_drop_items_fix_dates_settle_phrases_and_map_units_to_existing_ones():
    existing = UnitFactory(name="区行政服务中心")
    edits = ImportEdits(
        drop={"一.一.3"},
        dates={("一.一.1", 0): dt.date(2020, 11, 15)},
        settle={("一.一.2-2", 0): dt.date(2020, 9, 30)},
        unit_map={"区新设服务局": existing.pk},
    )

    result = run(V1, edits=edits)

    assert not Task.objects.filter(import_key="一.一.3").exists() and result.tasks == 4
    assert [m.due_on for m in task("一.一.1").milestones.all()] == [dt.date(2020, 11, 15)]
    assert task("一.一.1").milestones.get().phrase == "2020年12月底前"  # the printed phrase stays
    settled = task("一.一.2-2")
    assert [(m.due_on, m.phrase) for m in settled.milestones.all()] == [(dt.date(2020, 9, 30), "三季度前")]
    assert not settled.unresolved_phrases.exists()
    assert "区行政服务中心" in units_of(settled)
    assert not Unit.objects.filter(name="区新设服务局").exists()
    # remembered: the next import maps the name by itself
    assert UnitAlias.objects.get(name="区新设服务局").unit == existing
    assert "区新设服务局" not in plan_parse(text=V1).unknown_units


def test_mapping_to_a_unit_that_was_deleted_meanwhile_is_refused_and_writes_nothing():
    with pytest.raises(ImportFailure):
        run(V1, edits=ImportEdits(unit_map={"区新设服务局": 999999}))
    assert not Plan.objects.exists()


def test_dropping_every_item_is_refused():
    parsed = plan_parse(text=V1)
    with pytest.raises(ImportFailure):
        plan_import(parsed=parsed, source_text=V1, edits=ImportEdits(drop={i.ref for i in parsed.items}))
    assert not Plan.objects.exists()


def test_summary_is_in_chinese_and_names_units_to_review():
    text = str(run(V1))
    assert "新建计划" in text and "任务 5 项" in text and "待核对单位 1 个：区新设服务局" in text


def test_reimport_keeps_a_reassignment_the_office_made_after_a_dispute(office, liaison_a):
    from tasks.models import AssignmentSource
    from tasks.workflow.services import assignment_dispute, assignment_resolve

    run(V1)
    t = task("一.一.3")
    disputed = t.assignments.get(unit__name="区司法局")
    assert disputed.source == AssignmentSource.IMPORTED
    assignment_dispute(assignment=disputed, user=liaison_a, reason="不属于本单位职责")
    disputed.refresh_from_db()
    assignment_resolve(
        assignment=disputed, user=office, resolution="reassigned",
        new_unit=UnitFactory(name="区人社局"), note="改由区人社局牵头",
    )

    run(V1)

    assert units_of(t) == ["区人社局"]
    assert t.assignments.get().source == AssignmentSource.MANUAL


def test_a_unit_written_with_an_etc_tail_is_assigned_as_printed_and_makes_no_alias():
    """`区规划局等区级有关部门`: the task goes to 区规划局 (no new unit named with its tail), the assignment
    keeps the words as printed, and the tail is no alias of the unit (the 单位管理 page would list it)."""
    UnitFactory(name="区规划局")
    result = run(V1.replace("【责任单位：区司法局】", "【责任单位：区司法局、区规划局等区级有关部门】"))

    t = Task.objects.get(number="3")
    a = t.assignments.get(unit__name="区规划局")
    assert a.as_written == "区规划局等区级有关部门"
    assert not Unit.objects.filter(name__contains="等").exists()
    assert not UnitAlias.objects.filter(name__contains="等").exists()
    assert not any("等" in x for x in result.aliases_created)

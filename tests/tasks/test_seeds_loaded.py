"""The five seed plans, loaded by `manage.py load_seeds` through the importer: what lands in the DATABASE.

Every expectation below was checked by reading the document (fixtures/seeds/) by hand.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from deadlines.models import Milestone, Recurrence, UnresolvedPhrase
from departments.models import Unit, UnitAlias
from tasks.models import Assignment, AssignmentRole, Plan, Section, Task

D = dt.date


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Loaded once for the module (the import takes seconds), removed afterwards."""
    with django_db_blocker.unblock():
        call_command("load_seeds", stdout=io.StringIO())
        yield {p.source_filename[:3]: p for p in Plan.objects.all()}
        Plan.objects.all().delete()
        UnitAlias.objects.all().delete()
        Unit.objects.all().delete()


@pytest.fixture
def plans(seeded, db):
    return seeded


def t(plan, key):
    return Task.objects.get(plan=plan, import_key=key)


def leads(task):
    return [a.unit.name for a in task.assignments.filter(role=AssignmentRole.LEAD).order_by("order")]


def responsible(task):
    """Every unit named for the task, in printed order (leads included)."""
    return [a.unit.name for a in task.assignments.order_by("order")]


def dates(task):
    return [m.due_on for m in task.milestones.order_by("order")]


@pytest.mark.parametrize(
    ("seed", "tasks", "top_level"),
    [("000", 57, 20), ("001", 16, 16), ("002", 25, 25), ("003", 12, 12), ("004", 120, 90)],
)
def test_each_seed_has_its_number_of_tasks(plans, seed, tasks, top_level):
    assert plans[seed].tasks.count() == tasks
    assert plans[seed].tasks.top_level().count() == top_level


def test_plans_carry_their_title_year_and_number(plans):
    assert {k: (p.year, p.doc_number) for k, p in plans.items()} == {
        "000": (2020, ""), "001": (2017, ""), "002": (2018, ""), "003": (2018, ""), "004": (2019, "杭改办〔2019〕1号"),
    }
    assert plans["004"].title == "2019年杭州市深化推进“最多跑一次”改革打造一流营商环境工作要点"
    assert plans["004"].issued_on == D(2019, 4, 22)
    assert plans["000"].source.text.startswith("\n\n2020年萧山区深化“最多跑一次”")


# --- 000 萧山 2020 ------------------------------------------------------------------------------


def test_000_item_1_has_four_sub_tasks_each_led_by_the_first_unit_of_its_bracket(plans):
    p = plans["000"]
    item = t(p, "二.一.1")
    assert leads(item) == ["区审管办"]
    assert responsible(item) == ["区审管办", "区数管局", "区级有关部门", "经济技术开发区", "各镇街", "区住建局", "区市场监管局"]
    assert [c.import_key for c in item.children.order_by("order")] == [f"二.一.1-{i}" for i in (1, 2, 3, 4)]
    assert responsible(t(p, "二.一.1-2")) == ["区审管办", "经济技术开发区", "区级有关部门", "各镇街"]
    assert [dates(t(p, f"二.一.1-{i}")) for i in (1, 2, 3, 4)] == [[], [D(2020, 12, 31)], [D(2020, 8, 31)], [D(2020, 12, 31)]]
    assert t(p, "二.一.1-3").milestones.get().phrase == "8月底前"
    assert dates(item) == []  # its dates live on the sub-tasks, reminded once


def test_000_item_9_merges_two_names_of_the_police_and_of_the_bank(plans):
    p = plans["000"]
    assert responsible(t(p, "二.二.9-1")) == ["区市场监管局", "区人社局", "区公积金中心"]
    assert dates(t(p, "二.二.9-1")) == [D(2020, 6, 30)]
    assert leads(t(p, "二.二.9-2")) == ["区市场监管局"]
    assert responsible(t(p, "二.二.9-2")) == ["区市场监管局", "区公安局", "区税务局", "人行萧山支行"]
    assert dates(t(p, "二.二.9-2")) == [D(2020, 11, 30), D(2020, 12, 31)]
    assert t(p, "二.二.9-2").assignments.get(unit__name="区公安局").as_written == "区公安分局"


def test_000_one_unit_under_several_names_is_one_unit_with_aliases(plans):
    assert not Unit.objects.filter(name__in=["区公安分局", "人民银行萧山支行", "区审管办（跑改办）", "区审管办（招管办）"]).exists()
    police = Unit.objects.get(name="区公安局")
    assert UnitAlias.objects.get(name="区公安分局").unit == police
    assert UnitAlias.objects.get(name="人民银行萧山支行").unit.name == "人行萧山支行"
    assert UnitAlias.objects.get(name="区审管办（跑改办）").unit.name == "区审管办"
    assert UnitAlias.objects.get(name="区审管办（招管办）").unit.name == "区审管办"
    # item 2 writes 区公安局, item 9 区公安分局: both on the same unit
    p = plans["000"]
    assert Assignment.objects.get(task=t(p, "二.一.2-3"), unit=police).as_written == "区公安局"
    assert Assignment.objects.get(task=t(p, "二.二.9-2"), unit=police).as_written == "区公安分局"
    assert not Unit.objects.filter(needs_review=True).exists()  # every seed unit is a known one


def test_000_item_17_has_six_leads_and_its_dates(plans):
    p = plans["000"]
    assert leads(t(p, "二.三.17")) == ["区教育局", "区卫健局", "区医保局", "区民政局", "区人社局", "区文旅局"]
    assert t(p, "二.三.17").number == "17"
    assert [dates(t(p, f"二.三.17-{i}")) for i in range(1, 7)] == [[D(2020, 12, 31)]] * 3 + [[]] * 3


def test_000_items_10_and_14_service_targets_are_not_deadlines(plans):
    p = plans["000"]
    assert responsible(t(p, "二.二.10")) == ["区市场监管局", "区级有关部门"]
    assert dates(t(p, "二.二.10")) == [D(2020, 12, 31)]  # not “46天内办结”
    assert leads(t(p, "二.二.14")) == responsible(t(p, "二.二.14")) == ["区税务局"]
    assert dates(t(p, "二.二.14")) == [D(2020, 12, 31)]  # not “120小时以内”
    assert not t(p, "二.二.14").children.exists()


def test_000_work_guarantees_are_not_tasks(plans):
    assert not plans["000"].tasks.filter(title__contains="强化组织领导").exists()
    assert list(Section.objects.filter(plan=plans["000"], parent=None).values_list("title", flat=True)) == ["工作内容"]


# --- 001 浙江 2017 ------------------------------------------------------------------------------


def test_001_department_paragraphs_with_partners_and_stage_dates(plans):
    p = plans["001"]
    assert leads(t(p, "二.R9")) == ["省国土资源厅"] and responsible(t(p, "二.R9")) == ["省国土资源厅", "省建设厅"]
    assert responsible(t(p, "二.R6")) == ["省财政厅", "省地税局"] and leads(t(p, "二.R6")) == ["省财政厅"]
    assert responsible(t(p, "二.R4")) == ["省发展改革委"]
    assert t(p, "二.R4").assignments.get().as_written == "省发展改革委（省审改办）"
    assert dates(t(p, "三.一")) == [D(2017, 3, 31)]
    assert list(t(p, "三.一").unresolved_phrases.values_list("phrase", flat=True)) == ["三季度前"]
    assert leads(t(p, "三.二")) == ["省政府办公厅"] and dates(t(p, "三.二")) == [D(2017, 6, 30)]
    assert dates(t(p, "三.三")) == [D(2017, 12, 31)] and responsible(t(p, "三.三")) == []


# --- 002 象山 2018 ------------------------------------------------------------------------------


def test_002_has_no_units_and_one_deadline(plans):
    p = plans["002"]
    assert not Assignment.objects.filter(task__plan=p).exists()
    assert list(Milestone.objects.filter(task__plan=p).values_list("task__import_key", "due_on", "phrase")) == [
        ("二.三.3", D(2018, 12, 31), "12月底前")
    ]
    assert [p.tasks.filter(import_key__startswith=f"二.{s}.").count() for s in "一二三四五六七八"] == [2, 2, 4, 3, 3, 4, 2, 5]


# --- 003 萧山 就近办 -----------------------------------------------------------------------------


def test_003_label_blocks_two_completion_lines_and_printed_order(plans):
    p = plans["003"]
    three = t(p, "五.三")
    assert leads(three) == ["区信息中心"]
    assert responsible(three) == ["区信息中心", "相关部门", "各镇人民政府", "各街道办事处"]
    assert dates(three) == [D(2019, 2, 28), D(2018, 12, 31)]  # both, as printed
    assert leads(t(p, "五.二")) == ["区民政局", "区卫健局"]  # 区卫计局 is the older name
    assert t(p, "五.二").assignments.get(unit__name="区卫健局").as_written == "区卫计局"
    six = t(p, "五.六")
    assert leads(six) == [] and responsible(six) == ["设置基层站所的区级部门"] and dates(six) == [D(2019, 6, 30)]
    assert leads(t(p, "五.八")) == ["区审管办"] and dates(t(p, "五.八")) == [D(2018, 6, 30)]
    assert t(p, "五.七").order < six.order  # (七) is printed before (六)
    assert dates(t(p, "四.2")) == [D(2018, 12, 30)] and dates(t(p, "四.4")) == [D(2019, 6, 30)]


# --- 004 杭州 2019 ------------------------------------------------------------------------------


def test_004_text_items_with_wrapped_units_and_several_lists(plans):
    p = plans["004"]
    assert leads(t(p, "二.一.1-1")) == ["市跑改办"]
    assert responsible(t(p, "二.一.1-1")) == ["市跑改办", "市审管办", "市委编办", "市直各有关部门"]
    assert dates(t(p, "二.一.1-1")) == [D(2019, 12, 31)] and dates(t(p, "二.一.1-2")) == [D(2019, 10, 31)]
    assert leads(t(p, "二.二.6")) == ["市市场监管局", "市税务局", "市法院"]
    assert responsible(t(p, "二.二.6-3")) == ["市法院", "仲裁办", "市市场监管局"]
    assert leads(t(p, "二.二.10")) == ["市审管办", "市建委", "国网杭州供电公司", "市经信局"]
    assert dates(t(p, "二.五.25")) == [D(2019, 12, 31), D(2019, 8, 31)]
    assert responsible(t(p, "二.五.25")) == ["市信访局", "市数据资源局"]


def test_004_table_rows_are_tasks_with_their_own_units_and_dates(plans):
    p = plans["004"]
    t1 = t(p, "T1")
    assert (t1.source, t1.number, t1.category) == ("table", "1", "夯实基础")
    assert leads(t1) == ["市审管办", "市委编办"] and dates(t1) == [D(2019, 12, 31)]
    assert dates(t(p, "T6")) == [] and leads(t(p, "T6")) == ["市审管办", "市委编办"]
    assert leads(t(p, "T20")) == ["市规划和自然资源局"] and dates(t(p, "T20")) == [D(2019, 6, 30)]
    t62 = t(p, "T62")
    assert dates(t62) == [D(2019, 3, 31), D(2019, 6, 30), D(2019, 9, 30), D(2019, 12, 31)]
    assert set(t62.milestones.values_list("recurrence", flat=True)) == {Recurrence.QUARTERLY}
    assert leads(t(p, "T39")) == ["市卫生健康委", "市医保局"]
    assert p.tasks.filter(source="table").count() == 63


def test_004_alias_of_the_health_commission(plans):
    assert UnitAlias.objects.get(name="市卫生健康委员").unit.name == "市卫生健康委"
    assert not Unit.objects.filter(name="市卫生健康委员").exists()


def test_unresolved_phrases_are_kept_visible(plans):
    assert UnresolvedPhrase.objects.filter(task__plan=plans["001"]).count() == 1
    assert UnresolvedPhrase.objects.filter(task__plan=plans["004"]).count() == 3


def test_loading_the_seeds_again_changes_nothing(plans):
    before = (
        sorted(Task.objects.values_list("pk", "import_key")),
        sorted(Assignment.objects.values_list("pk", "unit_id", "role")),
        sorted(Milestone.objects.values_list("pk", "due_on")),
        Unit.objects.count(),
        UnitAlias.objects.count(),
    )
    out = io.StringIO()
    call_command("load_seeds", stdout=out)
    after = (
        sorted(Task.objects.values_list("pk", "import_key")),
        sorted(Assignment.objects.values_list("pk", "unit_id", "role")),
        sorted(Milestone.objects.values_list("pk", "due_on")),
        Unit.objects.count(),
        UnitAlias.objects.count(),
    )
    assert after == before
    assert out.getvalue().count("（更新，") == 5

"""What reformtracker's renderers draw in Python is what the templates they replace drew: the table
rows (reformtracker.tables), the widgets (reformtracker.widgets) and the per-object links
(reformtracker.links), compared as DOM (whitespace between tags aside) with the original."""

from __future__ import annotations

import datetime as dt
import itertools
from html.parser import HTMLParser

import django_tables2 as tables
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.utils.html import format_html
from django_tables2 import RequestConfig

from departments import roles
from departments.tables import UnitTable
from departments.tables import with_list_columns as with_unit_columns
from reformtracker import links
from reformtracker.tables import BooleanColumn, DateColumn, DateTimeColumn
from reformtracker.widgets import WidgetRenderer
from tasks.models import Task, TaskStatus
from tasks.workflow.filters import TaskFilter
from tasks.workflow.tables import TaskTable, with_list_columns
from tests.factories import AssignmentFactory, TaskFactory, UnitAliasFactory, UnitFactory, UserFactory

ORIGINAL = "django_tables2/bootstrap5-responsive.html"
OURS = "django_tables2/reformtracker.html"


class _Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.out = []

    def handle_starttag(self, tag, attrs):
        self.out.append(("<", tag, sorted((k, " ".join(sorted((v or "").split())) if k == "class" else v)
                                          for k, v in attrs)))

    def handle_endtag(self, tag):
        self.out.append((">", tag))

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.out.append(("text", text))


def dom(html: str) -> list:
    parser = _Dom()
    parser.feed(html)
    return parser.out


def both(table, request) -> tuple[list, list]:
    """The table drawn by django-tables2's template and by ours (row counters restarted between)."""
    ours = get_template(OURS).render({"table": table, "request": request})
    table._counter = itertools.count()
    original = get_template(ORIGINAL).render({"table": table, "request": request})
    return dom(original), dom(ours)


@pytest.fixture
def rf_request(office):
    request = RequestFactory().get("/tasks/", {"sort": "-next_due"})
    request.user = office
    return request


@pytest.mark.django_db
def test_task_table_rows_as_django_tables2_draws_them(rf_request, unit_a, unit_b):
    overdue = TaskFactory(title="甲 <b>任务</b> & 乙", status=TaskStatus.IN_PROGRESS, flag="overdue", percent=40)
    AssignmentFactory(task=overdue, unit=unit_a, role="lead", state="confirmed")
    AssignmentFactory(task=overdue, unit=unit_b, role="responsible", state="disputed", dispute_reason="不是本单位")
    TaskFactory(title="无单位", status=TaskStatus.DONE, next_due=None, pace="ahead")
    Task.objects.filter(pk=overdue.pk).update(next_due=dt.date(2026, 3, 1))  # (a copy kept from milestones)
    table = TaskTable(with_list_columns(Task.objects.all()))
    for name in ("select", "section", "updated_at"):  # every column, the hidden ones too
        table.columns.show(name)
    RequestConfig(rf_request, paginate={"per_page": 25}).configure(table)
    original, ours = both(table, rf_request)
    assert ours == original
    text = [t for kind, *t in ours if kind == "text"]
    assert ["甲 <b>任务</b> & 乙"] in text  # escaped once, not twice
    assert ["2026-03-01"] in text
    assert ["未分配"] in text


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["warning", "plan", "-units"])
def test_task_table_pages_read_their_units_as_the_prefetch_did(rf_request, unit_a, unit_b, sort):
    """The task list and 我的任务 page through GroupOrderPaginator, which reads a page's 牵头/责任单位
    as values (tables.list_units) instead of the prefetched assignments: the same cells, in the same
    order, for the same rows, in every kind of order the paginator reads."""
    from tasks.workflow.tables import GroupOrderPaginator

    for i in range(7):
        task = TaskFactory(title=f"第{i}项", status=TaskStatus.IN_PROGRESS, flag="overdue" if i % 2 else "")
        units = [(unit_a, "lead", "confirmed"), (unit_b, "responsible", "disputed")][: i % 3]
        for order, (unit, role, state) in enumerate(reversed(units) if i % 2 else units):
            AssignmentFactory(task=task, unit=unit, role=role, state=state, order=order,
                              dispute_reason="不是本单位" if state == "disputed" else "")
    drawn = {}
    for paginator in (None, GroupOrderPaginator):
        table = TaskTable(with_list_columns(Task.objects.all()), order_by=(sort,))
        RequestConfig(rf_request, paginate={"per_page": 5, **({"paginator_class": paginator} if paginator else {})}
                      ).configure(table)
        drawn[paginator] = [[row.get_cell("title"), row.get_cell("units")] for row in table.page.object_list]
        assert (paginator is None) == all(not hasattr(row.record, "listed_units") for row in table.page.object_list)
    assert drawn[GroupOrderPaginator] == drawn[None]
    assert any("、" in str(units) for _, units in drawn[None])  # a task of two units among them


@pytest.mark.django_db
def test_empty_table_and_callable_cell_attributes(rf_request, unit_a):
    class Table(tables.Table):
        name = tables.Column(attrs={"td": {"data-len": lambda value: len(value), "class": "n"}})
        kind = tables.Column()  # a field with choices: its label is shown
        when = DateTimeColumn(accessor="created_at", format="Y-m-d H:i")
        day = DateColumn(accessor="created_at", short=False)

        class Meta:
            row_attrs = {"data-id": lambda record: record.pk, "class": lambda record: "" if record.pk % 2 else "x"}
            empty_text = "没有 <单位>"

    UnitFactory(name="区发改局")
    units = unit_a.__class__.objects.order_by("pk")
    for data in (units, units.none()):
        table = Table(data)
        RequestConfig(rf_request).configure(table)
        original, ours = both(table, rf_request)
        assert ours == original
    assert ("text", "没有 <单位>") in ours


@pytest.mark.django_db
def test_unit_table_links_and_booleans(rf_request, unit_a):
    from django.db.models import Count

    UnitAliasFactory(unit=unit_a, name="市场监管局")
    UnitAliasFactory(unit=unit_a, name="区<市场>局")
    UserFactory(username="liaison_x", role=roles.LIAISON, units=[unit_a], first_name="张敏")
    UserFactory(username="liaison_y", role=roles.LIAISON, units=[unit_a], first_name="")
    table = UnitTable(with_unit_columns(unit_a.__class__.objects.annotate(task_count=Count("assignments"))))
    RequestConfig(rf_request).configure(table)
    original, ours = both(table, rf_request)
    assert ours == original
    assert ("<", "a", [("href", reverse("departments:edit", args=[unit_a.pk]))]) in ours
    text = [t for kind, *t in ours if kind == "text"]
    assert ["区<市场>局、市场监管局"] in text or ["市场监管局、区<市场>局"] in text
    assert ["张敏、liaison_y"] in text or ["liaison_y、张敏"] in text


def test_date_columns_read_the_local_time():
    moment = dt.datetime(2026, 1, 31, 20, 30, tzinfo=dt.UTC)  # 1 February in Shanghai

    class Bound:
        default = "—"

    assert DateTimeColumn(format="Y-m-d H:i").render(moment, Bound) == "2026-02-01 04:30"
    assert DateColumn(format="Y-m-d").render(dt.date(987, 6, 5), Bound) == "0987-06-05"
    assert DateColumn(format="Y年n月").render(dt.date(2026, 6, 5), Bound) == "2026年6月"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


def test_boolean_column_spans_as_django_tables2_makes_them():
    for kwargs in ({}, {"yesno": "✓,停用"}, {"attrs": {"span": {"data-x": "<1>"}}}):
        ours, theirs = BooleanColumn(**kwargs), tables.BooleanColumn(**kwargs)
        for value in (True, False, 0, "x", None):
            assert ours.render(value, None, None) == theirs.render(value, None, None)


class EveryWidget(forms.Form):
    text = forms.CharField(initial='a "quoted" <value>', widget=forms.TextInput(attrs={"data-x": "1"}))
    number = forms.IntegerField(initial=3, required=False)
    day = forms.DateField(initial=dt.date(2026, 5, 4), widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h")
    box = forms.BooleanField(initial=True, required=False)
    off = forms.CharField(widget=forms.TextInput(attrs={"disabled": True, "readonly": False}), required=False)
    choice = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & 乙"), ("组", [("b", "丙"), ("c", "<丁>")])],
                               initial="b")
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")], initial=[1, 3])
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, initial="y")
    yesno = forms.NullBooleanField()


@pytest.mark.parametrize("data", [None, {"text": "<x>", "choice": "c", "many": ["2"], "box": "on", "day": "bad"}])
def test_widgets_as_django_draws_them(data):
    ours = EveryWidget(data, renderer=WidgetRenderer())
    django = EveryWidget(data, renderer=DjangoTemplates())
    for name in EveryWidget.base_fields:
        assert dom(str(ours[name])) == dom(str(django[name])), name
    assert dom(ours.as_div()) == dom(django.as_div())


@pytest.mark.django_db
def test_filter_form_as_django_draws_it(rf_request, unit_a, unit_b):
    unit_a.aliases.create(name="市监局")
    ours = TaskFilter({"unit": unit_a.pk}, request=rf_request).form
    django = TaskFilter({"unit": unit_a.pk}, request=rf_request).form
    django.renderer = DjangoTemplates()
    assert ours.renderer.__class__ is WidgetRenderer
    assert dom(ours.as_div()) == dom(django.as_div())
    assert 'data-search="区市场监管局 市监局 qscjgj sjj"' in str(ours["unit"])


def test_custom_option_templates_are_left_to_django():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=Special)
    html = field.widget.render("f", "a", renderer=WidgetRenderer())
    assert html == field.widget.render("f", "a", renderer=DjangoTemplates())


@pytest.mark.django_db
def test_pk_url_is_reverse():
    task = TaskFactory()
    assert task.get_absolute_url() == reverse("tasks:detail", args=[task.pk])
    for view in ("tasks:confirm", "tasks:dispute", "tasks:detail"):
        for pk in (1, 42, 10**12):
            assert links.pk_url(view, pk) == reverse(view, args=[pk])
    assert links.pk_url("tasks:detail", "7") == reverse("tasks:detail", args=["7"])
    confirm = links.pk_urls("tasks:confirm")
    assert [confirm(pk) for pk in (3, "4")] == [reverse("tasks:confirm", args=[pk]) for pk in (3, 4)]


def test_pk_url_follows_the_script_prefix():
    try:
        set_script_prefix("/ducha/")
        assert links.pk_url("tasks:detail", 5) == "/ducha/tasks/5/" == reverse("tasks:detail", args=[5])
    finally:
        set_script_prefix("/")
    assert links.pk_url("tasks:detail", 5) == reverse("tasks:detail", args=[5])


def test_format_html_marks_stay_marks():
    from tasks.workflow.tables import UNIT_MARK

    assert UNIT_MARK[True, "confirmed"] == format_html('<span class="{}" title="{}">{}', "fw-semibold", "已签收", "✓")


# 我的任务's lists as templates/tasks/my_tasks.html had them inline (tasks/templatetags/my_rows.py
# writes them now): each loop with the context it ran in
MY_TASKS_ORIGINAL = """{% load taskui links %}
<ul>{% for u in urgings %}
  <li class="list-group-item"><a href="{{ u.task.get_absolute_url }}">{{ u.task.number }} {{ u.task.title }}</a> {% warning_badge u.task %}
    <span class="small text-muted">{{ u.unit }} · 催办于 {{ u.created_at|date:"Y-m-d" }}</span>
    {% if u.reply_by %}<span class="small{% if u.reply_by < today %} text-danger fw-bold{% endif %}">· 请于 {{ u.reply_by|date:"Y-m-d" }} 前回复{% if u.reply_by < today %}（已逾期）{% endif %}</span>{% endif %}
    <div class="small">{{ u.message }}</div>
  <a class="btn btn-sm btn-warning mt-1" href="{% pk_url 'tasks:urging_answer' u.pk %}">回复</a></li>
{% endfor %}</ul>
<ul>{% url 'tasks:mine' as mine_url %}
{% for a in pending %}
  <li class="list-group-item d-flex flex-wrap flex-md-nowrap align-items-center gap-2">
    <span><a href="{{ a.task.get_absolute_url }}">{{ a.task.number }} {{ a.task.title }}</a> {% warning_badge a.task %}
      <span class="small text-muted">· {{ a.task.plan.title|truncatechars:24 }} · {{ a.unit }}（{{ a.get_role_display }}）</span>
      <span class="small text-nowrap">{% if a.task.next_due %}· 截止 {{ a.task.next_due|date:"Y-m-d" }}{% else %}· 无截止日期{% endif %}</span></span>
    <span class="d-flex gap-1 flex-shrink-0 ms-auto">
    <form method="post" action="{% pk_url 'tasks:confirm' a.pk %}">{% csrf_token %}<input type="hidden" name="next" value="{{ mine_url }}"><button class="btn btn-sm btn-outline-success">签收</button></form>
    <a class="btn btn-sm btn-outline-danger" href="{% pk_url 'tasks:dispute' a.pk %}">提出异议</a></span>
  </li>
{% endfor %}</ul>
<ul>{% for r in returned %}
  <li class="list-group-item"><a href="{{ r.task.get_absolute_url }}#report-{{ r.pk }}">{{ r.task.title }}</a> <span class="small text-muted">{{ r.unit }} {{ r.period|date:"Y年n月" }}</span><div class="small text-danger">审核意见：{{ r.review_comment }}</div></li>
{% endfor %}</ul>
<ul>{% for a in disputed %}<li class="list-group-item small"><a href="{{ a.task.get_absolute_url }}">{{ a.task.title }}</a> — {{ a.dispute_reason }}</li>{% endfor %}</ul>"""

MY_TASKS_OURS = """{% load my_rows %}
<ul>{% urging_rows urgings today %}</ul>
<ul>{% url 'tasks:mine' as mine_url %}{% pending_rows pending mine_url %}</ul>
<ul>{% returned_rows returned %}</ul>
<ul>{% disputed_rows disputed %}</ul>"""


@pytest.mark.django_db
@pytest.mark.parametrize("csrf", ["a1b2<c3>", "NOTPROVIDED", None])
def test_my_tasks_lists_as_the_template_drew_them(unit_a, csrf, settings):
    from django.template import engines

    from tasks.models import Assignment, ProgressReport, Urging
    from tests.factories import PlanFactory, ProgressReportFactory, UrgingFactory

    settings.TIME_ZONE = "Asia/Shanghai"
    plan = PlanFactory(title="2026年某区全面深化改革工作要点（征求意见稿）<附件>")
    red = TaskFactory(plan=plan, number="3", title="推进 <b>政务</b> & “一网通办”", status=TaskStatus.IN_PROGRESS,
                      flag="overdue")
    blue = TaskFactory(plan=plan, number="", title="无编号任务", status=TaskStatus.NOT_STARTED, flag="due_soon")
    plain = TaskFactory(plan=plan, number="5", title="无截止日期的任务", next_due=None)
    Task.objects.filter(pk=red.pk).update(next_due=dt.date(2026, 3, 1))
    Task.objects.filter(pk=blue.pk).update(next_due=dt.date(2026, 12, 10))
    for task, role in ((red, "lead"), (blue, "responsible"), (plain, "lead")):
        AssignmentFactory(task=task, unit=unit_a, role=role, state="pending")
    AssignmentFactory(task=plain, unit=UnitFactory(name="区<司法>局"), state="disputed", dispute_reason="不是 <本单位> 职责")
    # an urging made at 23:30 on 2026-01-31 UTC is 2026-02-01 in Shanghai (the filter's local day)
    late = UrgingFactory(task=red, unit=unit_a, message="请于周五前 <回复>", reply_by=dt.date(2026, 1, 5))
    Urging.objects.filter(pk=late.pk).update(created_at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC))
    UrgingFactory(task=blue, unit=unit_a, reply_by=dt.date(2026, 12, 31))
    UrgingFactory(task=plain, unit=unit_a, reply_by=None)
    ProgressReportFactory(task=red, unit=unit_a, period=dt.date(2026, 11, 1), review_comment="数据 <不全> & 缺附件")
    context = {
        "today": dt.date(2026, 12, 2),
        "urgings": list(Urging.objects.select_related("task", "unit").order_by("pk")),
        "pending": list(Assignment.objects.filter(state="pending").select_related("task__plan", "unit").order_by("pk")),
        "returned": list(ProgressReport.objects.select_related("task", "unit")),
        "disputed": list(Assignment.objects.filter(state="disputed").select_related("task")),
    }
    if csrf is not None:
        context["csrf_token"] = csrf
    engine = engines["django"]
    original = dom(engine.from_string(MY_TASKS_ORIGINAL).render(context))
    ours = dom(engine.from_string(MY_TASKS_OURS).render(context))
    assert ours == original
    text = [t for kind, *t in ours if kind == "text"]
    assert ["3 推进 <b>政务</b> & “一网通办”"] in text  # escaped once, not twice
    assert ["区市场监管局 · 催办于 2026-02-01"] in text
    assert ["· 请于 2026-01-05 前回复（已逾期）"] in text
    assert sum(1 for x in ours if x[:2] == ("<", "form")) == 3

"""Tables of units and users."""

from __future__ import annotations

from collections import defaultdict

import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.utils.html import format_html

from departments.models import Unit, UnitAlias
from reformtracker.tables import BooleanColumn, DateTimeColumn

# On a phone the unit table keeps the name, liaisons, task count and 待核对: with every column the
# names were squeezed to one character a line.
WIDE_ONLY = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


def with_list_columns(units) -> list[Unit]:
    """The units of a queryset, each with its aliases' names (`alias_list`, by name) and its
    liaisons' names (`liaison_list`: 姓名, or the username without one) as the 别名 and 联络员 columns
    show them: read as values, one query each whatever the number of units — through the related
    managers each row built two managers per column, and a prefetch built a model instance per alias
    and per liaison account, more than the rest of the row cost."""
    ids = units.order_by().values("pk")  # a subquery (the whole list: no IN of every id)
    units = list(units)
    aliases: dict[int, list[str]] = defaultdict(list)
    liaisons: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in UnitAlias.objects.filter(unit__in=ids).order_by("name").values_list("unit_id", "name"):
        aliases[unit_id].append(name)
    through = Unit.liaisons.through.objects.filter(unit__in=ids).order_by("pk")
    for unit_id, first, last, username in through.values_list(
            "unit_id", "user__first_name", "user__last_name", "user__username"):
        liaisons[unit_id].append(f"{first} {last}".strip() or username)  # as User.get_full_name()
    for unit in units:
        unit.alias_list, unit.liaison_list = aliases[unit.pk], liaisons[unit.pk]
    return units


class UnitTable(tables.Table):
    """The units of 单位管理: a list of `with_list_columns` units."""

    name = tables.Column(
        verbose_name="单位名称", linkify=("departments:edit", [tables.A("pk")]),
        attrs={"td": {"class": "unit-name"}, "th": {"class": "unit-name"}},
    )
    short_name = tables.Column(verbose_name="简称", attrs=WIDE_ONLY)
    kind = tables.Column(verbose_name="类型", attrs=WIDE_ONLY)
    level = tables.Column(verbose_name="层级", attrs=WIDE_ONLY)
    aliases = tables.Column(verbose_name="别名", accessor="alias_list", empty_values=(), orderable=False,
                            attrs=WIDE_ONLY)
    liaisons = tables.Column(verbose_name="联络员", accessor="liaison_list", empty_values=(), orderable=False)
    task_count = tables.Column(verbose_name="任务数", attrs={"td": {"class": "text-end text-nowrap"},
                                                        "th": {"class": "text-nowrap"}})
    needs_review = BooleanColumn(verbose_name="待核对", yesno="待核对,—", attrs=NOWRAP)
    is_active = BooleanColumn(verbose_name="启用", yesno="✓,停用", attrs=WIDE_ONLY)

    class Meta:
        model = Unit
        fields = ("name", "short_name", "kind", "level", "aliases", "liaisons", "task_count", "needs_review", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle unit-table"}
        empty_text = "没有单位"

    def render_aliases(self, value):
        return "、".join(value) or "—"

    def render_liaisons(self, value):
        return "、".join(value) or "—"

    def render_needs_review(self, value):
        return format_html('<span class="badge text-bg-warning">待核对</span>') if value else "—"


def _then_id(field: str):
    """A column's order with the id after it: accounts that tie (the same 姓名, all 启用, never logged
    in) came back from PostgreSQL in a different order for each page, so pages of 50 overlapped."""
    def order(table, queryset, is_descending):
        return queryset.order_by(f"-{field}" if is_descending else field, "pk"), True
    return order


class UserTable(tables.Table):
    username = tables.Column(verbose_name="用户名", linkify=("departments:user_edit", [tables.A("pk")]))
    first_name = tables.Column(verbose_name="姓名")
    role = tables.Column(verbose_name="角色", empty_values=(), orderable=False)
    units = tables.Column(verbose_name="所属单位", empty_values=(), orderable=False)
    is_active = BooleanColumn(verbose_name="启用", yesno="✓,停用")
    last_login = DateTimeColumn(verbose_name="最近登录", format="Y-m-d H:i")

    class Meta:
        model = get_user_model()
        fields = ("username", "first_name", "role", "units", "is_active", "last_login")
        attrs = {"class": "table table-sm table-hover align-middle"}

    order_first_name = _then_id("first_name")
    order_is_active = _then_id("is_active")
    order_last_login = _then_id("last_login")

    def render_role(self, record):
        names = [g.name for g in record.groups.all()]
        return "、".join(names) or "—"

    def render_units(self, record):
        return "、".join(u.name for u in record.units.all()) or "—"

"""The body rows of every django-tables2 table, drawn in one pass.

django-tables2 orders, paginates and draws the headers and the pager (templates/django_tables2/
reformtracker.html extends its Bootstrap 5 template); this draws the rows the same way its template
does — `<tr {{ row.attrs.as_html }}>`, `<td {{ column.attrs.td.as_html }}>{{ cell }}</td>` — at a
fraction of the cost. Per cell django-tables2 computes `inspect.signature` of the render method
(the largest Python cost of a list page), merges and renders the column's attributes, looks the
accessor's model field up and catches an exception per attribute lookup. Here what does not change
from row to row is worked out once per table (a column's `<td>` attributes when none of them is a
callable, whether its field has choices and their labels, its link's URL pattern) and once per
process (a function's signature); tags and attributes are written with f-strings and html.escape.

`{% table_rows table %}` (library "table_rows", settings.TEMPLATES) renders the rows of any table
(pinned rows through django-tables2 itself); the cells are the same, escaped and localized as the
template would.
"""

from __future__ import annotations

import datetime
import functools
import html
import inspect

import django_tables2 as tables
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.templatetags.l10n import localize, unlocalize
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns.base import LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import A, AttributeDict, computed_values

from reformtracker.links import pk_urls

register = template.Library()


def as_text(value, context) -> str:
    """`{{ value }}` (django.template.base.render_value_in_context), a plain string escaped without
    the detour through localization the template takes for any value."""
    kind = type(value)
    if kind is SafeString:
        return value
    if kind is str:
        return SafeString(html.escape(value)) if context.autoescape else value
    return render_value_in_context(value, context)


@functools.lru_cache(maxsize=1024)
def _signature(func, bound: bool) -> tuple[tuple[str, ...], bool]:
    """The arguments `func` takes by name (without self when `bound`) and whether it takes **kwargs:
    django_tables2.utils.signature, computed once per function instead of once per cell."""
    params = list(inspect.signature(func).parameters.values())
    if bound:
        params = params[1:]
    names = tuple(p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
    return names, any(p.kind == p.VAR_KEYWORD for p in params)


def signature(fn) -> tuple[tuple[str, ...], bool]:
    func = getattr(fn, "__func__", None)
    if func is not None and inspect.ismethod(fn):
        return _signature(func, True)
    try:
        return _signature(fn, False)
    except TypeError:  # not hashable (a callable object defining __eq__ only): as django-tables2 does
        return _signature.__wrapped__(fn, False)


def call_with_appropriate(fn, kwargs: dict):
    """django_tables2.utils.call_with_appropriate with the signature kept: `fn` called with the
    arguments of `kwargs` it names (all of them if it takes **kwargs); None if it names another."""
    names, catch_all = signature(fn)
    if catch_all:
        return fn(**kwargs)
    if any(name not in kwargs for name in names):
        return None
    return fn(**{name: kwargs[name] for name in names})


class _DateFormat:
    """A cell of django-tables2's DateColumn / DateTimeColumn is a template, `{{ value|date:"…"|default:default }}`,
    compiled for every cell; this gives the same text (escaped by the table like any cell) through
    the same filter, in the local time zone as the template would."""

    def __init__(self, format=None, short=True, **kwargs):
        super().__init__(format, short, **kwargs)
        self.format = format or self.default_formats[short]

    def render(self, value, bound_column):
        if type(value) is datetime.date and self.format == "Y-m-d":  # the filter's Y-m-d is ISO 8601
            return value.isoformat()
        return date_filter(template_localtime(value), self.format) or bound_column.default


class DateColumn(_DateFormat, tables.DateColumn):
    default_formats = {True: "SHORT_DATE_FORMAT", False: "DATE_FORMAT"}


class DateTimeColumn(_DateFormat, tables.DateTimeColumn):
    default_formats = {True: "SHORT_DATETIME_FORMAT", False: "DATETIME_FORMAT"}


class BooleanColumn(tables.BooleanColumn):
    """django-tables2's BooleanColumn, its two spans (`<span class="true">✔</span>` and the false one)
    made once instead of for every cell."""

    @functools.cached_property
    def _spans(self) -> dict[bool, str]:
        return {value: super(BooleanColumn, self).render(value, None, None) for value in (True, False)}

    def render(self, value, record, bound_column):
        return self._spans[self._get_bool_value(record, value, bound_column)]


def _has_callable(value) -> bool:
    if callable(value):
        return True
    return isinstance(value, dict) and any(_has_callable(v) for v in value.values())


class _Column:
    """What rendering one column's cells needs, worked out once per table."""

    def __init__(self, table, bound_column):
        self.bound_column = bound_column
        self.column = column = bound_column.column
        self.accessor = A(bound_column.accessor)
        self.path, _, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.path_bits = A(self.path).bits
        self.bits = self.accessor.bits
        self.render = bound_column.render
        self.link = _fast_link(bound_column.link) if bound_column.link else None
        self.empty_values = column.empty_values
        self.default = bound_column.default
        self.is_m2m = isinstance(column, ManyToManyColumn)
        self.text_link = isinstance(column, BaseLinkColumn) and column.text is not None
        self.localize = {None: None, True: localize, False: unlocalize}[column.localize]
        attrs = {**table.attrs, **column.attrs}
        self.td = None if _has_callable(attrs.get("td", attrs.get("cell", {}))) else self._td_html()
        self.choices: dict[type, bool] = {}
        self._labels: dict[tuple, tuple | None] = {}

    def _td_html(self) -> str:
        attrs = self.bound_column.attrs["td"].as_html()
        return f"<td {attrs}>" if attrs else "<td>"

    def has_choices(self, record) -> bool:
        """Whether the accessor names a model field with choices (then its get_FOO_display is shown)."""
        kind = type(record)
        if kind not in self.choices:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            self.choices[kind] = bool(getattr(field, "choices", ()))
        return self.choices[kind]

    def labels(self, model: type, name: str) -> tuple[str, dict] | None:
        """(attname, {value: label}) when the model's get_<name>_display is Django's
        Model._get_FIELD_display, which builds that dict anew for every call; else None."""
        key = (model, name)
        if key not in self._labels:
            method = next((k.__dict__[f"get_{name}_display"] for k in model.__mro__
                           if f"get_{name}_display" in k.__dict__), None)
            field = method.keywords.get("field") if isinstance(method, functools.partialmethod) else None
            if field is None or method.func is not models.Model._get_FIELD_display:
                self._labels[key] = None
            else:
                self._labels[key] = (field.attname, dict(make_hashable(field.flatchoices)))
        return self._labels[key]

    def resolve(self, record, bits, quiet=False):
        """Accessor.resolve, without the failed item lookup (an exception) on each model instance;
        anything but plain attributes of model instances is left to Accessor.resolve."""
        try:
            current = record
            for bit in bits:
                if not isinstance(current, models.Model) or hasattr(type(current), "__getitem__"):
                    raise LookupError(bit)
                current = getattr(current, bit)
                if callable(current):
                    raise LookupError(bit)
                if current is None:
                    break
            return current
        except Exception:
            return A(self.accessor.SEPARATOR.join(bits)).resolve(record, quiet=quiet)

    def cell(self, row: BoundRow, record, table):
        """BoundRow.get_cell: the value (a choice's label), the default when empty, else rendered and linked."""
        value = None
        remainder = self.remainder
        if self.has_choices(record):
            penultimate = self.resolve(record, self.path_bits, quiet=True)
            if isinstance(penultimate, models.Model):
                labels = self.labels(type(penultimate), remainder)
                if labels is not None:  # Django's own get_FOO_display, its choices read once
                    raw = getattr(penultimate, labels[0])
                    value = force_str(labels[1].get(make_hashable(raw), raw), strings_only=True)
                    remainder = None
                elif display := getattr(penultimate, f"get_{remainder}_display", None):
                    value = display()
                    remainder = None
        kwargs = {"value": None, "record": record, "column": self.column, "bound_column": self.bound_column,
                  "bound_row": row, "table": table}
        if remainder:
            try:
                value = self.resolve(record, self.bits)
            except Exception:
                if self.text_link:
                    return self._render(kwargs)
        if value in self.empty_values or (self.is_m2m and not value.exists()):
            return self.default
        kwargs["value"] = value
        return self._render(kwargs)

    def _render(self, kwargs):
        content = call_with_appropriate(self.render, kwargs)
        return self.link(content, **kwargs) if self.link else content


def _fast_link(link: LinkTransform):
    """LinkTransform.__call__ for the links the tables make: `<a href="…">` around the content.
    With linkify=("view", [A("pk")]) the URL comes from reformtracker.links.pk_urls (reverse() once
    per page, not per row); without attributes for the <a> the tag is written directly. Any other
    link as django-tables2 makes it."""
    args = link.reverse_args
    by_pattern = (not link.url and set(args) == {"viewname", "args"} and isinstance(args["viewname"], str)
                  and len(args["args"]) == 1)
    if link.attrs or not (by_pattern or not args):
        return link
    if by_pattern:
        url_of, (arg,) = pk_urls(args["viewname"]), args["args"]

        def href(kwargs):
            return url_of(arg.resolve(kwargs["record"]) if isinstance(arg, A) else arg)
    else:
        href = functools.partial(_compose_url, link)

    def linked(content, **kwargs):
        url = href(kwargs)
        if url is None:
            return content
        return SafeString(f'<a href="{escape_html(url)}">{escape_html(content)}</a>')

    return linked


def _compose_url(link: LinkTransform, kwargs: dict):
    return link.compose_url(**kwargs)


def escape_html(value) -> str:
    """django.utils.html.conditional_escape without the lazy-string wrapper."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _row_attrs(table, row: BoundRow) -> str:
    """BoundRow.attrs.as_html()."""
    kwargs = {"table": table, "record": row.record}
    attrs = {}
    for key, value in table.row_attrs.items():
        if callable(value):
            value = call_with_appropriate(value, kwargs)
        if isinstance(value, dict):
            value = computed_values(value, kwargs=kwargs)
        attrs[key] = value
    css = row.get_even_odd_css_class()
    attrs["class"] = f"{attrs['class']} {css}" if attrs.get("class") else css
    # AttributeDict.as_html: each item as name="value", escaped, but the blacklisted and the None
    items = ((key, value() if callable(value) else value) for key, value in attrs.items())
    return " ".join(
        f'{escape_html(key)}="{escape_html(value)}"' for key, value in items
        if key not in AttributeDict.blacklist and value is not None
    )


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> SafeString:
    """The <tr> of the table's current page, or its empty text; what django-tables2's
    `{% for row in table.paginated_rows %}` loop draws."""
    columns = [_Column(table, bound_column) for bound_column in table.columns]
    out = []
    for row in table.paginated_rows:
        if type(row) is not BoundRow:  # a pinned row: django-tables2's own way
            out.append(_slow_row(context, row))
            continue
        record = row.record
        out.append(f"<tr {_row_attrs(table, row)}>")
        for col in columns:
            value = col.cell(row, record, table)
            if col.td is None:  # attributes computed from the cell: as django-tables2 does
                col.bound_column.current_value, col.bound_column.current_record = value, record
                td = col._td_html()
            else:
                td = col.td
            if col.localize is not None:
                value = col.localize(value)
            out.append(f"{td}{as_text(value, context)}</td>")
        out.append("</tr>")
    if not out and table.empty_text:
        text = render_value_in_context(table.empty_text, context)
        out.append(f'<tr><td colspan="{len(columns)}">{text}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 — every part escaped above (as_text, escape_html, as_html)


def _slow_row(context, row) -> str:
    cells = []
    for column, cell in row.items():
        if column.localize is not None:
            cell = (localize if column.localize else unlocalize)(cell)
        cells.append(f"<td {column.attrs['td'].as_html()}>{render_value_in_context(cell, context)}</td>")
    return f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>"

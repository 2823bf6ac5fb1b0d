"""The dashboard's per-unit and per-plan rows, written in Python.

A cold dashboard draws a bar and a ranking row for every unit and a row for every plan: some forty
template variables each, which the template engine resolved, localized and escaped one by one —
the largest part of the page's rendering. These tags write the same HTML (templates/dashboard/
index.html had it inline) with each figure read once."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tasks.templatetags.bars import whole_percents

register = template.Library()


def _text(value, context) -> str:
    """`{{ value }}`; a plain int as str (what localizing it gives without USE_THOUSAND_SEPARATOR)."""
    if type(value) is int and not context.use_l10n_thousands:
        return str(value)
    return render_value_in_context(value, context)


class _Context:
    """What `{{ }}` reads of the template's context, looked up once per tag."""

    def __init__(self, context):
        self.autoescape, self.use_l10n, self.use_tz = context.autoescape, context.use_l10n, context.use_tz
        self.use_l10n_thousands = settings.USE_THOUSAND_SEPARATOR


DANGER = ' class="text-danger fw-semibold"'
ACTIVE = ' class="table-active"'


def _cells(row, ctx) -> str:
    """`{% for b, n, link in row.cells %}<td><a …>{{ n }}</a></td>{% endfor %}`."""
    return "".join(
        f'<td><a href="{_text(link, ctx)}"{DANGER if n and bucket.css == "danger" else ""}>'
        f"{_text(n, ctx)}</a></td>"
        for bucket, n, link in row.cells
    )


@register.simple_tag(takes_context=True)
def unit_bar(context, u) -> SafeString:
    """A unit's stacked bar of 各单位完成情况."""
    ctx = _Context(context)
    links, name, total = u.links, _text(u.name, ctx), _text(u.total, ctx)
    done, done_late, overdue, other = (_text(n, ctx) for n in (u.done, u.done_late, u.overdue, u.open_other))
    w = whole_percents(u.bar)
    rank = f"{_text(u.rank, ctx)}. " if u.rank else ""
    assigned = escape(links.get("assigned", ""))
    return mark_safe(  # noqa: S308 — every value above escaped
        f'<div class="unit-bar">'
        f'<a class="name" href="{assigned}" title="{name}：共 {total} 项">{rank}{name}</a>'
        f'<div class="progress-stacked" role="img" aria-label="{name}：已完成 {done}，逾期完成 {done_late}，'
        f'逾期未完成 {overdue}，其他在办 {other}">'
        f'<a class="progress w-pct-{w["done"]}" href="{escape(links.get("done", ""))}" title="已完成 {done}">'
        f'<div class="progress-bar bg-success"></div></a>'
        f'<a class="progress w-pct-{w["done_late"]}" href="{escape(links.get("done_late", ""))}" title="逾期完成 {done_late}">'
        f'<div class="progress-bar bg-success-subtle border border-success"></div></a>'
        f'<a class="progress w-pct-{w["overdue"]}" href="{escape(links.get("overdue", ""))}" title="逾期未完成 {overdue}">'
        f'<div class="progress-bar bg-danger"></div></a>'
        f'<a class="progress w-pct-{w["open"]}" href="{assigned}" title="其他在办 {other}">'
        f'<div class="progress-bar bg-secondary-subtle"></div></a>'
        f'</div><span class="rate" title="完成率">{_text(u.completion_pct, ctx)}</span></div>'
    )


@register.simple_tag(takes_context=True)
def rank_row(context, u) -> SafeString:
    """A unit's row of a ranking table (or of the unranked units, with the reason)."""
    ctx = _Context(context)
    links = u.links
    if u.rank:
        first = f"<td>{_text(u.rank, ctx)}</td>"
    else:
        first = f'<td class="text-start small text-muted">{_text(u.why_unranked, ctx)}</td>'
    return mark_safe(  # noqa: S308 — every value escaped
        f"<tr>{first}"
        f'<td class="text-start">{_text(u.name, ctx)}</td>'
        f'<td><a href="{escape(links.get("assigned", ""))}">{_text(u.total, ctx)}</a></td>'
        f'<td><a href="{escape(links.get("lead", ""))}">{_text(u.lead, ctx)}</a></td>'
        f'<td><a href="{escape(links.get("responsible", ""))}">{_text(u.responsible, ctx)}</a></td>'
        f"{_cells(u, ctx)}"
        f"<td>{_text(u.completion_pct, ctx)}</td><td>{_text(u.on_time_pct, ctx)}</td><td>{_text(u.sign_pct, ctx)}</td></tr>"
    )


@register.simple_tag(takes_context=True)
def plan_row(context, p, chosen) -> SafeString:
    """A plan's row of 按计划统计, marked when it is the plan the units are counted for (`chosen`)."""
    ctx = _Context(context)
    active = bool(chosen) and chosen.plan_id == p.plan_id
    doc = f'<div class="text-muted small">{_text(p.doc_number, ctx)}</div>' if p.doc_number else ""
    return mark_safe(  # noqa: S308 — every value escaped
        f'<tr{ACTIVE if active else ""}>'
        f'<td class="text-start"><a href="?plan={_text(p.plan_id, ctx)}" title="只看本计划的单位统计">{_text(p.title, ctx)}</a>{doc}</td>'
        f'<td><a href="{escape(p.links.get("assigned", ""))}">{_text(p.total, ctx)}</a></td>'
        f"{_cells(p, ctx)}"
        f"<td>{_text(p.completion_pct, ctx)}</td><td>{_text(p.on_time_pct, ctx)}</td></tr>"
    )

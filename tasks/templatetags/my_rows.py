"""我的任务's lists — 待回复的催办, 待签收, 被退回的进展, 已提出异议 — written in Python.

A cold 我的任务 draws up to fifty rows in each list, a dozen template variables, filters and tags a
row (with a 签收 form each), which the template engine resolved, localized and escaped one by one.
Each tag writes a whole list's rows with the HTML the template had inline (tests/test_rendering.py
compares the two as DOM), every value escaped."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime

from reformtracker.links import pk_urls
from tasks.templatetags.taskui import warning_badge

register = template.Library()


def _csrf_input(context) -> str:
    """`{% csrf_token %}` (CsrfTokenNode), once for every form of the list."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _date(value, fmt: str) -> str:
    """`{{ value|date:fmt }}`: an aware datetime in the current time zone first, as the filter gets it."""
    return date_filter(template_localtime(value), fmt)


@register.simple_tag(takes_context=True)
def pending_rows(context, assignments, next_url) -> SafeString:
    """The 待签收 rows: the task, its warning, plan, unit and role, its next deadline; 签收 and 提出异议."""
    csrf = _csrf_input(context)
    confirm, dispute = pk_urls("tasks:confirm"), pk_urls("tasks:dispute")
    next_input = f'<input type="hidden" name="next" value="{escape(next_url)}">'
    out = []
    for a in assignments:
        task = a.task
        due = f"· 截止 {task.next_due.isoformat()}" if task.next_due else "· 无截止日期"
        out.append(
            '<li class="list-group-item d-flex flex-wrap flex-md-nowrap align-items-center gap-2">'
            f'<span><a href="{escape(task.get_absolute_url())}">{escape(task.number)} {escape(task.title)}</a> '
            f"{warning_badge(task)} "
            f'<span class="small text-muted">· {escape(Truncator(task.plan.title).chars(24))} · {escape(a.unit)}'
            f"（{escape(a.get_role_display())}）</span> "
            f'<span class="small text-nowrap">{due}</span></span> '
            '<span class="d-flex gap-1 flex-shrink-0 ms-auto">'
            f'<form method="post" action="{escape(confirm(a.pk))}">{csrf}{next_input}'
            '<button class="btn btn-sm btn-outline-success">签收</button></form> '
            f'<a class="btn btn-sm btn-outline-danger" href="{escape(dispute(a.pk))}">提出异议</a></span>'
            "</li>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above escaped


@register.simple_tag
def urging_rows(urgings, today) -> SafeString:
    """The 待回复的催办 rows: the task, its warning, the unit, when urged, the reply date (red once past),
    the message; 回复."""
    answer = pk_urls("tasks:urging_answer")
    out = []
    for u in urgings:
        task = u.task
        reply = ""
        if u.reply_by:
            late = u.reply_by < today
            reply = (f'<span class="small{" text-danger fw-bold" if late else ""}">· 请于 {u.reply_by.isoformat()} 前回复'
                     f'{"（已逾期）" if late else ""}</span>')
        out.append(
            f'<li class="list-group-item"><a href="{escape(task.get_absolute_url())}">{escape(task.number)} '
            f"{escape(task.title)}</a> {warning_badge(task)} "
            f'<span class="small text-muted">{escape(u.unit)} · 催办于 {_date(u.created_at, "Y-m-d")}</span> {reply}'
            f'<div class="small">{escape(u.message)}</div> '
            f'<a class="btn btn-sm btn-warning mt-1" href="{escape(answer(u.pk))}">回复</a></li>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above escaped


@register.simple_tag
def returned_rows(reports) -> SafeString:
    """The 被退回的进展 rows: the task (to the report), unit and period, the reviewer's comment."""
    out = [
        f'<li class="list-group-item"><a href="{escape(r.task.get_absolute_url())}#report-{r.pk}">{escape(r.task.title)}</a> '
        f'<span class="small text-muted">{escape(r.unit)} {_date(r.period, "Y年n月")}</span>'
        f'<div class="small text-danger">审核意见：{escape(r.review_comment)}</div></li>'
        for r in reports
    ]
    return mark_safe("\n".join(out))  # noqa: S308 — every value above escaped


@register.simple_tag
def disputed_rows(assignments) -> SafeString:
    """The 已提出异议 rows: the task and the reason given."""
    out = [
        f'<li class="list-group-item small"><a href="{escape(a.task.get_absolute_url())}">{escape(a.task.title)}</a>'
        f" — {escape(a.dispute_reason)}</li>"
        for a in assignments
    ]
    return mark_safe("".join(out))  # noqa: S308 — every value above escaped

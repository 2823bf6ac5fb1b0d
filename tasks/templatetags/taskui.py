"""Bootstrap classes for Django form widgets, and small display helpers of the task pages."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html

register = template.Library()


@register.filter
def bs(field):
    """Render a bound field's widget with Bootstrap's class (and is-invalid when it has errors)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return field.as_widget()
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    classes = widget.attrs.get("class", "").split()
    classes += [c for c in css.split() if c not in classes]  # a widget may carry form-control already
    return field.as_widget(attrs={"class": " ".join(classes)})


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_radio(field) -> bool:
    return isinstance(field.field.widget, forms.RadioSelect)


@register.simple_tag
def warning_badge(task):
    level = task.warning_level
    if not level:
        return ""
    short = {"red": "红", "yellow": "黄", "blue": "蓝"}[level]
    return format_html('<span class="badge badge-{}" title="{}">{}色预警</span>', level, task.get_warning_level_display(), short)


PACE_CSS = {"ahead": "text-bg-success", "on_pace": "text-bg-light", "behind": "text-bg-danger"}


@register.simple_tag
def pace_badge(task):
    """序时进度 (Task.pace): 超序时 / 按序时 / 慢序时; nothing for a closed task or one without a date."""
    if not task.pace:
        return ""
    return format_html(
        '<span class="badge {} pace-{}" title="完成进度与已用时间的比较（序时进度）">{}</span>',
        PACE_CSS.get(task.pace, "text-bg-light"), task.pace, task.get_pace_display(),
    )


@register.simple_tag
def status_badge(task):
    css = {
        "not_started": "text-bg-secondary",
        "in_progress": "text-bg-primary",
        "done": "text-bg-success",
        "done_late": "text-bg-warning",
    }.get(task.status, "text-bg-light")
    return format_html('<span class="badge {}">{}</span>', css, task.get_status_display())


@register.simple_tag
def milestone_badge(milestone):
    css = {"upcoming": "text-bg-light", "due_soon": "badge-blue", "overdue": "badge-red", "done": "text-bg-success"}
    return format_html('<span class="badge {}">{}</span>', css.get(milestone.state, ""), milestone.get_state_display())


@register.filter
def filesize(num) -> str:
    num = int(num or 0)
    if num < 1024:
        return f"{num} B"
    if num < 1024 * 1024:
        return f"{num / 1024:.0f} KB"
    return f"{num / 1024 / 1024:.1f} MB"


@register.filter
def who(user) -> str:
    """A user's name for display; "—" for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username

"""Form widgets drawn in Python (settings.FORM_RENDERER).

Django draws every widget through templates: a <select> includes one template per option and an
attribute template per option, so the task list's filter form (a dozen selects, the unit picker
with every unit) cost about as much as the table under it. This renderer writes the same HTML
for the plain widget templates — `input.html` and the templates that only include it, `select.html`
with Django's own option template — straight from the widget's context; anything else (another
template, a custom option template, forms and fields) goes through the templates as before.
"""

from __future__ import annotations

import html

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.utils.safestring import SafeData

from reformtracker.tables import as_text

_CONTEXT = Context(autoescape=True)  # what render_value_in_context reads: autoescape, use_l10n, use_tz
_OPTION = "django/forms/widgets/select_option.html"
_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
                 "time", "search", "tel", "color", "checkbox", "file")
)


def _text(value) -> str:
    """`{{ value }}` in a template."""
    return as_text(value, _CONTEXT)


def _format(value) -> str:
    """`{{ value|stringformat:'s' }}`: stringformat keeps a safe value safe, else it is escaped."""
    text = str(value)
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_format(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = f' value="{_format(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            out.append(f'\n  <option value="{_format(option["value"])}"{_attrs(option["attrs"])}>'
                       f'{_text(option["label"])}</option>')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class WidgetRenderer(DjangoTemplates):
    """Django's default renderer, with the common widget templates written out in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in _INPUTS:
                return _input(widget)
            if template_name == "django/forms/widgets/select.html":
                html = _select(widget)
                if html is not None:
                    return html
        return super().render(template_name, context, request)

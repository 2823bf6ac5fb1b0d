"""`whole_percents`: a stacked bar's widths as whole per cents that add up to 100.

The Content-Security-Policy allows no inline style="" (style-src 'self'), so a bar's width is a
class (`.w-pct-0` … `.w-pct-100` in app.css) rather than a style attribute; rounding each part on
its own could add up to 99 or 101, so the largest remainders get the spare points."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def whole_percents(parts: dict[str, str | float]) -> dict[str, int]:
    values = {k: max(0.0, float(v)) for k, v in parts.items()}
    total = sum(values.values())
    if total <= 0:
        return dict.fromkeys(values, 0)
    scaled = {k: 100 * v / total for k, v in values.items()}
    out = {k: math.floor(v) for k, v in scaled.items()}
    spare = 100 - sum(out.values())
    for k in sorted(scaled, key=lambda k: scaled[k] - out[k], reverse=True)[:spare]:
        out[k] += 1
    return out

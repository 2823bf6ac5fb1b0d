"""Links to one object's page, `reverse()` once per URL pattern instead of once per row.

A list of 50 tasks draws a few links per row (the task, 签收, 提出异议); reverse() walks the URL
patterns each time and costs several times what drawing the row's cell does. The URL of a pattern
with one number in it differs from object to object only in that number: `pk_url` reverses the
pattern once with a placeholder and then fills in the number. The kept form depends on the URL
configuration in use (a test may swap it: Django then builds a new resolver) and on the script
prefix (an application mounted under a path), both part of its key.

`{% pk_url "tasks:confirm" a.pk %}` (library "links", settings.TEMPLATES) is `{% url "tasks:confirm" a.pk %}`.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse

register = template.Library()

PLACEHOLDER = 987654321987654321  # an id no table reaches; any int converter accepts it
_patterns: dict[tuple, tuple[str, str] | None] = {}


def pk_url(viewname: str, pk: int) -> str:
    """reverse(viewname, args=[pk]) for an integer `pk`."""
    if type(pk) is not int:
        return reverse(viewname, args=[pk])
    pattern = _pattern(viewname)
    if pattern is None:
        return reverse(viewname, args=[pk])
    return f"{pattern[0]}{pk}{pattern[1]}"


def pk_urls(viewname: str):
    """pk_url for one view, its pattern looked up once: for the rows of one page."""
    pattern = _pattern(viewname)
    if pattern is None:
        return lambda pk: reverse(viewname, args=[pk])
    head, tail = pattern
    return lambda pk: f"{head}{pk}{tail}" if type(pk) is int else reverse(viewname, args=[pk])


def _pattern(viewname: str) -> tuple[str, str] | None:
    """The URL of `viewname` with one int argument, as (before it, after it); None if it cannot be
    split so (then reverse() each time)."""
    key = (get_resolver(get_urlconf()), get_script_prefix(), viewname)
    pattern = _patterns.get(key, False)
    if pattern is False:
        try:
            url = reverse(viewname, args=[PLACEHOLDER])
        except NoReverseMatch:  # a converter that refuses the placeholder: reverse() each id
            url = ""
        head, found, tail = url.partition(str(PLACEHOLDER))
        # kept only when the placeholder is there once (and the same URL is then rebuilt)
        pattern = (head, tail) if found and str(PLACEHOLDER) not in tail and str(PLACEHOLDER) not in head else None
        if len(_patterns) > 256:  # resolvers of tests that swapped the URLs: never used again
            _patterns.clear()
        _patterns[key] = pattern
    return pattern


@register.simple_tag(name="pk_url")
def pk_url_tag(viewname: str, pk) -> str:
    return pk_url(viewname, pk)

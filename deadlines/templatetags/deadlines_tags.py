from django import template
from django.utils import timezone

from deadlines import holidays

register = template.Library()


@register.simple_tag
def calendar_gaps() -> list[int]:
    """Years that will be counted Monday–Friday for want of a holiday calendar."""
    return holidays.calendar_gaps(today=timezone.localdate())

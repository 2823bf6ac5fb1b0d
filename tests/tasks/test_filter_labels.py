"""Every filter of the task list offers 全部 for "no choice", never Django's "---------"."""

import re

import pytest
from django.urls import reverse

from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_empty_choices_read_all(client, office, unit_a):
    PlanFactory(title="2026年营商环境优化提升行动方案")
    client.force_login(office)
    page = client.get(reverse("tasks:list")).content.decode()
    assert "---------" not in page
    for name in ("plan", "section", "unit", "status", "flag", "warning", "confirm"):
        select = re.search(rf'<select name="{name}"[^>]*>\s*<option value=""[^>]*>([^<]*)</option>', page)
        assert select and select.group(1) == "全部", name

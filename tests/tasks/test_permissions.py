"""The permission matrix: every URL × every role × own unit / other unit.

"own"/"other" are seen from liaison_a (unit_a): `own` objects belong to unit_a,
`other` objects to unit_b. Office and supervisor see both sides alike. A
liaison reaching another unit's object gets 404 (scoped lookup), a role that
may not use a page gets 403, a supervisor's POST is refused everywhere.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.tasks.world import build_world, fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


def task(s):
    return [s.task.pk]


def none(s):
    return []


# route, method, args(side), expected: office, supervisor, liaison on own side, liaison on other side
MATRIX = [
    ("tasks:list", "get", none, (OK, OK, OK, OK)),
    ("tasks:mine", "get", none, (FORBIDDEN, FORBIDDEN, OK, OK)),
    ("tasks:confirm_all", "post", none, (FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT)),
    ("tasks:disputes", "get", none, (OK, OK, FORBIDDEN, FORBIDDEN)),
    ("tasks:extensions", "get", none, (OK, OK, FORBIDDEN, FORBIDDEN)),
    ("tasks:reviews", "get", none, (OK, OK, FORBIDDEN, FORBIDDEN)),
    ("tasks:detail", "get", task, (OK, OK, OK, NOT_FOUND)),
    ("tasks:edit", "get", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:edit", "post", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),  # invalid form re-shown
    ("tasks:units", "get", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:units", "post", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:milestones", "get", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:milestones", "post", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:progress", "get", task, (OK, FORBIDDEN, OK, NOT_FOUND)),
    ("tasks:progress", "post", task, (OK, FORBIDDEN, OK, NOT_FOUND)),
    ("tasks:close", "get", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:close", "post", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:reopen", "post", task, (REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:urge", "get", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:urge", "post", task, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    # the world's only milestone already has the unit's pending request: back to the task page, with the reason
    ("tasks:extension", "get", task, (FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND)),
    ("tasks:extension", "post", task, (FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND)),
    ("tasks:extension_decide", "post", lambda s: [s.extension.pk], (REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:report_review", "post", lambda s: [s.report.pk], (REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:evidence", "get", lambda s: [s.evidence.pk], (OK, OK, OK, NOT_FOUND)),
    ("tasks:urging_answer", "get", lambda s: [s.urging.pk], (FORBIDDEN, FORBIDDEN, OK, NOT_FOUND)),
    ("tasks:urging_answer", "post", lambda s: [s.urging.pk], (FORBIDDEN, FORBIDDEN, OK, NOT_FOUND)),
    ("tasks:confirm", "post", lambda s: [s.assignment.pk], (FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND)),
    ("tasks:dispute", "get", lambda s: [s.assignment.pk], (FORBIDDEN, FORBIDDEN, OK, NOT_FOUND)),
    ("tasks:dispute", "post", lambda s: [s.assignment.pk], (FORBIDDEN, FORBIDDEN, OK, NOT_FOUND)),
    ("tasks:resolve", "get", lambda s: [s.disputed.pk], (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("tasks:resolve", "post", lambda s: [s.disputed.pk], (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("departments:list", "get", none, (OK, OK, FORBIDDEN, FORBIDDEN)),
    ("departments:create", "get", none, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("departments:edit", "get", lambda s: [s.assignment.unit_id], (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("departments:edit", "post", lambda s: [s.assignment.unit_id], (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("unitmerge:merge", "get", lambda s: [s.assignment.unit_id], (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("unitmerge:merge", "post", lambda s: [s.assignment.unit_id], (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("departments:users", "get", none, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("departments:user_create", "get", none, (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("departments:user_edit", "get", lambda s: [s.report.author_id], (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
]
VIEWERS = ["office", "supervisor", "liaison_own", "liaison_other"]
CASES = [
    pytest.param(route, method, args, viewer, expected[i], id=f"{route}-{method}-{viewer}")
    for route, method, args, expected in MATRIX
    for i, viewer in enumerate(VIEWERS)
]


@pytest.fixture
def world(unit_a, unit_b, liaison_a, liaison_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(unit_a, unit_b, liaison_a, liaison_b)


@pytest.mark.parametrize(("route", "method", "args", "viewer", "expected"), CASES)
def test_permission_matrix(client, world, office, supervisor, liaison_a, route, method, args, viewer, expected):
    user = {"office": office, "supervisor": supervisor}.get(viewer, liaison_a)
    side = world.b if viewer == "liaison_other" else world.a
    client.force_login(user)
    # an empty POST: refused requests must be refused before the form is looked at
    response = getattr(client, method)(reverse(route, args=args(side)))
    assert response.status_code == expected


@pytest.mark.parametrize(("route", "method", "args"), sorted({(r, m, a) for r, m, a, _ in MATRIX}, key=str))
def test_anonymous_user_is_sent_to_login_everywhere(client, world, route, method, args):
    response = getattr(client, method)(reverse(route, args=args(world.a)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("route", "args"), sorted({(r, a) for r, _, a, _ in MATRIX}, key=str))
def test_supervisor_post_is_refused_on_every_url(client, world, supervisor, route, args):
    client.force_login(supervisor)
    response = client.post(reverse(route, args=args(world.a)), {"decision": "accept", "reason": "x"})
    assert response.status_code in (403, 405)


def test_liaison_guessing_other_units_ids_changes_nothing(client, world, liaison_a):
    client.force_login(liaison_a)
    b = world.b
    client.post(reverse("tasks:confirm", args=[b.assignment.pk]))
    client.post(reverse("tasks:dispute", args=[b.assignment.pk]), {"reason": "试试"})
    client.post(reverse("tasks:urging_answer", args=[b.urging.pk]), {"answer": "冒充回复"})
    client.post(reverse("tasks:progress", args=[b.task.pk]), {"unit": b.assignment.unit_id, "text": "x",
                                                              "percent": 50, "period": "2020-09"})
    b.assignment.refresh_from_db()
    b.urging.refresh_from_db()
    assert b.assignment.state == "pending"
    assert b.urging.answer == ""
    assert b.task.reports.count() == 1


def test_liaison_cannot_report_for_the_other_unit_on_a_shared_task(client, world, liaison_a, unit_b):
    from tests.factories import AssignmentFactory

    AssignmentFactory(task=world.a.task, unit=unit_b, role="responsible")
    client.force_login(liaison_a)
    response = client.post(
        reverse("tasks:progress", args=[world.a.task.pk]),
        {"unit": unit_b.pk, "text": "替别人报", "percent": 10, "period": "2020-09"},
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not world.a.task.reports.filter(unit=unit_b).exists()


def test_liaison_sees_only_own_units_reports_and_evidence_on_a_shared_task(client, world, liaison_a, unit_b):
    from tests.factories import AssignmentFactory, EvidenceFactory, ProgressReportFactory

    AssignmentFactory(task=world.a.task, unit=unit_b, role="responsible")
    other = ProgressReportFactory(task=world.a.task, unit=unit_b, text="税务局的进展内容")
    other_file = EvidenceFactory(report=other, original_name="税务局佐证.pdf")
    client.force_login(liaison_a)
    page = client.get(reverse("tasks:detail", args=[world.a.task.pk])).content.decode()
    assert "税务局的进展内容" not in page and "税务局佐证.pdf" not in page
    assert client.get(reverse("tasks:evidence", args=[other_file.pk])).status_code == 404


def test_evidence_is_not_reachable_under_media_url(client, world, office):
    client.force_login(office)
    assert client.get("/media/" + world.a.evidence.file.name).status_code == 404

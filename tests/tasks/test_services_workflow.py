"""The workflow services: each rule the office and liaisons rely on."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deadlines.models import ExtensionState, Milestone, MilestoneState, Notification
from departments.models import Unit, UnitAlias
from tasks.models import (
    Assignment,
    AssignmentRole,
    ConfirmState,
    Evidence,
    ProgressReport,
    ReviewState,
    TaskStatus,
)
from tasks.workflow import services as workflow
from tests.factories import (
    AssignmentFactory,
    ExtensionRequestFactory,
    MilestoneFactory,
    ProgressReportFactory,
    TaskFactory,
    UnitFactory,
    UrgingFactory,
    UserFactory,
)
from tests.tasks.world import fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("佐证材料")
    document.save(buf)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def task_a(unit_a):
    task = TaskFactory()
    AssignmentFactory(task=task, unit=unit_a)
    return task


# --- optimistic locking ----------------------------------------------------------


def test_second_editor_with_an_old_version_is_refused_and_first_edit_stays(task_a, office):
    v = task_a.version
    workflow.task_update(task=task_a, user=office, expected_version=v, changes={"title": "甲改的标题"})
    with pytest.raises(workflow.StaleVersionError) as err:
        workflow.task_update(task=TaskFactory._meta.model.objects.get(pk=task_a.pk), user=office,
                             expected_version=v, changes={"title": "乙改的标题"})
    task_a.refresh_from_db()
    assert task_a.title == "甲改的标题"
    assert err.value.current.title == "甲改的标题"
    assert err.value.current.version == v + 1


def test_task_edit_is_in_the_history_with_its_author(task_a, office):
    workflow.task_update(task=task_a, user=office, expected_version=task_a.version, changes={"percent": 30})
    latest = task_a.history.first()
    assert latest.percent == 30 and latest.history_user == office


def test_closing_bumps_the_version_so_an_edit_started_before_is_refused(task_a, office):
    v = task_a.version
    workflow.task_close(task=task_a, user=office, completed_on=dt.date(2020, 6, 1))
    with pytest.raises(workflow.StaleVersionError):
        workflow.task_update(task=task_a, user=office, expected_version=v, changes={"title": "x"})


# --- 签收 / 异议 ------------------------------------------------------------------


def test_confirm_all_confirms_only_the_liaisons_pending_assignments(liaison_a, unit_a, unit_b):
    mine = [AssignmentFactory(unit=unit_a) for _ in range(3)]
    disputed = AssignmentFactory(unit=unit_a, state=ConfirmState.DISPUTED, dispute_reason="不归我们")
    other = AssignmentFactory(unit=unit_b)
    count = workflow.assignments_confirm_all(user=liaison_a, units=Unit.objects.of_user(liaison_a))
    assert count == 3
    assert all(Assignment.objects.get(pk=a.pk).state == ConfirmState.CONFIRMED for a in mine)
    assert Assignment.objects.get(pk=disputed.pk).state == ConfirmState.DISPUTED
    assert Assignment.objects.get(pk=other.pk).state == ConfirmState.PENDING
    assert Assignment.objects.get(pk=mine[0].pk).responded_by == liaison_a


def test_confirming_twice_is_harmless(liaison_a, unit_a):
    a = AssignmentFactory(unit=unit_a)
    assert workflow.assignment_confirm(assignment=a, user=liaison_a) is True
    assert workflow.assignment_confirm(assignment=a, user=liaison_a) is False
    assert a.history.filter(state=ConfirmState.CONFIRMED).count() == 1


def test_dispute_needs_a_reason(liaison_a, unit_a):
    a = AssignmentFactory(unit=unit_a)
    with pytest.raises(workflow.WorkflowError):
        workflow.assignment_dispute(assignment=a, user=liaison_a, reason="  ")
    workflow.assignment_dispute(assignment=a, user=liaison_a, reason="属于区税务局职责")
    a.refresh_from_db()
    assert a.state == ConfirmState.DISPUTED and a.dispute_reason == "属于区税务局职责"


def test_insisting_on_a_dispute_sends_it_back_to_the_units_in_tray(office, unit_a):
    a = AssignmentFactory(unit=unit_a, state=ConfirmState.DISPUTED, dispute_reason="不归我们")
    workflow.assignment_resolve(assignment=a, user=office, resolution="insisted", note="按三定方案属本单位")
    a.refresh_from_db()
    assert a.state == ConfirmState.PENDING and a.resolution == "insisted" and a.resolved_by == office


def test_reassigning_a_dispute_moves_it_and_tells_the_new_units_liaisons(office, unit_a, unit_b, liaison_b):
    a = AssignmentFactory(unit=unit_a, state=ConfirmState.DISPUTED, dispute_reason="属税务局")
    workflow.assignment_resolve(assignment=a, user=office, resolution="reassigned", new_unit=unit_b)
    a.refresh_from_db()
    assert a.unit == unit_b and a.state == ConfirmState.PENDING
    assert Notification.objects.filter(user=liaison_b).count() == 1
    assert a.history.filter(unit=unit_a).exists()  # the old unit stays in the history


# --- progress, evidence, review -----------------------------------------------


def submit(task, unit, author, files=(), **kw):
    return workflow.progress_submit(
        task=task, unit=unit, author=author, text="推进中", percent=kw.pop("percent", 50),
        period=dt.date(2020, 9, 15), files=files, **kw,
    )


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("方案.pdf", PDF, "application/pdf"),
        ("照片.png", PNG, "image/png"),
        ("说明.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "application/vnd.ms-excel"),
    ],
)
def test_evidence_of_allowed_kinds_is_stored_with_the_type_found_in_its_content(task_a, unit_a, liaison_a, name, content, mime):
    upload = SimpleUploadedFile(name, content if content is not None else docx_bytes(), content_type="text/plain")
    report = submit(task_a, unit_a, liaison_a, files=[upload])
    evidence = report.evidence.get()
    assert evidence.content_type == mime and evidence.original_name == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # an executable named .pdf
        ("脚本.png", b"<script>alert(1)</script>"),
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 100),  # a zip that is no Office file
        ("ole.exe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ],
)
def test_evidence_is_judged_by_content_not_by_name_and_nothing_is_written(task_a, unit_a, liaison_a, name, content):
    with pytest.raises(workflow.WorkflowError, match="类型不允许"):
        submit(task_a, unit_a, liaison_a, files=[SimpleUploadedFile(name, content, content_type="application/pdf")])
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(task_a, unit_a, liaison_a, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(workflow.WorkflowError, match="大小限制"):
        submit(task_a, unit_a, liaison_a, files=[SimpleUploadedFile("大.pdf", PDF + b"0" * 2000)])
    assert not ProgressReport.objects.exists()


def test_a_unit_not_on_the_task_cannot_report(task_a, unit_b, liaison_b):
    with pytest.raises(workflow.WorkflowError):
        submit(task_a, unit_b, liaison_b)


def test_liaison_report_waits_for_review_and_starts_the_task(task_a, unit_a, liaison_a):
    report = submit(task_a, unit_a, liaison_a, percent=40)
    task_a.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED and report.period == dt.date(2020, 9, 1)
    assert task_a.status == TaskStatus.IN_PROGRESS and task_a.percent == 0


def test_accepting_a_report_takes_its_percent_and_returning_needs_a_comment(task_a, unit_a, liaison_a, office):
    report = submit(task_a, unit_a, liaison_a, percent=40)
    with pytest.raises(workflow.WorkflowError):
        workflow.report_review(report=report, user=office, accept=False)
    workflow.report_review(report=report, user=office, accept=True)
    task_a.refresh_from_db()
    assert task_a.percent == 40
    second = submit(task_a, unit_a, liaison_a, percent=90)
    workflow.report_review(report=second, user=office, accept=False, comment="佐证材料不足")
    second.refresh_from_db()
    task_a.refresh_from_db()
    assert second.review_state == ReviewState.RETURNED and second.review_comment == "佐证材料不足"
    assert Notification.objects.filter(user=liaison_a, body="佐证材料不足").exists()
    assert task_a.percent == 40


def test_office_recorded_progress_is_accepted_at_once(task_a, unit_a, office):
    report = submit(task_a, unit_a, office, percent=70, accepted=True)
    task_a.refresh_from_db()
    assert report.review_state == ReviewState.ACCEPTED and task_a.percent == 70


# --- close / reopen ----------------------------------------------------------


def test_closing_on_time_is_done_and_closes_the_milestones(task_a, office):
    m = MilestoneFactory(task=task_a, due_on=dt.date(2020, 12, 31))
    workflow.task_close(task=task_a, user=office, completed_on=dt.date(2020, 12, 31))
    task_a.refresh_from_db()
    m.refresh_from_db()
    assert task_a.status == TaskStatus.DONE and task_a.percent == 100 and task_a.closed_by == office
    assert m.done_on == dt.date(2020, 12, 31) and m.state == MilestoneState.DONE


def test_closing_after_the_last_due_date_is_done_late(task_a, office):
    MilestoneFactory(task=task_a, due_on=dt.date(2020, 6, 30))
    workflow.task_close(task=task_a, user=office, completed_on=dt.date(2020, 7, 1))
    task_a.refresh_from_db()
    assert task_a.status == TaskStatus.DONE_LATE


def test_closing_accepts_the_pending_completion_request(task_a, unit_a, liaison_a, office):
    report = submit(task_a, unit_a, liaison_a, asks_completion=True, percent=100,
                    files=[SimpleUploadedFile("验收.pdf", PDF)])
    workflow.task_close(task=task_a, user=office, completed_on=dt.date(2020, 7, 1))
    report.refresh_from_db()
    assert report.review_state == ReviewState.ACCEPTED


def test_reopening_needs_a_reason_and_reopens_the_milestones_it_closed(task_a, office):
    m = MilestoneFactory(task=task_a, due_on=dt.date(2020, 12, 31))
    workflow.task_close(task=task_a, user=office, completed_on=dt.date(2020, 11, 1))
    task_a.refresh_from_db()
    with pytest.raises(workflow.WorkflowError):
        workflow.task_reopen(task=task_a, user=office, reason="")
    workflow.task_reopen(task=task_a, user=office, reason="督查发现未落实")
    task_a.refresh_from_db()
    m.refresh_from_db()
    assert task_a.status == TaskStatus.IN_PROGRESS and task_a.completed_on is None
    assert task_a.reopen_reason == "督查发现未落实" and m.done_on is None
    assert task_a.history.filter(status=TaskStatus.DONE).exists()


# --- urging ------------------------------------------------------------------


def test_urging_is_recorded_and_every_liaison_of_the_unit_is_notified(task_a, unit_a, liaison_a, office):
    second = UserFactory(username="liaison_a2", units=[unit_a])
    urging = workflow.urging_create(task=task_a, unit=unit_a, user=office, message="请本周报送进展")
    assert urging.created_by == office
    assert set(Notification.objects.values_list("user", flat=True)) == {liaison_a.pk, second.pk}
    workflow.urging_answer(urging=urging, user=liaison_a, answer="已安排，周五前报送")
    urging.refresh_from_db()
    assert urging.answered_by == liaison_a and urging.answered_at is not None
    assert Notification.objects.filter(user=office).count() == 1


def test_an_urging_is_answered_once(unit_a, liaison_a):
    urging = UrgingFactory(unit=unit_a, answer="已办", answered_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(workflow.WorkflowError):
        workflow.urging_answer(urging=urging, user=liaison_a, answer="再答一次")


# --- extensions --------------------------------------------------------------


def ask(milestone, unit, user, proposed, today):
    return workflow.extension_request(
        milestone=milestone, unit=unit, user=user, reason="系统对接延迟", proposed_date=proposed, today=today
    )


def test_extension_can_be_asked_up_to_the_due_date_but_not_after(task_a, unit_a, liaison_a):
    m = MilestoneFactory(task=task_a, due_on=dt.date(2020, 6, 30))
    with pytest.raises(workflow.WorkflowError, match="已过期"):
        ask(m, unit_a, liaison_a, dt.date(2020, 9, 30), today=dt.date(2020, 7, 1))
    assert ask(m, unit_a, liaison_a, dt.date(2020, 9, 30), today=dt.date(2020, 6, 30)).state == "pending"


def test_extension_must_move_the_date_later_and_only_one_may_wait(task_a, unit_a, liaison_a):
    m = MilestoneFactory(task=task_a, due_on=dt.date(2020, 6, 30))
    with pytest.raises(workflow.WorkflowError, match="晚于"):
        ask(m, unit_a, liaison_a, dt.date(2020, 6, 30), today=dt.date(2020, 6, 1))
    ask(m, unit_a, liaison_a, dt.date(2020, 8, 31), today=dt.date(2020, 6, 1))
    with pytest.raises(workflow.WorkflowError, match="待审批"):
        ask(m, unit_a, liaison_a, dt.date(2020, 9, 30), today=dt.date(2020, 6, 2))


def test_approving_moves_the_date_and_never_forgets_the_original(task_a, unit_a, liaison_a, office):
    m = MilestoneFactory(task=task_a, due_on=dt.date(2020, 6, 30))
    first = ask(m, unit_a, liaison_a, dt.date(2020, 8, 31), today=dt.date(2020, 6, 1))
    workflow.extension_approve(request=first, user=office, as_of=dt.date(2020, 6, 2))
    m.refresh_from_db()
    second = ask(m, unit_a, liaison_a, dt.date(2020, 10, 31), today=dt.date(2020, 8, 1))
    workflow.extension_approve(request=second, user=office, as_of=dt.date(2020, 8, 2))
    m.refresh_from_db()
    assert m.due_on == dt.date(2020, 10, 31)
    assert m.original_due_on == dt.date(2020, 6, 30) and m.is_extended
    assert set(m.history.values_list("due_on", flat=True)) >= {dt.date(2020, 6, 30), dt.date(2020, 8, 31)}


def test_refusing_needs_a_reason_and_leaves_the_date(task_a, unit_a, office):
    m = MilestoneFactory(task=task_a, due_on=dt.date(2020, 6, 30))
    ext = ExtensionRequestFactory(milestone=m, unit=unit_a)
    with pytest.raises(workflow.WorkflowError):
        workflow.extension_refuse(request=ext, user=office, reason="")
    workflow.extension_refuse(request=ext, user=office, reason="理由不充分")
    ext.refresh_from_db()
    m.refresh_from_db()
    assert ext.state == ExtensionState.REFUSED and m.due_on == dt.date(2020, 6, 30) and m.original_due_on is None


# --- unit merge --------------------------------------------------------------


def test_merging_units_moves_everything_and_keeps_the_old_name_as_alias(office, liaison_a):
    old = UnitFactory(name="区公安分局")
    new = UnitFactory(name="区公安局")
    UnitAlias.objects.create(unit=old, name="公安分局")
    old.liaisons.add(liaison_a)
    only_old = AssignmentFactory(unit=old)
    both = TaskFactory()
    AssignmentFactory(task=both, unit=old, role=AssignmentRole.LEAD)
    AssignmentFactory(task=both, unit=new, role=AssignmentRole.RESPONSIBLE)
    report = ProgressReportFactory(task=only_old.task, unit=old)
    workflow.unit_merge(source=old, target=new, user=office)
    assert not Unit.objects.filter(name="区公安分局").exists()
    assert Unit.objects.resolve("区公安分局") == new and Unit.objects.resolve("公安分局") == new
    assert Assignment.objects.get(pk=only_old.pk).unit == new
    assert list(both.assignments.values_list("unit__name", "role")) == [("区公安局", AssignmentRole.LEAD)]
    assert ProgressReport.objects.get(pk=report.pk).unit == new
    assert new.liaisons.filter(pk=liaison_a.pk).exists()


def test_milestone_edit_by_hand_keeps_the_first_date(task_a, office):
    from tasks.workflow.forms import MilestoneFormSet

    m = MilestoneFactory(task=task_a, due_on=dt.date(2020, 6, 30))
    data = {
        "milestones-TOTAL_FORMS": "1", "milestones-INITIAL_FORMS": "1",
        "milestones-0-id": str(m.pk), "milestones-0-task": str(task_a.pk),
        "milestones-0-due_on": "2020-09-30", "milestones-0-phrase": m.phrase, "milestones-0-what": "",
        "milestones-0-recurrence": "", "milestones-0-order": "0",
    }
    formset = MilestoneFormSet(data, instance=task_a)
    assert formset.is_valid(), formset.errors
    workflow.milestones_save(task=task_a, user=office, expected_version=task_a.version, formset=formset)
    m = Milestone.objects.get(pk=m.pk)
    assert m.due_on == dt.date(2020, 9, 30) and m.original_due_on == dt.date(2020, 6, 30)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_version_let_exactly_one_win(office):
    """Two real connections race (PostgreSQL only: the SQLite test database is per-connection in memory)."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs a shared server database")
    task = TaskFactory()
    barrier = threading.Barrier(2)
    results = []

    def edit(title):
        try:
            mine = TaskFactory._meta.model.objects.get(pk=task.pk)
            barrier.wait()
            workflow.task_update(task=mine, user=office, expected_version=task.version, changes={"title": title})
            results.append(title)
        except workflow.StaleVersionError:
            results.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) in (["stale", "甲"], ["stale", "乙"])
    task.refresh_from_db()
    assert task.title == next(r for r in results if r != "stale") and task.version == 2

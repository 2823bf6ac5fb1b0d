"""Writes of the task workflow: 签收/异议, 进展与审核, 办结/重新打开, 催办, 延期, optimistic locking.

Every function is keyword-only and atomic; views call them and turn
`WorkflowError` into a message next to the form. History rows
(django-simple-history) name the acting user through `_history_user`, so a
service called outside a request (tests, jobs) still records who did it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from deadlines.models import (
    ExtensionRequest,
    ExtensionState,
    Milestone,
    Notification,
    Reminder,
    work_calendar,
)
from departments.models import Unit, UnitAlias
from tasks.flags import flags_refresh
from tasks.models import (
    Assignment,
    AssignmentRole,
    AssignmentSource,
    ConfirmState,
    DisputeResolution,
    Evidence,
    ProgressReport,
    ReviewState,
    Task,
    TaskStatus,
    Urging,
)


class WorkflowError(Exception):
    """A request the workflow refuses; the message is shown to the user as is (Chinese)."""


class StaleVersionError(WorkflowError):
    """Someone else saved the task since this form was loaded."""

    def __init__(self, current: Task):
        super().__init__("该任务已被他人修改，您的修改未保存。请查看下方最新内容后重新修改。")
        self.current = current


def today_local() -> dt.date:
    return timezone.localdate()


def _as_user(obj, user):
    obj._history_user = user
    return obj


# --- optimistic locking -------------------------------------------------------


def _claim_version(task: Task, expected_version: int | None) -> None:
    """Move the task to the next version, but only from the version the editor saw.

    The conditional UPDATE … WHERE version = old both detects a concurrent save
    and locks the row for the rest of the transaction, so two editors cannot
    both pass the check. `expected_version=None` means "whatever is current"
    (actions such as 签收 that do not overwrite the task's own fields).
    """
    if expected_version is None:
        Task.objects.filter(pk=task.pk).update(version=F("version") + 1)
        task.version = Task.objects.values_list("version", flat=True).get(pk=task.pk)
        return
    changed = Task.objects.filter(pk=task.pk, version=expected_version).update(version=expected_version + 1)
    if not changed:
        raise StaleVersionError(Task.objects.select_related("plan", "section").get(pk=task.pk))
    task.version = expected_version + 1


TASK_EDIT_FIELDS = ("number", "title", "text", "category", "indicator", "target", "section", "status", "percent")


@transaction.atomic
def task_update(*, task: Task, user, expected_version: int, changes: dict) -> Task:
    """Save the office's edit of a task unless someone saved it first (StaleVersionError)."""
    unknown = set(changes) - set(TASK_EDIT_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    _claim_version(task, expected_version)
    for name, value in changes.items():
        setattr(task, name, value)
    _as_user(task, user).save()
    flags_refresh(tasks=task, as_of=today_local())  # status and percent are inputs of the flags
    return task


@transaction.atomic
def assignments_save(*, task: Task, user, expected_version: int, formset) -> None:
    """Save the units of a task (an inline formset) under the task's version lock."""
    _claim_version(task, expected_version)
    for form in formset.deleted_forms:
        if form.instance.pk:
            _as_user(form.instance, user).delete()
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        obj = form.save(commit=False)
        obj.task = task
        if not obj.as_written:
            obj.as_written = obj.unit.name
        _as_user(obj, user).save()
    _as_user(task, user).save(update_fields=["version", "updated_at"])
    flags_refresh(tasks=task, as_of=today_local())  # who owes a progress report (黄)


@transaction.atomic
def milestones_save(*, task: Task, user, expected_version: int, formset) -> None:
    """Save the milestones of a task (an inline formset) under the task's version lock.

    Moving a due date by hand keeps the first date in `original_due_on`, like an
    approved extension, so the original date is never forgotten.
    """
    _claim_version(task, expected_version)
    for form in formset.deleted_forms:
        if form.instance.pk:
            _as_user(form.instance, user).delete()
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        obj = form.save(commit=False)
        obj.task = task
        if obj.pk and "due_on" in form.changed_data and obj.original_due_on is None:
            obj.original_due_on = form.initial.get("due_on")
        _as_user(obj, user).save()
    _as_user(task, user).save(update_fields=["version", "updated_at"])
    flags_refresh(tasks=task, as_of=today_local())


# --- 签收 / 异议 ----------------------------------------------------------------


@transaction.atomic
def assignment_confirm(*, assignment: Assignment, user) -> bool:
    """签收. Returns False when it was no longer pending (already confirmed or disputed)."""
    now = timezone.now()
    changed = Assignment.objects.filter(pk=assignment.pk, state=ConfirmState.PENDING).update(
        state=ConfirmState.CONFIRMED, responded_by=user, responded_at=now
    )
    if changed:
        assignment.refresh_from_db()
        # .update() skips history; record the confirmation explicitly.
        _as_user(assignment, user).save(update_fields=["state", "responded_by", "responded_at"])
    return bool(changed)


@transaction.atomic
def assignments_confirm_all(*, user, units: Iterable[Unit]) -> int:
    """签收 every pending assignment of the liaison's units at once; returns how many."""
    pending = list(Assignment.objects.filter(unit__in=list(units), state=ConfirmState.PENDING))
    return sum(assignment_confirm(assignment=a, user=user) for a in pending)


@transaction.atomic
def assignment_dispute(*, assignment: Assignment, user, reason: str) -> None:
    """提出异议 with a reason; the office resolves it (reassign or insist)."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("提出异议必须填写理由。")
    if assignment.state != ConfirmState.PENDING:
        raise WorkflowError("只有待签收的任务可以提出异议。")
    assignment.state = ConfirmState.DISPUTED
    assignment.dispute_reason = reason
    assignment.responded_by = user
    assignment.responded_at = timezone.now()
    assignment.resolution = DisputeResolution.NONE
    _as_user(assignment, user).save()


@transaction.atomic
def assignment_resolve(
    *, assignment: Assignment, user, resolution: str, note: str = "", new_unit: Unit | None = None
) -> Assignment:
    """The office settles a dispute: insist (the unit must do it) or reassign to another unit.

    Reassigning keeps the disputed row (with its reason and resolution) out of
    the way by moving it to the new unit as a fresh pending assignment; the
    history keeps the old unit.
    """
    if assignment.state != ConfirmState.DISPUTED:
        raise WorkflowError("该分工没有待处理的异议。")
    now = timezone.now()
    assignment.resolution = resolution
    assignment.resolution_note = note
    assignment.resolved_by = user
    assignment.resolved_at = now
    if resolution == DisputeResolution.INSISTED:
        # back to the unit's in-tray: it must 签收 now
        assignment.state = ConfirmState.PENDING
    elif resolution == DisputeResolution.REASSIGNED:
        if new_unit is None:
            raise WorkflowError("改派必须选择新的单位。")
        if new_unit.pk == assignment.unit_id:
            raise WorkflowError("新单位与原单位相同。")
        if Assignment.objects.filter(task=assignment.task_id, unit=new_unit).exists():
            # the new unit already works on the task: drop the disputed row
            _as_user(assignment, user).save()
            _as_user(assignment, user).delete()
            flags_refresh(tasks=[assignment.task_id], as_of=today_local())
            return Assignment.objects.get(task=assignment.task_id, unit=new_unit)
        assignment.unit = new_unit
        # as_written keeps what the document said: a re-import sees that the office
        # settled that mention (and keeps this row, which is now the office's own)
        assignment.source = AssignmentSource.MANUAL
        assignment.state = ConfirmState.PENDING
        assignment.responded_by = None
        assignment.responded_at = None
        _notify_liaisons(
            unit=new_unit,
            title=f"新交办任务：{assignment.task.title[:60]}",
            body=note,
            url=reverse("tasks:detail", args=[assignment.task_id]),
        )
    else:
        raise WorkflowError("请选择处理方式。")
    _as_user(assignment, user).save()
    flags_refresh(tasks=[assignment.task_id], as_of=today_local())
    return assignment


# --- 进展 / 佐证材料 / 审核 -------------------------------------------------------

# MIME types filetype reports for the content we accept.
ALLOWED_EVIDENCE = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "image/jpeg": "图片",
    "image/png": "图片",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY_OFFICE = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}


def evidence_content_type(upload: UploadedFile) -> str:
    """The MIME type of an evidence file judged by its bytes, or WorkflowError.

    The name and the browser's Content-Type are not trusted: a renamed .exe
    stays refused. Old binary Office files (OLE containers) are not always
    told apart by filetype, so an OLE container is accepted under a
    .doc/.xls/.ppt name only.
    """
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise WorkflowError(f"文件“{upload.name}”超过 {limit} MB 的大小限制。")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in ALLOWED_EVIDENCE:
        return kind.mime
    suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if head.startswith(OLE_MAGIC) and suffix in LEGACY_OFFICE:
        return LEGACY_OFFICE[suffix]
    raise WorkflowError(f"文件“{upload.name}”的类型不允许：只接受 PDF、Word、Excel、PowerPoint 和 JPG/PNG 图片。")


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str


def evidence_check(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    return [CheckedFile(f, evidence_content_type(f)) for f in files]


def _start_if_not_started(task: Task) -> list[str]:
    if task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
        return ["status"]
    return []


@transaction.atomic
def progress_submit(
    *,
    task: Task,
    unit: Unit,
    author,
    text: str,
    percent: int,
    period: dt.date,
    files: Sequence[UploadedFile] = (),
    asks_completion: bool = False,
    accepted: bool = False,
) -> ProgressReport:
    """报送进展 (a liaison for their unit) or 记录进展 (the office, accepted at once)."""
    if task.is_closed:
        raise WorkflowError("任务已办结，不能再报送进展。")
    if not Assignment.objects.filter(task=task, unit=unit).exists():
        raise WorkflowError("该单位不承担此任务。")
    if not 0 <= percent <= 100:
        raise WorkflowError("完成进度应在 0 到 100 之间。")
    checked = evidence_check(files)  # before any write: nothing half-written
    report = ProgressReport(
        task=task,
        unit=unit,
        author=author,
        period=period.replace(day=1),
        text=text,
        percent=percent,
        asks_completion=asks_completion,
    )
    if accepted:
        report.review_state = ReviewState.ACCEPTED
        report.reviewed_by = author
        report.reviewed_at = timezone.now()
    _as_user(report, author).save()
    for item in checked:
        evidence = Evidence(
            report=report,
            original_name=item.upload.name[:255],
            content_type=item.content_type,
            size=item.upload.size,
        )
        evidence.file.save(item.upload.name, item.upload, save=False)
        evidence.save()
    fields = _start_if_not_started(task)
    if accepted:
        task.percent = percent
        fields.append("percent")
    _claim_version(task, None)
    _as_user(task, author).save(update_fields=[*fields, "version", "updated_at"])
    flags_refresh(tasks=task, as_of=today_local())  # reported: no 黄 for the period; the percent moves 序时进度
    return report


@transaction.atomic
def report_review(*, report: ProgressReport, user, accept: bool, comment: str = "") -> ProgressReport:
    """审核: accept (the task takes the report's percent) or send back with a comment."""
    comment = (comment or "").strip()
    if report.review_state != ReviewState.SUBMITTED:
        raise WorkflowError("该进展已审核。")
    if not accept and not comment:
        raise WorkflowError("退回必须填写审核意见。")
    report.review_state = ReviewState.ACCEPTED if accept else ReviewState.RETURNED
    report.review_comment = comment
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    _as_user(report, user).save()
    if not accept and report.author_id:
        Notification.objects.create(
            user_id=report.author_id,
            title=f"进展被退回：{report.task.title[:60]}",
            body=comment,
            url=reverse("tasks:detail", args=[report.task_id]),
        )
    if accept:
        task = report.task
        task.percent = report.percent
        fields = ["percent", *_start_if_not_started(task)]
        _claim_version(task, None)
        _as_user(task, user).save(update_fields=[*fields, "version", "updated_at"])
    # accepted: the percent moves 序时进度; sent back: the period is owed again (黄)
    flags_refresh(tasks=[report.task_id], as_of=today_local())
    return report


# --- 办结 / 重新打开 ------------------------------------------------------------


@transaction.atomic
def task_close(
    *, task: Task, user, completed_on: dt.date, expected_version: int | None = None, comment: str = ""
) -> Task:
    """办结/销号. The completion date decides 已完成 or 逾期完成 (Task.status_when_closed)."""
    if task.is_closed:
        raise WorkflowError("任务已办结。")
    if completed_on > today_local():
        raise WorkflowError("完成日期不能晚于今天。")
    _claim_version(task, expected_version)
    task.status = task.status_when_closed(completed_on)
    task.completed_on = completed_on
    task.closed_by = user
    task.closed_at = timezone.now()
    task.percent = 100
    task.reopen_reason = ""
    _as_user(task, user).save()
    for milestone in task.milestones.filter(done_on__isnull=True):
        milestone.done_on = completed_on
        _as_user(milestone, user).save()
    # the completion requests this closing answers
    for report in task.reports.filter(asks_completion=True, review_state=ReviewState.SUBMITTED):
        report.review_state = ReviewState.ACCEPTED
        report.review_comment = comment or "已办结销号"
        report.reviewed_by = user
        report.reviewed_at = task.closed_at
        _as_user(report, user).save()
    flags_refresh(tasks=task, as_of=today_local())
    return task


@transaction.atomic
def task_reopen(*, task: Task, user, reason: str, expected_version: int | None = None) -> Task:
    """Reopen a closed task; the milestones it closed are open again."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("重新打开必须填写原因。")
    if not task.is_closed:
        raise WorkflowError("任务尚未办结。")
    _claim_version(task, expected_version)
    closed_on = task.completed_on
    task.status = TaskStatus.IN_PROGRESS
    task.completed_on = None
    task.closed_by = None
    task.closed_at = None
    task.reopen_reason = reason
    # 办结 set 100 %; reopened, the task is as far as its latest accepted report said (序时进度)
    task.percent = (
        task.reports.filter(review_state=ReviewState.ACCEPTED, asks_completion=False)
        .order_by("-period", "-reviewed_at", "-pk")
        .values_list("percent", flat=True)
        .first()
        or 0
    )
    _as_user(task, user).save()
    for milestone in task.milestones.filter(done_on=closed_on):
        milestone.done_on = None
        _as_user(milestone, user).save()
    flags_refresh(tasks=task, as_of=today_local())  # overdue again at once if its date has passed
    return task


# --- 催办 -----------------------------------------------------------------------


def _notify_liaisons(*, unit: Unit, title: str, body: str, url: str) -> int:
    rows = [Notification(user=u, title=title[:200], body=body, url=url) for u in unit.liaisons.all()]
    Notification.objects.bulk_create(rows)
    return len(rows)


URGE_REPLY_WORKDAYS = 3


def urging_default_reply_by(today: dt.date | None = None) -> dt.date:
    """The reply date a 催办 proposes: three working days from today (the office's calendar)."""
    return work_calendar().add_workdays(today or today_local(), URGE_REPLY_WORKDAYS)


def _check_reply_by(reply_by: dt.date | None) -> dt.date:
    if reply_by is None:
        return urging_default_reply_by()
    if reply_by < today_local():
        raise WorkflowError("回复期限不能早于今天。")
    return reply_by


def _urge_message(message: str) -> str:
    message = (message or "").strip()
    if not message:
        raise WorkflowError("请填写催办内容。")
    return message


@transaction.atomic
def urging_create(*, task: Task, unit: Unit, user, message: str, reply_by: dt.date | None = None) -> Urging:
    """催办: recorded on the task with a reply date, and every liaison of the unit is notified."""
    return urgings_create(task=task, units=[unit], user=user, message=message, reply_by=reply_by)[0]


@transaction.atomic
def urgings_create(
    *, task: Task, units: Sequence[Unit], user, message: str, reply_by: dt.date | None = None
) -> list[Urging]:
    """催办 several units of one task at once (the task page's checkboxes)."""
    message = _urge_message(message)
    reply_by = _check_reply_by(reply_by)
    if not units:
        raise WorkflowError("请至少选择一个被催办单位。")
    assigned = set(Assignment.objects.filter(task=task).values_list("unit_id", flat=True))
    strangers = [u.name for u in units if u.pk not in assigned]
    if strangers:
        raise WorkflowError(f"{'、'.join(strangers)}不承担此任务。")
    urgings = [
        Urging.objects.create(task=task, unit=unit, message=message, reply_by=reply_by, created_by=user)
        for unit in units
    ]
    for unit in units:
        _notify_liaisons(
            unit=unit,
            title=f"催办：{task.title[:60]}（请于 {reply_by:%Y-%m-%d} 前回复）",
            body=message,
            url=reverse("tasks:detail", args=[task.pk]),
        )
    return urgings


@dataclass
class BatchUrging:
    urgings: list[Urging]
    skipped_closed: list[Task]  # already 办结: not urged
    without_units: list[Task]  # no (lead) unit to urge


@transaction.atomic
def urgings_create_batch(
    *, tasks: Iterable[Task], user, message: str, lead_only: bool = False, reply_by: dt.date | None = None
) -> BatchUrging:
    """批量催办 from the task list: every unit (or only the lead units) of each selected open task.
    Each unit's liaisons get one notification for the whole batch, not one per task."""
    message = _urge_message(message)
    reply_by = _check_reply_by(reply_by)
    result = BatchUrging([], [], [])
    by_unit: dict[int, list[Task]] = {}
    units: dict[int, Unit] = {}
    for task in tasks:
        if task.is_closed:
            result.skipped_closed.append(task)
            continue
        assignments = task.assignments.select_related("unit")
        if lead_only:
            assignments = assignments.filter(role=AssignmentRole.LEAD)
        assignments = list(assignments)
        if not assignments:
            result.without_units.append(task)
        for a in assignments:
            result.urgings.append(
                Urging.objects.create(task=task, unit=a.unit, message=message, reply_by=reply_by, created_by=user)
            )
            by_unit.setdefault(a.unit_id, []).append(task)
            units[a.unit_id] = a.unit
    if not result.urgings:
        raise WorkflowError("所选任务没有可催办的单位（已办结的任务不催办）。")
    for unit_id, unit_tasks in by_unit.items():
        if len(unit_tasks) == 1:
            title, url = f"催办：{unit_tasks[0].title[:60]}", reverse("tasks:detail", args=[unit_tasks[0].pk])
        else:
            title, url = f"催办：{len(unit_tasks)} 项任务", reverse("tasks:mine")
        body = message + "\n" + "\n".join(f"· {t.number} {t.title[:60]}" for t in unit_tasks)
        _notify_liaisons(unit=units[unit_id], title=f"{title}（请于 {reply_by:%Y-%m-%d} 前回复）", body=body, url=url)
    return result


def urgings_late(*, today: dt.date | None = None):
    """Urgings still unanswered after their reply date, the oldest date first (the office's queue)."""
    return (
        Urging.objects.filter(answered_at__isnull=True, reply_by__lt=today or today_local())
        .select_related("task", "unit", "created_by")
        .order_by("reply_by", "pk")
    )


@transaction.atomic
def urging_answer(*, urging: Urging, user, answer: str) -> Urging:
    answer = (answer or "").strip()
    if not answer:
        raise WorkflowError("请填写回复内容。")
    if urging.answered_at is not None:
        raise WorkflowError("该催办已回复。")
    urging.answer = answer
    urging.answered_by = user
    urging.answered_at = timezone.now()
    urging.save()
    if urging.created_by_id:
        Notification.objects.create(
            user_id=urging.created_by_id,
            title=f"{urging.unit.name} 已回复催办",
            body=answer,
            url=reverse("tasks:detail", args=[urging.task_id]),
        )
    return urging


# --- 延期 -----------------------------------------------------------------------


def extendable_milestones(*, task: Task, units: Iterable[Unit], today: dt.date):
    """The milestones of `task` these units may still ask to extend: open, not yet past, and
    without a pending request of theirs (extension_request refuses the others)."""
    pending = ExtensionRequest.objects.filter(state=ExtensionState.PENDING, unit__in=list(units))
    return task.milestones.filter(done_on__isnull=True, due_on__gte=today).exclude(
        pk__in=pending.values("milestone_id")
    ).order_by("due_on")


def extension_unavailable_reason(*, task: Task, units: Iterable[Unit], today: dt.date) -> str:
    """Why 延期申请 is not possible on this task today (Chinese, shown instead of the button), or ""."""
    units = list(units)
    if task.is_closed:
        return "任务已办结，无需申请延期。"
    if not units:
        return "您所在单位不承担此任务。"
    if extendable_milestones(task=task, units=units, today=today).exists():
        return ""
    open_ms = list(task.milestones.filter(done_on__isnull=True).order_by("due_on"))
    if not task.milestones.exists():
        return "该任务没有时间节点，无需申请延期。"
    if not open_ms:
        return "该任务的时间节点均已完成，无需申请延期。"
    if all(m.due_on < today for m in open_ms):
        last = open_ms[-1].due_on
        return (f"时间节点已过期（最晚截止 {last:%Y-%m-%d}），延期须在截止日期前申请；"
                "请报送进展说明原因，或联系改革办调整时间节点。")
    return "尚未过期的时间节点已有待审批的延期申请，请等待改革办审批。"


@transaction.atomic
def extension_request(
    *, milestone: Milestone, unit: Unit, user, reason: str, proposed_date: dt.date, today: dt.date
) -> ExtensionRequest:
    """延期申请: only before the milestone's date has passed, and only to a later date."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("请填写延期理由。")
    if milestone.done_on is not None:
        raise WorkflowError("该时间节点已完成，无需延期。")
    if today > milestone.due_on:
        raise WorkflowError("该时间节点已过期，不能再申请延期。")
    if proposed_date <= milestone.due_on:
        raise WorkflowError("申请延至的日期必须晚于原截止日期。")
    if not Assignment.objects.filter(task=milestone.task_id, unit=unit).exists():
        raise WorkflowError("该单位不承担此任务。")
    try:
        with transaction.atomic():
            return ExtensionRequest.objects.create(
                milestone=milestone,
                unit=unit,
                requested_by=user,
                reason=reason,
                original_date=milestone.due_on,
                proposed_date=proposed_date,
            )
    except IntegrityError:
        raise WorkflowError("该时间节点已有待审批的延期申请。") from None


@transaction.atomic
def extension_approve(*, request: ExtensionRequest, user, as_of: dt.date, comment: str = "") -> Milestone:
    """Approve: the milestone moves, its first date stays in original_due_on (and the history)."""
    if request.state != ExtensionState.PENDING:
        raise WorkflowError("该申请已处理。")
    milestone = request.milestone
    if milestone.original_due_on is None:
        milestone.original_due_on = milestone.due_on
    milestone.due_on = request.proposed_date
    _as_user(milestone, user).save()
    flags_refresh(tasks=[milestone.task_id], as_of=as_of)  # no longer 临期 (or 逾期) on the old date
    request.state = ExtensionState.APPROVED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_reason = comment
    request.save()
    _notify_liaisons(
        unit=request.unit,
        title=f"延期申请已批准：{milestone.task.title[:50]}",
        body=f"截止日期调整为 {request.proposed_date:%Y-%m-%d}",
        url=reverse("tasks:detail", args=[milestone.task_id]),
    )
    return milestone


@transaction.atomic
def extension_refuse(*, request: ExtensionRequest, user, reason: str) -> ExtensionRequest:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("不予批准必须填写理由。")
    if request.state != ExtensionState.PENDING:
        raise WorkflowError("该申请已处理。")
    request.state = ExtensionState.REFUSED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save()
    _notify_liaisons(
        unit=request.unit,
        title=f"延期申请未获批准：{request.milestone.task.title[:50]}",
        body=reason,
        url=reverse("tasks:detail", args=[request.milestone.task_id]),
    )
    return request


# --- 单位合并 -------------------------------------------------------------------


@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, user) -> Unit:
    """Merge `source` into `target` (the same unit under two names): every
    assignment, report, urging, extension request and liaison moves; the
    source's name and aliases become aliases of the target; source is deleted.
    """
    if source.pk == target.pk:
        raise WorkflowError("不能与自身合并。")
    touched = list(Assignment.objects.filter(unit=source).values_list("task_id", flat=True))
    for assignment in Assignment.objects.filter(unit=source).select_related("task"):
        twin = Assignment.objects.filter(task=assignment.task_id, unit=target).first()
        if twin is None:
            assignment.unit = target
            _as_user(assignment, user).save()
            continue
        # both names were on the task: keep one row, the stronger role
        if assignment.role == AssignmentRole.LEAD and twin.role != AssignmentRole.LEAD:
            twin.role = AssignmentRole.LEAD
            _as_user(twin, user).save()
        _as_user(assignment, user).delete()
    ProgressReport.objects.filter(unit=source).update(unit=target)
    Urging.objects.filter(unit=source).update(unit=target)
    for ext in ExtensionRequest.objects.filter(unit=source):
        clash = (
            ext.state == ExtensionState.PENDING
            and ExtensionRequest.objects.filter(
                milestone=ext.milestone_id, unit=target, state=ExtensionState.PENDING
            ).exists()
        )
        if clash:
            ext.delete()  # the target's own pending request stands for both
        else:
            ext.unit = target
            ext.save(update_fields=["unit"])
    Reminder.objects.filter(unit=source).delete()  # per-unit outbox rows; the next scan recreates them
    source.webhooks.update(unit=target)
    target.liaisons.add(*source.liaisons.all())
    for collective in source.collectives.all():
        collective.members.add(target)
    target.members.add(*source.members.exclude(pk=target.pk))
    source.aliases.update(unit=target)
    old_name = source.name
    source.delete()
    UnitAlias.objects.get_or_create(name=old_name, defaults={"unit": target})
    flags_refresh(tasks=touched, as_of=today_local())  # the reports moved with the units (黄)
    return target

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from deadlines.models import Milestone, UnresolvedPhrase

from .flags import RefreshesFlags
from .models import Assignment, Evidence, Plan, PlanSource, ProgressReport, Section, Task, Urging


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "number", "title", "parent"]


class PlanSourceInline(admin.StackedInline):
    model = PlanSource
    can_delete = False
    readonly_fields = ["text"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "issuer", "year", "issued_on", "created_at"]
    list_filter = ["year", "issuer"]
    search_fields = ["title", "doc_number", "issuer"]
    inlines = [SectionInline, PlanSourceInline]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["order", "unit", "role", "as_written", "source", "state", "dispute_reason"]
    autocomplete_fields = ["unit"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["due_on", "phrase", "what", "recurrence", "original_due_on", "state", "done_on"]


class UnresolvedPhraseInline(admin.TabularInline):
    model = UnresolvedPhrase
    extra = 0


class SubTaskInline(admin.TabularInline):
    model = Task
    fk_name = "parent"
    extra = 0
    fields = ["number", "title", "status"]
    show_change_link = True
    verbose_name = "子任务"
    verbose_name_plural = "子任务"


@admin.register(Task)
class TaskAdmin(RefreshesFlags, SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "source", "status", "flag", "progress_missing", "pace", "percent"]
    list_filter = ["plan", "source", "status", "flag", "progress_missing", "pace"]
    search_fields = ["number", "title", "text", "indicator", "category"]
    raw_id_fields = ["parent", "section"]
    inlines = [AssignmentInline, MilestoneInline, UnresolvedPhraseInline, SubTaskInline]


@admin.register(Assignment)
class AssignmentAdmin(RefreshesFlags, SimpleHistoryAdmin):
    list_display = ["task", "unit", "role", "state", "resolution"]
    list_filter = ["role", "source", "state", "resolution"]
    search_fields = ["task__title", "unit__name", "as_written"]
    raw_id_fields = ["task"]
    autocomplete_fields = ["unit"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_at"]


@admin.register(ProgressReport)
class ProgressReportAdmin(RefreshesFlags, SimpleHistoryAdmin):
    list_display = ["task", "unit", "period", "percent", "asks_completion", "review_state", "created_at"]
    list_filter = ["review_state", "asks_completion", "period"]
    search_fields = ["task__title", "unit__name", "text"]
    raw_id_fields = ["task"]
    inlines = [EvidenceInline]


@admin.register(Urging)
class UrgingAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "created_by", "created_at", "reply_by", "answered_at"]
    list_filter = ["created_at"]
    search_fields = ["task__title", "unit__name", "message", "answer"]
    raw_id_fields = ["task"]


# Registered here, not in deadlines: an edit refreshes the task's stored flags (tasks.flags).
@admin.register(Milestone)
class MilestoneAdmin(RefreshesFlags, SimpleHistoryAdmin):
    list_display = ["task", "due_on", "phrase", "state", "original_due_on", "done_on"]
    list_filter = ["state", "recurrence", "due_on"]
    search_fields = ["phrase", "what", "task__title"]
    raw_id_fields = ["task"]
    date_hierarchy = "due_on"

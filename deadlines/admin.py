from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks.flags import RefreshesFlags

from .models import (
    CalendarDay,
    ExtensionRequest,
    Milestone,
    MonthlyReport,
    Notification,
    OutboundMessage,
    Reminder,
    UnresolvedPhrase,
)


@admin.register(Milestone)
class MilestoneAdmin(RefreshesFlags, SimpleHistoryAdmin):
    list_display = ["task", "due_on", "phrase", "state", "original_due_on", "done_on"]
    list_filter = ["state", "recurrence", "due_on"]
    search_fields = ["phrase", "what", "task__title"]
    raw_id_fields = ["task"]
    date_hierarchy = "due_on"


@admin.register(UnresolvedPhrase)
class UnresolvedPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "task", "settled"]
    list_filter = ["settled"]
    search_fields = ["phrase", "task__title"]
    raw_id_fields = ["task"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["milestone", "unit", "original_date", "proposed_date", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["reason", "unit__name", "milestone__task__title"]
    raw_id_fields = ["milestone"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "milestone", "unit", "period", "created_at", "sent_at"]
    list_filter = ["kind", "sent_at"]
    raw_id_fields = ["milestone"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "body", "user__username"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "as_of", "generated_at"]
    list_filter = ["status", "year"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "channel", "to", "created_at", "sent_at", "attempts"]
    list_filter = ["channel", "sent_at"]
    search_fields = ["subject", "to"]
    readonly_fields = ["created_at", "sent_at", "attempts", "last_error"]

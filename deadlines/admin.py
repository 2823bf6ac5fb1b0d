from django.contrib import admin

from .models import (
    Bulletin,
    CalendarDay,
    DaySource,
    ExtensionRequest,
    MonthlyReport,
    Notification,
    OutboundMessage,
    Reminder,
    UnresolvedPhrase,
)


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
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["source"]

    def save_model(self, request, obj, form, change):
        obj.source = DaySource.OFFICE  # typed or corrected by hand: the office's own, never overwritten
        super().save_model(request, obj, form, change)


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


class BulletinInline(admin.StackedInline):
    """The Word 通报's text is edited on the 通报 page (which renders the .docx); here it is read only."""

    model = Bulletin
    can_delete = False
    readonly_fields = ["issue_number", "issued_on", "title", "addressee", "overview", "problems", "requirements",
                       "signature", "state", "file", "drafted_at", "edited_at", "edited_by", "finalized_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "as_of", "generated_at"]
    list_filter = ["status", "year"]
    inlines = [BulletinInline]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "channel", "to", "created_at", "sent_at", "attempts"]
    list_filter = ["channel", "sent_at"]
    search_fields = ["subject", "to"]
    readonly_fields = ["created_at", "sent_at", "attempts", "last_error"]

from django.contrib import admin

from .models import Unit, UnitAlias, UnitWebhook


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


class UnitWebhookInline(admin.StackedInline):
    model = UnitWebhook
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "needs_review", "is_active"]
    list_filter = ["kind", "level", "needs_review", "is_active"]
    search_fields = ["name", "short_name", "aliases__name"]
    filter_horizontal = ["members", "liaisons"]
    inlines = [UnitAliasInline, UnitWebhookInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "unit"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit"]

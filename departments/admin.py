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


# --- users: only superusers manage superusers and staff ---------------------------------------
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin  # noqa: E402

User = get_user_model()
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class UserAdmin(BaseUserAdmin):
    """A staff account given the user permissions (an office worker, say) sees and edits only
    ordinary accounts, and cannot grant privileges: otherwise setting a superuser's password, or
    ticking is_superuser on an account it controls, would hand it the whole site."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(is_superuser=False, is_staff=False)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + PRIVILEGE_FIELDS


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)

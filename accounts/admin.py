"""Staff screens for users; role changes go through the service so staff status follows."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin
from core.text import CleanTextMixin

from . import otp, services
from .models import PrivacyRequest, User


class CleanUserChangeForm(CleanTextMixin, UserChangeForm):
    pass


class CleanUserCreationForm(CleanTextMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = CleanUserChangeForm
    add_form = CleanUserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "full_name",
        "role",
        "is_staff",
        "email_verified_at",
        "date_joined",
        "erased_at",
    )
    list_filter = (
        "role",
        "is_staff",
        "is_superuser",
        "is_active",
        ("erased_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("email", "full_name")
    readonly_fields = ("role", "last_login", "date_joined", "email_verified_at", "erased_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "preferred_language", "role")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("Dates"),
            {"fields": ("last_login", "date_joined", "email_verified_at", "erased_at")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )
    actions = ["make_mediator", "make_consumer", "make_platform_client", "reset_two_factor"]

    def _set_role(self, request, queryset, role):
        for user in queryset:
            services.user_set_role(user=user, role=role)
        self.message_user(request, _("Role updated."), messages.SUCCESS)

    @admin.action(description=_("Make mediator (staff, mediators group)"), permissions=["change"])
    def make_mediator(self, request, queryset):
        self._set_role(request, queryset, User.Role.MEDIATOR)

    @admin.action(description=_("Make consumer"), permissions=["change"])
    def make_consumer(self, request, queryset):
        self._set_role(request, queryset, User.Role.CONSUMER)

    @admin.action(description=_("Make platform client"), permissions=["change"])
    def make_platform_client(self, request, queryset):
        self._set_role(request, queryset, User.Role.PLATFORM_CLIENT)

    @admin.action(
        description=_("Turn two-step verification off (lost phone)"), permissions=["change"]
    )
    def reset_two_factor(self, request, queryset):
        # The owner signs in with the password alone next time and sets up a new app (staff
        # are asked to straight away where it is required).
        for user in queryset:
            otp.two_factor_disable(user=user)
        self.message_user(request, _("Two-step verification turned off."), messages.SUCCESS)


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyModelAdmin):
    """The audit trail of downloads and erasures: read-only, never deleted."""

    list_display = ("requested_at", "user", "kind", "state", "completed_at")
    list_filter = ("kind", "state")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    readonly_fields = ("user", "kind", "state", "requested_at", "completed_at", "detail")

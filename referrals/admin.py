from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .forms import ReferralBodyAdminForm
from .models import ReferralBody


@admin.register(ReferralBody)
class ReferralBodyAdmin(admin.ModelAdmin):
    """Staff keep the list of referral bodies: only facts with a source; unknown contacts stay
    empty (the official website is always given)."""

    form = ReferralBodyAdminForm
    list_display = ("name", "kind", "serves_all_countries", "website", "active", "updated_at")
    list_filter = ("kind", "active", "serves_all_countries")
    search_fields = ("name", "name_zh", "notes")
    def has_delete_permission(self, request, obj=None):
        # Referrals point at their body: one that no longer takes cases is made inactive.
        return False

    fieldsets = (
        (None, {"fields": ("name", "name_zh", "kind", "active")}),
        (
            _("Who it serves"),
            {
                "fields": (
                    "serves_all_countries",
                    "countries",
                    "serves_all_trader_countries",
                    "trader_countries",
                    "cross_border_only",
                    "categories",
                    ("max_amount", "max_amount_currency"),
                    "languages",
                )
            },
        ),
        (_("How to reach it"), {"fields": ("channels", "website", "email", "free_of_charge", "cost", "time_limits")}),
        (_("Sources"), {"fields": ("legal_basis", "source", "notes", "notes_zh")}),
    )

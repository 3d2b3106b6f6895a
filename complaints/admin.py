"""The mediators' screens for complaints: read-only case files, and linking named respondents."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyTabularInline
from core.text import CleanTextModelForm

from . import services
from .models import Complaint, EvidenceItem, Respondent


class RespondentInline(ReadOnlyTabularInline):
    model = Respondent
    fields = ("role", "merchant", "named_name", "named_url", "reason", "linked_at", "link")
    readonly_fields = fields

    @admin.display(description=_("link to the directory"))
    def link(self, obj: Respondent):
        url = reverse("admin:complaints_respondent_change", args=[obj.pk])
        text = _("Link to a merchant") if obj.merchant_id is None else _("Change the link")
        return format_html('<a href="{}">{}</a>', url, text)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merchant")


class EvidenceInline(ReadOnlyTabularInline):
    model = EvidenceItem
    fields = (
        "kind",
        "download",
        "content_type",
        "size",
        "received_sha256",
        "sha256",
        "submitted_by",
        "submitted_at",
    )
    readonly_fields = fields

    @admin.display(description=_("item"))
    def download(self, obj: EvidenceItem):
        if obj.erased_at is not None:
            return _("Erased")
        if obj.kind != EvidenceItem.Kind.FILE:
            return obj.text[:200]
        # Served by the complaint app's view, which checks the viewer again.
        url = reverse(
            "complaints:evidence_download",
            kwargs={"public_id": obj.complaint.public_id, "item_id": obj.pk},
        )
        return format_html('<a href="{}">{}</a>', url, obj.label)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("complaint", "submitted_by")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "category",
        "consumer",
        "order_number",
        "submitted_at",
        "held_reason",
        "hold_decision",
        "pseudonymised_at",
        "created_at",
    )
    list_filter = (
        "status",
        "held_reason",
        "hold_decision",
        ("pseudonymised_at", admin.EmptyFieldListFilter),
        "category",
        "purchase_mode",
        "right_at_stake",
    )
    search_fields = ("reference", "order_number", "consumer__email")
    list_select_related = ("consumer",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    inlines = (RespondentInline, EvidenceInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "status",
                    "consumer",
                    "language",
                    "submitted_at",
                    "consent_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
        (
            _("The purchase"),
            {
                "fields": (
                    "purchase_mode",
                    "shop_url",
                    "shop_name",
                    "platform_name",
                    "platform_merchant",
                    "agent_name",
                    "order_number",
                    "order_date",
                    "item_description",
                    "amount",
                    "currency",
                    "payment_method",
                )
            },
        ),
        (_("What went wrong"), {"fields": ("category", "right_at_stake", "description")}),
        (_("What the consumer wants"), {"fields": ("remedy", "remedy_amount", "remedy_details")}),
        (
            _("Screening and privacy"),
            {
                "fields": (
                    "held_reason",
                    "held_at",
                    "hold_decision",
                    "hold_decided_at",
                    "hold_decided_by",
                    "pseudonymised_at",
                    "pseudonymised_reason",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The complaint is the consumer's account: staff read it, nobody edits it here.
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RespondentLinkForm(CleanTextModelForm):
    class Meta:
        model = Respondent
        fields = ("merchant",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "merchant" in self.fields:
            self.fields["merchant"].required = True


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    """Linking a respondent the consumer could only name to a merchant of the directory."""

    form = RespondentLinkForm

    list_display = ("__str__", "complaint", "role", "named_name", "named_url", "linked_at")
    list_filter = ("role", ("merchant", admin.EmptyFieldListFilter))
    search_fields = ("complaint__reference", "named_name", "named_url")
    list_select_related = ("complaint", "merchant")
    raw_id_fields = ("merchant",)
    fields = (
        "complaint",
        "role",
        "named_name",
        "named_url",
        "reason",
        "added_by_rule",
        "merchant",
        "linked_by",
        "linked_at",
    )
    readonly_fields = (
        "complaint",
        "role",
        "named_name",
        "named_url",
        "reason",
        "added_by_rule",
        "linked_by",
        "linked_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The link goes through the service (lock, who and when, credit told after commit);
        # the form never writes the row itself.
        services.respondent_link(
            respondent=obj, merchant=form.cleaned_data["merchant"], by=request.user
        )


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    """Evidence across complaints, for search by hash; read-only, never deleted."""

    list_display = (
        "__str__",
        "complaint",
        "kind",
        "content_type",
        "size",
        "sha256",
        "submitted_at",
    )
    list_filter = ("kind", "content_type")
    search_fields = ("complaint__reference", "sha256", "received_sha256", "label")
    list_select_related = ("complaint",)
    readonly_fields = (
        "complaint",
        "kind",
        "label",
        "content_type",
        "size",
        "text",
        "received_sha256",
        "sha256",
        "metadata_removed",
        "erased_at",
        "submitted_by",
        "submitted_at",
    )
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

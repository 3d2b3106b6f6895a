"""Staff screens: API keys (issued here, secret shown once), snapshots (read-only), webhooks."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.text import CleanTextMixin, CleanTextModelForm

from . import onboarding, services
from .models import (
    WEBHOOK_ID_PREFIX,
    ApiKey,
    CreditSnapshot,
    PlatformAccessRequest,
    WebhookDelivery,
    WebhookEndpoint,
)


class ApiKeyCreateForm(CleanTextMixin, forms.Form):
    client = forms.ModelChoiceField(
        label=_("Platform client"),
        queryset=User.objects.filter(role=User.Role.PLATFORM_CLIENT, is_active=True).order_by(
            "email"
        ),
        help_text=_("Only accounts with the platform client role can hold keys."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “checkout risk checks, production”."),
    )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("client",)
    search_fields = ("name", "prefix", "client__email")
    readonly_fields = (
        "client",
        "name",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    fields = readonly_fields
    actions = ["revoke"]

    def add_view(self, request, form_url="", extra_context=None):
        """Issue a key through the service and show its secret once, on the page that answers
        the POST: it is never stored, logged, or put in a message (messages live in a cookie
        or the session)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "has_view_permission": self.has_view_permission(request),
        }
        form = ApiKeyCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            api_key, secret = services.api_key_create(
                client=form.cleaned_data["client"],
                name=form.cleaned_data["name"],
                created_by=request.user,
            )
            self.log_addition(request, api_key, [{"added": {}}])
            response = TemplateResponse(
                request,
                "admin/credit/apikey/created.html",
                {**context, "title": _("API key created"), "api_key": api_key, "secret": secret},
            )
            # Nor may the browser or a proxy keep the page that shows the secret.
            add_never_cache_headers(response)
            response["Cache-Control"] += ", no-store"
            return response
        return TemplateResponse(
            request,
            "admin/credit/apikey/add.html",
            {**context, "title": _("Create an API key"), "form": form},
        )

    def has_change_permission(self, request, obj=None):
        return False  # a key is issued or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay, so the log of who used what stays readable

    def has_revoke_permission(self, request):
        return request.user.has_perm("credit.change_apikey")

    @admin.action(description=_("Revoke selected API keys"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for pk in queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True):
            services.api_key_revoke(api_key_id=pk)
        self.message_user(request, _("The selected keys are revoked."), messages.SUCCESS)


@admin.register(CreditSnapshot)
class CreditSnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "merchant",
        "grade",
        "score",
        "case_count",
        "effective_sample",
        "method_version",
        "computed_at",
        "is_current",
    )
    list_filter = ("is_current", "grade", "method_version")
    list_select_related = ("merchant",)
    search_fields = ("merchant__legal_name", "merchant__legal_name_latin")
    date_hierarchy = "computed_at"
    readonly_fields = (
        "merchant",
        "score",
        "grade",
        "factors",
        "case_count",
        "effective_sample",
        "method_version",
        "computed_at",
        "is_current",
    )
    fields = readonly_fields

    # Snapshots are written by recomputation only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ("url", "client", "active", "created_at")
    list_filter = ("active",)
    list_select_related = ("client",)
    search_fields = ("url", "client__email")
    fields = ("client", "url", "active", "secret", "created_at")
    readonly_fields = ("secret", "created_at")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # a URL typed without scheme is an https one
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "event",
        "endpoint",
        "created_at",
        "attempts",
        "last_status_code",
        "delivered_at",
        "error",
    )
    list_filter = ("event", ("delivered_at", admin.EmptyFieldListFilter))
    list_select_related = ("endpoint",)
    search_fields = ("endpoint__url",)
    search_help_text = _("An endpoint's URL, or a webhook id (msg_…) a platform received.")
    readonly_fields = (
        "endpoint",
        "webhook_id",
        "event",
        "payload",
        "attempts",
        "last_status_code",
        "last_attempt_at",
        "delivered_at",
        "error",
        "created_at",
    )
    fields = readonly_fields
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("webhook id"))
    def webhook_id(self, obj):
        return obj.webhook_id

    def get_search_results(self, request, queryset, search_term):
        # A platform quotes the webhook-id header it received; the column holds the bare UUID.
        term = search_term.strip()
        if not term.startswith(WEBHOOK_ID_PREFIX):
            return super().get_search_results(request, queryset, search_term)
        try:
            message_id = uuid.UUID(term.removeprefix(WEBHOOK_ID_PREFIX))
        except ValueError:
            return queryset.none(), False
        return queryset.filter(message_id=message_id), False

    def has_redeliver_permission(self, request):
        return request.user.has_perm("credit.change_webhookdelivery")

    @admin.action(description=_("Send again (undelivered only)"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        count = services.webhook_redeliver(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, _("%(count)s deliveries queued.") % {"count": count}, messages.SUCCESS
        )


class AccessDecisionForm(CleanTextModelForm):
    class Meta:
        model = PlatformAccessRequest
        fields = ["decision_note"]

    def clean(self):
        cleaned = super().clean()
        if "_refuse" in self.data and not (cleaned.get("decision_note") or "").strip():
            self.add_error(
                "decision_note", _("Say why the request is refused: the platform is told.")
            )
        return cleaned


@admin.register(PlatformAccessRequest)
class PlatformAccessRequestAdmin(admin.ModelAdmin):
    """Requests for API access from the "For platforms" page: approve (the account becomes a
    platform client and creates its own keys) or refuse with a reason; both e-mail the
    platform."""

    form = AccessDecisionForm
    change_form_template = "admin/credit/platformaccessrequest/change_form.html"
    list_display = ("organisation", "user", "state", "created_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("user",)
    search_fields = ("organisation", "user__email", "contact_email")
    fields = (
        "user",
        "organisation",
        "website",
        "contact_name",
        "contact_email",
        "intended_use",
        "state",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_note",
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state == PlatformAccessRequest.State.PENDING:
            return [f for f in self.fields if f != "decision_note"]
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("decision_note", "")
        if "_approve" in request.POST:
            onboarding.access_request_approve(request_id=obj.pk, staff=request.user, note=note)
        elif "_refuse" in request.POST:
            onboarding.access_request_refuse(request_id=obj.pk, staff=request.user, note=note)

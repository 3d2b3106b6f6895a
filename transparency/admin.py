"""The mediators' screens of transparency: the shops nobody disclosed, the most named first
(whom to ask the platforms about), and the narratives to review before they are published."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.admin import ReadOnlyModelAdmin

from . import selectors, services
from .models import NarrativeReview, UndisclosedShop

PAGE_SIZE = 50


@admin.register(UndisclosedShop)
class UndisclosedShopAdmin(ReadOnlyModelAdmin):
    # A row opened from the list is the respondent, read-only (it is linked on its own screen).
    fields = readonly_fields = ("complaint", "role", "named_name", "named_url")

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        page = Paginator(selectors.undisclosed_shops_ranked(), PAGE_SIZE).get_page(
            request.GET.get("p")
        )
        respondents = reverse("admin:complaints_respondent_changelist")
        rows = [
            {
                **row,
                "respondents_url": f"{respondents}?"
                + urlencode({"q": row["link"] or row["name"], "merchant__isempty": "1"}),
            }
            for row in page.object_list
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Shops nobody disclosed"),
            "page_obj": page,
            "rows": rows,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/transparency/undisclosed_shops.html", context)


class NarrativeDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Publish this text")), ("reject", _("Do not publish it"))],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = NarrativeReview
        fields = ["scrubbed_text"]


@admin.register(NarrativeReview)
class NarrativeReviewAdmin(admin.ModelAdmin):
    """Mediators read each scrubbed narrative against the original, correct what the scrubber
    missed, and publish it or not (transparency.services.narrative_decide)."""

    form = NarrativeDecisionForm
    list_display = ("complaint", "state", "found_kinds", "created_at")
    list_filter = ("state",)
    list_select_related = ("complaint",)
    search_fields = ("complaint__reference",)
    ordering = ("created_at", "pk")
    readonly_fields = (
        "complaint",
        "state",
        "found_kinds",
        "original",
        "reviewed_by",
        "reviewed_at",
    )

    def get_fields(self, request, obj=None):
        fields = ["complaint", "state", "found_kinds", "original", "scrubbed_text"]
        if obj is not None and obj.state == NarrativeReview.State.PENDING:
            return [*fields, "decision"]
        return [*fields, "reviewed_by", "reviewed_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != NarrativeReview.State.PENDING:
            return [*self.readonly_fields, "scrubbed_text"]
        return self.readonly_fields

    @admin.display(description=_("personal data removed"))
    def found_kinds(self, obj) -> str:
        return ", ".join(obj.found) or "—"

    @admin.display(description=_("the consumer's own words"))
    def original(self, obj) -> str:
        return obj.complaint.description

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != NarrativeReview.State.PENDING:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The decision goes through the service (lock, who and when, the entry refreshed); the
        # form never writes the row itself.
        try:
            services.narrative_decide(
                review_id=obj.pk,
                mediator=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                text=form.cleaned_data["scrubbed_text"],
            )
        except services.NarrativeNotPending:
            self.message_user(
                request, _("Someone else decided on this narrative meanwhile."), messages.WARNING
            )

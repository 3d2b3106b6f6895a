"""Staff keep the directory of referral bodies; mediators send referred cases to them and
record what the bodies did; signed dossiers are shown, never edited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from odr.models import Case, CollectiveCase

from . import services
from .forms import (
    CollectiveReferralForm,
    ReferralAddForm,
    ReferralBodyAdminForm,
    ReferralStatusForm,
)
from .models import Referral, ReferralBody, SignedDossier
from .suggestions import suggest


@admin.register(ReferralBody)
class ReferralBodyAdmin(admin.ModelAdmin):
    """Only facts with a source; unknown contacts stay empty (the official website is always
    given)."""

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
            gettext_lazy("Who it serves"),
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
        (
            gettext_lazy("How to reach it"),
            {"fields": ("channels", "website", "email", "free_of_charge", "cost", "time_limits")},
        ),
        (gettext_lazy("Sources"), {"fields": ("legal_basis", "source", "notes", "notes_zh")}),
    )


def _case_from(request) -> Case | None:
    raw = request.GET.get("case") or request.POST.get("case") or ""
    if not raw.isdigit():
        return None
    return Case.objects.select_related("complaint").filter(pk=int(raw)).first()


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """A referral is made from a referred case ("Send to an outside body" on the case), with
    the bodies that fit proposed first and why; afterwards only its status changes."""

    list_display = ("case", "body", "channel", "status", "created_at", "emailed_at")
    list_filter = ("status", "channel")
    list_select_related = ("case__complaint", "body")
    search_fields = ("case__complaint__reference", "body__name")
    readonly_fields = (
        "case",
        "body",
        "channel",
        "covering_letter",
        "mismatch_reason",
        "dossier",
        "referred_by",
        "created_at",
        "emailed_at",
        "status_changed_at",
        "reminded_at",
    )

    def has_add_permission(self, request):
        return request.user.has_perm("odr.mediate_case")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("odr.mediate_case")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["case", "body", "channel", "covering_letter", "mismatch_reason"]
        return ["status", "note", *self.readonly_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = ReferralStatusForm
            kwargs["fields"] = ["status", "note"]
            return super().get_form(request, obj, change, **kwargs)
        case = _case_from(request)
        found = suggest(ReferralBody.objects.active(), services.case_facts(case)) if case else []
        kwargs["form"] = ReferralAddForm
        kwargs["fields"] = ["case", "body", "channel", "covering_letter", "mismatch_reason"]
        base = super().get_form(request, obj, change, **kwargs)

        class WithSuggestions(base):
            def __init__(self, *args, **inner):
                super().__init__(*args, suggestions=found, **inner)

        return WithSuggestions

    def get_changeform_initial_data(self, request):
        case = _case_from(request)
        if case is None:
            return {}
        return {"case": case.pk, "covering_letter": services.covering_letter(case)}

    change_form_template = "admin/referrals/referral/change_form.html"

    change_form_template = "admin/referrals/referral/change_form.html"

    def add_view(self, request, form_url="", extra_context=None):
        case = _case_from(request)
        extra = dict(extra_context or {})
        if case is not None:
            extra["referred_case"] = case
            extra["suggestions"] = suggest(ReferralBody.objects.active(), services.case_facts(case))
        return super().add_view(request, form_url, extra)

    def save_model(self, request, obj, form, change):
        # The services write, and say what is wrong (shown on the form, nothing saved).
        data = form.cleaned_data
        if change:
            services.referral_set_status(
                referral_id=obj.pk,
                mediator=request.user,
                status=data["status"],
                note=data.get("note", ""),
            )
            return
        referral = services.referral_create(
            case_id=data["case"].pk,
            body_id=data["body"].pk,
            mediator=request.user,
            covering_letter=data["covering_letter"],
            channel=data.get("channel") or "",
            mismatch_reason=data.get("mismatch_reason", ""),
        )
        obj.pk = referral.pk
        obj.refresh_from_db()

    def get_urls(self):
        return [
            path(
                "collective/<int:collective_id>/",
                self.admin_site.admin_view(self.collective_view),
                name="referrals_referral_collective",
            ),
            *super().get_urls(),
        ]

    def collective_view(self, request, collective_id: int):
        """Refer a collective case's members together to one body."""
        if not request.user.has_perm("odr.mediate_case"):
            raise PermissionDenied
        collective = get_object_or_404(
            CollectiveCase.objects.select_related("lead"), pk=collective_id
        )
        form = CollectiveReferralForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                referrals, left = services.referrals_create_for_collective(
                    collective_id=collective.pk,
                    body_id=data["body"].pk,
                    mediator=request.user,
                    covering_letter=data["covering_letter"],
                    summary=data["summary"],
                    mismatch_reason=data["mismatch_reason"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(count)d cases of %(reference)s were referred to %(body)s.")
                    % {
                        "count": len(referrals),
                        "reference": collective.reference,
                        "body": data["body"].name,
                    },
                )
                if left:
                    messages.warning(
                        request,
                        _("Not referred (still negotiating, settled or closed): %(references)s.")
                        % {"references": ", ".join(left)},
                    )
                return redirect("admin:odr_collectivecase_change", collective.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Refer collective case %(reference)s") % {"reference": collective.reference},
            "collective": collective,
            "form": form,
            "suggestions": suggest(
                ReferralBody.objects.active(), services.case_facts(collective.lead)
            ),
        }
        return TemplateResponse(request, "admin/referrals/referral/collective.html", context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(request.get_full_path())


@admin.register(SignedDossier)
class SignedDossierAdmin(admin.ModelAdmin):
    list_display = ("uid", "case", "issued_at", "key_id", "erased_at")
    list_select_related = ("case__complaint",)
    search_fields = ("uid", "sha256", "case__complaint__reference")
    fields = (
        "uid",
        "case",
        "issued_at",
        "issued_by",
        "language",
        "sha256",
        "key_id",
        "signature",
        "pdf_sha256",
        "erased_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Staff screens for merchants: every edit, verification and review goes through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from accounts.models import User
from core.admin import ReadOnlyTabularInline
from core.text import CleanTextModelForm

from . import display, selectors, services
from .forms import DisclosureForm, ReasonForm
from .models import (
    DisclosureProposal,
    DisclosureVersion,
    Merchant,
    MerchantLink,
    MerchantRepresentative,
    MerchantRole,
    MerchantRoleAssignment,
    Shop,
    VerificationDocument,
    VerificationEvent,
)
from .normalize import InvalidURL, fold_for_search, normalize_shop_url

# --- Filters --------------------------------------------------------------------------------


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return MerchantRole.choices

    def queryset(self, request, queryset):
        if self.value() in MerchantRole.values:
            return queryset.filter(
                Exists(
                    MerchantRoleAssignment.objects.filter(
                        merchant=OuterRef("pk"), role=self.value()
                    )
                )
            )
        return queryset


class ExpiringSoonFilter(admin.SimpleListFilter):
    title = _("verification expiry")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [("30", _("Expiring within 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "30":
            return selectors.merchants_expiring_within(queryset, days=30)
        return queryset


class LikelyDuplicateFilter(admin.SimpleListFilter):
    title = _("likely duplicate")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("Likely duplicate")), ("no", _("No duplicate found"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.likely_duplicate_condition())
        if self.value() == "no":
            return queryset.exclude(selectors.likely_duplicate_condition())
        return queryset


# --- Inlines --------------------------------------------------------------------------------


class _MerchantPermissionInline:
    """Rows managed from the merchant page need the merchant's permissions, not their own: a
    mediator who may change a merchant may correct its shops, links and representatives."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("merchants.view_merchant")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("merchants.change_merchant")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("merchants.change_merchant")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("merchants.change_merchant")


class ShopInlineForm(CleanTextModelForm):
    url = forms.URLField(label=_("shop URL"), max_length=1000, assume_scheme="https")

    class Meta:
        model = Shop
        fields = ["name", "url", "platform", "platform_shop_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Merchant.objects.filter(
            Exists(
                MerchantRoleAssignment.objects.filter(
                    merchant=OuterRef("pk"), role=MerchantRole.PLATFORM
                )
            )
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            self.url_normalized = normalize_shop_url(url)
        except InvalidURL as exc:
            raise ValidationError(str(exc)) from None
        return url

    def clean_platform(self):
        # The service refuses this too, but only after the merchant is saved: here it is a
        # field error on the page instead.
        platform = self.cleaned_data.get("platform")
        if platform is not None and platform.pk == self.instance.merchant_id:
            raise ValidationError(_("A merchant's own website needs no platform."))
        return platform


class ShopInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen: dict[str, str] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            normalized = getattr(form, "url_normalized", None)
            if normalized is None and form.instance.pk:
                normalized = form.instance.url_normalized
            if not normalized:
                continue
            if normalized in seen:
                form.add_error(
                    "url", _("This shop is listed twice (%(name)s).") % {"name": seen[normalized]}
                )
            seen[normalized] = form.cleaned_data.get("name", "")


class ShopInline(_MerchantPermissionInline, admin.TabularInline):
    model = Shop
    fk_name = "merchant"
    form = ShopInlineForm
    formset = ShopInlineFormSet
    extra = 0
    fields = ["name", "url", "platform", "platform_shop_id", "url_normalized"]
    readonly_fields = ["url_normalized"]
    autocomplete_fields = ["platform"]


class MerchantLinkInlineForm(CleanTextModelForm):
    """Checks a link as the service will, with the roles the merchant form is saving."""

    class Meta:
        model = MerchantLink
        fields = ["kind", "target", "started_on", "ended_on", "note"]

    def __init__(self, *args, source_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_roles = source_roles

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("target") or cleaned.get("DELETE"):
            return cleaned
        source = self.instance.source if self.instance.source_id else None
        roles = self.source_roles
        if roles is None:
            roles = list(source.roles.values_list("role", flat=True)) if source else []
        try:
            services.clean_link(
                source_id=source.pk if source else None,
                source_name=source.display_name if source else _("This merchant"),
                source_roles=set(roles),
                target=cleaned["target"],
                kind=cleaned.get("kind", ""),
                started_on=cleaned.get("started_on"),
                ended_on=cleaned.get("ended_on"),
                note=cleaned.get("note", ""),
                link_pk=self.instance.pk,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


class MerchantLinkInlineFormSet(forms.BaseInlineFormSet):
    """The same link twice in one submission: each row alone passes the service's duplicate
    check (neither is saved yet), so the pair is caught here."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned or cleaned.get("DELETE") or not cleaned.get("target"):
                continue
            key = (cleaned["target"].pk, cleaned.get("kind"), cleaned.get("started_on"))
            if key in seen:
                form.add_error("target", _("This link is listed twice."))
            seen.add(key)


class MerchantLinkInline(_MerchantPermissionInline, admin.TabularInline):
    model = MerchantLink
    form = MerchantLinkInlineForm
    formset = MerchantLinkInlineFormSet
    fk_name = "source"
    extra = 0
    fields = ["kind", "target", "started_on", "ended_on", "note"]
    autocomplete_fields = ["target"]
    verbose_name = _("link to another merchant")
    verbose_name_plural = _(
        "links to other merchants (agent → supplier, seller → carrier, seller → platform)"
    )


class RepresentativeInline(_MerchantPermissionInline, admin.TabularInline):
    model = MerchantRepresentative
    extra = 0
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        # A link is added or removed, never re-pointed at another user.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=User.Role.MERCHANT_REP)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DisclosureVersionInline(ReadOnlyTabularInline):
    model = DisclosureVersion
    fields = ["number", "created_at", "source", "created_by", "changes_display", "completeness"]
    readonly_fields = fields
    ordering = ["-number"]
    verbose_name_plural = _("disclosure history (read-only)")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("merchants.view_disclosureversion")

    @admin.display(description=_("changes"))
    def changes_display(self, version):
        return _changes_table(version.changes)


class VerificationEventInline(ReadOnlyTabularInline):
    model = VerificationEvent
    fields = [
        "created_at",
        "from_state",
        "to_state",
        "actor",
        "note",
        "expires_at",
        "disclosure_version",
    ]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("merchants.view_merchant")


class VerificationDocumentInline(ReadOnlyTabularInline):
    model = VerificationDocument
    fields = ["label", "kind", "content_type", "size", "uploaded_by", "uploaded_at", "download"]
    readonly_fields = fields
    ordering = ["-uploaded_at"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("merchants.view_verificationdocument")

    @admin.display(description=_("file"))
    def download(self, document):
        return _download_link(document)


def _download_link(document: VerificationDocument):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("merchants:document_download", kwargs={"pk": document.pk}),
        _("Download"),
    )


def _changes_table(changes: dict):
    rows = display.change_rows(changes)
    if not rows:
        return "—"
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("field"),
        _("before"),
        _("after"),
        format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((r["label"], r["old"], r["new"]) for r in rows),
        ),
    )


# --- Merchants ------------------------------------------------------------------------------


def _reason_page(modeladmin, request, queryset, *, action: str, title, apply_label):
    """The intermediate page of an action that needs a reason: shows the form (with what was
    typed and its errors) until it is valid, then returns the clean reason."""
    if "apply" in request.POST:
        form = ReasonForm(request.POST)
        if form.is_valid():
            return form.cleaned_data["reason"], None
    else:
        form = ReasonForm()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "objects": queryset,
        "form": form,
        "action": action,
        "apply_label": apply_label,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return None, TemplateResponse(request, "admin/merchants/reason.html", context)


def _report(modeladmin, request, done_message: str | None, failures: list[str]):
    if done_message:
        modeladmin.message_user(request, done_message, messages.SUCCESS)
    for failure in failures:
        modeladmin.message_user(request, failure, messages.WARNING)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    form = DisclosureForm
    list_display = [
        "legal_name",
        "legal_name_latin",
        "country",
        "roles_display",
        "verification_state",
        "verification_expires_at",
        "completeness",
        "disclosure_version",
        "duplicate_flag",
    ]
    list_filter = [
        ("country", CountryFilter),
        RoleFilter,
        "verification_state",
        ExpiringSoonFilter,
        LikelyDuplicateFilter,
    ]
    search_fields = ["search_text", "registration_number_normalized", "registry"]
    readonly_fields = [
        "public_page",
        "public_id",
        "registration_number_normalized",
        "completeness",
        "missing_items",
        "disclosure_version",
        "verification_state",
        "verified_at",
        "verified_by",
        "verification_expires_at",
        "verified_version",
        "verification_note",
    ]
    fieldsets = [
        (None, {"fields": ["public_page", "public_id"]}),
        (
            _("Identity (every change creates a disclosure version)"),
            {"fields": list(services.IDENTITY_FIELDS)},
        ),
        (
            _("Derived"),
            {
                "fields": [
                    "registration_number_normalized",
                    "completeness",
                    "missing_items",
                    "disclosure_version",
                ]
            },
        ),
        (
            _("Verification (changed only by the actions)"),
            {
                "fields": [
                    "verification_state",
                    "verified_at",
                    "verified_by",
                    "verification_expires_at",
                    "verified_version",
                    "verification_note",
                ]
            },
        ),
    ]
    inlines = [
        ShopInline,
        MerchantLinkInline,
        RepresentativeInline,
        VerificationDocumentInline,
        VerificationEventInline,
        DisclosureVersionInline,
    ]
    actions = ["verify_selected", "reject_selected", "expire_selected"]
    list_per_page = 50

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MerchantLinkInline) and request.method == "POST":
            # Links are checked against the roles being saved with them, not the stored ones.
            kwargs["form_kwargs"] = {"source_roles": request.POST.getlist("roles")}
        return kwargs

    def get_queryset(self, request):
        return selectors.merchants_with_duplicate_flag(
            super().get_queryset(request).prefetch_related("roles")
        )

    def get_search_results(self, request, queryset, search_term):
        """Names match folded (any script, any width, any case); a registration number or a
        shop link pasted as it was found matches too."""
        if not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        results, may_have_duplicates = super().get_search_results(
            request, queryset, fold_for_search(search_term)
        )
        extra = selectors.merchants_search(q=search_term).values("pk")
        return results | queryset.filter(pk__in=extra), may_have_duplicates

    def has_delete_permission(self, request, obj=None):
        # Disclosure versions protect their merchant: a merchant's history is never erased.
        return False

    @admin.display(description=_("roles"))
    def roles_display(self, merchant):
        return ", ".join(str(assignment.get_role_display()) for assignment in merchant.roles.all())

    @admin.display(description=_("likely duplicate"), boolean=True, ordering="likely_duplicate")
    def duplicate_flag(self, merchant):
        return getattr(merchant, "likely_duplicate", False)

    @admin.display(description=_("public page"))
    def public_page(self, merchant):
        if not merchant.pk:
            return "—"
        return format_html('<a href="{0}">{0}</a>', merchant.get_absolute_url())

    @admin.display(description=_("missing for completeness"))
    def missing_items(self, merchant):
        if not merchant.pk:
            return "—"
        result = services.disclosure_completeness(services.identity_snapshot(merchant))
        return ", ".join(str(label) for label in result.missing_labels) or "—"

    def save_model(self, request, obj, form, change):
        data = form.identity_data()
        if change:
            version = services.merchant_update(merchant_id=obj.pk, actor=request.user, data=data)
            if version is None:
                self.message_user(request, _("Nothing changed: no new version."), messages.INFO)
        else:
            merchant = services.merchant_create(actor=request.user, data=data)
            # The admin goes on with this object (inlines, log entry, redirect).
            obj.pk = merchant.pk
            obj.public_id = merchant.public_id
            obj._state.adding = False
            obj._state.db = merchant._state.db

    def save_related(self, request, form, formsets, change):
        # No many-to-many fields; roles are saved by the service. Inlines go through services.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        merchant = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            instance = inline_form.instance
            if not hasattr(inline_form, "cleaned_data"):
                continue
            if formset.can_delete and formset._should_delete_form(inline_form):
                if instance.pk:
                    self._delete_inline(request, instance)
                    formset.deleted_objects.append(instance)
                continue
            if not inline_form.has_changed():
                continue
            saved = self._save_inline(request, merchant, inline_form)
            if saved is None:
                continue
            if instance.pk:
                formset.changed_objects.append((saved, inline_form.changed_data))
            else:
                formset.new_objects.append(saved)

    def _delete_inline(self, request, instance):
        if isinstance(instance, Shop):
            services.shop_delete(shop_id=instance.pk, actor=request.user)
        elif isinstance(instance, MerchantLink):
            services.link_delete(link_id=instance.pk, actor=request.user)
        elif isinstance(instance, MerchantRepresentative):
            services.representative_unlink(representative_id=instance.pk, actor=request.user)

    def _save_inline(self, request, merchant, inline_form):
        data = inline_form.cleaned_data
        instance = inline_form.instance
        if isinstance(instance, Shop):
            fields = {
                "name": data["name"],
                "url": data["url"],
                "platform_id": data["platform"].pk if data.get("platform") else None,
                "platform_shop_id": data.get("platform_shop_id", ""),
                "actor": request.user,
            }
            if instance.pk:
                return services.shop_update(shop_id=instance.pk, **fields)
            return services.shop_create(merchant_id=merchant.pk, **fields)
        if isinstance(instance, MerchantLink):
            fields = {
                "target_id": data["target"].pk,
                "kind": data["kind"],
                "started_on": data.get("started_on"),
                "ended_on": data.get("ended_on"),
                "note": data.get("note", ""),
                "actor": request.user,
            }
            if instance.pk:
                return services.link_update(link_id=instance.pk, **fields)
            return services.link_create(source_id=merchant.pk, **fields)
        if isinstance(instance, MerchantRepresentative):
            if instance.pk:
                return None
            return services.representative_link(
                merchant_id=merchant.pk, user=data["user"], actor=request.user
            )
        return None

    # Actions ---------------------------------------------------------------------------

    @admin.action(
        description=_("Verify the disclosure (valid for the default period)"),
        permissions=["change"],
    )
    def verify_selected(self, request, queryset):
        done, failures = 0, []
        for merchant in queryset:
            try:
                services.verification_verify(merchant_id=merchant.pk, reviewer=request.user)
                done += 1
            except services.VerificationNotAllowed as exc:
                failures.append(str(exc))
        _report(
            self,
            request,
            done
            and ngettext("%(n)d merchant verified.", "%(n)d merchants verified.", done)
            % {"n": done},
            failures,
        )

    @admin.action(description=_("Reject the verification (give a reason)…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        reason, page = _reason_page(
            self,
            request,
            queryset,
            action="reject_selected",
            title=_("Reject the verification"),
            apply_label=_("Reject the verification"),
        )
        if page is not None:
            return page
        done, failures = 0, []
        for merchant in queryset:
            try:
                services.verification_reject(
                    merchant_id=merchant.pk, reviewer=request.user, reason=reason
                )
                done += 1
            except services.VerificationNotAllowed as exc:
                failures.append(str(exc))
        _report(
            self,
            request,
            done
            and ngettext(
                "Verification rejected for %(n)d merchant.",
                "Verification rejected for %(n)d merchants.",
                done,
            )
            % {"n": done},
            failures,
        )
        return None

    @admin.action(description=_("Mark the verification expired"), permissions=["change"])
    def expire_selected(self, request, queryset):
        done, failures = 0, []
        for merchant in queryset:
            try:
                services.verification_expire(merchant_id=merchant.pk, actor=request.user)
                done += 1
            except services.VerificationNotAllowed as exc:
                failures.append(str(exc))
        _report(
            self,
            request,
            done
            and ngettext(
                "Verification expired for %(n)d merchant.",
                "Verification expired for %(n)d merchants.",
                done,
            )
            % {"n": done},
            failures,
        )


# --- Proposals ------------------------------------------------------------------------------


@admin.register(DisclosureProposal)
class DisclosureProposalAdmin(admin.ModelAdmin):
    list_display = ["merchant", "proposed_by", "created_at", "state", "reviewed_by", "reviewed_at"]
    list_filter = ["state"]
    list_select_related = ["merchant", "proposed_by", "reviewed_by"]
    search_fields = ["merchant__search_text", "proposed_by__email"]
    fields = [
        "merchant",
        "proposed_by",
        "created_at",
        "state",
        "proposed_changes",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    ]
    readonly_fields = fields
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        # Approving changes the merchant's disclosure: the merchant's change permission decides.
        return request.user.has_perm("merchants.change_merchant")

    @admin.display(description=_("proposed changes"))
    def proposed_changes(self, proposal):
        current = services.identity_snapshot(proposal.merchant)
        if proposal.state == DisclosureProposal.State.PENDING:
            return _changes_table({f: [current.get(f), v] for f, v in proposal.data.items()})
        return format_html(
            "{}<br>{}",
            ", ".join(display.field_label(f) for f in proposal.data),
            _("(reviewed: see the disclosure version for the values before and after)"),
        )

    @admin.action(
        description=_("Approve: the proposal becomes a new version"), permissions=["review"]
    )
    def approve_selected(self, request, queryset):
        done, failures = 0, []
        for proposal in queryset.select_related("merchant"):
            try:
                services.proposal_approve(proposal_id=proposal.pk, reviewer=request.user)
                done += 1
            except services.ProposalAlreadyReviewed as exc:
                failures.append(str(exc))
            except ValidationError as exc:
                failures.append(
                    _("Proposal %(id)d for %(merchant)s cannot be applied: %(errors)s")
                    % {
                        "id": proposal.pk,
                        "merchant": proposal.merchant,
                        "errors": "; ".join(exc.messages),
                    }
                )
        _report(
            self,
            request,
            done
            and ngettext("%(n)d proposal approved.", "%(n)d proposals approved.", done)
            % {"n": done},
            failures,
        )

    @admin.action(description=_("Reject (give a note)…"), permissions=["review"])
    def reject_selected(self, request, queryset):
        note, page = _reason_page(
            self,
            request,
            queryset,
            action="reject_selected",
            title=_("Reject the proposals"),
            apply_label=_("Reject"),
        )
        if page is not None:
            return page
        done, failures = 0, []
        for proposal in queryset:
            try:
                services.proposal_reject(proposal_id=proposal.pk, reviewer=request.user, note=note)
                done += 1
            except services.ProposalAlreadyReviewed as exc:
                failures.append(str(exc))
        _report(
            self,
            request,
            done
            and ngettext("%(n)d proposal rejected.", "%(n)d proposals rejected.", done)
            % {"n": done},
            failures,
        )
        return None


# --- Read-only records ----------------------------------------------------------------------


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DisclosureVersion)
class DisclosureVersionAdmin(_ReadOnlyAdmin):
    list_display = ["merchant", "number", "source", "created_by", "created_at", "completeness"]
    list_filter = ["source"]
    list_select_related = ["merchant", "created_by"]
    search_fields = ["merchant__search_text"]
    fields = [
        "merchant",
        "number",
        "source",
        "created_by",
        "created_at",
        "completeness",
        "proposal",
        "changes_display",
    ]
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_display(self, version):
        return _changes_table(version.changes)


@admin.register(VerificationDocument)
class VerificationDocumentAdmin(_ReadOnlyAdmin):
    list_display = ["label", "merchant", "kind", "uploaded_by", "uploaded_at", "download"]
    list_filter = ["kind"]
    list_select_related = ["merchant", "uploaded_by"]
    search_fields = ["merchant__search_text", "label"]
    fields = [
        "merchant",
        "kind",
        "label",
        "content_type",
        "size",
        "received_sha256",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, document):
        return _download_link(document)

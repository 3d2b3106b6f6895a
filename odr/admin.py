"""The mediators' desk: the case queue, the case page (read-only state, timeline, messages and
offers inline) and the buttons and actions that call odr.services. Nothing here writes a case
directly: the admin's own change form is off for everyone."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from complaints.models import Category, EvidenceItem
from complaints.rights import Status, complaint_rights
from core.admin import ReadOnlyTabularInline
from core.downloads import private_file_response
from core.money import format_money
from core.pagination import CachedCountPaginator
from merchants.models import Merchant, MerchantRole

from . import events, forms, rules, selectors, services
from .models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseRating,
    CaseState,
    CollectiveCase,
    Message,
    Offer,
    Settlement,
)
from .selectors import desk_cached, desk_counts, linked_merchant_ids, mediators_by_load

# --- queue filters ------------------------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    """The queue opens on the open cases (the work); every stage, or all cases, one click away."""

    title = _("stage")
    parameter_name = "state"
    OPEN = "open"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.OPEN, _("Open cases")), (self.ALL, _("All cases")), *CaseState.choices]

    # Filters that only closed cases can match: with one of them the queue shows all stages.
    CLOSED_ONLY_FILTERS = frozenset({"pseudonymised"})

    def __init__(self, request, params, model, model_admin):
        self._closed_only = bool(self.CLOSED_ONLY_FILTERS & set(params))
        super().__init__(request, params, model, model_admin)

    def value(self):
        return super().value() or (self.ALL if self._closed_only else self.OPEN)

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        if value == self.ALL:
            return queryset
        if value in CaseState.values:
            return queryset.filter(state=value)
        return queryset.none()

    def choices(self, changelist):
        # No "All" entry of Django's own: without the parameter the queue shows open cases.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state__in=OPEN_STATES, deadline_at__lte=timezone.now())
        return queryset


class DueSoonFilter(admin.SimpleListFilter):
    title = _("due within 48 hours")
    parameter_name = "due_soon"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            now = timezone.now()
            return queryset.filter(
                state__in=OPEN_STATES,
                deadline_at__gt=now,
                deadline_at__lte=now + timedelta(hours=48),
            )
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("none", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(mediator=request.user)
        if self.value() == "none":
            return queryset.filter(mediator__isnull=True)
        return queryset


class CategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return Category.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(complaint__category=self.value())
        return queryset


class CountryFilter(admin.SimpleListFilter):
    """The country of a merchant named in the complaint."""

    title = _("merchant country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # The countries of the directory's merchants: each once (order_by() drops the model's
        # ordering, which DISTINCT would otherwise apply to every merchant), and without joining
        # every case to every respondent on each page of the queue.
        def countries_named():
            codes = Merchant.objects.order_by().values_list("country", flat=True).distinct()
            return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])

        return desk_cached(f"odr:desk:countries:{get_language()}", countries_named)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                complaint__respondents__merchant__country=self.value()
            ).distinct()
        return queryset


class HeldFilter(admin.SimpleListFilter):
    """Complaints held for screening (flooding), with the mediator's decision if any."""

    title = _("held for screening")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Held, waiting for a decision")),
            ("accepted", _("Held, then accepted")),
            ("rejected", _("Held, then rejected")),
        ]

    def queryset(self, request, queryset):
        decisions = {"waiting": "", "accepted": "accepted", "rejected": "rejected"}
        if self.value() in decisions:
            return queryset.filter(
                complaint__held_at__isnull=False,
                complaint__hold_decision=decisions[self.value()],
            )
        return queryset


class PseudonymisedFilter(admin.SimpleListFilter):
    title = _("pseudonymised")
    parameter_name = "pseudonymised"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(complaint__pseudonymised_at__isnull=self.value() == "no")
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    title = _("complaint language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(complaint__language=self.value())
        return queryset


# --- inlines (read-only) ------------------------------------------------------------------


class CaseEventInline(ReadOnlyTabularInline):
    model = CaseEvent
    verbose_name_plural = _("timeline")
    fields = ("created_at", "what", "actor", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("created_at", "pk")

    @admin.display(description=_("what happened"))
    def what(self, event):
        return events.label(event)


class MessageInline(ReadOnlyTabularInline):
    model = Message
    verbose_name_plural = _("messages and internal notes")
    fields = ("created_at", "party", "author", "internal", "body")
    readonly_fields = fields
    ordering = ("created_at", "pk")


class OfferInline(ReadOnlyTabularInline):
    model = Offer
    fk_name = "case"
    verbose_name_plural = _("offers and proposals")
    fields = (
        "created_at",
        "party",
        "kind",
        "amount",
        "currency",
        "terms",
        "payer",
        "state",
        "consumer_accepted_at",
        "merchant_accepted_at",
    )
    readonly_fields = fields


# --- the case desk ------------------------------------------------------------------------

# The buttons of the case page, by URL slug.
DESK_ACTIONS = {
    "assign-me": _("Assign to me"),
    "assign": _("Assign to a mediator"),
    "auto-assign": _("Assign automatically"),
    "accept": _("Accept"),
    "reject": _("Reject"),
    "request-info": _("Request information"),
    "propose": _("Propose settlement"),
    "compensate": _("Platform pays in advance"),
    "refer": _("Mediation failed: refer"),
    "record-outcome": _("Record outcome"),
    "message": _("Write a message or internal note"),
}


# How the case page draws a button: the step that moves the case on stands out ("primary"),
# the ones that end it or refuse it are marked ("danger"), the rest are plain.
DESK_ACTION_STYLE = {
    "assign-me": "primary",
    "accept": "primary",
    "propose": "primary",
    "reject": "danger",
    "refer": "danger",
}


def desk_actions_for(case: Case, user) -> list[tuple[str, str]]:
    """The buttons a mediator sees on this case now (the services check again)."""
    available = []
    can_assign = rules.allowed(case, "assign")
    conditions = {
        "assign-me": can_assign and case.mediator_id != user.pk,
        "assign": can_assign,
        "auto-assign": can_assign and not case.mediator_id,
        "accept": rules.allowed(case, "accept"),
        "reject": rules.allowed(case, "reject"),
        "request-info": rules.allowed(case, "request_info") and not case.awaiting_consumer_info,
        "propose": rules.allowed(case, "propose_settlement"),
        "compensate": rules.allowed(case, "compensate_in_advance"),
        "refer": rules.allowed(case, "refer"),
        "record-outcome": rules.allowed(case, "record_outcome"),
        "message": True,
    }
    for slug, label in DESK_ACTIONS.items():
        if conditions[slug]:
            available.append((slug, label))
    return available


def _platforms():
    return Merchant.objects.filter(roles__role=MerchantRole.PLATFORM).order_by("legal_name")


def _right_summary(right) -> str:
    """One line of a consumer's withdrawal right for the desk: status, deadline, basis."""
    if right.status in (Status.OPEN, Status.EXPIRED):
        when = _("until %(date)s") % {"date": localize(right.deadline)}
        if right.status == Status.EXPIRED:
            when = _("ended %(date)s") % {"date": localize(right.deadline)}
        if right.deadline_if_not_informed:
            when += " " + _("(until %(date)s if the seller did not inform the consumer)") % {
                "date": localize(right.deadline_if_not_informed)
            }
        return f"{when}. {right.legal_basis}"
    return f"{right.note or right.remedy} {right.legal_basis}".strip()


class DeskPaginator(CachedCountPaginator):
    """The queue's paginator: how many cases match a filter is counted at most every
    ODR_DESK_CACHE_SECONDS per filter (counting every open case costs more than the page)."""

    count_seconds_setting = "ODR_DESK_CACHE_SECONDS"


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    change_form_template = "admin/odr/case/change_form.html"
    # The queue shows how many cases its filters match; the count of every case ever opened
    # (a scan of the whole table per page) is not worth its time.
    show_full_result_count = False
    list_display = (
        "reference",
        "state",
        "deadline_at",
        "deadline_kind",
        "days_overdue",
        "mediator",
        "category",
        "language",
        "order_number",
        "held",
        "pseudonymised",
    )
    list_filter = (
        StateFilter,
        OverdueFilter,
        DueSoonFilter,
        AssignmentFilter,
        HeldFilter,
        CategoryFilter,
        CountryFilter,
        LanguageFilter,
        PseudonymisedFilter,
    )
    search_fields = (
        "complaint__reference",
        "complaint__order_number",
        "complaint__shop_name",
        "complaint__respondents__merchant__legal_name",
        "complaint__respondents__merchant__legal_name_latin",
        "complaint__respondents__named_name",
    )
    list_select_related = ("complaint", "mediator")
    paginator = DeskPaginator
    # Nearest deadline first; cases without one (closed, or waiting on nobody) last.
    ordering = (F("deadline_at").asc(nulls_last=True), "pk")
    list_per_page = 50
    change_list_template = "admin/odr/case/change_list.html"
    actions = ["assign_to_me", "bulk_assign", "accept_selected", "group_selected"]
    inlines = [CaseEventInline, MessageInline, OfferInline]
    fieldsets = (
        (
            _("State"),
            {
                "fields": (
                    "reference",
                    "state",
                    "version",
                    "mediator",
                    "deadline_at",
                    "deadline_kind",
                    "awaiting_consumer_info",
                    "outcome",
                    "closed_at",
                    "rejection_reason",
                    "mediator_summary",
                )
            },
        ),
        (_("Complaint"), {"fields": ("complaint_summary",)}),
        (_("Parties"), {"fields": ("parties",)}),
        (_("Evidence"), {"fields": ("evidence",)}),
        (_("Settlement"), {"fields": ("settlement_summary",)}),
    )

    # Nobody edits a case through the admin form, superusers included: every change is a
    # service call (buttons and actions below), so the audit trail is complete.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_mediate_permission(self, request):
        return request.user.has_perm("odr.mediate_case")

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    # --- columns --------------------------------------------------------------------------

    @admin.display(description=_("reference"), ordering="complaint__reference")
    def reference(self, case):
        return case.complaint.reference

    @admin.display(description=_("days overdue"))
    def days_overdue(self, case):
        if not case.deadline_at or case.state not in OPEN_STATES:
            return ""
        late = timezone.now() - case.deadline_at
        return late.days if late.total_seconds() > 0 else ""

    @admin.display(description=_("category"), ordering="complaint__category")
    def category(self, case):
        # The enum's label: get_category_display() rebuilds the dict of every choice per row.
        category = case.complaint.category
        return str(Category(category).label) if category in Category.values else category

    def action_checkbox(self, obj):
        # Django's own, without a template per row (50 rows: 30 ms of the queue page): the
        # same input Django's CheckboxInput renders.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=_("language"), ordering="complaint__language")
    def language(self, case):
        return case.complaint.language

    @admin.display(description=_("order number"), ordering="complaint__order_number")
    def order_number(self, case):
        return case.complaint.order_number

    @admin.display(description=_("held for screening"), ordering="complaint__held_at")
    def held(self, case):
        complaint = case.complaint
        if complaint.held_at is None:
            return ""
        if complaint.hold_decision:
            return (
                f"{complaint.get_held_reason_display()} ({complaint.get_hold_decision_display()})"
            )
        return complaint.get_held_reason_display()

    @admin.display(description=_("pseudonymised"), ordering="complaint__pseudonymised_at")
    def pseudonymised(self, case):
        complaint = case.complaint
        if complaint.pseudonymised_at is None:
            return ""
        return format_html(
            "{} ({})",
            localize(timezone.localtime(complaint.pseudonymised_at).date()),
            complaint.get_pseudonymised_reason_display(),
        )

    # --- the case page --------------------------------------------------------------------

    @admin.display(description=_("complaint"))
    def complaint_summary(self, case):
        c = case.complaint
        rows = []
        if c.held_at is not None:
            decision = c.get_hold_decision_display() if c.hold_decision else _("waiting for you")
            rows.append(
                (_("Held for screening"), f"{c.get_held_reason_display()}: {decision}"),
            )
        if c.pseudonymised_at is not None:
            rows.append(
                (
                    _("Pseudonymised"),
                    f"{localize(timezone.localtime(c.pseudonymised_at))}: "
                    f"{c.get_pseudonymised_reason_display()}. "
                    f"{_('Personal data were erased; the outcome is kept.')}",
                )
            )
        rows += [
            (_("Filed"), localize(timezone.localtime(c.submitted_at)) if c.submitted_at else ""),
            (_("Language"), c.language),
            (_("How it was bought"), c.get_purchase_mode_display()),
            (_("Shop"), f"{c.shop_name} {c.shop_url}"),
            (_("Platform / agent"), f"{c.platform_name} {c.agent_name}"),
            (_("Order"), f"{c.order_number} {c.order_date or ''}"),
            (_("What was bought"), c.item_description),
            (_("Amount paid"), format_money(c.amount, c.currency)),
            (_("What went wrong"), c.get_category_display()),
            (_("What happened"), c.description),
            (
                _("Claim"),
                f"{c.get_remedy_display()} {format_money(c.remedy_amount, c.currency)} "
                f"{c.remedy_details}",
            ),
        ]
        rights = complaint_rights(c, today=timezone.localdate())
        rows += [(r.title, _right_summary(r)) for r in rights]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    @admin.display(description=_("parties"))
    def parties(self, case):
        consumer = case.complaint.consumer
        respondents = case.complaint.respondents.select_related("merchant")
        who = (
            _("Erased at the consumer's request (account %(id)s)") % {"id": consumer.pk}
            if consumer.is_erased
            else f"{consumer.full_name} <{consumer.email}>"
        )
        items = [(_("Consumer"), who)]
        for r in respondents:
            who = (
                f"{r.merchant.display_name} ({r.merchant.country}, {r.merchant.verification_state})"
                if r.merchant
                else f"{r.named_name} {r.named_url} — {_('not linked to a merchant')}"
            )
            items.append((r.get_role_display(), who))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", items))

    @admin.display(description=_("evidence"))
    def evidence(self, case):
        items = EvidenceItem.objects.filter(complaint_id=case.complaint_id)
        rows = []
        for item in items:
            if item.erased_at is not None:
                what = format_html("{} ({})", _("Erased"), item.content_type or item.kind)
            elif item.file:
                url = reverse("admin:odr_case_evidence", args=[case.pk, item.pk])
                what = format_html('<a href="{}">{}</a> ({})', url, item.label, item.content_type)
            else:
                what = format_html("{}: {}", _("Statement"), item.text[:300])
            received = item.received_sha256 or _("not recorded")
            rows.append((what, item.submitted_at, received, item.sha256))
        if not rows:
            return _("No evidence.")
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("Item"),
            _("Submitted"),
            _("SHA-256 of the file as received"),
            _("SHA-256 of the copy kept"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                rows,
            ),
        )

    @admin.display(description=_("settlement"))
    def settlement_summary(self, case):
        s = (
            Settlement.objects.filter(case=case)
            .select_related("payer_merchant", "recovered_from")
            .first()
        )
        if s is None:
            return "—"
        recovered = f" ← {s.recovered_from}" if s.recovered_from else ""
        return format_html(
            "{}<br>{} · {}: {}{}<br>{}: {} · {}: {}",
            s.terms,
            format_money(s.amount, s.currency),
            s.get_payer_display(),
            s.payer_merchant or "",
            recovered,
            _("due"),
            s.due_at,
            _("received"),
            s.paid_confirmed_at or "—",
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if case is not None and self.has_mediate_permission(request):
            extra_context["desk_actions"] = [
                (slug, label, DESK_ACTION_STYLE.get(slug, ""))
                for slug, label in desk_actions_for(case, request.user)
            ]
        if case is not None:
            extra_context["dossier_url"] = reverse(
                "odr:dossier", kwargs={"reference": case.complaint.reference}
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- object buttons: intermediate forms that call the services -------------------------

    def changelist_view(self, request, extra_context=None):
        extra = {"desk": desk_counts(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/act/<slug:action>/",
                self.admin_site.admin_view(self.desk_action_view),
                name="odr_case_act",
            ),
            path(
                "<path:object_id>/evidence/<int:evidence_id>/",
                self.admin_site.admin_view(self.evidence_view),
                name="odr_case_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request, object_id, evidence_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404
        item = EvidenceItem.objects.filter(pk=evidence_id, complaint_id=case.complaint_id).first()
        if item is None or not item.file or item.erased_at is not None:
            raise Http404
        return private_file_response(item.file, label=item.label, content_type=item.content_type)

    def _desk_form(self, action: str, case: Case, request):
        data = request.POST if request.method == "POST" else None
        initial = {"version": case.version}
        merchants = Merchant.objects.filter(pk__in=linked_merchant_ids(case))
        if action in ("assign-me", "auto-assign"):
            return forms.ConfirmForm(data, initial=initial)
        if action == "assign":
            return forms.AssignForm(data, initial=initial, mediators=mediators_by_load())
        if action == "accept":
            if case.complaint.is_held:
                return forms.HeldAcceptForm(data, initial=initial)
            return forms.AcceptForm(data, initial=initial)
        if action == "reject":
            return forms.RejectForm(data, initial=initial)
        if action == "request-info":
            return forms.RequestInfoForm(data, initial=initial)
        if action == "propose":
            return forms.ProposeSettlementForm(
                data,
                initial=initial,
                currency=case.complaint.currency,
                merchants=merchants,
                platforms=_platforms(),
            )
        if action == "compensate":
            return forms.CompensateForm(data, initial=initial, platforms=_platforms())
        if action == "refer":
            return forms.ReferForm(data, initial={**initial, "summary": case.mediator_summary})
        if action == "record-outcome":
            return forms.RecordOutcomeForm(
                data,
                initial={**initial, "outcome": case.outcome, "summary": case.mediator_summary},
                outcomes=rules.OUTCOMES_FOR_STATE.get(case.state, ()),
            )
        if action == "message":
            return forms.DeskMessageForm(data, initial={"internal": not case.is_open})
        raise Http404

    def _run_desk_action(self, action: str, case: Case, user, data: dict):
        version = data.get("version")
        common = {"case_id": case.pk, "expected_version": version}
        if action == "assign-me":
            return services.case_assign_mediator(mediator=user, assigned_by=user, **common)
        if action == "assign":
            from django.contrib.auth import get_user_model

            mediator = get_user_model().objects.get(pk=data["mediator"])
            return services.case_assign_mediator(mediator=mediator, assigned_by=user, **common)
        if action == "auto-assign":
            return services.case_auto_assign(assigned_by=user, **common)
        if action == "accept":
            return services.case_accept(
                mediator=user,
                note=data["note"],
                release_hold=data.get("release_hold", False),
                **common,
            )
        if action == "reject":
            return services.case_reject(mediator=user, reason=data["reason"], **common)
        if action == "request-info":
            return services.case_request_info(mediator=user, question=data["question"], **common)
        if action == "propose":
            return services.mediator_propose_settlement(
                mediator=user,
                kind=data["kind"],
                amount=data["amount"],
                currency=data["currency"],
                terms=data["terms"],
                payer=data["payer"],
                payer_merchant_id=data["payer_merchant"],
                recovered_from_id=data["recovered_from"],
                beyond_bound_reason=data["beyond_bound_reason"],
                **common,
            )
        if action == "compensate":
            return services.settlement_compensate_in_advance(
                mediator=user, platform_id=data["platform"], note=data["note"], **common
            )
        if action == "refer":
            return services.case_refer(mediator=user, summary=data["summary"], **common)
        if action == "record-outcome":
            return services.case_record_outcome(
                mediator=user, outcome=data["outcome"], summary=data["summary"], **common
            )
        if action == "message":
            return services.message_post(
                case_id=case.pk, user=user, body=data["body"], internal=data["internal"]
            )
        raise Http404

    def desk_action_view(self, request, object_id, action):
        if not self.has_mediate_permission(request):
            raise PermissionDenied
        if action not in DESK_ACTIONS:
            raise Http404
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404
        change_url = reverse("admin:odr_case_change", args=[case.pk])
        form = self._desk_form(action, case, request)
        if request.method == "POST" and form.is_valid():
            try:
                self._run_desk_action(action, case, request.user, form.cleaned_data)
            except services.CaseChanged as exc:
                form.add_error(None, exc.message)
                case.refresh_from_db()
            except services.TransitionNotAllowed as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request, _("Done: %(action)s.") % {"action": DESK_ACTIONS[action]}
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "case": case,
            "form": form,
            "title": f"{DESK_ACTIONS[action]} · {case.complaint.reference}",
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/odr/case/desk_action.html", context)

    # --- list actions ---------------------------------------------------------------------

    def _bulk(self, request, queryset, run):
        done, refused = 0, []
        for case in queryset.select_related("complaint"):
            try:
                run(case)
                done += 1
            except (services.TransitionNotAllowed, ValidationError) as exc:
                message = getattr(exc, "message", None) or " ".join(exc.messages)
                refused.append(f"{case.complaint.reference}: {message}")
        if done:
            self.message_user(
                request, _("%(count)d case(s) done.") % {"count": done}, messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Assign the selected cases to me"), permissions=["mediate"])
    def assign_to_me(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda case: services.case_assign_mediator(
                case_id=case.pk, mediator=request.user, assigned_by=request.user
            ),
        )

    @admin.action(description=_("Accept the selected complaints"), permissions=["mediate"])
    def accept_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda case: services.case_accept(case_id=case.pk, mediator=request.user),
        )

    @admin.action(
        description=_("Group the selected cases as a collective case"), permissions=["mediate"]
    )
    def group_selected(self, request, queryset):
        try:
            collective = services.collective_create(
                case_ids=list(queryset.values_list("pk", flat=True)), mediator=request.user
            )
        except (services.TransitionNotAllowed, ValidationError) as exc:
            message = getattr(exc, "message", None) or " ".join(exc.messages)
            self.message_user(request, message, messages.WARNING)
            return None
        self.message_user(
            request,
            _("Collective case %(reference)s made of %(count)d cases.")
            % {"reference": collective.reference, "count": queryset.count()},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:odr_collectivecase_change", args=[collective.pk])
        )

    @admin.action(
        description=_("Assign the selected cases (choose or automatic)"), permissions=["mediate"]
    )
    def bulk_assign(self, request, queryset):
        form = forms.BulkAssignForm(
            request.POST if "apply" in request.POST else None, mediators=mediators_by_load()
        )
        if "apply" in request.POST and form.is_valid():
            chosen = form.cleaned_data["mediator"]
            if chosen:
                from django.contrib.auth import get_user_model

                mediator = get_user_model().objects.get(pk=chosen)
                self._bulk(
                    request,
                    queryset,
                    lambda case: services.case_assign_mediator(
                        case_id=case.pk, mediator=mediator, assigned_by=request.user
                    ),
                )
            else:
                self._bulk(
                    request,
                    queryset,
                    lambda case: services.case_auto_assign(
                        case_id=case.pk, assigned_by=request.user
                    ),
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Assign cases"),
            "form": form,
            "cases": queryset.select_related("complaint", "mediator"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "bulk_assign",
        }
        return TemplateResponse(request, "admin/odr/case/bulk_assign.html", context)


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = (
        "case",
        "payer",
        "payer_merchant",
        "amount",
        "currency",
        "due_at",
        "paid_confirmed_at",
    )
    list_filter = ("payer",)
    list_select_related = ("case__complaint", "payer_merchant")
    search_fields = ("case__complaint__reference",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseRating)
class CaseRatingAdmin(admin.ModelAdmin):
    list_display = ("case", "score", "comment", "created_at")
    list_filter = ("score",)
    list_select_related = ("case__complaint",)
    search_fields = ("case__complaint__reference",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CollectiveCase)
class CollectiveCaseAdmin(admin.ModelAdmin):
    """Collective cases, and the groups the suggestions propose (odr.selectors.
    collective_suggestions): a mediator makes one from a suggestion in one click."""

    form = forms.CollectiveCaseForm
    list_display = ("reference", "title", "merchant", "category", "members_count", "created_at")
    list_select_related = ("merchant",)
    search_fields = ("reference", "title", "merchant__search_text")
    fields = (
        "reference",
        "title",
        "merchant",
        "category",
        "lead_case",
        "member_cases",
        "refer_the_group",
    )
    readonly_fields = (
        "reference",
        "merchant",
        "category",
        "lead_case",
        "member_cases",
        "refer_the_group",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description=_("cases"), ordering="_members")
    def members_count(self, obj) -> int:
        return obj._members

    @admin.display(description=_("lead case"))
    def lead_case(self, obj):
        return self._case_link(obj.lead)

    @admin.display(description=_("cases of the group"))
    def member_cases(self, obj):
        cases = obj.members.select_related("complaint").order_by("complaint__submitted_at", "pk")
        return format_html_join(", ", "{}", ((self._case_link(case),) for case in cases)) or "—"

    @admin.display(description=_("referral"))
    def refer_the_group(self, obj):
        # The referrals app (above odr) refers the group: its screen is reached by name only.
        try:
            url = reverse("admin:referrals_referral_collective", args=[obj.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, _("Refer the group to an outside body"))

    def _case_link(self, case):
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:odr_case_change", args=[case.pk]),
            case.complaint.reference,
            case.get_state_display(),
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The title may be corrected by whoever may act on cases; nothing else is edited.
        return request.user.has_perm("odr.mediate_case")

    def get_urls(self):
        return [
            path(
                "suggestions/",
                self.admin_site.admin_view(self.suggestions_view),
                name="odr_collectivecase_suggestions",
            ),
            *super().get_urls(),
        ]

    def suggestions_view(self, request):
        """The groups of open cases against one merchant for one problem, the largest first;
        POST makes the collective case of one of them."""
        if not request.user.has_perm("odr.mediate_case"):
            raise PermissionDenied
        now = timezone.now()
        if request.method == "POST":
            ids = [int(pk) for pk in request.POST.getlist("case") if pk.isdigit()]
            try:
                collective = services.collective_create(case_ids=ids, mediator=request.user)
            except (services.TransitionNotAllowed, ValidationError) as exc:
                message = getattr(exc, "message", None) or " ".join(exc.messages)
                self.message_user(request, message, messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("Collective case %(reference)s made of %(count)d cases.")
                    % {"reference": collective.reference, "count": len(ids)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:odr_collectivecase_change", args=[collective.pk])
                )
        groups = selectors.collective_suggestions(now=now)
        merchants = {
            m.pk: m for m in Merchant.objects.filter(pk__in={g["merchant_id"] for g in groups})
        }
        references = dict(
            Case.objects.filter(pk__in={pk for g in groups for pk in g["cases"]}).values_list(
                "pk", "complaint__reference"
            )
        )
        rows = [
            {
                "merchant": merchants[g["merchant_id"]],
                "category": Category(g["category"]).label,
                "cases": [(pk, references[pk]) for pk in g["cases"]],
            }
            for g in groups
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Suggested collective cases"),
            "rows": rows,
            "window_days": selectors.COLLECTIVE_WINDOW_DAYS,
            "min_cases": selectors.COLLECTIVE_MIN_CASES,
        }
        return TemplateResponse(request, "admin/odr/collectivecase/suggestions.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "suggestions_url": reverse("admin:odr_collectivecase_suggestions"),
        }
        return super().changelist_view(request, extra_context)

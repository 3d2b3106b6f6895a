"""The case page for the parties, its actions, the dossier, and the notification list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from complaints.guides import guide_for
from core.money import format_money

from . import events, forms, rules, selectors, services
from .dossier import case_dossier
from .models import Case, CaseRating, Notification, Offer, Party, Settlement

# --- the case list and page ---------------------------------------------------------------

CASES_PER_PAGE = 20
NOTIFICATIONS_PER_PAGE = 30

# What each state means, in plain words for the parties.
STATE_EXPLANATIONS = {
    "submitted": _("A mediator is checking that the complaint is something Redress can handle."),
    "rejected": _("The complaint was not accepted. The reason is below."),
    "awaiting_merchant": _(
        "The merchant has been asked to answer: accept the claim, make an offer or dispute it."
    ),
    "negotiation": _(
        "The consumer and the merchant are looking for an agreement. Either may ask a mediator "
        "to help."
    ),
    "mediation": _(
        "A mediator is helping the parties and may propose a settlement for both to accept."
    ),
    "settled": _("A settlement was agreed. The consumer confirms here once it has been received."),
    "resolved": _("The settlement was received. The case is resolved."),
    "escalated": _(
        "The settlement was not confirmed as paid in time. A mediator is following it up."
    ),
    "referred": _(
        "Mediation did not lead to an agreement. The case is referred to a consumer "
        "authority, arbitration or a court, with its dossier."
    ),
    "withdrawn": _("The consumer withdrew the complaint."),
}


@login_required
@require_GET
def case_list(request):
    cases = (
        selectors.cases_visible_to(request.user)
        .select_related("complaint")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "odr/case_list.html", {"page_obj": page, "cases": page.object_list})


def _case_or_404(reference: str, user) -> tuple[Case, str]:
    found = selectors.case_for_party(reference, user)
    if found is None:
        raise Http404
    return found


class _PageForms(dict):
    """The case page's forms, each built the first time the template asks for it: a party sees
    the forms of the actions open to it (two or three), not all eight."""

    def __init__(self, factories: dict[str, Callable[[], django_forms.Form]]):
        super().__init__()
        self._factories = factories

    def __missing__(self, name: str):
        factory = self._factories.get(name)
        if factory is None:
            raise KeyError(name)
        form = self[name] = factory()
        return form


def _forms_for(case: Case, party: str, offers: list[Offer]) -> _PageForms:
    version = {"version": case.version}
    other = Party.MERCHANT if party == Party.CONSUMER else Party.CONSUMER
    # A new offer while the other side's offer is open is a counter-offer to it.
    counter = next((o.pk for o in offers if o.state == Offer.State.OPEN and o.party == other), None)
    return _PageForms(
        {
            "offer": lambda: forms.OfferForm(
                prefix="offer",
                initial={**version, "counter_to": counter},
                currency=case.complaint.currency,
            ),
            "accept_claim": lambda: forms.AcceptClaimForm(
                prefix="accept-claim", initial=version, **_accept_claim_kwargs(case)
            ),
            "dispute": lambda: forms.DisputeForm(prefix="dispute", initial=version),
            "request_mediation": lambda: forms.ReasonForm(
                prefix="request-mediation", initial=version
            ),
            "withdraw": lambda: forms.ReasonForm(prefix="withdraw", initial=version),
            "provide_info": lambda: forms.InfoForm(prefix="provide-info", initial=version),
            "message": lambda: forms.MessageForm(prefix="message"),
            "rate": lambda: forms.RatingForm(prefix="rate"),
        }
    )


def _render_case(
    request, case: Case, party: str, *, bound: dict | None = None, status=200, conflict=None
):
    offers = list(case.offers.select_related("payer_merchant").order_by("-created_at", "-pk"))
    for offer in offers:
        # What an offer gives, for the buttons that answer it: its amount, or its kind.
        offer.what_text = format_money(offer.amount, offer.currency) or offer.get_kind_display()
    rating = CaseRating.objects.filter(case=case).first()
    page_forms = _forms_for(case, party, offers)
    page_forms.update(bound or {})
    timeline = list(case.events.order_by("created_at", "pk"))
    for event in timeline:
        event.label = events.label(event)
        event.by_label = events.by(event)
    context = {
        "case": case,
        "complaint": case.complaint,
        "party": party,
        "is_consumer": party == Party.CONSUMER,
        "guide": guide_for(case.complaint.category),
        "explanation": STATE_EXPLANATIONS.get(case.state, ""),
        "deadline_passed": bool(case.deadline_at and case.deadline_at <= timezone.now()),
        "timeline": timeline,
        "thread": case.messages.filter(internal=False)
        .select_related("attachment")
        .order_by("created_at", "pk"),
        "offers": offers,
        "settlement": Settlement.objects.filter(case=case)
        .select_related("payer_merchant", "recovered_from")
        .first(),
        "rating": rating,
        "actions": rules.party_actions(case, party, offers=offers, rated=rating is not None),
        "forms": page_forms,
        "can_read_dossier": selectors.can_read_dossier(case, request.user),
        "conflict": conflict,
        "respondents": case.complaint.respondents.select_related("merchant"),
        "collective": _collective_context(case, party),
    }
    if context["collective"] and "group_offer" in (bound or {}):
        # The merchant's group offer with its errors and what was typed.
        context["collective"]["group_offer_form"] = bound["group_offer"]
    return render(request, "odr/case_detail.html", context, status=status)


def _collective_context(case: Case, party: str) -> dict | None:
    """The collective case the case is in (its size, the merchant's group offer form), or the
    one the consumer may join ("Join 23 others"); None when there is neither."""
    if case.collective_id:
        collective = case.collective
        return {
            "member": True,
            "collective": collective,
            "others": collective.members.exclude(pk=case.pk).count(),
            "group_offer_form": forms.GroupOfferForm(
                prefix="group-offer", initial={"version": case.version}
            )
            if party == Party.MERCHANT and case.state in services.JOINABLE_STATES
            else None,
        }
    if party != Party.CONSUMER:
        return None
    joinable = selectors.joinable_collective(case)
    if joinable is None:
        return None
    return {
        "member": False,
        "collective": joinable,
        "others": joinable.members_count,
        "join_form": forms.JoinCollectiveForm(
            initial={"version": case.version, "collective": joinable.pk}
        ),
    }


@login_required
@require_GET
def case_detail(request, reference: str):
    case, party = _case_or_404(reference, request.user)
    return _render_case(request, case, party)


# --- the parties' actions -----------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type
    parties: tuple[str, ...]
    run: Callable[..., Any]
    done: str
    # What the form needs to know of the case (its labels), beside the posted data.
    form_kwargs: Callable[[Case], dict] | None = None


def _accept_claim_kwargs(case: Case) -> dict:
    return {"claim_text": selectors.full_claim(case.complaint).text}


def _version(form) -> int | None:
    return form.cleaned_data.get("version")


def _join_collective(case, user, form):
    return services.collective_join(
        case_id=case.pk, collective_id=form.cleaned_data["collective"], consumer=user
    )


def _group_offer(case, user, form):
    if case.collective_id is None:
        raise services.TransitionNotAllowed(_("This case is not part of a collective case."))
    return services.collective_offer(
        collective_id=case.collective_id,
        representative=user,
        kind=form.cleaned_data["kind"],
        share=form.cleaned_data["share"],
        terms=form.cleaned_data["terms"],
    )


CASE_ACTIONS: dict[str, Action] = {
    "join-collective": Action(
        forms.JoinCollectiveForm,
        (Party.CONSUMER,),
        _join_collective,
        _("You joined the collective case. The merchant now answers the group."),
    ),
    "group-offer": Action(
        forms.GroupOfferForm,
        (Party.MERCHANT,),
        _group_offer,
        _("Your offer was sent to each consumer of the collective case."),
    ),
    "accept-claim": Action(
        forms.AcceptClaimForm,
        (Party.MERCHANT,),
        lambda case, user, form: services.merchant_accept_claim(
            case_id=case.pk, representative=user, expected_version=_version(form)
        ),
        _("You accepted the claim. Please fulfil the settlement by its due date."),
        form_kwargs=_accept_claim_kwargs,
    ),
    "offer": Action(
        forms.OfferForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda case, user, form: (
            services.merchant_make_offer(
                case_id=case.pk,
                representative=user,
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                terms=form.cleaned_data["terms"],
                expected_version=_version(form),
            )
            if rules.allowed(case, "merchant_offer")
            else services.offer_make(
                case_id=case.pk,
                user=user,
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                terms=form.cleaned_data["terms"],
                counter_to=form.cleaned_data.get("counter_to"),
                expected_version=_version(form),
            )
        ),
        _("Your offer was sent."),
    ),
    "dispute": Action(
        forms.DisputeForm,
        (Party.MERCHANT,),
        lambda case, user, form: services.merchant_dispute(
            case_id=case.pk,
            representative=user,
            reasons=form.cleaned_data["reasons"],
            attachment=form.cleaned_data.get("attachment"),
            expected_version=_version(form),
        ),
        _("Your reasons were sent to the consumer."),
    ),
    "request-mediation": Action(
        forms.ReasonForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda case, user, form: services.case_request_mediation(
            case_id=case.pk,
            user=user,
            reason=form.cleaned_data["reason"],
            expected_version=_version(form),
        ),
        _("The case is now in mediation."),
    ),
    "confirm-paid": Action(
        forms.ConfirmForm,
        (Party.CONSUMER,),
        lambda case, user, form: services.settlement_confirm_paid(
            case_id=case.pk, consumer=user, expected_version=_version(form)
        ),
        _("Thank you. The case is resolved."),
    ),
    "withdraw": Action(
        forms.ReasonForm,
        (Party.CONSUMER,),
        lambda case, user, form: services.case_withdraw(
            case_id=case.pk,
            consumer=user,
            reason=form.cleaned_data["reason"],
            expected_version=_version(form),
        ),
        _("You withdrew the complaint."),
    ),
    "provide-info": Action(
        forms.InfoForm,
        (Party.CONSUMER,),
        lambda case, user, form: services.case_info_provided(
            case_id=case.pk,
            consumer=user,
            text=form.cleaned_data["text"],
            expected_version=_version(form),
        ),
        _("Your information was sent to the mediator."),
    ),
    "message": Action(
        forms.MessageForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda case, user, form: services.message_post(
            case_id=case.pk,
            user=user,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
        ),
        _("Your message was sent."),
    ),
    "rate": Action(
        forms.RatingForm,
        (Party.CONSUMER,),
        lambda case, user, form: services.case_rate(
            case_id=case.pk,
            consumer=user,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        ),
        _("Thank you for your rating."),
    ),
}

OFFER_ACTIONS: dict[str, Action] = {
    "accept": Action(
        forms.ConfirmForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda offer, user, form: services.offer_accept(
            offer_id=offer.pk, user=user, expected_version=_version(form)
        ),
        _("You accepted the offer. The case is settled."),
    ),
    "reject": Action(
        forms.ConfirmForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda offer, user, form: services.offer_reject(
            offer_id=offer.pk, user=user, expected_version=_version(form)
        ),
        _("You rejected the offer."),
    ),
    "withdraw": Action(
        forms.ConfirmForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda offer, user, form: services.offer_withdraw(
            offer_id=offer.pk, user=user, expected_version=_version(form)
        ),
        _("You withdrew your offer."),
    ),
    "accept-proposal": Action(
        forms.ConfirmForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda offer, user, form: services.settlement_accept(
            offer_id=offer.pk, user=user, expected_version=_version(form)
        ),
        _("You accepted the mediator's proposal."),
    ),
    "reject-proposal": Action(
        forms.ConfirmForm,
        (Party.CONSUMER, Party.MERCHANT),
        lambda offer, user, form: services.settlement_reject(
            offer_id=offer.pk, user=user, expected_version=_version(form)
        ),
        _("You rejected the mediator's proposal."),
    ),
}


def _perform(request, case: Case, party: str, action: Action, name: str, target):
    """Validate the form, call the service, and answer: back to the page on success; the page
    with the errors (and everything typed) otherwise. The service has the last word on the
    viewer's right and the case's state."""
    if party not in action.parties:
        raise Http404
    prefix = name if action.form not in (forms.ConfirmForm, forms.JoinCollectiveForm) else None
    extra = action.form_kwargs(case) if action.form_kwargs else {}
    form = action.form(request.POST, request.FILES, prefix=prefix, **extra)
    bound = {name.replace("-", "_"): form} if prefix else {}
    if not form.is_valid():
        if not prefix:
            messages.error(request, _("The case changed. Reload the page and try again."))
            return redirect("odr:case_detail", reference=case.complaint.reference)
        return _render_case(request, case, party, bound=bound, status=400)
    try:
        action.run(target, request.user, form)
    except services.CaseChanged as exc:
        fresh = Case.objects.select_related("complaint", "mediator").get(pk=case.pk)
        if prefix:
            form.add_error(None, exc.message)
            # The action may no longer be offered on the fresh page: what was typed is shown
            # with the warning, so nothing is lost.
            unsent = [
                value
                for name, field in form.fields.items()
                if isinstance(field.widget, django_forms.Textarea)
                and (value := form.data.get(form.add_prefix(name), "").strip())
            ]
            return _render_case(
                request,
                fresh,
                party,
                bound=bound,
                status=409,
                conflict={"message": exc.message, "unsent": unsent},
            )
        messages.error(request, exc.message)
    except services.TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        if not prefix:
            messages.error(request, " ".join(exc.messages))
        else:
            form.add_error(None, exc)
            return _render_case(request, case, party, bound=bound, status=400)
    else:
        messages.success(request, action.done)
    return HttpResponseRedirect(
        reverse("odr:case_detail", kwargs={"reference": case.complaint.reference})
    )


@login_required
@require_POST
def case_action(request, reference: str, action: str):
    case, party = _case_or_404(reference, request.user)
    if action not in CASE_ACTIONS:
        raise Http404
    return _perform(request, case, party, CASE_ACTIONS[action], action, case)


@login_required
@require_POST
def offer_action(request, reference: str, offer_id: int, action: str):
    case, party = _case_or_404(reference, request.user)
    offer = get_object_or_404(Offer, pk=offer_id, case=case)
    if action not in OFFER_ACTIONS:
        raise Http404
    return _perform(request, case, party, OFFER_ACTIONS[action], action, offer)


# --- the dossier --------------------------------------------------------------------------


def _dossier_case(request, reference: str) -> Case:
    case = selectors.dossier_case(reference, request.user)
    if case is None:
        raise Http404
    return case


@login_required
@require_GET
def dossier(request, reference: str):
    case = _dossier_case(request, reference)
    return render(request, "odr/dossier.html", {"case": case, "d": case_dossier(case)})


@login_required
@require_GET
def dossier_json(request, reference: str):
    case = _dossier_case(request, reference)
    response = JsonResponse(
        case_dossier(case), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="dossier-{reference}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- notifications ------------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request):
    notices = Notification.objects.filter(user=request.user).select_related(None)
    page = Paginator(notices, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "odr/notification_list.html",
        {"page_obj": page, "notifications": page.object_list},
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}
    ):
        return HttpResponseRedirect(notice.url)
    return redirect("odr:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, _("All notifications are marked as read."))
    return redirect("odr:notification_list")

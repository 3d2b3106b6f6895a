"""Every change to referrals: a referred case sent on to a body with its signed dossier, the
body's answers, the consumer's report of what the body decided, and the reminder to make it
(docs/referrals.md). Each step is also an event on the case's chain (odr.services)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Respondent
from core.queue import enqueue_on_commit
from odr import services as odr_services
from odr.models import Case, CaseState, CollectiveCase, Outcome

from . import dossiers
from .models import (
    FINAL_STATUSES,
    Channel,
    Referral,
    ReferralBody,
    ReferralStatus,
    SignedDossier,
)
from .suggestions import CaseFacts, fits

# What the body decided, as the case's outcome (the credit engine reads it): a merchant the
# body decided against stays unresolved; a complaint the body found unfounded counts no more
# than one a mediator rejected as unfounded. Acknowledged and no answer change nothing.
OUTCOME_OF_STATUS = {
    ReferralStatus.DECIDED_FOR_CONSUMER: Outcome.REFERRED_UNRESOLVED,
    ReferralStatus.DECIDED_AGAINST: Outcome.REJECTED_UNFOUNDED,
}

# Which respondent's country is "the trader's": the seller first, as the rule of
# complaints.respondents names who answers first.
_ROLE_ORDER = [
    Respondent.Role.SELLER,
    Respondent.Role.PURCHASING_AGENT,
    Respondent.Role.ACTUAL_SUPPLIER,
    Respondent.Role.PLATFORM_OPERATOR,
    Respondent.Role.CARRIER,
]


def case_facts(case: Case) -> CaseFacts:
    complaint = case.complaint
    linked = list(
        Respondent.objects.filter(complaint=complaint, merchant__isnull=False)
        .select_related("merchant")
        .order_by("pk")
    )
    linked.sort(key=lambda r: _ROLE_ORDER.index(r.role) if r.role in _ROLE_ORDER else 99)
    amount = complaint.remedy_amount if complaint.remedy_amount is not None else complaint.amount
    return CaseFacts(
        consumer_country=str(complaint.consumer_country or ""),
        trader_country=str(linked[0].merchant.country) if linked else "",
        category=complaint.category or "",
        amount=amount,
        currency=complaint.currency or "",
    )


def _require_mediator(user) -> None:
    # The same rule as every move of a case (odr.services).
    if not odr_services.is_mediator(user):
        raise PermissionDenied(_("Only a mediator can do this."))


def default_channel(body: ReferralBody) -> str:
    if body.takes_email():
        return Channel.EMAIL
    listed = body.channel_list()
    return listed[0] if listed else Channel.WEB_FORM


def covering_letter(case: Case) -> str:
    """The letter proposed to go with the dossier, in the complaint's language: who refers,
    what the complaint is, and what is attached. The mediator edits it before sending."""
    complaint = case.complaint
    facts = case_facts(case)
    with translation.override(complaint.language or settings.LANGUAGE_CODE):
        lines = [
            _("Dear Sir or Madam,"),
            "",
            _(
                "Redress, an online dispute resolution service for cross-border e-commerce, "
                "refers to you the consumer complaint of case %(reference)s. Mediation ended "
                "without agreement."
            )
            % {"reference": complaint.reference},
            "",
            _("Shop: %(shop)s. What went wrong: %(category)s. Amount paid: %(amount)s.")
            % {
                "shop": complaint.shop_name or complaint.shop_url or "-",
                "category": complaint.get_category_display() if complaint.category else "-",
                "amount": f"{complaint.amount} {complaint.currency}"
                if complaint.amount is not None
                else "-",
            },
            _("The consumer lives in: %(consumer)s. The trader is in: %(trader)s.")
            % {
                "consumer": facts.consumer_country or "-",
                "trader": facts.trader_country or "-",
            },
            "",
            _(
                "The signed dossier attached holds the parties, the claim, every piece of "
                "evidence with its SHA-256, the timeline with its chain hashes, and the offers. "
                "Its authenticity can be checked on Redress's verification page."
            ),
        ]
        if case.mediator_summary:
            lines += ["", _("The mediator's summary:"), case.mediator_summary]
        lines += ["", _("Yours faithfully,"), _("The Redress mediation team")]
    return "\n".join(str(line) for line in lines)


def referral_check(case: Case, body: ReferralBody, *, channel: str, mismatch_reason: str) -> None:
    """What must hold to send ``case`` to ``body`` (ValidationError by field otherwise)."""
    if case.state != CaseState.REFERRED:
        raise ValidationError(_("Only a referred case can be sent to an outside body."))
    if not body.active:
        raise ValidationError({"body": _("Choose a body from the directory.")})
    if not fits(body, case_facts(case)) and not mismatch_reason.strip():
        raise ValidationError(
            {
                "mismatch_reason": _(
                    "This body does not list the consumer's or the trader's country, this "
                    "category or this amount. Give the reason to refer the case to it anyway."
                )
            }
        )
    if channel and channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the body takes the case.")})
    if channel == Channel.EMAIL and not body.email:
        raise ValidationError(
            {"channel": _("No e-mail address is known for this body: choose another channel.")}
        )


@transaction.atomic
def referral_create(
    *,
    case_id: int,
    body_id: int,
    mediator,
    covering_letter: str,
    channel: str = "",
    mismatch_reason: str = "",
    now: datetime | None = None,
) -> Referral:
    """Send a referred case on to ``body``: a signed dossier is issued; where the body takes
    e-mail Redress sends it the PDF after commit, otherwise the consumer is given the letter
    and the PDF to submit. A body that does not serve the consumer's or the trader's country
    needs the mediator's reason."""
    now = now or timezone.now()
    _require_mediator(mediator)
    case = Case.objects.select_for_update().select_related("complaint").get(pk=case_id)
    body = ReferralBody.objects.filter(pk=body_id).first()
    if body is None:
        raise ValidationError({"body": _("Choose a body from the directory.")})
    covering_letter = covering_letter.strip()
    if not covering_letter:
        raise ValidationError(
            {"covering_letter": _("Write the letter that goes with the dossier.")}
        )
    mismatch_reason = mismatch_reason.strip()
    referral_check(case, body, channel=channel, mismatch_reason=mismatch_reason)
    channel = channel or default_channel(body)
    dossier = dossiers.dossier_issue(case=case, issued_by=mediator)
    referral = Referral.objects.create(
        case=case,
        body=body,
        channel=channel,
        dossier=dossier,
        covering_letter=covering_letter,
        referred_by=mediator,
        created_at=now,
        status_changed_at=now,
        mismatch_reason=mismatch_reason,
    )
    if channel == Channel.EMAIL:
        enqueue_on_commit("referrals.tasks.email_referral", referral.pk)
        consumer_text = gettext_lazy(
            "Case %(reference)s was sent to an outside body with its signed dossier. The case "
            "page says which, and asks you later what it decided."
        )
    else:
        consumer_text = gettext_lazy(
            "Case %(reference)s can now go to an outside body. The case page names it and gives "
            "you the letter and the signed dossier (PDF) to submit to it."
        )
    odr_services.case_follow_referral(
        case_id=case.pk,
        actor=mediator,
        kind="referral_made",
        note=mismatch_reason,
        data={
            "body": body.pk,
            "body_name": body.name,
            "channel": channel,
            "dossier": str(dossier.uid),
            "dossier_sha256": dossier.sha256,
        },
        notices={"consumer": consumer_text},
        now=now,
    )
    return referral


def _lock_referral(referral_id: int) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__complaint", "body")
        .get(pk=referral_id)
    )


def _set_status(referral: Referral, status: str, *, actor, kind: str, note: str, now) -> Referral:
    if status not in ReferralStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if referral.is_final and status != referral.status:
        raise ValidationError(
            {"status": _("This referral is closed: the body's decision is already recorded.")}
        )
    if status == referral.status:
        return referral
    previous = referral.status
    referral.status = status
    referral.status_changed_at = now
    referral.save(update_fields=["status", "status_changed_at"])
    odr_services.case_follow_referral(
        case_id=referral.case_id,
        actor=actor,
        kind=kind,
        note=note,
        data={"referral": referral.pk, "from": previous, "to": status},
        outcome=OUTCOME_OF_STATUS.get(status),
        now=now,
    )
    return referral


@transaction.atomic
def referral_set_status(
    *, referral_id: int, mediator, status: str, note: str = "", now: datetime | None = None
) -> Referral:
    """A mediator records the body's answer (acknowledged, decided either way, no answer)."""
    _require_mediator(mediator)
    referral = _lock_referral(referral_id)
    return _set_status(
        referral,
        status,
        actor=mediator,
        kind="referral_status",
        note=note,
        now=now or timezone.now(),
    )


# What a consumer may report: the body's decision, or that it never answered.
CONSUMER_REPORTS = (
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.DECIDED_FOR_CONSUMER,
    ReferralStatus.DECIDED_AGAINST,
    ReferralStatus.NO_ANSWER,
)


@transaction.atomic
def referral_report_outcome(
    *, referral_id: int, consumer, status: str, note: str = "", now: datetime | None = None
) -> Referral:
    """The consumer says what the body did with the case."""
    referral = _lock_referral(referral_id)
    if consumer is None or referral.case.complaint.consumer_id != consumer.pk:
        raise PermissionDenied(_("Only the consumer who filed the complaint can do this."))
    if status not in CONSUMER_REPORTS:
        raise ValidationError({"status": _("Choose what the body did.")})
    return _set_status(
        referral,
        status,
        actor=consumer,
        kind="referral_outcome_reported",
        note=note,
        now=now or timezone.now(),
    )


def referrals_due_for_reminder(now: datetime):
    """Open referrals whose consumer was last asked (or, never asked, was sent the referral)
    REDRESS_REFERRAL_OUTCOME_REMINDER_DAYS or more ago."""
    from django.db.models import Q

    cutoff = now - timedelta(days=settings.REDRESS_REFERRAL_OUTCOME_REMINDER_DAYS)
    return (
        Referral.objects.exclude(status__in=FINAL_STATUSES)
        .filter(Q(reminded_at__lte=cutoff) | Q(reminded_at__isnull=True, created_at__lte=cutoff))
        .filter(case__complaint__consumer__erased_at__isnull=True)
        .order_by("pk")
    )


@transaction.atomic
def referral_remind(*, referral_id: int, now: datetime | None = None) -> bool:
    """Ask the consumer what the body decided (once per period); False if not due any more."""
    now = now or timezone.now()
    referral = _lock_referral(referral_id)
    if not referrals_due_for_reminder(now).filter(pk=referral.pk).exists():
        return False
    referral.reminded_at = now
    referral.save(update_fields=["reminded_at"])
    odr_services.case_follow_referral(
        case_id=referral.case_id,
        actor=None,
        kind="referral_reminder_sent",
        data={"referral": referral.pk},
        notices={
            "consumer": gettext_lazy(
                "Case %(reference)s was referred to an outside body. Did it answer? Please tell "
                "us on the case page what it decided."
            )
        },
        now=now,
    )
    return True


def dossiers_erase_for_case(*, case_id: int) -> int:
    """Erase the signed dossiers of a case whose personal data is erased (privacy): their text
    and PDF go, their number, hashes and signature stay. Returns how many were erased now."""
    erased = 0
    for dossier in SignedDossier.objects.filter(case_id=case_id, erased_at__isnull=True):
        dossiers.erase(dossier)
        erased += 1
    return erased


# The states from which a member of a collective case is referred with the group: mediation
# failed (or a settlement was not honoured); a member already referred is only sent on.
_REFERABLE_WITH_THE_GROUP = (CaseState.MEDIATION, CaseState.ESCALATED)


@transaction.atomic
def referrals_create_for_collective(
    *,
    collective_id: int,
    body_id: int,
    mediator,
    covering_letter: str,
    summary: str,
    mismatch_reason: str = "",
    now: datetime | None = None,
) -> tuple[list[Referral], list[str]]:
    """Refer a collective case's members together to one body (for example a consumer
    association that can bring a public-interest action, PRC Consumer Rights Protection Law
    art. 47): each member case is referred with the mediator's summary and sent on with its own
    signed dossier and the same letter. Members still negotiating, settled or closed are left
    as they are; their references are returned beside the referrals."""
    _require_mediator(mediator)
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Say why mediation failed: it goes in each dossier.")})
    collective = CollectiveCase.objects.get(pk=collective_id)
    referrals, left = [], []
    for case in collective.members.select_related("complaint").order_by("pk"):
        if case.state in _REFERABLE_WITH_THE_GROUP:
            odr_services.case_refer(case_id=case.pk, mediator=mediator, summary=summary, now=now)
        elif case.state != CaseState.REFERRED or Referral.objects.filter(case=case).exists():
            left.append(case.complaint.reference)
            continue
        referrals.append(
            referral_create(
                case_id=case.pk,
                body_id=body_id,
                mediator=mediator,
                covering_letter=covering_letter,
                mismatch_reason=mismatch_reason,
                now=now,
            )
        )
    if not referrals:
        raise ValidationError(_("No case of the group can be referred now."))
    return referrals, left

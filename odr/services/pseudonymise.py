"""Pseudonymising a closed case: its personal data erased, what its outcome counts rest on kept.
The privacy app's erasure and retention call it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from complaints import services as complaints_services

from ..models import Case, CaseEvent, CaseRating, Message, Notification, Offer, Settlement
from ._kernel import TransitionNotAllowed, UnitOfWork, now_or


@transaction.atomic
def case_pseudonymise(*, case_id: int, reason: str, now: datetime | None = None) -> bool:
    """Erase the personal data of a closed case and keep what its outcome counts rest on.

    Gone: the complaint's order number and date, what the consumer wrote, every evidence file
    (deleted from storage after commit) and statement, the texts of messages, internal notes,
    offers, the settlement, the rating's comment, the mediator's reasons and the notes of the
    timeline. Kept: the case row (state, outcome, every date the credit engine reads), the
    respondents, the amount and category, the settlement's amount, payer and dates, the rating's
    score, and every timeline event with its kind, time and actor. Credit inputs are unchanged.

    Idempotent: False when the case was already pseudonymised. An open case is refused (the
    parties still need what it holds). The timeline records it as a ``pseudonymised`` event.
    """
    now = now_or(now)
    case = Case.objects.select_for_update().select_related("complaint").get(pk=case_id)
    if case.is_open:
        raise TransitionNotAllowed(_("An open case cannot be pseudonymised."))
    if not complaints_services.complaint_pseudonymise(
        complaint_id=case.complaint_id, reason=reason, now=now
    ):
        return False
    case.rejection_reason = ""
    case.mediator_summary = ""
    uow = UnitOfWork()
    # version and updated_at move (a stale desk form is refused); nothing the credit reads does.
    uow.save(case, ["rejection_reason", "mediator_summary"])
    Message.objects.filter(case=case).update(body="")
    Offer.objects.filter(case=case).update(terms="")
    Settlement.objects.filter(case=case).update(terms="")
    CaseRating.objects.filter(case=case).update(comment="")
    # The one change ever made to earlier timeline rows: their free text, which repeats what
    # the parties and mediators wrote (reasons, questions, summaries), is redacted. The rows
    # themselves, their kinds, actors, times and states stay, and this event records it.
    CaseEvent.objects.filter(case=case).exclude(note="").redact("note")
    Notification.objects.filter(case=case, user_id=case.complaint.consumer_id).delete()
    uow.event(case=case, kind="pseudonymised", from_state=case.state, data={"reason": reason})
    uow.commit()
    return True

"""The consumer's privacy rights across every app: the erasure request and the erasure itself.

Privacy sits at the top of the app order (docs/architecture.md): an erasure reaches complaints,
cases, notifications and the account, so it is orchestrated here, from the apps' own services
(``complaints.services.complaint_delete_drafts``, ``odr.services.case_pseudonymise``,
``accounts.services.user_anonymise``), never by writing their rows directly. The download of
the account's data is ``privacy.export``; the daily retention sweep is ``privacy.tasks``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from accounts.models import PrivacyRequest
from complaints import services as complaints_services
from complaints.models import Complaint, PseudonymisedReason
from core.queue import enqueue_on_commit
from odr.models import Notification
from odr.services import case_pseudonymise
from referrals.services import dossiers_erase_for_case
from transparency.services import open_complaint_refresh

from .selectors import consumer_cases_to_pseudonymise, consumer_open_complaints

logger = logging.getLogger(__name__)


class ErasureRefused(Exception):
    """Erasure is not possible now; ``references`` are the complaints still being handled."""

    def __init__(self, message: str, references: list[str] | None = None):
        self.message = str(message)
        self.references = references or []
        super().__init__(self.message)


def consumer_erasure_request(*, user_id: int, now: datetime | None = None) -> PrivacyRequest:
    """The consumer asks for their personal data to be erased.

    Refused (ErasureRefused, and a refused request in the trail) while any of their complaints
    is still being handled: erasing a party in the middle of a case would leave the merchant and
    the mediator with a case nobody can answer, and withdrawing it on their behalf would decide
    their dispute for them (and change what the merchant's credit counts). They withdraw it on
    the case page, or wait until it closes, and ask again.

    Otherwise sign-in is disabled at once and the erasure itself runs in a Celery task after
    commit (``privacy.tasks.erase_consumer``: many files may have to go). Asking twice is one
    request. Only consumer accounts erase themselves here.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The same lock complaints.services.complaint_submit takes first: a submission racing
        # this request either committed before (and is seen below) or finds the account closed.
        user = get_user_model().objects.select_for_update().get(pk=user_id)
        if user.role != user.Role.CONSUMER or user.is_staff:
            raise ErasureRefused(
                _("Only consumer accounts can erase their data here. Please contact Redress.")
            )
        open_references = [c.reference for c in consumer_open_complaints(user)]
        if not open_references:
            request, created = accounts_services.privacy_erasure_open(user=user, now=now)
            if created:
                accounts_services.user_disable_login(user_id=user.pk)
                enqueue_on_commit("privacy.tasks.erase_consumer", request.pk)
            return request
    # Outside the transaction above, so the refusal's audit row is not rolled back with it.
    accounts_services.privacy_erasure_refuse(
        user=user, detail={"open_complaints": open_references}, now=now
    )
    raise ErasureRefused(
        _(
            "Some of your complaints are still being handled: %(references)s. Withdraw them on "
            "their case pages or wait until they are closed, then ask again."
        )
        % {"references": ", ".join(open_references)},
        references=open_references,
    )


def case_pseudonymise_everywhere(*, case_id: int, reason: str, now: datetime):
    """A closed case's personal data erased: the case (odr) and its signed dossiers (their text
    and PDF; the hashes stay, so a copy someone holds is still recognised). Returns what
    case_pseudonymise returns."""
    done = case_pseudonymise(case_id=case_id, reason=reason, now=now)
    dossiers_erase_for_case(case_id=case_id)
    # The open complaint data: an erasure removes the entry and its narrative (the retention
    # period only the narrative: the entry has no personal data).
    open_complaint_refresh(complaint_id=Complaint.objects.get(case__pk=case_id).pk, now=now)
    return done


def consumer_erase(*, request_id: int, now: datetime | None = None) -> PrivacyRequest:
    """Carry out an erasure request (the Celery task's work); safe to run again after a crash,
    it continues where it stopped.

    Drafts are deleted; each closed case is pseudonymised in its own transaction (a long list
    never holds locks for long); the consumer's notifications go; the account becomes a
    pseudonym. Decided outcomes stay as they were, so merchants' credit does not move.
    """
    now = now or timezone.now()
    request = PrivacyRequest.objects.select_related("user").get(pk=request_id)
    if request.state == PrivacyRequest.State.DONE:
        return request
    user = request.user
    drafts = complaints_services.complaint_delete_drafts(consumer=user)
    for case_id in consumer_cases_to_pseudonymise(user).values_list("pk", flat=True):
        case_pseudonymise_everywhere(case_id=case_id, reason=PseudonymisedReason.ERASURE, now=now)
    with transaction.atomic():
        # Cannot happen (the request refused them and the account can file no more), but if a
        # case were open now it is left to its parties and named in the trail.
        still_open = [c.reference for c in consumer_open_complaints(user)]
        if still_open:
            logger.warning("Erasure %s: complaints still open %s", request.pk, still_open)
        notifications, _rows = Notification.objects.filter(user=user).delete()
        accounts_services.user_anonymise(user_id=user.pk, now=now)
        return accounts_services.privacy_request_complete(
            request_id=request.pk,
            detail={
                "drafts_deleted": drafts,
                # All of them, also those a first run pseudonymised before it was interrupted.
                "cases_pseudonymised": Complaint.objects.filter(
                    consumer=user, pseudonymised_at__isnull=False
                ).count(),
                "notifications_deleted": notifications,
                "left_open": still_open,
            },
            now=now,
        )

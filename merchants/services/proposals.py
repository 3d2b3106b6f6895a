"""A representative's proposal to change a merchant's disclosure, and staff's review of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import send_templated_email

from ..models import DisclosureProposal, DisclosureVersion, Merchant
from ..selectors import merchant_ids_represented_by
from ._common import ProposalAlreadyReviewed, _require_staff
from .identity import IDENTITY_FIELDS, _change_identity, clean_identity, identity_snapshot

# --- Proposals ------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, merchant_id: int, user, data: Mapping[str, Any]) -> DisclosureProposal:
    """A representative of this merchant (and no one else) proposes new identity values.

    The proposal keeps only the fields that differ from the current disclosure. One proposal per
    merchant waits for review at a time.
    """
    if merchant_id not in merchant_ids_represented_by(user):
        raise PermissionDenied(_("Only a representative of this merchant can propose changes."))
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    unknown = set(data) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"Not identity fields: {sorted(unknown)}")
    current = identity_snapshot(merchant)
    values = clean_identity({**current, **data}, merchant_pk=merchant.pk)
    proposed = {f: values[f] for f in IDENTITY_FIELDS if values[f] != current[f]}
    if not proposed:
        raise ValidationError(
            _("This proposal changes nothing: every value is the same as the current disclosure."),
            code="unchanged",
        )
    pending = merchant.proposals.filter(state=DisclosureProposal.State.PENDING).first()
    if pending is not None:
        raise ValidationError(
            _(
                "A proposal sent on %(date)s is waiting for review. Staff review it before you "
                "can propose another change."
            )
            % {"date": timezone.localtime(pending.created_at).date().isoformat()},
            code="pending",
        )
    try:
        with transaction.atomic():
            return DisclosureProposal.objects.create(
                merchant=merchant, proposed_by=user, data=proposed
            )
    except IntegrityError:
        # A second submission racing the first (double click): the constraint caught it.
        raise ValidationError(
            _("A proposal is already waiting for review."), code="pending"
        ) from None


def _lock_proposal(proposal_id: int) -> tuple[Merchant, DisclosureProposal]:
    # Lock the merchant before the proposal, in the same order as every other writer.
    merchant_id = DisclosureProposal.objects.values_list("merchant_id", flat=True).get(
        pk=proposal_id
    )
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    proposal = DisclosureProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.state != DisclosureProposal.State.PENDING:
        raise ProposalAlreadyReviewed(
            _("Proposal %(id)d was already reviewed.") % {"id": proposal.pk}
        )
    return merchant, proposal


def _notify_proposal_reviewed(proposal: DisclosureProposal) -> None:
    user = proposal.proposed_by
    send_templated_email(
        to=user.email,
        template="merchants/email/proposal_reviewed",
        context={
            "merchant_name": proposal.merchant.display_name,
            "approved": proposal.state == DisclosureProposal.State.APPROVED,
            "note": proposal.review_note,
            "public_id": str(proposal.merchant.public_id),
        },
        language=user.preferred_language,
    )


@transaction.atomic
def proposal_approve(*, proposal_id: int, reviewer, note: str = "") -> DisclosureVersion | None:
    """Staff approve: the proposed values become a new version (source "proposal").

    Values are validated again against the disclosure as it stands now. When staff already made
    the same change, the proposal is approved without a new version (None is returned).
    """
    _require_staff(reviewer)
    merchant, proposal = _lock_proposal(proposal_id)
    version = _change_identity(
        merchant,
        actor=reviewer,
        data=proposal.data,
        source=DisclosureVersion.Source.PROPOSAL,
        proposal=proposal,
    )
    proposal.state = DisclosureProposal.State.APPROVED
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note.strip()
    proposal.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    _notify_proposal_reviewed(proposal)
    return version


@transaction.atomic
def proposal_reject(*, proposal_id: int, reviewer, note: str) -> DisclosureProposal:
    """Staff reject with a note the representative reads; the disclosure does not change."""
    _require_staff(reviewer)
    if not note.strip():
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    _merchant, proposal = _lock_proposal(proposal_id)
    proposal.state = DisclosureProposal.State.REJECTED
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note.strip()
    proposal.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    _notify_proposal_reviewed(proposal)
    return proposal

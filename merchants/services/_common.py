"""What several topics of the merchants' services share: their exceptions and the staff check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import Merchant, VerificationState


class VerificationNotAllowed(Exception):
    """The merchant's verification cannot move to that state from where it stands."""

    def __init__(self, merchant: Merchant, to_state: str):
        self.merchant = merchant
        self.to_state = to_state
        super().__init__(
            _("%(merchant)s: verification cannot go from “%(from)s” to “%(to)s”.")
            % {
                "merchant": merchant,
                "from": VerificationState(merchant.verification_state).label,
                "to": VerificationState(to_state).label,
            }
        )


class ProposalAlreadyReviewed(Exception):
    """Staff can review a proposal once."""


def _require_staff(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        raise PermissionDenied(_("Only staff can do this."))

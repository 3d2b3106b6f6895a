"""The consumer's rating of how a closed case was handled."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Case, CaseRating
from ._kernel import TransitionNotAllowed, check, require_consumer


@transaction.atomic
def case_rate(*, case_id: int, consumer, score: int, comment: str = "") -> CaseRating:
    """The consumer's one rating (1-5) of how a closed case was handled."""
    case = Case.objects.select_for_update().get(pk=case_id)
    require_consumer(case, consumer)
    check(case, "rate")
    if CaseRating.objects.filter(case=case).exists():
        raise TransitionNotAllowed(_("You have already rated this case."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    return CaseRating.objects.create(case=case, score=score, comment=(comment or "").strip())

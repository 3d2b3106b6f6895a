"""The complaint wizard's steps: their order and their titles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Complaint.draft_step holds the one to continue from.
STEPS = ("purchase", "problem", "remedy", "respondents", "evidence", "review")

STEP_TITLES = {
    "purchase": _("The purchase"),
    "problem": _("What went wrong"),
    "remedy": _("What you want"),
    "respondents": _("Who is responsible"),
    "evidence": _("Evidence"),
    "review": _("Review and submit"),
}

"""No tables of its own: a proxy gives the mediators' list of shops nobody disclosed its place
and its permission in the admin."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.models import Respondent


class UndisclosedShop(Respondent):
    """The respondents that complaints name and no merchant of the directory is linked to,
    grouped by shop (transparency.selectors.undisclosed_shops_ranked)."""

    class Meta:
        proxy = True
        verbose_name = _("shop nobody disclosed")
        verbose_name_plural = _("shops nobody disclosed")
        default_permissions = ("view",)

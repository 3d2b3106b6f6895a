"""The open complaint data: the published entries and the review of their narratives; and a
proxy that gives the mediators' list of shops nobody disclosed its place in the admin."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from complaints.models import Category, Complaint, PurchaseMode, Respondent
from merchants.models import Merchant
from odr.models import Outcome


class AmountBand(models.TextChoices):
    """The amount paid as a range, in the currency paid: the exact amount with the date and the
    merchant could single a consumer out. Decades, because no conversion rate is applied."""

    UNDER_100 = "under_100", _("under 100")
    FROM_100 = "100_999", _("100 to 999")
    FROM_1000 = "1000_9999", _("1,000 to 9,999")
    FROM_10000 = "10000_plus", _("10,000 or more")


class OpenComplaint(models.Model):
    """One complaint as the open complaint data publish it, without personal data.

    Written only by transparency.services.open_complaint_refresh, from the complaint and its
    case; deleted when the consumer withdraws the consent or asks for erasure. Its own public
    id, so that nothing published leads to the complaint's private pages."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="open_entry", editable=False
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    published_at = models.DateTimeField(_("published"))
    refreshed_at = models.DateTimeField()
    submitted_on = models.DateField(_("submitted on"))
    category = models.CharField(_("what went wrong"), max_length=30, choices=Category)
    consumer_country = CountryField(_("consumer's country"), blank=True)
    merchant_country = CountryField(_("merchant's country"), blank=True)
    # The seller (or the agent who answers as one) when linked to the directory.
    merchant = models.ForeignKey(
        Merchant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merchant_name = models.CharField(_("merchant"), max_length=300, blank=True)
    platform = models.ForeignKey(
        Merchant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform_name = models.CharField(_("marketplace"), max_length=300, blank=True)
    purchase_mode = models.CharField(
        _("how the consumer bought"), max_length=20, choices=PurchaseMode, blank=True
    )
    amount_band = models.CharField(_("amount paid"), max_length=20, choices=AmountBand, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # None while the merchant's answer is not yet due.
    answered = models.BooleanField(_("the merchant answered"), null=True)
    answered_in_time = models.BooleanField(_("the merchant answered in time"), null=True)
    # The scrubbed narrative a mediator approved, while the consumer's consent to it lasts.
    narrative = models.TextField(_("what happened, in the consumer's words"), blank=True)

    class Meta:
        verbose_name = _("open complaint")
        verbose_name_plural = _("open complaints")
        ordering = ["-submitted_on", "-id"]
        # The list's order, and its filters, each from an index; search is on names.
        indexes = [
            models.Index(fields=["-submitted_on", "-id"], name="open_complaint_order_idx"),
            models.Index(fields=["category", "-submitted_on"], name="open_complaint_cat_idx"),
            models.Index(fields=["merchant", "-submitted_on"], name="open_complaint_merch_idx"),
            models.Index(fields=["platform", "-submitted_on"], name="open_complaint_plat_idx"),
            models.Index(
                fields=["consumer_country", "-submitted_on"], name="open_complaint_cc_idx"
            ),
            models.Index(
                fields=["merchant_country", "-submitted_on"], name="open_complaint_mc_idx"
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class NarrativeReview(models.Model):
    """A consumer's narrative, scrubbed of personal data, waiting for a mediator (or decided).

    The mediator may correct the scrubbed text before approving it; only an approved text is
    ever published, and only while the consumer's consent to publish it lasts."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a mediator")
        APPROVED = "approved", _("Approved for publication")
        REJECTED = "rejected", _("Not published")

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="narrative_review", editable=False
    )
    scrubbed_text = models.TextField(_("narrative without personal data"))
    # The kinds of personal data the scrubber removed (transparency.scrub), for the reviewer.
    found = models.JSONField(_("personal data removed"), default=list, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=State, default=State.PENDING, editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("narrative to review")
        verbose_name_plural = _("narratives to review")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="narrative_state_idx")]

    def __str__(self) -> str:
        return f"{self.complaint} ({self.get_state_display()})"


class UndisclosedShop(Respondent):
    """The respondents that complaints name and no merchant of the directory is linked to,
    grouped by shop (transparency.selectors.undisclosed_shops_ranked)."""

    class Meta:
        proxy = True
        verbose_name = _("shop nobody disclosed")
        verbose_name_plural = _("shops nobody disclosed")
        default_permissions = ("view",)

"""Complaints, the respondents they name, and the evidence that backs them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Greatest, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from merchants.models import Merchant
from merchants.normalize import InvalidURL, fold_for_search, normalize_shop_url


class PurchaseMode(models.TextChoices):
    DIRECT = "direct", _("Directly from an overseas shop")
    MARKETPLACE = "marketplace", _("Through a marketplace")
    AGENT_SPOT = "agent_spot", _("Through a spot purchasing agent (现货代购)")
    AGENT_NON_SPOT = "agent_non_spot", _("Through a non-spot purchasing agent (非现货代购)")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Bank card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ALIPAY = "alipay", _("Alipay")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    PAYPAL = "paypal", _("PayPal")
    PLATFORM_WALLET = "platform_wallet", _("Platform balance or wallet")
    CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")
    OTHER = "other", _("Other")


class ConsumerRight(models.TextChoices):
    INFORMATION = "information", _("Right to information")
    SAFETY = "safety", _("Right to safety")
    CHOICE = "choice", _("Right to choose")
    FAIR_DEALING = "fair_dealing", _("Right to fair dealing")
    COMPENSATION = "compensation", _("Right to compensation")


class Category(models.TextChoices):
    """What went wrong, grounded in the research that docs/design.md summarises."""

    NON_DELIVERY = "non_delivery", _("Not delivered or delivered late")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described or counterfeit")
    DEFECTIVE = "defective", _("Defective or unsafe")
    FALSE_ADVERTISING = "false_advertising", _("False advertising")
    FRAUD = "fraud", _("Fraud (low-price trap, deposit scam, auction fraud)")
    RETURN_REFUSED = "return_refused", _("Return or exchange refused")
    AFTER_SALES_REFUSED = "after_sales_refused", _("After-sales service refused")
    UNFAIR_TERMS = "unfair_terms", _("Unfair standard terms")
    PAYMENT_SECURITY = "payment_security", _("Unauthorised payment or payment security")
    PERSONAL_DATA = "personal_data", _("Misuse of personal data")
    CUSTOMS = "customs", _("Customs, duties and taxes")
    OTHER = "other", _("Other")


# The consumer right each category puts at stake (the complaint stores the derived value so a
# later change of this table does not rewrite history).
RIGHT_FOR_CATEGORY: dict[str, str] = {
    Category.NON_DELIVERY: ConsumerRight.FAIR_DEALING,
    Category.NOT_AS_DESCRIBED: ConsumerRight.INFORMATION,
    Category.DEFECTIVE: ConsumerRight.SAFETY,
    Category.FALSE_ADVERTISING: ConsumerRight.INFORMATION,
    Category.FRAUD: ConsumerRight.FAIR_DEALING,
    Category.RETURN_REFUSED: ConsumerRight.COMPENSATION,
    Category.AFTER_SALES_REFUSED: ConsumerRight.COMPENSATION,
    Category.UNFAIR_TERMS: ConsumerRight.FAIR_DEALING,
    Category.PAYMENT_SECURITY: ConsumerRight.SAFETY,
    Category.PERSONAL_DATA: ConsumerRight.SAFETY,
    Category.CUSTOMS: ConsumerRight.INFORMATION,
    Category.OTHER: ConsumerRight.FAIR_DEALING,
}


class Delivery(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    NOT_DELIVERED = "not_delivered", _("Not delivered yet")


class SellerInformed(models.TextChoices):
    """Did the seller tell the consumer of the right to withdraw or to return without reason
    (in the listing, the terms or the order confirmation)?"""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("Not sure")


class GoodsException(models.TextChoices):
    """The kinds of goods the statutory withdrawal rights leave out (complaints.rights maps each
    to its provision per jurisdiction)."""

    NONE = "none", _("None of these")
    MADE_TO_ORDER = "made_to_order", _("Made to my order or personalised")
    PERISHABLE = "perishable", _("Fresh, live or perishable goods")
    UNSEALED_MEDIA = "unsealed_media", _("Music, video or software that I unsealed or downloaded")
    UNSEALED_HYGIENE = (
        "unsealed_hygiene",
        _("Sealed goods I unsealed that cannot be returned for health or hygiene reasons"),
    )
    NEWSPAPERS = "newspapers", _("Newspapers or magazines")
    CONFIRMED_NOT_RETURNABLE = (
        "confirmed_not_returnable",
        _("Goods I confirmed at purchase as not returnable"),
    )


class Remedy(models.TextChoices):
    REFUND = "refund", _("Refund")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    COMPENSATION = "compensation", _("Compensation")
    OTHER = "other", _("Other")


class HoldReason(models.TextChoices):
    REPEATED = (
        "repeated",
        _("Many complaints from this account against the same merchant in a short time"),
    )
    NEW_ACCOUNT = (
        "new_account",
        _("A new account's further complaint against the same merchant"),
    )


class HoldDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted by a mediator: counts normally")
    REJECTED = "rejected", _("Rejected by a mediator: never counts")


class PseudonymisedReason(models.TextChoices):
    ERASURE = "erasure", _("The consumer asked for erasure")
    RETENTION = "retention", _("The retention period of closed cases passed")


class Complaint(models.Model):
    """One order gone wrong, as the consumer tells it. Drafts are saved step by step; after
    submission the complaint is read-only and its resolution is the ODR case (odr.Case)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # RD-2026-000123, given at submission; drafts have none.
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, editable=False)
    draft_step = models.CharField(max_length=20, default="purchase", editable=False)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")

    # The purchase
    purchase_mode = models.CharField(
        _("how you bought"), max_length=20, choices=PurchaseMode, blank=True
    )
    shop_url = models.URLField(_("shop or product link"), max_length=1000, blank=True)
    shop_name = models.CharField(_("shop name"), max_length=300, blank=True)
    platform_name = models.CharField(_("marketplace or platform"), max_length=200, blank=True)
    # The marketplace the consumer chose from the directory on the respondents step. It is kept
    # here as well as among the respondents: when the seller's identity is adequate the rule
    # does not make the marketplace answer, and the consumer's choice must not be lost.
    platform_merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("marketplace chosen from the directory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agent_name = models.CharField(_("purchasing agent"), max_length=200, blank=True)
    order_number = models.CharField(_("order number"), max_length=100, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    item_description = models.CharField(_("what you bought"), max_length=500, blank=True)
    amount = models.DecimalField(
        _("amount paid"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod, blank=True
    )
    # What the consumer's statutory rights depend on (complaints.rights).
    consumer_country = CountryField(_("your country of residence"), blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    seller_informed = models.CharField(
        _("told of the right to return"), max_length=20, choices=SellerInformed, blank=True
    )
    goods_exception = models.CharField(
        _("kind of goods"), max_length=30, choices=GoodsException, blank=True
    )

    # What went wrong
    category = models.CharField(_("what went wrong"), max_length=30, choices=Category, blank=True)
    right_at_stake = models.CharField(
        max_length=20, choices=ConsumerRight, blank=True, editable=False
    )
    description = models.TextField(_("what happened"), blank=True)

    # What the consumer wants
    remedy = models.CharField(_("what you want"), max_length=20, choices=Remedy, blank=True)
    remedy_amount = models.DecimalField(
        _("amount you claim"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    remedy_details = models.TextField(_("details of what you want"), blank=True)

    consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Open complaint data (transparency, docs/transparency.md): the consumer's separate choices
    # to publish the complaint without personal data, and also its narrative once scrubbed and
    # approved by a mediator. Given at submission or later; cleared when withdrawn or erased.
    publish_consent_at = models.DateTimeField(
        _("agreed to publish the complaint"), null=True, blank=True, editable=False
    )
    publish_narrative_consent_at = models.DateTimeField(
        _("agreed to publish the narrative"), null=True, blank=True, editable=False
    )

    # Held for screening (complaint flooding, complaints.selectors.flood_hold_reason): a held
    # complaint counts for nobody's credit until a mediator decides; accepted, it counts as any
    # other; rejected, it never does.
    held_reason = models.CharField(
        _("held for screening"), max_length=20, choices=HoldReason, blank=True, editable=False
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True, editable=False)
    hold_decision = models.CharField(
        _("decision on the hold"), max_length=20, choices=HoldDecision, blank=True, editable=False
    )
    hold_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    hold_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    # Personal data erased (the consumer's erasure request, or the retention period of closed
    # cases): what identifies the consumer is gone, what the outcome counts rests on stays.
    pseudonymised_at = models.DateTimeField(
        _("pseudonymised at"), null=True, blank=True, editable=False
    )
    pseudonymised_reason = models.CharField(
        _("why pseudonymised"),
        max_length=20,
        choices=PseudonymisedReason,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The latest of: the complaint written, evidence added, its case changed. "My complaints"
    # is ordered by it, from an index, so the page costs the same whatever the consumer's
    # number of complaints. Kept by Complaint.save, EvidenceItem.save and odr's case writes
    # (odr.services._kernel); the database fills it for rows inserted in bulk.
    last_activity_at = models.DateTimeField(
        _("last activity"), default=timezone.now, db_default=Now(), editable=False
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["consumer", "-created_at"]),
            models.Index(
                fields=["consumer", "-last_activity_at", "-id"],
                name="complaint_activity_idx",
            ),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["order_number"]),
            # The mediators' queue of held complaints still waiting for a decision.
            models.Index(
                fields=["held_at"],
                name="complaint_held_undecided_idx",
                condition=models.Q(held_at__isnull=False, hold_decision=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.pk}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "updated_at" in update_fields:
            self.last_activity_at = max(filter(None, [self.last_activity_at, timezone.now()]))
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "last_activity_at"]
        super().save(*args, **kwargs)

    @property
    def is_held(self) -> bool:
        """Held and not yet accepted by a mediator (a rejected hold stays held for credit)."""
        return self.held_at is not None and self.hold_decision != HoldDecision.ACCEPTED


class Respondent(models.Model):
    """A party the complaint is against, linked to a merchant or only named by the consumer."""

    class Role(models.TextChoices):
        SELLER = "seller", _("Seller")
        PURCHASING_AGENT = "purchasing_agent", _("Purchasing agent")
        ACTUAL_SUPPLIER = "actual_supplier", _("Actual supplier")
        PLATFORM_OPERATOR = "platform_operator", _("Platform operator")
        CARRIER = "carrier", _("Carrier")

    class Reason(models.TextChoices):
        """Why a party answers, in the plain words shown to the consumer (complaints.respondents).

        Stored as a code and translated when shown, so the consumer, the merchant and the
        mediator each read it in their own language."""

        DIRECT_SELLER = (
            "direct_seller",
            _(
                "You bought directly from this shop, so the business behind it is the seller and "
                "answers for the order."
            ),
        )
        MARKETPLACE_SELLER = (
            "marketplace_seller",
            _(
                "You bought from this seller on a marketplace, so it is the seller and answers for "
                "the order."
            ),
        )
        SPOT_AGENT_SELLER = (
            "spot_agent_seller",
            _(
                "A spot purchasing agent (现货代购) sells goods it has already bought, so the "
                "agent is the seller and answers for the goods like any seller."
            ),
        )
        NON_SPOT_SUPPLIER_SELLER = (
            "non_spot_supplier_seller",
            _(
                "A non-spot purchasing agent (非现货代购) buys on your behalf, so the overseas "
                "supplier it bought from is the seller."
            ),
        )
        NON_SPOT_AGENT = (
            "non_spot_agent",
            _(
                "A non-spot purchasing agent (非现货代购) acts for you, so it answers for its "
                "own faults as your agent: the supplier it chose, passing on your payment, "
                "shipping, and what it told you."
            ),
        )
        PLATFORM_SELLER_MISSING = (
            "platform_seller_missing",
            _(
                "The seller's identity is not disclosed in our directory, so the platform answers "
                "too: a platform that cannot give the seller's real name, address and contact "
                "details answers to you itself."
            ),
        )
        PLATFORM_SELLER_INCOMPLETE = (
            "platform_seller_incomplete",
            _(
                "The seller's disclosed identity is incomplete, so the platform answers too: a "
                "platform that cannot give the seller's real name, address and contact details "
                "answers to you itself."
            ),
        )
        PLATFORM_SELLER_UNVERIFIED = (
            "platform_seller_unverified",
            _(
                "The seller's identity has not been verified, so the platform answers too: a "
                "platform that cannot give the seller's real name, address and contact details "
                "answers to you itself."
            ),
        )

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="respondents")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    merchant = models.ForeignKey(
        Merchant, null=True, blank=True, on_delete=models.PROTECT, related_name="respondent_in"
    )
    # As the consumer gave it when the merchant was not in the directory.
    named_name = models.CharField(_("name given"), max_length=300, blank=True)
    named_url = models.URLField(_("link given"), max_length=1000, blank=True)
    # The name and the link as the directory compares them (merchants.normalize: the name
    # folded, the link normalised; empty when it is not a valid link), so that a directory
    # lookup that finds no merchant can count the complaints naming that shop
    # (transparency.selectors.undisclosed_shop). Set with the names, by named_keys().
    named_name_key = models.CharField(max_length=300, blank=True, default="", editable=False)
    named_url_key = models.CharField(max_length=1000, blank=True, default="", editable=False)
    # Why this party answers (the respondent rule, in words shown to the consumer).
    reason = models.CharField(_("why"), max_length=300, choices=Reason, blank=True)
    added_by_rule = models.BooleanField(default=False)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["complaint", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(merchant__isnull=False) | ~models.Q(named_name=""),
                name="respondent_linked_or_named",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "complaint"]),
            # The shops nobody disclosed: only respondents still unlinked are looked up, by the
            # exact name or by a link and the links below it (LIKE 'prefix%' on PostgreSQL
            # needs the pattern operator class).
            models.Index(
                fields=["named_name_key"],
                name="respondent_unlinked_name_idx",
                condition=models.Q(merchant__isnull=True) & ~models.Q(named_name_key=""),
            ),
            models.Index(
                fields=["named_url_key"],
                name="respondent_unlinked_url_idx",
                opclasses=["varchar_pattern_ops"],
                condition=models.Q(merchant__isnull=True) & ~models.Q(named_url_key=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.merchant or self.named_name}"

    @staticmethod
    def named_keys(name: str, url: str) -> dict[str, str]:
        """The ``named_name_key`` and ``named_url_key`` of a party named by ``name`` and ``url``."""
        try:
            url_key = normalize_shop_url(url) if url else ""
        except InvalidURL:
            url_key = ""
        return {"named_name_key": fold_for_search(name)[:300], "named_url_key": url_key[:1000]}


def _evidence_path(instance: EvidenceItem, filename: str) -> str:
    # A random name under the complaint's folder; the uploaded name is only a label.
    return f"evidence/{instance.complaint.public_id}/{uuid.uuid4().hex}"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class EvidenceItem(models.Model):
    """A file or written statement in the case file. Never replaced or deleted once the
    complaint is submitted: later additions are new items with their own time and hash."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        STATEMENT = "statement", _("Written statement")
        # The listing's link and text as the consumer pasted them: a statement, hashed from
        # its text, with the time it was added (a listing changes or disappears).
        LISTING = "listing", _("The listing as I saw it")

    # Kinds kept as text in the database (hashed from it), not as a file.
    TEXT_KINDS = (Kind.STATEMENT, Kind.LISTING)

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind)
    file = models.FileField(
        storage=_private_storage, upload_to=_evidence_path, max_length=300, blank=True
    )
    label = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    text = models.TextField(_("statement"), blank=True)
    # SHA-256 of the stored bytes (for a statement, of its UTF-8 text): what integrity verifies.
    sha256 = models.CharField(_("SHA-256 of the copy kept"), max_length=64)
    # SHA-256 of the file as it was received, before its metadata was removed: with it the sender
    # can prove that the stored copy came from their original. Empty where it is not known (files
    # stored with their GPS removed before it was recorded).
    received_sha256 = models.CharField(
        _("SHA-256 of the file as received"), max_length=64, blank=True, default=""
    )
    # The stored copy is an image re-saved without its metadata, not the bytes received.
    metadata_removed = models.BooleanField(_("metadata removed"), default=False)
    # Erased with the complaint's personal data: the file is deleted from storage, the label and
    # text are blanked; the hash and size stay as the record that the item existed.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_items"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["complaint", "submitted_at", "pk"]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            # New evidence is activity on its complaint ("My complaints" is ordered by it).
            Complaint.objects.filter(pk=self.complaint_id).update(
                last_activity_at=Greatest(F("last_activity_at"), Value(self.submitted_at))
            )

"""Merchants: identity, roles, shops, links, disclosure versions and proposals, verification."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.integrity import AppendOnlyModel


class MerchantRole(models.TextChoices):
    AGENT_SPOT = "agent_spot", _("Purchasing agent, spot (现货代购)")
    AGENT_NON_SPOT = "agent_non_spot", _("Purchasing agent, non-spot (非现货代购)")
    SUPPLIER = "supplier", _("Overseas supplier or seller")
    PLATFORM = "platform", _("Marketplace or platform operator")
    CARRIER = "carrier", _("Logistics carrier or customs broker")


class VerificationState(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Verification rejected")
    EXPIRED = "expired", _("Verification expired")


class Merchant(models.Model):
    """A business that sells, sources, hosts or ships cross-border purchases.

    The identity fields below are the *current* disclosure; every change to them goes through
    ``merchants.services`` and leaves an immutable ``DisclosureVersion``. Verification fields
    change only through the verification services.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_name = models.CharField(_("legal name as registered"), max_length=300)
    legal_name_latin = models.CharField(
        _("legal name in Latin letters"), max_length=300, blank=True
    )
    trade_names = models.JSONField(_("trade names"), default=list, blank=True)
    country = CountryField(_("country"))
    registration_number = models.CharField(
        _("business registration number"), max_length=100, blank=True
    )
    registration_number_normalized = models.CharField(max_length=64, blank=True, editable=False)
    registry = models.CharField(_("issuing registry"), max_length=200, blank=True)
    registered_address = models.TextField(_("registered address"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    date_established = models.DateField(_("date established"), null=True, blank=True)
    annual_order_volume = models.PositiveIntegerField(
        _("declared annual order volume"), null=True, blank=True
    )

    # Lowercased legal names and trade names, for partial search in any script.
    search_text = models.TextField(blank=True, editable=False)
    # 0-100: share of the required disclosure items present in the current version.
    completeness = models.PositiveSmallIntegerField(default=0, editable=False)
    disclosure_version = models.PositiveIntegerField(default=0, editable=False)
    # The hash of the last disclosure version (merchants.integrity): with disclosure_version it
    # closes the chain, so that removing versions from the end is seen too.
    disclosure_head = models.CharField(max_length=64, blank=True, editable=False)

    verification_state = models.CharField(
        _("verification"),
        max_length=20,
        choices=VerificationState,
        default=VerificationState.UNVERIFIED,
        editable=False,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verification_expires_at = models.DateTimeField(
        _("verification expires at"), null=True, blank=True, editable=False
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    verification_note = models.TextField(_("verification note"), blank=True, editable=False)
    # The disclosure version staff checked: a later change to the legal identity needs a new check.
    verified_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["legal_name", "pk"]
        indexes = [
            # The directory's order (the API list, the public search): a page of 25 read from
            # the index instead of a sort of every merchant.
            models.Index(fields=["legal_name", "id"], name="merchant_name_order_idx"),
            models.Index(fields=["country", "registration_number_normalized"]),
            models.Index(fields=["verification_state", "verification_expires_at"]),
        ]

    def __str__(self) -> str:
        return self.legal_name_latin or self.legal_name

    def get_absolute_url(self) -> str:
        return reverse("merchants:detail", kwargs={"public_id": self.public_id})

    @property
    def display_name(self) -> str:
        if self.legal_name_latin and self.legal_name_latin != self.legal_name:
            return f"{self.legal_name} ({self.legal_name_latin})"
        return self.legal_name

    @property
    def is_verified(self) -> bool:
        return self.verification_state == VerificationState.VERIFIED

    @property
    def disclosure_is_adequate(self) -> bool:
        """Complete and verified: otherwise a platform answers for this seller (docs/design.md)."""
        return self.is_verified and self.completeness == 100


class MerchantRoleAssignment(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=MerchantRole)

    class Meta:
        verbose_name = _("merchant role")
        verbose_name_plural = _("merchant roles")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "role"], name="merchant_role_once"),
        ]
        indexes = [models.Index(fields=["role", "merchant"])]

    def __str__(self) -> str:
        return self.get_role_display()


class Shop(models.Model):
    """A storefront of a merchant: on a platform (itself a merchant) or its own website."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="shops")
    platform = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_shops",
        verbose_name=_("platform"),
    )
    name = models.CharField(_("shop name"), max_length=300)
    url = models.URLField(_("shop URL"), max_length=1000)
    url_normalized = models.CharField(max_length=1000, editable=False, db_index=True)
    platform_shop_id = models.CharField(_("shop id on the platform"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name", "pk"]
        constraints = [
            # The same storefront twice on one merchant is a double submission. On two merchants
            # it is allowed but flagged to staff as a likely duplicate merchant.
            models.UniqueConstraint(fields=["merchant", "url_normalized"], name="shop_url_once"),
        ]

    def __str__(self) -> str:
        return self.name


class MerchantLink(models.Model):
    """Who works with whom: agent -> supplier, seller -> carrier, seller -> platform."""

    class Kind(models.TextChoices):
        AGENT_SUPPLIER = "agent_supplier", _("buys from supplier")
        SELLER_CARRIER = "seller_carrier", _("ships with carrier")
        SELLER_PLATFORM = "seller_platform", _("sells on platform")

    source = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant link")
        verbose_name_plural = _("merchant links")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="merchant_link_not_self"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "kind", "started_on"], name="merchant_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class DisclosureVersion(AppendOnlyModel):
    """One immutable state of a merchant's disclosed identity, with what changed and who did it.

    Never changed or deleted (the model, the admin and, on PostgreSQL, a trigger refuse it) and
    hash-chained per merchant in ``number`` order: ``prev_hash`` is the hash of the version
    before, ``hash`` covers this row (merchants.integrity.DISCLOSURE_VERSIONS).
    """

    class Source(models.TextChoices):
        CREATED = "created", _("created")
        STAFF = "staff", _("edited by staff")
        PROPOSAL = "proposal", _("approved proposal")

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=20, choices=Source)
    # Set when the row is built (not on save, as auto_now_add would), because the hash covers it.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # PROTECT, not SET_NULL: clearing the author would be an update of an append-only row.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Every identity field as it stood after this version.
    snapshot = models.JSONField()
    # {field: [old, new]} for the fields this version changed.
    changes = models.JSONField(default=dict)
    completeness = models.PositiveSmallIntegerField()
    proposal = models.OneToOneField(
        "DisclosureProposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="version",
    )
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("disclosure version")
        verbose_name_plural = _("disclosure versions")
        ordering = ["merchant", "-number"]
        # Only "view": nobody can be given the right to add, change or delete a version.
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "number"], name="disclosure_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} v{self.number}"


class DisclosureProposal(models.Model):
    """A representative's proposed change; it becomes a version only when staff approve it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disclosure_proposals"
    )
    # The proposed values of the identity fields that differ from the current disclosure.
    data = models.JSONField()
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("disclosure proposal")
        verbose_name_plural = _("disclosure proposals")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]
        constraints = [
            # Staff review one proposal at a time per merchant; a second one would race the first.
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(state="pending"),
                name="one_pending_proposal_per_merchant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} proposal {self.pk}"


class VerificationEvent(models.Model):
    """One change of a merchant's verification state: who, when, from, to, why. Append-only."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="verification_events"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=VerificationState)
    to_state = models.CharField(_("to"), max_length=20, choices=VerificationState)
    # None when the system acted (the daily expiry sweep).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    disclosure_version = models.PositiveIntegerField(_("disclosure version"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("verification event")
        verbose_name_plural = _("verification events")
        ordering = ["merchant", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merchant}: {self.from_state} -> {self.to_state}"


def _document_path(instance: VerificationDocument, filename: str) -> str:
    # A random name: the uploaded name is kept only as a label.
    return f"verification/{instance.merchant_id}/{uuid.uuid4().hex}"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class VerificationDocument(models.Model):
    """A business licence or similar, uploaded by the merchant; staff only ever see it."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        REGISTRY_EXTRACT = "registry_extract", _("Company registry extract")
        IDENTITY = "identity", _("Identity of the responsible person")
        OTHER = "other", _("Other")

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    file = models.FileField(storage=_private_storage, upload_to=_document_path, max_length=300)
    label = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(_("SHA-256 of the copy kept"), max_length=64)
    # Of the file as received (an image is stored re-saved without its metadata); empty where
    # it is not known.
    received_sha256 = models.CharField(
        _("SHA-256 of the file as received"), max_length=64, blank=True, default=""
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verification document")
        verbose_name_plural = _("verification documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.label


class MerchantRepresentative(models.Model):
    """A user who speaks for a merchant: proposes disclosure changes and answers complaints."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations"
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="representatives")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant representative")
        verbose_name_plural = _("merchant representatives")
        constraints = [
            models.UniqueConstraint(fields=["user", "merchant"], name="representative_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.merchant}"

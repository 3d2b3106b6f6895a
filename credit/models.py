"""Credit snapshots (score, grade, factors, history), platform API keys and webhooks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from merchants.models import Merchant

from . import webhooks

# The prefix of the standard's own examples; it tells a webhook id from other ids in a log.
WEBHOOK_ID_PREFIX = "msg_"


class Grade(models.TextChoices):
    A_PLUS = "A+", "A+"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    F = "F", "F"
    NOT_RATED = "NR", _("Not rated")


class CreditSnapshot(models.Model):
    """One recomputation of one merchant's credit. Rows are never changed except to clear
    ``is_current`` when a newer result replaces them, so the history is the table itself."""

    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.CASCADE,
        related_name="credit_snapshots",
        # credit_history_idx (merchant, -computed_at) serves every lookup by merchant; a second
        # index on merchant alone only made each nightly write of every snapshot slower.
        db_index=False,
    )
    # Empty when the merchant is not rated (too few cases to say anything).
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    grade = models.CharField(_("grade"), max_length=2, choices=Grade)
    # {factor: {"value", "observed", "weight", "cases", "favourable", "effective_sample", ...}}:
    # every number the score was computed from (see credit.method and docs/credit.md).
    factors = models.JSONField(_("factors"))
    # Distinct cases that counted for any factor, and their weight after decay.
    case_count = models.PositiveIntegerField(_("cases counted"))
    effective_sample = models.FloatField(_("effective sample"))
    method_version = models.CharField(_("method version"), max_length=20)
    computed_at = models.DateTimeField(_("computed at"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("credit snapshot")
        verbose_name_plural = _("credit snapshots")
        ordering = ["merchant", "-computed_at", "-pk"]
        constraints = [
            # At most one current snapshot per merchant: readers never have to choose.
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(is_current=True),
                name="credit_one_current_snapshot",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, grade="NR")
                | models.Q(score__isnull=False, score__lte=1000) & ~models.Q(grade="NR"),
                name="credit_score_matches_grade",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "-computed_at"], name="credit_history_idx"),
            # The merchants list filters current snapshots by grade.
            models.Index(
                fields=["grade"],
                name="credit_current_grade_idx",
                condition=models.Q(is_current=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant}: {self.grade} ({self.computed_at:%Y-%m-%d})"

    @property
    def is_rated(self) -> bool:
        return self.grade != Grade.NOT_RATED


class ApiKey(models.Model):
    """A platform client's key. Only a SHA-256 hash of the secret is stored: the secret is
    shown once, when staff create the key, and cannot be recovered afterwards."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("platform client"),
        limit_choices_to={"role": "platform_client"},
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the key, kept in clear so staff and the client can tell keys apart.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def _webhook_secret() -> str:
    return webhooks.new_secret()


class WebhookEndpoint(models.Model):
    """A URL of a platform client that is told when a merchant's grade changes."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
        verbose_name=_("platform client"),
        limit_choices_to={"role": "platform_client"},
    )
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    # Shared with the client to check the webhook-signature header; kept in clear because
    # every delivery is signed with it. Always in the standard's "whsec_<base64>" form.
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=_webhook_secret,
        help_text=_(
            "Give it to the platform: any Standard Webhooks library checks the "
            "webhook-signature header with it."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["client", "url", "pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, with the outcome of its latest attempt."""

    class Event(models.TextChoices):
        GRADE_CHANGED = "merchant.grade_changed", _("Merchant grade changed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Random rather than the primary key: receivers keep it as an idempotency key, and a second
    # Redress database (staging, a restore) must not reuse ids they have already seen.
    message_id = models.UUIDField(_("webhook id"), default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=50, choices=Event)
    payload = models.JSONField(_("payload"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.endpoint}"

    @property
    def webhook_id(self) -> str:
        """The webhook-id header: the same on every attempt and every resend of this delivery."""
        return f"{WEBHOOK_ID_PREFIX}{self.message_id.hex}"


class PlatformAccessRequest(models.Model):
    """A platform asks for API access from its own account (the "For platforms" page); staff
    approve or refuse it in the admin. Approval makes the account a platform client, which then
    creates, rotates and revokes its own keys."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="platform_access_requests",
        verbose_name=_("account"),
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    website = models.URLField(_("website"), max_length=300)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail address"))
    intended_use = models.TextField(_("what the API is for"), max_length=2000)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("platform access request")
        verbose_name_plural = _("platform access requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="one_pending_platform_request_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_state_display()})"

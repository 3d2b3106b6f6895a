"""Cases and their ODR stages: the state machine's row, its append-only events, messages,
offers, settlements, notifications and the consumer's rating of how the case was handled.

The ``state`` of a case changes only in ``odr.services`` (lock, check, save, record, enqueue);
nothing else writes it, the admin included.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Complaint, EvidenceItem
from core.integrity import AppendOnlyModel
from merchants.models import Merchant


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, being screened")
    REJECTED = "rejected", _("Rejected at screening")
    AWAITING_MERCHANT = "awaiting_merchant", _("Waiting for the merchant's answer")
    NEGOTIATION = "negotiation", _("Negotiation")
    MEDIATION = "mediation", _("Mediation")
    SETTLED = "settled", _("Settled, waiting for payment")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Settlement not honoured, back with the mediator")
    REFERRED = "referred", _("Referred to an authority, arbitration or court")
    WITHDRAWN = "withdrawn", _("Withdrawn by the consumer")


OPEN_STATES = frozenset(
    {
        CaseState.SUBMITTED,
        CaseState.AWAITING_MERCHANT,
        CaseState.NEGOTIATION,
        CaseState.MEDIATION,
        CaseState.SETTLED,
        CaseState.ESCALATED,
    }
)
CLOSED_STATES = frozenset(set(CaseState) - OPEN_STATES)


class Outcome(models.TextChoices):
    RESOLVED_BY_MERCHANT = "resolved_by_merchant", _("Resolved by the merchant")
    SETTLED_IN_MEDIATION = "settled_in_mediation", _("Settled in mediation")
    COMPENSATED_IN_ADVANCE = "compensated_in_advance", _("Compensated in advance by the platform")
    REJECTED_UNFOUNDED = "rejected_unfounded", _("Rejected as unfounded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERCHANT_UNRESPONSIVE = "merchant_unresponsive", _("Merchant did not respond")
    REFERRED_UNRESOLVED = "referred_unresolved", _("Referred unresolved")


class Case(models.Model):
    """The resolution of one complaint (one case per complaint)."""

    class DeadlineKind(models.TextChoices):
        SCREENING = "screening", _("screening")
        CONSUMER_INFO = "consumer_info", _("consumer's additional information")
        MERCHANT_RESPONSE = "merchant_response", _("merchant's answer")
        NEGOTIATION = "negotiation", _("end of negotiation")
        MEDIATION = "mediation", _("end of mediation")
        FULFILMENT = "fulfilment", _("settlement payment")

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="case")
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState, default=CaseState.SUBMITTED, editable=False
    )
    # Bumped by every transition: a form that shows version N and posts back after someone else
    # moved the case is told the case changed instead of acting on stale information.
    version = models.PositiveIntegerField(default=1, editable=False)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediated_cases",
        limit_choices_to={"is_staff": True},
    )

    # The next deadline of the current stage; empty once the case is closed.
    deadline_at = models.DateTimeField(_("next deadline"), null=True, blank=True, editable=False)
    deadline_kind = models.CharField(
        max_length=20, choices=DeadlineKind, blank=True, editable=False
    )
    # The deadline a reminder was last sent for: one reminder per deadline, however often the
    # sweep runs.
    reminder_sent_for = models.DateTimeField(null=True, blank=True, editable=False)
    # The last day of the consumer's withdrawal right (complaints.rights) a reminder was sent
    # for: one reminder per right's deadline.
    right_reminder_sent_for = models.DateField(null=True, blank=True, editable=False)
    awaiting_consumer_info = models.BooleanField(default=False, editable=False)

    # Inputs of the credit engine.
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    merchant_response_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    merchant_responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=Outcome, blank=True, editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    rejection_reason = models.TextField(_("reason for rejection"), blank=True, editable=False)
    mediator_summary = models.TextField(_("mediator's summary"), blank=True)
    # The case's end of its event chain (odr.integrity): how many events it has and the hash of
    # the last one, written with each event, so that removing events from the end is seen too.
    events_count = models.PositiveIntegerField(default=0, editable=False)
    events_head = models.CharField(max_length=64, blank=True, editable=False)
    # The collective case this one is negotiated in, with the other consumers' cases against
    # the same merchant for the same problem (odr.services.collective); each keeps its own
    # state, settlement and outcome.
    collective = models.ForeignKey(
        "CollectiveCase",
        verbose_name=_("collective case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["deadline_at", "pk"]
        # Acting on a case (the admin's buttons and actions, which call odr.services) is its own
        # permission: mediators have it without "change", so no admin form edits a case directly.
        permissions = [("mediate_case", _("Can act on cases as a mediator"))]
        indexes = [
            # The sweep reads only open cases by deadline: a partial index keeps it small.
            models.Index(
                fields=["deadline_at"],
                name="odr_case_open_deadline_idx",
                condition=models.Q(deadline_at__isnull=False),
            ),
            models.Index(fields=["state", "deadline_at"]),
            # The mediators' queue lists every case in this order (closed ones, without a
            # deadline, last): its first page is read from the index instead of sorting them all.
            models.Index(fields=["deadline_at", "id"], name="odr_case_queue_idx"),
            models.Index(fields=["mediator", "state"]),
            models.Index(fields=["outcome", "closed_at"]),
            # The desk's counts of open cases (odr.selectors.desk_counts) are read from this
            # index alone (an index-only scan) rather than from every case's row.
            models.Index(
                fields=["state", "mediator", "deadline_at"],
                include=["id", "awaiting_consumer_info"],
                name="odr_case_desk_counts_idx",
                condition=models.Q(state__in=sorted(OPEN_STATES)),
            ),
            # The dashboard's cases opened per day of the last week.
            models.Index(fields=["created_at"], name="odr_case_created_idx"),
        ]

    def __str__(self) -> str:
        return self.complaint.reference or f"case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CollectiveCase(models.Model):
    """Several consumers' cases against one merchant for one cause, negotiated as one.

    A mediator makes it from cases the suggestions group (odr.selectors.collective_suggestions),
    with a lead case; consumers whose case matches may join it. The merchant answers and offers
    to the group once (odr.services.collective_offer), and each consumer accepts or refuses
    their own settlement: every member case keeps its own state, settlement, payment and
    outcome, so credit counts each consumer's case once."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="collective_cases", editable=False
    )
    category = models.CharField(
        _("what went wrong"), max_length=30, choices=Category, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    lead = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="leads_collective", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collective case")
        verbose_name_plural = _("collective cases")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["merchant", "category"])]

    def __str__(self) -> str:
        return self.reference


class CaseEvent(AppendOnlyModel):
    """Append-only audit row: who moved the case, when, from where to where, and why.

    Never changed or deleted (the model, the admin and, on PostgreSQL, a trigger refuse it) and
    hash-chained per case: ``seq`` numbers the case's events 1, 2, 3 ..., ``prev_hash`` is the
    hash of the event before, ``hash`` covers this row (odr.integrity.CASE_EVENTS).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the system acted (a deadline passed)."),
    )
    from_state = models.CharField(max_length=20, choices=CaseState, blank=True)
    to_state = models.CharField(max_length=20, choices=CaseState, blank=True)
    note = models.TextField(blank=True)
    # SHA-256 of the note as written: the chain covers it, so erasure may blank the note.
    note_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    data = models.JSONField(default=dict, blank=True)
    # Set when the row is built (not on save, as auto_now_add would), because the hash covers it.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    seq = models.PositiveIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    # Free text that privacy erasure may blank (AppendOnlyQuerySet.redact); nothing else changes.
    redactable_fields = ("note",)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "created_at", "pk"]
        # Only "view": nobody can be given the right to add, change or delete an event.
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.kind}"


class Party(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    MERCHANT = "merchant", _("Merchant")
    MEDIATOR = "mediator", _("Mediator")


class Message(models.Model):
    """A message in the case thread; internal notes are seen by mediators only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    party = models.CharField(max_length=20, choices=Party)
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("internal note"), default=False)
    attachment = models.ForeignKey(
        EvidenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["case", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} message {self.pk}"


class Offer(models.Model):
    """An offer or counter-offer, or a mediator's settlement proposal."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        PARTIAL_REFUND = "partial_refund", _("Partial refund")
        REPLACEMENT = "replacement", _("Replacement")
        REPAIR = "repair", _("Repair")
        COMPENSATION = "compensation", _("Compensation")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Superseded")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="offers")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(max_length=20, choices=Party)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    terms = models.TextField(_("terms"), blank=True)
    state = models.CharField(max_length=20, choices=State, default=State.OPEN)
    # Who pays if this offer is accepted. For a party's offer it is the merchant that party
    # speaks for; a mediator's proposal may have the platform pay in advance and recover the
    # amount from the merchant.
    payer = models.CharField(_("who pays"), max_length=30, blank=True)
    payer_merchant = models.ForeignKey(
        Merchant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paying merchant or platform"),
    )
    recovered_from = models.ForeignKey(
        Merchant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recovered from"),
    )
    # A mediator's proposal needs both parties' acceptance.
    consumer_accepted_at = models.DateTimeField(null=True, blank=True)
    merchant_accepted_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["case", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="offer_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} offer {self.pk}"


class Settlement(models.Model):
    """What was agreed, who pays, by when, and whether the consumer confirmed payment."""

    class Payer(models.TextChoices):
        MERCHANT = "merchant", _("The merchant")
        PLATFORM_IN_ADVANCE = (
            "platform_in_advance",
            _("The platform, in advance (recovered from the merchant)"),
        )

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="settlement")
    offer = models.OneToOneField(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="settlement"
    )
    terms = models.TextField(_("terms"))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    payer = models.CharField(_("who pays"), max_length=30, choices=Payer, default=Payer.MERCHANT)
    payer_merchant = models.ForeignKey(
        Merchant, null=True, blank=True, on_delete=models.PROTECT, related_name="settlements_paid"
    )
    recovered_from = models.ForeignKey(
        Merchant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlements_recovered",
    )
    due_at = models.DateTimeField(_("due by"))
    paid_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.case} settlement"


class Notification(models.Model):
    """An in-app notice for a user; the matching e-mail goes out through a Celery task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.text


class CaseRating(models.Model):
    """The consumer's rating (1-5) of how a closed case was handled; asked once."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case rating")
        verbose_name_plural = _("case ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="case_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.score}/5"

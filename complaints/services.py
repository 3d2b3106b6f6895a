"""Every change to complaints: drafts saved step by step, respondents, evidence, submission and
the linking of named respondents by mediators."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.emails import send_templated_email
from core.money import check_amount_bound
from core.queue import enqueue_on_commit
from core.text import clean_text
from core.uploads import EVIDENCE_TYPES, UploadRejected, check_upload

from .models import (
    RIGHT_FOR_CATEGORY,
    Complaint,
    EvidenceItem,
    HoldDecision,
    PseudonymisedReason,
    Respondent,
)
from .respondents import Party, propose_respondents
from .selectors import flood_hold_reason, missing_steps
from .steps import STEP_TITLES, STEPS

logger = logging.getLogger(__name__)

# What each step may write: a step never touches another step's fields.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "purchase": (
        "purchase_mode",
        "shop_url",
        "shop_name",
        "platform_name",
        "agent_name",
        "order_number",
        "order_date",
        "item_description",
        "amount",
        "currency",
        "payment_method",
        "consumer_country",
        "delivery",
        "delivery_date",
        "seller_informed",
        "goods_exception",
    ),
    "problem": ("category", "description"),
    "remedy": ("remedy", "remedy_amount", "remedy_details"),
    "respondents": (),
    "evidence": (),
    "review": (),
}

# A written statement longer than this is a document: it belongs in a file.
MAX_STATEMENT_CHARS = 20_000


class ComplaintAlreadySubmitted(Exception):
    """The draft was submitted meanwhile (another tab, a double click): nothing is changed."""

    def __init__(self, complaint: Complaint):
        super().__init__(f"Complaint {complaint.pk} is already submitted")
        self.complaint = complaint


class ComplaintNotPublishable(Exception):
    """Only a submitted complaint whose personal data were not erased may be published."""


class ComplaintIncomplete(ValidationError):
    """Submission was asked for while steps still lack what they require."""

    def __init__(self, steps: list[str]):
        super().__init__(
            _("Some steps are not complete yet: %(steps)s.")
            % {"steps": ", ".join(str(STEP_TITLES[step]) for step in steps)},
            code="incomplete",
        )
        self.steps = steps


def require_filer(user) -> None:
    """Only consumers whose e-mail address is confirmed file complaints (an account whose
    erasure was asked for is inactive, and files nothing more)."""
    if not (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == user.Role.CONSUMER
        and user.email_verified
    ):
        raise PermissionDenied(
            _("Only consumer accounts with a confirmed e-mail address can file complaints.")
        )


def _locked_draft(complaint: Complaint, consumer) -> Complaint:
    # The row lock serialises two tabs saving steps of one draft, and a save racing a submit.
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk, consumer=consumer)
    if locked.status != Complaint.Status.DRAFT:
        raise ComplaintAlreadySubmitted(locked)
    return locked


def _advance(complaint: Complaint, step: str) -> None:
    """Move draft_step to the step after ``step`` unless the consumer already got further."""
    following = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
    current = complaint.draft_step if complaint.draft_step in STEPS else STEPS[0]
    if STEPS.index(following) > STEPS.index(current):
        complaint.draft_step = following


@transaction.atomic
def complaint_start(*, consumer, public_id: uuid.UUID, data: Mapping) -> Complaint:
    """Create the draft named by the form's token with its purchase step.

    The token rendered into the first step's form is the draft's public_id, so posting that form
    twice (a double click, a refresh) saves the same draft instead of creating a second one.
    A token that names another consumer's complaint raises Complaint.DoesNotExist.
    """
    require_filer(consumer)
    # get_or_create retries the read when a concurrent request inserted the same token first.
    complaint, _created = Complaint.objects.get_or_create(
        public_id=public_id, defaults={"consumer": consumer}
    )
    if complaint.consumer_id != consumer.pk:
        raise Complaint.DoesNotExist
    if complaint.status != Complaint.Status.DRAFT:
        return complaint
    return complaint_save_step(complaint=complaint, consumer=consumer, step="purchase", data=data)


@transaction.atomic
def complaint_save_step(*, complaint: Complaint, consumer, step: str, data: Mapping) -> Complaint:
    """Save one step of a draft (only that step's fields) and remember where to continue."""
    if step not in STEP_FIELDS:
        raise ValueError(f"Unknown step {step!r}")
    complaint = _locked_draft(complaint, consumer)
    changed = {"draft_step", "updated_at"}
    old_mode = complaint.purchase_mode
    for field in STEP_FIELDS[step]:
        if field in data:
            setattr(complaint, field, data[field])
            changed.add(field)
    if step == "problem" and complaint.category:
        complaint.right_at_stake = RIGHT_FOR_CATEGORY[complaint.category]
        changed.add("right_at_stake")
    _advance(complaint, step)
    if step == "purchase" and old_mode and old_mode != complaint.purchase_mode:
        # Who answers depends on how the consumer bought: the old proposal no longer holds.
        complaint.respondents.all().delete()
        if STEPS.index(complaint.draft_step) > STEPS.index("respondents"):
            complaint.draft_step = "respondents"
    complaint.save(update_fields=sorted(changed))
    return complaint


@transaction.atomic
def complaint_set_respondents(
    *, complaint: Complaint, consumer, seller: Party, agent: Party, platform: Party
) -> list[Respondent]:
    """Apply the respondent rule to the parties the consumer chose or named, and keep its
    proposal as the draft's respondents (replacing the previous proposal)."""
    complaint = _locked_draft(complaint, consumer)
    if not complaint.purchase_mode:
        raise ComplaintIncomplete(["purchase"])
    proposed = propose_respondents(
        purchase_mode=complaint.purchase_mode, seller=seller, agent=agent, platform=platform
    )
    complaint.respondents.all().delete()
    respondents = Respondent.objects.bulk_create(
        Respondent(
            complaint=complaint,
            role=p.role,
            merchant=p.party.merchant,
            # A named party is kept exactly as the consumer gave it, for a mediator to link.
            named_name="" if p.party.merchant else p.party.name.strip(),
            named_url="" if p.party.merchant else p.party.url.strip(),
            **(
                {}
                if p.party.merchant
                else Respondent.named_keys(p.party.name.strip(), p.party.url.strip())
            ),
            reason=p.reason,
            # The consumer chose the others; the platform is added by the rule alone.
            added_by_rule=p.role == Respondent.Role.PLATFORM_OPERATOR,
        )
        for p in proposed
    )
    # The marketplace chosen from the directory, answering or not (Complaint.platform_merchant);
    # the purchase step's fields, the typed platform name among them, stay as that step saved
    # them.
    complaint.platform_merchant = platform.merchant
    _advance(complaint, "respondents")
    complaint.save(update_fields=["draft_step", "platform_merchant", "updated_at"])
    return respondents


def _lock_complaint(complaint: Complaint) -> Complaint:
    # Serialises additions to one complaint so that two uploads cannot both pass the total limit.
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def evidence_add_file(*, complaint: Complaint, upload, submitted_by) -> EvidenceItem:
    """Check one uploaded file and add it to the complaint's evidence.

    Raises UploadRejected (its message names the file and the reason) for a file that is empty,
    too large, of a type not accepted (judged from its content), hostile in its name, or that
    would take the complaint's evidence over its total limit. The caller has checked that
    ``submitted_by`` may add evidence to this complaint.
    """
    checked = check_upload(
        upload,
        max_bytes=settings.REDRESS_EVIDENCE_MAX_FILE_BYTES,
        allowed_types=EVIDENCE_TYPES,
    )
    complaint = _lock_complaint(complaint)
    limit = settings.REDRESS_EVIDENCE_MAX_COMPLAINT_BYTES
    used = complaint.evidence.aggregate(total=Sum("size"))["total"] or 0
    if used + checked.size > limit:
        raise UploadRejected(
            _("%(file)s was refused: the evidence of one complaint is limited to %(limit)s MB.")
            % {"file": checked.label, "limit": f"{limit / 1_000_000:g}"},
            code="upload_refused",
        )
    item = EvidenceItem(
        complaint=complaint,
        kind=EvidenceItem.Kind.FILE,
        label=checked.label,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        received_sha256=checked.received_sha256,
        metadata_removed=checked.metadata_removed,
        submitted_by=submitted_by,
    )
    # The stored name is random (EvidenceItem's upload_to); the label is only shown.
    item.file.save(checked.label, checked.content, save=False)
    item.save()
    return item


def clean_statement(text: str) -> str:
    """The statement as it will be stored and hashed; ValidationError when empty or too long."""
    cleaned = clean_text(text or "", multiline=True).strip()
    if not cleaned:
        raise ValidationError(_("Write the statement first."), code="empty")
    if len(cleaned) > MAX_STATEMENT_CHARS:
        raise ValidationError(
            _("A statement has at most %(max)s characters; add longer texts as a file.")
            % {"max": MAX_STATEMENT_CHARS},
            code="too_long",
        )
    return cleaned


@transaction.atomic
def evidence_add_statement(*, complaint: Complaint, text: str, submitted_by) -> EvidenceItem:
    """Add a written statement; its SHA-256 is that of its UTF-8 text as stored."""
    cleaned = clean_statement(text)
    complaint = _lock_complaint(complaint)
    encoded = cleaned.encode("utf-8")
    digest = hashlib.sha256(encoded).hexdigest()
    return EvidenceItem.objects.create(
        complaint=complaint,
        kind=EvidenceItem.Kind.STATEMENT,
        text=cleaned,
        size=len(encoded),
        sha256=digest,
        # What was typed, once its line endings and outer blanks are tidied, is what is stored.
        received_sha256=digest,
        submitted_by=submitted_by,
    )


@transaction.atomic
def evidence_add_listing(
    *, complaint: Complaint, url: str, text: str, submitted_by
) -> EvidenceItem:
    """Add "the listing as I saw it": its link (if given) and the text the consumer pasted,
    stored as one text, hashed like a statement (SHA-256 of the UTF-8 text), with the time it
    was added."""
    cleaned = clean_statement(text)
    url = (url or "").strip()
    stored = f"{url}\n\n{cleaned}" if url else cleaned
    complaint = _lock_complaint(complaint)
    encoded = stored.encode("utf-8")
    digest = hashlib.sha256(encoded).hexdigest()
    return EvidenceItem.objects.create(
        complaint=complaint,
        kind=EvidenceItem.Kind.LISTING,
        text=stored,
        size=len(encoded),
        sha256=digest,
        received_sha256=digest,
        submitted_by=submitted_by,
    )


@transaction.atomic
def evidence_remove(*, complaint: Complaint, item_id: int, consumer) -> None:
    """Remove an item from a draft's evidence. After submission nothing is ever removed:
    raises ComplaintAlreadySubmitted."""
    complaint = _locked_draft(complaint, consumer)
    item = complaint.evidence.get(pk=item_id)
    storage, name = item.file.storage, item.file.name
    item.delete()
    if name:
        # The file goes only once the row is gone for good; a rollback keeps both.
        transaction.on_commit(lambda: storage.delete(name))


def reference_for(complaint_pk: int, when) -> str:
    """RD-<year>-<6 digits>, derived from the primary key: unique with no counter to race on.

    The year is that of the site's zone (TIME_ZONE), not the zone of whoever is viewing, so
    it does not depend on where the consumer submitted from."""
    year = timezone.localtime(when, timezone.get_default_timezone()).year
    return f"RD-{year}-{complaint_pk:06d}"


def _language_code(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    candidate = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    return candidate if candidate in codes else settings.LANGUAGE_CODE


@transaction.atomic
def complaint_submit(
    *,
    complaint: Complaint,
    consumer,
    consent: bool,
    language: str | None = None,
    publish: bool = False,
    publish_narrative: bool = False,
) -> Complaint:
    """Submit a draft: give it its reference, tell the consumer, and ask ODR to open the case.

    Idempotent: a complaint already submitted (refresh, double click, a second tab) is
    returned as it is, with no second e-mail and no second case. ``language`` is the language
    the complaint was written in (the page's language by default).
    """
    require_filer(consumer)
    # The consumer's row first: one consumer's submissions then happen one at a time (so the
    # flooding count below is exact), and an erasure request, which locks the same row, either
    # sees this complaint or makes this submission see the account closed (checked again).
    consumer = get_user_model().objects.select_for_update().get(pk=consumer.pk)
    require_filer(consumer)
    # Then the complaint: a second submit waits here and then sees the first one's result.
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk, consumer=consumer)
    if complaint.status == Complaint.Status.SUBMITTED:
        return complaint
    if not consent:
        raise ValidationError(
            _("Please agree to share the complaint with the respondents and the mediators."),
            code="consent",
        )
    _check_publication_choice(publish, publish_narrative)
    missing = missing_steps(complaint)
    if missing:
        raise ComplaintIncomplete(missing)
    # Checked here too, not only by the remedy step's form: the amount paid may have been
    # lowered in the purchase step after the claim was written.
    check_amount_bound(
        complaint.remedy_amount,
        kind=complaint.remedy,
        paid=complaint.amount,
        currency=complaint.currency,
    )

    now = timezone.now()
    held_reason = flood_hold_reason(complaint, consumer=consumer, now=now)
    values = {
        "held_reason": held_reason,
        "held_at": now if held_reason else None,
        "status": Complaint.Status.SUBMITTED,
        "reference": reference_for(complaint.pk, now),
        "submitted_at": now,
        "consent_at": now,
        "publish_consent_at": now if publish else None,
        "publish_narrative_consent_at": now if publish_narrative else None,
        "right_at_stake": RIGHT_FOR_CATEGORY[complaint.category],
        "language": _language_code(language),
        "draft_step": "review",
        "updated_at": now,
    }
    # The status condition makes the claim safe even where select_for_update is a no-op
    # (SQLite): only one transaction turns this draft into a submitted complaint.
    if not Complaint.objects.filter(pk=complaint.pk, status=Complaint.Status.DRAFT).update(
        **values
    ):
        return Complaint.objects.get(pk=complaint.pk)
    for field, value in values.items():
        setattr(complaint, field, value)

    with translation.override(consumer.preferred_language):
        path = reverse("complaints:detail", kwargs={"public_id": complaint.public_id})
    send_templated_email(
        to=consumer.email,
        template="complaints/email/submitted",
        context={
            "user_name": consumer.get_short_name(),
            "reference": complaint.reference,
            "item": complaint.item_description,
            "path": path,
        },
        language=consumer.preferred_language,
    )
    enqueue_on_commit("odr.tasks.open_case", complaint.pk)
    return complaint


def _check_publication_choice(publish: bool, publish_narrative: bool) -> None:
    if publish_narrative and not publish:
        raise ValidationError(
            _("To publish what happened in your own words, also agree to publish the complaint."),
            code="narrative_without_complaint",
        )


@transaction.atomic
def complaint_set_publication(
    *, complaint: Complaint, consumer, publish: bool, publish_narrative: bool
) -> Complaint:
    """The consumer's choice about the open complaint data, changed after submission.

    A consent already given keeps its time; a withdrawn one is cleared, and the open data
    (transparency) is told after commit, which removes the entry or its narrative from the
    page, the API and the exports. Its public queries check the consent as well, so nothing
    withdrawn is shown even before that task runs."""
    _check_publication_choice(publish, publish_narrative)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk, consumer=consumer)
    if complaint.status != Complaint.Status.SUBMITTED or complaint.pseudonymised_at:
        raise ComplaintNotPublishable
    now = timezone.now()
    complaint.publish_consent_at = (complaint.publish_consent_at or now) if publish else None
    complaint.publish_narrative_consent_at = (
        (complaint.publish_narrative_consent_at or now) if publish_narrative else None
    )
    complaint.save(update_fields=["publish_consent_at", "publish_narrative_consent_at"])
    enqueue_on_commit("transparency.tasks.refresh_open_complaint", complaint.pk)
    return complaint


@transaction.atomic
def respondent_link(*, respondent: Respondent, merchant, by) -> Respondent:
    """Link a respondent (usually one the consumer could only name) to a directory merchant.

    The name and link the consumer gave are kept beside the link, as given. Once linked, the
    merchant's representatives see the complaint and its outcome counts in its credit.
    """
    respondent = (
        Respondent.objects.select_for_update().select_related("complaint").get(pk=respondent.pk)
    )
    previous = respondent.merchant_id
    respondent.merchant = merchant
    respondent.linked_by = by
    respondent.linked_at = timezone.now()
    respondent.save(update_fields=["merchant", "linked_by", "linked_at"])
    if respondent.complaint.status == Complaint.Status.SUBMITTED:
        affected = sorted({merchant.pk} | ({previous} if previous else set()))
        enqueue_on_commit("credit.tasks.recompute_merchants", affected)
        if respondent.complaint.publish_consent_at:
            # The open complaint data name the merchant now linked (transparency).
            enqueue_on_commit("transparency.tasks.refresh_open_complaint", respondent.complaint_id)
    return respondent


# --- held complaints (flooding) -------------------------------------------------------------


@transaction.atomic
def complaint_decide_hold(*, complaint_id: int, decision: str, by, now=None) -> Complaint:
    """A mediator's decision on a held complaint: accepted, it counts like any other from now
    on; rejected, it never counts. Called by the ODR screening (odr.services.case_accept and
    case_reject) in their transaction, so the decision and the move are one change. A
    complaint that is not held, or already decided, is left as it is."""
    if decision not in HoldDecision.values:
        raise ValueError(f"Unknown hold decision {decision!r}")
    complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    if complaint.held_at is None or complaint.hold_decision:
        return complaint
    complaint.hold_decision = decision
    complaint.hold_decided_at = now or timezone.now()
    complaint.hold_decided_by = by
    complaint.save(update_fields=["hold_decision", "hold_decided_at", "hold_decided_by"])
    return complaint


# --- erasure and retention --------------------------------------------------------------

# What identifies the consumer in a complaint: the order (its number and date lead back to
# them at the merchant) and everything they wrote. What the merchant's credit and statistics
# rest on stays: who the respondents are, the category, the amount and currency.
PSEUDONYMISED_BLANK_FIELDS = ("order_number", "item_description", "description", "remedy_details")


def _delete_files_on_commit(storage, names: list[str]) -> None:
    # Only once the rows are committed: a rollback keeps the files and the rows together.
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def complaint_pseudonymise(*, complaint_id: int, reason: str, now=None) -> bool:
    """Erase the personal data of a submitted complaint and of its evidence; idempotent
    (False when it was already done). The caller (odr.services.case_pseudonymise) has checked
    that its case is closed. Evidence files leave the storage after commit, by a task."""
    if reason not in PseudonymisedReason.values:
        raise ValueError(f"Unknown reason {reason!r}")
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    if complaint.pseudonymised_at is not None:
        return False
    for field in PSEUDONYMISED_BLANK_FIELDS:
        setattr(complaint, field, "")
    complaint.order_date = None
    complaint.pseudonymised_at = now
    complaint.pseudonymised_reason = reason
    complaint.save(
        update_fields=[
            *PSEUDONYMISED_BLANK_FIELDS,
            "order_date",
            "pseudonymised_at",
            "pseudonymised_reason",
            "updated_at",
        ]
    )
    erased = EvidenceItem.objects.filter(complaint=complaint, erased_at__isnull=True).update(
        erased_at=now, label="", text=""
    )
    if erased:
        enqueue_on_commit("complaints.tasks.delete_erased_evidence_files", complaint.pk)
    return True


def evidence_delete_erased_files(*, complaint_id: int | None = None) -> int:
    """Delete from storage the files of erased evidence that still have one (of one complaint,
    or of all); returns how many went. Each file's name is cleared only after its deletion
    succeeded: a storage that fails (S3 unreachable, say) is logged and keeps the name for the
    next run, and the daily retention sweep runs this for every complaint."""
    items = EvidenceItem.objects.filter(erased_at__isnull=False).exclude(file="")
    if complaint_id is not None:
        items = items.filter(complaint_id=complaint_id)
    storage = EvidenceItem._meta.get_field("file").storage
    deleted = 0
    for pk, name in items.values_list("pk", "file").iterator():
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the file of erased evidence %s", pk)
            continue
        EvidenceItem.objects.filter(pk=pk, file=name).update(file="")
        deleted += 1
    return deleted


@transaction.atomic
def complaint_delete_drafts(*, consumer) -> int:
    """Delete the consumer's unsubmitted drafts with their evidence (an erasure: a draft never
    reached anyone and counts for nothing). Returns how many were deleted."""
    drafts = list(
        Complaint.objects.select_for_update().filter(
            consumer=consumer, status=Complaint.Status.DRAFT
        )
    )
    if not drafts:
        return 0
    items = EvidenceItem.objects.filter(complaint__in=drafts)
    names = [name for name in items.values_list("file", flat=True) if name]
    items.delete()
    Complaint.objects.filter(pk__in=[d.pk for d in drafts]).delete()
    _delete_files_on_commit(EvidenceItem._meta.get_field("file").storage, names)
    return len(drafts)

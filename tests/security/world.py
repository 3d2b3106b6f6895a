"""One of everything, made the way production makes it, for tests that visit every URL.

A complaint of consumer A against a merchant in negotiation (an open offer, file evidence, a
notification), a draft of A's with a removable file, a verification document, a pending
disclosure proposal, credit, API keys (one revoked), webhooks, and a row for every other model
the admin shows, so that every URL with an id in it points at a real object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import PrivacyRequest
from complaints.models import Complaint, EvidenceItem
from complaints.services import evidence_add_file
from merchants.models import DisclosureProposal, VerificationDocument
from odr.models import Case, CaseRating, CaseState, Notification, Offer
from tests.factories import (
    ComplaintFactory,
    MerchantRepresentativeFactory,
    SettlementFactory,
    ShopFactory,
    UserFactory,
)
from tests.odr.builders import build

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

ROLES = (
    "anonymous",
    "consumer_a",
    "consumer_b",
    "respondent_rep",
    "other_rep",
    "mediator",
    "superuser",
    "platform_key",
    "revoked_key",
)


@dataclass
class World:
    users: dict
    keys: dict  # role -> API key secret
    complaint: Complaint  # submitted, A's, naming the respondent merchant
    case: Case  # in negotiation
    offer: Offer  # the merchant's open offer
    evidence: EvidenceItem  # a file of the submitted complaint
    draft: Complaint  # A's draft
    draft_evidence: EvidenceItem  # a file of the draft
    email_evidence: EvidenceItem  # an HTML e-mail of the submitted complaint
    merchant: object  # the respondent
    other_merchant: object
    document: VerificationDocument
    notification: Notification  # one of A's
    extra: dict = field(default_factory=dict)

    def client_for(self, role: str, **client_kwargs) -> Client:
        """A test client as this role: a session for people, an X-Api-Key header for keys."""
        if role in self.keys:
            return Client(HTTP_X_API_KEY=self.keys[role], **client_kwargs)
        client = Client(**client_kwargs)
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def build_world(*, mediator, superuser) -> World:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from credit.models import WebhookDelivery, WebhookEndpoint
    from credit.services import api_key_create, api_key_revoke, credit_recompute
    from merchants.services import document_upload

    w = build(CaseState.NEGOTIATION, mediator)
    consumer_a, rep = w.consumer, w.rep
    evidence = evidence_add_file(
        complaint=w.case.complaint,
        upload=SimpleUploadedFile("receipt.pdf", PDF),
        submitted_by=consumer_a,
    )
    email_evidence = evidence_add_file(
        complaint=w.case.complaint,
        upload=SimpleUploadedFile(
            "order.eml",
            b"From: shop@example.test\nContent-Type: text/html\n\n<p>Shipped</p>\n",
        ),
        submitted_by=consumer_a,
    )
    draft = ComplaintFactory(consumer=consumer_a)
    draft_evidence = evidence_add_file(
        complaint=draft, upload=SimpleUploadedFile("draft.pdf", PDF), submitted_by=consumer_a
    )
    other = MerchantRepresentativeFactory()
    shop = ShopFactory(merchant=w.merchant, platform=None)
    document = document_upload(
        merchant_id=w.merchant.pk,
        user=rep,
        kind="business_licence",
        uploaded=SimpleUploadedFile("licence.pdf", PDF),
    )
    DisclosureProposal.objects.create(
        merchant=w.merchant, proposed_by=rep, data={"website": "https://new.example.test"}
    )
    notification = Notification.objects.filter(user=consumer_a).first()
    if notification is None:  # the services notify on every step; this is only a safety net
        notification = Notification.objects.create(user=consumer_a, case=w.case, kind="x")

    platform = UserFactory(role="platform_client")
    _key, secret = api_key_create(client=platform, name="matrix", created_by=None)
    revoked, revoked_secret = api_key_create(client=platform, name="revoked", created_by=None)
    api_key_revoke(api_key_id=revoked.pk)
    endpoint = WebhookEndpoint.objects.create(client=platform, url="https://hooks.example.test/")
    WebhookDelivery.objects.create(endpoint=endpoint, event="merchant.grade_changed", payload={})
    settlement = SettlementFactory()
    CaseRating.objects.create(case=settlement.case, score=4)
    credit_recompute()
    PrivacyRequest.objects.create(
        user=consumer_a, kind=PrivacyRequest.Kind.EXPORT, requested_at=timezone.now()
    )
    attempt = {"username": "x@example.test", "ip_address": "127.0.0.1", "user_agent": "t"}
    AccessAttempt.objects.create(
        **attempt, http_accept="*/*", path_info="/accounts/login/", failures_since_start=1
    )
    AccessLog.objects.create(**attempt, http_accept="*/*", path_info="/accounts/login/")
    AccessFailureLog.objects.create(
        **attempt, http_accept="*/*", path_info="/accounts/login/", locked_out=False
    )

    from credit.models import PlatformAccessRequest

    PlatformAccessRequest.objects.create(
        user=UserFactory(role="consumer"),
        organisation="Matrix Marketplace",
        website="https://market.example.test/",
        contact_name="Ana Platform",
        contact_email="ana@market.example.test",
        intended_use="Show sellers' grades at checkout.",
    )
    # A referred case of A's, sent to a body with its signed dossier.
    from referrals.models import ReferralBody
    from referrals.services import referral_create

    referred = build(CaseState.REFERRED, mediator, consumer=consumer_a)
    referral = referral_create(
        case_id=referred.case.pk,
        body_id=ReferralBody.objects.get(name="econsumer.gov").pk,
        mediator=mediator,
        covering_letter="Dear Sir or Madam, we refer this case.",
    )

    # A collective case of B's two cases against another merchant (A's case is not in it).
    from odr.models import CollectiveCase

    first = build(CaseState.NEGOTIATION, mediator)
    CollectiveCase.objects.create(
        reference="GR-2026-000001",
        merchant=first.merchant,
        category=first.case.complaint.category,
        title="Not delivered",
        lead=first.case,
        created_by=mediator,
    )
    # A's case in the open complaint data, with a narrative waiting for a mediator.
    from transparency.models import NarrativeReview, OpenComplaint

    today = timezone.localdate()
    open_entry = OpenComplaint.objects.create(
        complaint=referred.case.complaint,
        published_at=timezone.now(),
        refreshed_at=timezone.now(),
        submitted_on=today,
        category="non_delivery",
    )
    Complaint.objects.filter(pk=referred.case.complaint_id).update(
        publish_consent_at=timezone.now()
    )
    NarrativeReview.objects.create(
        complaint=referred.case.complaint, scrubbed_text="The parcel never came, [[EMAIL]]."
    )

    return World(
        users={
            "consumer_a": consumer_a,
            "consumer_b": UserFactory(role="consumer"),
            "respondent_rep": rep,
            "other_rep": other.user,
            "mediator": mediator,
            "superuser": superuser,
        },
        keys={"platform_key": secret, "revoked_key": revoked_secret},
        complaint=w.case.complaint,
        case=w.case,
        offer=w.offer,
        evidence=evidence,
        draft=draft,
        draft_evidence=draft_evidence,
        email_evidence=email_evidence,
        merchant=w.merchant,
        other_merchant=other.merchant,
        document=document,
        notification=notification,
        extra={"shop": shop, "referral": referral, "open_entry": open_entry},
    )

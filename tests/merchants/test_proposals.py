"""Representatives propose disclosure changes; staff approve (a new version) or reject (a note)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from merchants import services
from merchants.models import DisclosureProposal, DisclosureVersion, VerificationState
from tests.factories import MerchantFactory, MerchantRepresentativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _submit(merchant, user, **data):
    return services.proposal_submit(merchant_id=merchant.pk, user=user, data=data)


def test_a_representative_proposes_only_what_differs(merchant, representative):
    proposal = _submit(
        merchant,
        representative,
        legal_name=merchant.legal_name,
        contact_phone="+49 40 1234 5678",
    )

    assert proposal.state == DisclosureProposal.State.PENDING
    assert proposal.data == {"contact_phone": "+49 40 1234 5678"}
    assert proposal.proposed_by == representative


def test_a_proposal_changes_nothing_public_until_approved(merchant, representative):
    _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    merchant.refresh_from_db()
    assert merchant.contact_phone == ""
    assert merchant.disclosure_version == 1


def test_approval_makes_a_new_version_from_the_proposal(
    merchant, representative, mediator, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    with django_capture_on_commit_callbacks(execute=True):
        version = services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator, note="ok")

    merchant.refresh_from_db()
    proposal.refresh_from_db()
    assert version.source == DisclosureVersion.Source.PROPOSAL
    assert version.proposal == proposal
    assert version.created_by == mediator
    assert version.changes == {"contact_phone": ["", "+49 40 1234 5678"]}
    assert merchant.contact_phone == "+49 40 1234 5678"
    assert (proposal.state, proposal.reviewed_by, proposal.review_note) == (
        "approved",
        mediator,
        "ok",
    )
    assert proposal.reviewed_at is not None
    assert [m.to for m in mailoutbox] == [[representative.email]]
    assert "approved" in mailoutbox[0].subject


def test_rejection_keeps_the_disclosure_and_tells_the_representative_why(
    merchant, representative, mediator, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = _submit(merchant, representative, legal_name="Something Else GmbH")

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal_id=proposal.pk, reviewer=mediator, note="Not what the licence says."
        )

    merchant.refresh_from_db()
    proposal.refresh_from_db()
    assert merchant.legal_name != "Something Else GmbH"
    assert merchant.versions.count() == 1
    assert proposal.state == DisclosureProposal.State.REJECTED
    assert "Not what the licence says." in mailoutbox[0].body


def test_rejection_needs_a_note(merchant, representative, mediator):
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    with pytest.raises(ValidationError):
        services.proposal_reject(proposal_id=proposal.pk, reviewer=mediator, note="  ")
    proposal.refresh_from_db()
    assert proposal.state == DisclosureProposal.State.PENDING


def test_a_proposal_is_reviewed_once(merchant, representative, mediator):
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")
    services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator)

    with pytest.raises(services.ProposalAlreadyReviewed):
        services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator)
    with pytest.raises(services.ProposalAlreadyReviewed):
        services.proposal_reject(proposal_id=proposal.pk, reviewer=mediator, note="late")
    assert merchant.versions.count() == 2


def test_a_representative_of_another_merchant_cannot_propose(merchant):
    stranger = MerchantRepresentativeFactory().user  # represents some other merchant

    with pytest.raises(PermissionDenied):
        _submit(merchant, stranger, contact_phone="+49 40 1234 5678")
    assert not DisclosureProposal.objects.exists()


def test_a_consumer_cannot_propose(merchant, consumer):
    with pytest.raises(PermissionDenied):
        _submit(merchant, consumer, contact_phone="+49 40 1234 5678")


@pytest.mark.parametrize(
    ("language", "proposing", "reviewing"),
    [
        (
            "en",
            "Only a representative of this merchant can propose changes.",
            "Only staff can do this.",
        ),
        ("zh-hans", "只有该商家的代表才能提议修改。", "只有工作人员才能进行此操作。"),
    ],
    ids=["en", "zh-hans"],
)
def test_a_refusal_says_why_in_the_readers_language(
    merchant, representative, consumer, language, proposing, reviewing
):
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    with translation.override(language):
        with pytest.raises(PermissionDenied) as refused_proposal:
            _submit(merchant, consumer, contact_phone="+49 40 8765 4321")
        with pytest.raises(PermissionDenied) as refused_review:
            services.proposal_approve(proposal_id=proposal.pk, reviewer=representative)

    assert str(refused_proposal.value) == proposing
    assert str(refused_review.value) == reviewing


def test_representatives_cannot_review_proposals(merchant, representative):
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal_id=proposal.pk, reviewer=representative)
    with pytest.raises(PermissionDenied):
        services.proposal_reject(proposal_id=proposal.pk, reviewer=representative, note="mine")
    proposal.refresh_from_db()
    assert proposal.state == DisclosureProposal.State.PENDING


def test_a_proposal_that_changes_nothing_is_refused(merchant, representative):
    with pytest.raises(ValidationError) as raised:
        _submit(merchant, representative, legal_name=merchant.legal_name)

    assert raised.value.code == "unchanged"


def test_a_second_proposal_waits_for_the_first_to_be_reviewed(merchant, representative):
    _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    with pytest.raises(ValidationError) as raised:
        _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    assert raised.value.code == "pending"
    assert DisclosureProposal.objects.count() == 1


def test_bad_values_in_a_proposal_are_field_errors(merchant, representative):
    with pytest.raises(ValidationError) as raised:
        _submit(merchant, representative, country="XX", registration_number="12#3")

    assert set(raised.value.message_dict) == {"country", "registration_number"}
    assert not DisclosureProposal.objects.exists()


def test_approval_revalidates_against_the_disclosure_of_today(merchant, representative, mediator):
    proposal = _submit(merchant, representative, registration_number="HRB 999999")
    MerchantFactory(registration_number="HRB-999999", country=merchant.country)  # registered since

    with pytest.raises(ValidationError):
        services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator)
    proposal.refresh_from_db()
    assert proposal.state == DisclosureProposal.State.PENDING


def test_approving_a_change_staff_already_made_adds_no_version(merchant, representative, mediator):
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")
    services.merchant_update(
        merchant_id=merchant.pk, actor=mediator, data={"contact_phone": "+49 40 1234 5678"}
    )

    assert services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator) is None
    proposal.refresh_from_db()
    assert proposal.state == DisclosureProposal.State.APPROVED
    assert merchant.versions.count() == 2


def test_an_approved_change_of_legal_identity_sends_a_verified_merchant_back_to_pending(
    merchant, representative, mediator
):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)
    proposal = _submit(merchant, representative, registered_address="Neue Straße 2, Hamburg")

    services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator)

    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.PENDING
    assert merchant.verified_at is None
    event = merchant.verification_events.first()
    assert (event.from_state, event.to_state, event.disclosure_version) == (
        "verified",
        "pending",
        2,
    )


def test_a_contact_change_keeps_the_verification(merchant, representative, mediator):
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")

    services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator)

    merchant.refresh_from_db()
    assert merchant.verification_state == VerificationState.VERIFIED


def test_versions_are_never_rewritten(merchant, representative, mediator):
    first = merchant.versions.values().get(number=1)
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")
    services.proposal_approve(proposal_id=proposal.pk, reviewer=mediator)
    services.merchant_update(merchant_id=merchant.pk, actor=mediator, data={"registry": "AG Kiel"})
    services.verification_verify(merchant_id=merchant.pk, reviewer=mediator)

    assert merchant.versions.values().get(number=1) == first
    assert merchant.versions.count() == 3


def test_only_staff_review(merchant, representative):
    proposal = _submit(merchant, representative, contact_phone="+49 40 1234 5678")
    not_staff = UserFactory(role="mediator", is_staff=False)

    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal_id=proposal.pk, reviewer=not_staff)

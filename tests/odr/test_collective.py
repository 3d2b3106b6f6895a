"""Collective complaints (issue 17, item 4): several consumers' cases against one merchant for
one problem are suggested to a mediator, grouped with a lead case, joined by later consumers
("Join 23 others"); the merchant answers the group once while each consumer's settlement is
accepted, paid and confirmed on their own case; credit counts each consumer's case once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints.models import Complaint
from odr import selectors, services
from odr.models import Case, CaseEvent, CollectiveCase, Offer, Settlement
from tests.factories import MerchantRepresentativeFactory, UserFactory

from .builders import new_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return MerchantRepresentativeFactory()


def _accepted(mediator, seller, **kwargs):
    w = new_world(mediator, representation=seller, **kwargs)
    services.case_accept(case_id=w.case.pk, mediator=mediator)
    w.reload()
    return w


@pytest.fixture
def three(mediator, seller):
    return [_accepted(mediator, seller) for _ in range(3)]


def test_three_open_cases_against_one_seller_for_one_problem_are_suggested(mediator, seller, three):
    other_problem = _accepted(mediator, seller)
    Complaint.objects.filter(pk=other_problem.case.complaint_id).update(category="non_delivery")
    new_world(mediator, representation=seller)  # still being screened: not suggested

    suggestions = selectors.collective_suggestions(now=timezone.now())

    assert suggestions == [
        {
            "merchant_id": seller.merchant_id,
            "category": "not_as_described",
            "cases": [w.case.pk for w in three],
        }
    ]


def test_two_cases_are_not_yet_a_suggestion(mediator, seller):
    _accepted(mediator, seller)
    _accepted(mediator, seller)

    assert selectors.collective_suggestions(now=timezone.now()) == []


def test_a_mediator_groups_the_cases_with_the_earliest_as_lead(mediator, three):
    collective = services.collective_create(
        case_ids=[w.case.pk for w in reversed(three)], mediator=mediator
    )

    assert collective.reference == f"GR-{collective.created_at.year}-{collective.pk:06d}"
    assert collective.lead_id == three[0].case.pk
    assert set(collective.members.values_list("pk", flat=True)) == {w.case.pk for w in three}
    assert CaseEvent.objects.filter(kind="collective_made").count() == 3
    assert selectors.collective_suggestions(now=timezone.now()) == []


def test_cases_against_different_merchants_are_not_grouped(mediator, seller):
    ours = _accepted(mediator, seller)
    theirs = _accepted(mediator, MerchantRepresentativeFactory())

    with pytest.raises(services.CollectiveMismatch):
        services.collective_create(case_ids=[ours.case.pk, theirs.case.pk], mediator=mediator)
    assert CollectiveCase.objects.count() == 0


def test_only_a_mediator_groups_cases(three):
    with pytest.raises(services.NotPermitted):
        services.collective_create(case_ids=[w.case.pk for w in three], mediator=three[0].rep)


def test_a_case_is_in_one_collective_case_at_most(mediator, three):
    services.collective_create(case_ids=[three[0].case.pk, three[1].case.pk], mediator=mediator)

    with pytest.raises(services.CollectiveMismatch):
        services.collective_create(case_ids=[three[1].case.pk, three[2].case.pk], mediator=mediator)


@pytest.fixture
def group(mediator, three):
    return services.collective_create(
        case_ids=[three[0].case.pk, three[1].case.pk], mediator=mediator
    )


def test_a_consumer_with_a_matching_case_is_offered_to_join_and_joins(
    client, mediator, three, group
):
    later = three[2]
    client.force_login(later.consumer)
    url = f"/cases/{later.case.complaint.reference}/"

    page = client.get(url).content.decode()
    assert "Join 2 others" in page

    response = client.post(
        url + "act/join-collective/", {"version": later.case.version, "collective": group.pk}
    )

    assert response.status_code == 302
    later.reload()
    assert later.case.collective_id == group.pk
    assert CaseEvent.objects.filter(case=later.case, kind="collective_joined").exists()
    page = client.get(url).content.decode()
    assert f"Collective case {group.reference}" in page
    assert "This case is negotiated with 2 other consumers' cases" in page


def test_a_consumer_cannot_join_a_collective_case_against_another_merchant(client, mediator, group):
    elsewhere = _accepted(mediator, MerchantRepresentativeFactory())
    client.force_login(elsewhere.consumer)
    url = f"/cases/{elsewhere.case.complaint.reference}/"

    assert "Join" not in client.get(url).content.decode()
    response = client.post(
        url + "act/join-collective/",
        {"version": elsewhere.case.version, "collective": group.pk},
        follow=True,
    )

    assert "This collective case is against another merchant or about another problem." in (
        response.content.decode()
    )
    elsewhere.reload()
    assert elsewhere.case.collective_id is None


def test_only_the_cases_consumer_joins(three, group):
    with pytest.raises(services.NotPermitted):
        services.collective_join(
            case_id=three[2].case.pk, collective_id=group.pk, consumer=UserFactory()
        )


def test_the_merchant_offers_to_the_group_once_and_each_consumer_settles_alone(
    client, mediator, three, group
):
    rep = three[0].rep
    offers = services.collective_offer(
        collective_id=group.pk, representative=rep, kind="partial_refund", share=Decimal("80")
    )

    # Each member case got the offer as the merchant's answer: 80 % of its 129.90 EUR.
    assert [(o.case_id, o.amount, o.currency) for o in offers] == [
        (three[0].case.pk, Decimal("103.92"), "EUR"),
        (three[1].case.pk, Decimal("103.92"), "EUR"),
    ]
    assert set(Case.objects.filter(collective=group).values_list("state", flat=True)) == {
        "negotiation"
    }
    assert not Offer.objects.filter(case=three[2].case).exists()

    services.offer_accept(offer_id=offers[0].pk, user=three[0].consumer)

    assert Settlement.objects.get(case=three[0].case).amount == Decimal("103.92")
    assert not Settlement.objects.filter(case=three[1].case).exists()
    assert Case.objects.get(pk=three[1].case.pk).state == "negotiation"


def test_a_group_refund_needs_its_share(three, group):
    with pytest.raises(ValidationError) as refused:
        services.collective_offer(
            collective_id=group.pk, representative=three[0].rep, kind="refund"
        )

    assert list(refused.value.message_dict) == ["share"]
    assert not Offer.objects.filter(case__collective=group).exists()


def test_the_merchant_makes_the_group_offer_on_the_case_page(client, three, group):
    client.force_login(three[0].rep)
    url = f"/cases/{three[0].case.complaint.reference}/"
    case = Case.objects.get(pk=three[0].case.pk)

    assert "Make one offer to the whole group" in client.get(url).content.decode()
    client.post(
        url + "act/group-offer/",
        {
            "group-offer-version": case.version,
            "group-offer-kind": "refund",
            "group-offer-share": "100",
            "group-offer-terms": "A full refund to each of you.",
        },
    )

    assert list(Offer.objects.filter(case__collective=group).values_list("amount", flat=True)) == [
        Decimal("129.90"),
        Decimal("129.90"),
    ]


def test_credit_counts_each_consumers_case_once(mediator, seller, three, group):
    rows = selectors.credit_case_rows().filter(merchant_id=seller.merchant_id)

    # Three consumers' cases, two of them in the group (one is its lead): three rows, once each.
    assert sorted(rows.values_list("case_id", flat=True)) == sorted(w.case.pk for w in three)


def test_a_group_is_referred_together_each_case_with_its_own_dossier(mediator, three, group):
    from referrals.models import Referral, ReferralBody
    from referrals.services import referrals_create_for_collective

    services.collective_join(
        case_id=three[2].case.pk, collective_id=group.pk, consumer=three[2].consumer
    )
    services.collective_offer(
        collective_id=group.pk, representative=three[0].rep, kind="partial_refund", share=10
    )
    for w in three[:2]:
        services.case_request_mediation(case_id=w.case.pk, user=w.consumer, reason="Too little.")
    body = ReferralBody.objects.get(name="econsumer.gov")

    referrals, left = referrals_create_for_collective(
        collective_id=group.pk,
        body_id=body.pk,
        mediator=mediator,
        covering_letter="Dear Sir or Madam, we refer these cases together.",
        summary="The merchant made no acceptable offer to the group.",
        mismatch_reason="A test body.",
    )

    assert sorted(r.case_id for r in referrals) == sorted(w.case.pk for w in three[:2])
    assert left == [three[2].case.complaint.reference]
    assert len({r.dossier_id for r in referrals}) == 2
    assert set(
        Case.objects.filter(pk__in=[w.case.pk for w in three[:2]]).values_list("state", flat=True)
    ) == {"referred"}
    assert Referral.objects.count() == 2


def test_mediators_group_cases_from_the_suggestions_in_the_admin(client, mediator, three):
    client.force_login(mediator)
    url = "/admin/odr/collectivecase/suggestions/"

    page = client.get(url).content.decode()
    response = client.post(url, {"case": [w.case.pk for w in three]})

    assert "Group these 3 cases" in page
    collective = CollectiveCase.objects.get()
    assert response.url == f"/admin/odr/collectivecase/{collective.pk}/change/"
    assert collective.members.count() == 3


def test_the_suggestions_take_two_queries_whatever_the_number_of_groups(
    mediator, seller, three, django_assert_num_queries
):
    with django_assert_num_queries(2):
        assert len(selectors.collective_suggestions(now=timezone.now())) == 1
    other = MerchantRepresentativeFactory()
    for _ in range(3):
        _accepted(mediator, other)

    with django_assert_num_queries(2):
        assert len(selectors.collective_suggestions(now=timezone.now())) == 2

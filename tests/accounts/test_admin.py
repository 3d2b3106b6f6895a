"""The mediation desk (Django admin) opens for mediators and for no one else."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_mediator_opens_the_admin(client, mediator):
    client.force_login(mediator)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Redress" in response.content.decode()


def test_mediator_can_view_users_but_not_change_them(client, mediator, consumer):
    client.force_login(mediator)

    assert client.get(f"/admin/accounts/user/{consumer.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/accounts/user/{consumer.pk}/change/",
        {"email": consumer.email, "full_name": "Changed", "preferred_language": "en"},
    )
    assert response.status_code == 403


def test_consumer_is_sent_to_the_admin_login(client, consumer):
    client.force_login(consumer)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


# Every permission the mediators group holds, and why a mediator needs it. Adding or removing one
# is a decision about what mediators may do: change this list and the data migration together.
MEDIATOR_PERMISSIONS = {
    # who the parties are (read-only: staff with explicit rights manage accounts)
    ("accounts", "view_user"),
    # the merchant directory: read it, correct identities, shops and links, verify, review
    # proposals (all through the services); never delete
    ("merchants", "view_merchant"),
    ("merchants", "change_merchant"),
    ("merchants", "view_disclosureversion"),
    ("merchants", "view_disclosureproposal"),
    ("merchants", "view_verificationdocument"),
    ("merchants", "view_verificationevent"),
    # complaints: screen them, read the evidence, link named respondents to merchants
    ("complaints", "view_complaint"),
    ("complaints", "view_respondent"),
    ("complaints", "view_evidenceitem"),
    ("complaints", "change_respondent"),
    # cases: read everything, act only through the services (mediate_case)
    ("odr", "view_case"),
    ("odr", "mediate_case"),
    ("odr", "view_caseevent"),
    ("odr", "view_message"),
    ("odr", "view_offer"),
    ("odr", "view_settlement"),
    ("odr", "view_caserating"),
    # collective cases: see them; making one and correcting its title need mediate_case
    ("odr", "view_collectivecase"),
    # credit: read the snapshots; API keys and webhooks stay with superusers
    ("credit", "view_creditsnapshot"),
    # referrals: keep the directory of outside bodies (never delete one: referrals point at
    # it), send referred cases to them and record their answers, read the signed dossiers
    ("referrals", "view_referralbody"),
    ("referrals", "add_referralbody"),
    ("referrals", "change_referralbody"),
    ("referrals", "view_referral"),
    ("referrals", "add_referral"),
    ("referrals", "change_referral"),
    ("referrals", "view_signeddossier"),
    # the shops complaints name and nobody disclosed, to ask the platforms who runs them
    ("transparency", "view_undisclosedshop"),
    # the narratives consumers agreed to publish: read them scrubbed, correct, publish or not
    ("transparency", "view_narrativereview"),
    ("transparency", "change_narrativereview"),
}


def test_the_mediators_group_has_exactly_the_permissions_mediators_need():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="mediators")

    assert (
        set(group.permissions.values_list("content_type__app_label", "codename"))
        == MEDIATOR_PERMISSIONS
    )


def test_a_mediator_opens_exactly_the_admin_screens_the_group_allows(client, mediator):
    from django.contrib import admin

    client.force_login(mediator)
    opened, refused = set(), set()
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        assert response.status_code in (200, 403), (opts.label, response.status_code)
        (opened if response.status_code == 200 else refused).add(opts.label)

    assert opened == {
        "accounts.User",
        "merchants.Merchant",
        "merchants.DisclosureProposal",
        "merchants.DisclosureVersion",
        "merchants.VerificationDocument",
        "complaints.Complaint",
        "complaints.Respondent",
        "complaints.EvidenceItem",
        "transparency.UndisclosedShop",
        "transparency.NarrativeReview",
        "odr.Case",
        "odr.Settlement",
        "odr.CaseRating",
        "odr.CollectiveCase",
        "credit.CreditSnapshot",
        "referrals.ReferralBody",
        "referrals.Referral",
        "referrals.SignedDossier",
    }
    assert {"auth.Group", "credit.ApiKey", "credit.WebhookEndpoint"} <= refused

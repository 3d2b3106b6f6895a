"""The directory of referral bodies: the starter set, the public page and its filters, the
admin form (issue 15 part 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from referrals.forms import ReferralBodyAdminForm
from referrals.models import ReferralBody

pytestmark = pytest.mark.django_db

ECC = "European Consumer Centres Network (ECC-Net)"
ECONSUMER = "econsumer.gov"
SAMR = "National 12315 Platform (State Administration for Market Regulation)"
CCA = "China Consumers Association"
ESCP = "European Small Claims Procedure"
HANGZHOU = "Hangzhou Internet Court"
BEIJING = "Beijing Internet Court"
GUANGZHOU = "Guangzhou Internet Court"
FTC = "ReportFraud.ftc.gov (US Federal Trade Commission)"

# The starter set and its official sites, written out from the bodies' own sites.
STARTER = {
    ECC: "https://commission.europa.eu/live-work-travel-eu/consumer-rights-and-complaints/resolve-your-consumer-complaint/european-consumer-centres-network-ecc-net_en",
    ECONSUMER: "https://www.econsumer.gov/",
    SAMR: "https://www.12315.cn/",
    CCA: "https://www.cca.org.cn/",
    ESCP: "https://e-justice.europa.eu/42/EN/small_claims",
    HANGZHOU: "https://www.netcourt.gov.cn/",
    BEIJING: "https://www.bjinternetcourt.gov.cn/",
    GUANGZHOU: "https://www.gzinternetcourt.gov.cn/",
    FTC: "https://reportfraud.ftc.gov/",
}

CHINA = {SAMR, CCA, HANGZHOU, BEIJING, GUANGZHOU}


def test_the_starter_set_names_each_body_with_its_official_site_and_a_source():
    bodies = {b.name: b for b in ReferralBody.objects.all()}

    assert {name: b.website for name, b in bodies.items()} == STARTER
    for body in bodies.values():
        assert body.source.startswith("https://"), body.name
        assert body.name_zh, body.name


def test_the_starter_set_invents_no_contact_address():
    assert list(ReferralBody.objects.exclude(email="").values_list("name", flat=True)) == []


def test_the_small_claims_procedure_has_its_limit_and_leaves_denmark_out():
    escp = ReferralBody.objects.get(name=ESCP)

    assert (escp.max_amount, escp.max_amount_currency) == (5000, "EUR")
    assert escp.cross_border_only
    assert escp.serves_consumers_of("FR")
    assert not escp.serves_consumers_of("DK")
    assert not escp.serves_traders_of("DK")


@pytest.mark.parametrize(
    ("consumer", "trader", "expected"),
    [
        # an EU consumer and an EU trader: the ECC network, the small-claims procedure and the
        # worldwide portal
        ("DE", "FR", {ECC, ESCP, ECONSUMER}),
        # Denmark takes no part in the small-claims procedure
        ("DK", "DE", {ECC, ECONSUMER}),
        # Norway is in the ECC network, not in the EU's small-claims procedure
        ("NO", "SE", {ECC, ECONSUMER}),
        # a European consumer and a Chinese seller: China's bodies take complaints about
        # Chinese traders from consumers of any country
        ("FR", "CN", CHINA | {ECONSUMER}),
        # a US consumer: the FTC takes reports about traders of any country
        ("US", "CN", CHINA | {ECONSUMER, FTC}),
        ("US", "JP", {ECONSUMER, FTC}),
        ("JP", "KR", {ECONSUMER}),
    ],
)
def test_the_directory_lists_the_bodies_for_a_consumer_and_a_trader(
    client, consumer, trader, expected
):
    response = client.get(
        reverse("referrals:list"), {"country": consumer, "trader_country": trader}
    )

    assert response.status_code == 200
    assert {b.name for b in response.context["page_obj"].object_list} == expected


def test_without_filters_the_directory_lists_every_active_body(client):
    ReferralBody.objects.filter(name=FTC).update(active=False)

    response = client.get(reverse("referrals:list"))

    assert {b.name for b in response.context["page_obj"].object_list} == set(STARTER) - {FTC}


def test_a_category_filter_keeps_bodies_that_take_every_category_or_that_one(client):
    ReferralBody.objects.filter(name=CCA).update(categories="not_as_described,non_delivery")

    counterfeit = client.get(
        reverse("referrals:list"), {"country": "CN", "category": "not_as_described"}
    )
    damaged = client.get(reverse("referrals:list"), {"country": "CN", "category": "defective"})

    assert CCA in {b.name for b in counterfeit.context["page_obj"].object_list}
    assert CCA not in {b.name for b in damaged.context["page_obj"].object_list}


@pytest.mark.parametrize(
    "params",
    [
        {"country": "ZZ"},
        {"trader_country": "<script>"},
        {"category": "x" * 5000},
        {"country": "\x00"},
    ],
)
def test_a_bad_filter_is_explained_not_a_server_error(client, params):
    response = client.get(reverse("referrals:list"), params)

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_filter_errors_are_in_chinese_on_the_chinese_page(client):
    with translation.override("zh-hans"):
        url = reverse("referrals:list")
    response = client.get(url, {"country": "ZZ"})

    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()


def test_a_page_number_out_of_range_shows_the_last_page(client):
    response = client.get(reverse("referrals:list"), {"page": "999"})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_a_body_page_shows_its_facts_and_says_unknown_facts_are_on_its_site(client):
    body = ReferralBody.objects.get(name=SAMR)

    page = client.get(reverse("referrals:detail", args=[body.pk])).content.decode()

    assert "https://www.12315.cn/" in page
    assert "SAMR Order No. 20, 2019" in page
    assert "Not published here: see the official website" in page  # no e-mail address
    assert "not legal advice" in page


def test_a_body_page_in_chinese_uses_the_chinese_name_and_notes(client):
    body = ReferralBody.objects.get(name=SAMR)
    with translation.override("zh-hans"):
        url = reverse("referrals:detail", args=[body.pk])

    page = client.get(url).content.decode()

    assert "全国12315平台" in page
    assert "市场监管部门" in page


def test_an_inactive_or_unknown_body_is_not_found(client):
    body = ReferralBody.objects.get(name=FTC)
    body.active = False
    body.save()

    assert client.get(reverse("referrals:detail", args=[body.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[10**9])).status_code == 404


def _admin_data(**overrides):
    data = {
        "name": "Test ADR body",
        "name_zh": "",
        "kind": "adr_body",
        "active": "on",
        "countries": ["DE"],
        "serves_all_trader_countries": "on",
        "categories": ["not_as_described", "defective"],
        "channels": ["email", "web_form"],
        "website": "https://adr.example.test/",
        "email": "cases@adr.example.test",
        "source": "https://adr.example.test/about",
    }
    data.update(overrides)
    return data


def test_the_admin_form_keeps_categories_and_channels_as_codes():
    form = ReferralBodyAdminForm(data=_admin_data())

    assert form.is_valid(), form.errors
    body = form.save()
    assert (body.categories, body.channels) == ("not_as_described,defective", "email,web_form")
    assert body.takes_email()
    assert body.takes_category("defective") and not body.takes_category("non_delivery")


def test_the_admin_form_asks_for_the_currency_of_a_claim_limit():
    form = ReferralBodyAdminForm(data=_admin_data(max_amount="2000"))

    assert not form.is_valid()
    assert "max_amount_currency" in form.errors


def test_the_admin_form_refuses_an_unknown_category():
    form = ReferralBodyAdminForm(data=_admin_data(categories=["not_a_category"]))

    assert not form.is_valid()
    assert "categories" in form.errors

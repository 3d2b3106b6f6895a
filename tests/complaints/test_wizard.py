"""The step-by-step complaint form: drafts saved at each step, values kept on errors, one draft
per form token, and only signed-in consumers with a confirmed address may use it."""

# ruff: noqa: RUF001 - Chinese messages and full-width characters are what these tests check
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint, Respondent
from core.middleware import TIMEZONE_COOKIE
from tests.factories import ComplaintFactory, RespondentFactory, UserFactory

from .conftest import build_merchant, build_shop

pytestmark = pytest.mark.django_db

PURCHASE = {
    "purchase_mode": "marketplace",
    "shop_url": "https://mall.example.test/shop/42",
    "shop_name": "Sunny Trading",
    "platform_name": "Example Mall",
    "agent_name": "",
    "order_number": "A-1001",
    "order_date": "2026-10-02",
    "item_description": "Leather handbag",
    "amount": "1,299.00",
    "currency": "CNY",
    "payment_method": "alipay",
    "consumer_country": "CN",
    "delivery": "delivered",
    "delivery_date": "2026-10-09",
    "seller_informed": "yes",
    "goods_exception": "none",
}


def _edit(complaint, step):
    return reverse("complaints:edit", kwargs={"public_id": complaint.public_id, "step": step})


def _start(client, **overrides):
    response = client.get(reverse("complaints:new"))
    token = response.context["token"]
    data = {**PURCHASE, "token": str(token), **overrides}
    return client.post(reverse("complaints:new"), data), token


def test_anonymous_visitor_is_sent_to_sign_in_and_brought_back(client):
    response = client.get(reverse("complaints:new"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('complaints:new')}"


def test_signing_in_from_the_redirect_returns_to_the_form(client):
    user = UserFactory()
    response = client.post(
        reverse("login"),
        {"username": user.email, "password": "correct-horse-battery", "next": "/complaints/new/"},
    )

    assert response.status_code == 302
    assert response.url == "/complaints/new/"


@pytest.mark.parametrize(
    "user_kwargs",
    [{"email_verified_at": None}, {"role": "merchant_rep"}],
    ids=["unverified e-mail", "merchant representative"],
)
def test_only_consumers_with_a_confirmed_address_file_complaints(client, user_kwargs):
    client.force_login(UserFactory(**user_kwargs))

    response = client.get(reverse("complaints:new"))

    assert response.status_code == 403
    assert "Only consumers file complaints" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_first_step_creates_a_draft_and_moves_to_the_next_step(client, consumer):
    client.force_login(consumer)

    response, token = _start(client)

    complaint = Complaint.objects.get()
    assert complaint.public_id == token
    assert complaint.consumer == consumer
    assert complaint.status == Complaint.Status.DRAFT
    assert str(complaint.amount) == "1299.00"
    assert complaint.currency == "CNY"
    assert complaint.draft_step == "problem"
    assert response.url == _edit(complaint, "problem")


def test_posting_the_first_step_twice_creates_one_draft(client, consumer):
    client.force_login(consumer)
    response, token = _start(client)

    again = client.post(
        reverse("complaints:new"), {**PURCHASE, "token": str(token), "order_number": "A-1002"}
    )

    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().order_number == "A-1002"
    assert again.url == response.url


def test_a_token_of_another_consumers_complaint_gives_404(client, consumer):
    theirs = ComplaintFactory()
    client.force_login(consumer)

    response = client.post(reverse("complaints:new"), {**PURCHASE, "token": str(theirs.public_id)})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.order_number != PURCHASE["order_number"]


def test_invalid_step_shows_field_errors_and_keeps_every_value(client, consumer):
    client.force_login(consumer)

    response, _token = _start(client, amount="12.345", currency="XYZ", order_date="2999-01-01")

    html = response.content.decode()
    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    assert "Use at most two decimals." in html
    assert "The order date cannot be in the future." in html
    assert 'value="12.345"' in html
    assert 'value="Leather handbag"' in html
    assert 'value="https://mall.example.test/shop/42"' in html
    assert 'value="A-1001"' in html
    # The same token comes back, so correcting and sending again still makes one draft.
    assert f'value="{_token}"' in html


def test_where_the_purchase_was_made_is_required(client, consumer):
    client.force_login(consumer)

    response, _ = _start(client, shop_url="", shop_name="", platform_name="", agent_name="")

    assert "Tell us where you bought" in response.content.decode()


def test_problem_step_saves_category_and_derives_the_right_at_stake(client, consumer):
    complaint = ComplaintFactory(
        consumer=consumer, category="", description="", draft_step="problem"
    )
    client.force_login(consumer)

    response = client.post(
        _edit(complaint, "problem"),
        {"category": "fraud", "description": "Deposit taken, then the shop vanished."},
    )

    complaint.refresh_from_db()
    assert response.url == _edit(complaint, "remedy")
    assert complaint.category == "fraud"
    assert complaint.right_at_stake == "fair_dealing"
    assert complaint.draft_step == "remedy"


def test_remedy_needs_an_amount_for_compensation_and_keeps_the_details(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, remedy="", draft_step="remedy")
    client.force_login(consumer)

    response = client.post(
        _edit(complaint, "remedy"),
        {"remedy": "compensation", "remedy_amount": "", "remedy_details": "Three times the price"},
    )

    html = response.content.decode()
    assert "Enter the amount you claim." in html
    assert "Three times the price" in html
    complaint.refresh_from_db()
    assert complaint.remedy == ""


def test_consumer_can_leave_and_continue_from_my_complaints(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="remedy")
    client.force_login(consumer)

    html = client.get(reverse("complaints:mine")).content.decode()

    assert f'href="{_edit(complaint, "remedy")}"' in html
    assert "Continue" in html


def test_another_consumer_gets_404_on_every_step(client, consumer):
    complaint = ComplaintFactory()
    client.force_login(consumer)

    for step in ("purchase", "problem", "remedy", "respondents", "evidence", "review"):
        assert client.get(_edit(complaint, step)).status_code == 404
        assert client.post(_edit(complaint, step), {}).status_code == 404


def test_unknown_step_is_404(client, consumer):
    complaint = ComplaintFactory(consumer=consumer)
    client.force_login(consumer)

    assert client.get(_edit(complaint, "payment")).status_code == 404


def test_a_submitted_complaint_is_no_longer_editable(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, submitted=True)
    client.force_login(consumer)

    response = client.post(_edit(complaint, "problem"), {"category": "other", "description": "x"})

    assert response.url == reverse("complaints:detail", kwargs={"public_id": complaint.public_id})
    complaint.refresh_from_db()
    assert complaint.category == "non_delivery"


def test_respondents_step_suggests_the_merchant_behind_the_shop_link(client, consumer):
    platform = build_merchant("Example Mall Ltd", roles=["platform"])
    seller = build_merchant("Sunny Trading Co", completeness=70)
    build_shop(seller, "https://mall.example.test/shop/42", platform=platform)
    complaint = ComplaintFactory(
        consumer=consumer,
        purchase_mode="marketplace",
        shop_url="https://mall.example.test/shop/42/item/9?utm_source=ad",
    )
    client.force_login(consumer)

    response = client.get(_edit(complaint, "respondents"))

    html = response.content.decode()
    form = response.context["form"]
    assert form.initial["seller_merchant"] == str(seller.public_id)
    assert form.initial["platform_merchant"] == str(platform.public_id)
    # The proposal is explained before anything is saved: the seller's disclosure is
    # incomplete, so the platform answers too.
    assert "The seller&#x27;s disclosed identity is incomplete" in html
    assert [p.role for p in response.context["proposal"]] == ["seller", "platform_operator"]


def test_respondents_are_chosen_by_search_and_saved_with_their_reasons(client, consumer):
    agent = build_merchant("Osaka Spot Buyers 大阪现货", roles=["agent_spot"])
    complaint = ComplaintFactory(
        consumer=consumer, purchase_mode="agent_spot", shop_url="", draft_step="respondents"
    )
    client.force_login(consumer)

    search = client.post(
        _edit(complaint, "respondents"),
        {"action": "search", "q": "大阪", "agent_name": "typed meanwhile"},
    )
    assert search.status_code == 200
    assert [m.pk for m in search.context["results"]] == [agent.pk]
    assert 'value="typed meanwhile"' in search.content.decode()
    assert not Respondent.objects.exists()

    response = client.post(
        _edit(complaint, "respondents"),
        {
            "action": "continue",
            "agent_merchant": str(agent.public_id),
            "platform_name": "Example Mall",
            "platform_url": "mall.example.test",
        },
    )

    assert response.url == _edit(complaint, "evidence")
    # The agent's disclosure is complete and verified, so the named platform is not added.
    [seller] = Respondent.objects.filter(complaint=complaint)
    assert seller.merchant == agent
    assert seller.role == "seller"
    assert seller.reason == "spot_agent_seller"


def test_an_unknown_party_is_recorded_as_named(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, purchase_mode="direct", shop_url="")
    client.force_login(consumer)

    client.post(
        _edit(complaint, "respondents"),
        {
            "action": "continue",
            "seller_name": "Kyoto Kimono Outlet",
            "seller_url": "https://kimono-outlet.example/?ref=ig",
            "platform_merchant": "",
        },
    )

    [seller] = complaint.respondents.all()
    assert seller.merchant is None
    assert seller.named_name == "Kyoto Kimono Outlet"
    assert seller.named_url == "https://kimono-outlet.example/?ref=ig"
    assert seller.reason == "direct_seller"


def test_respondents_step_requires_the_main_party(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, purchase_mode="agent_non_spot")
    client.force_login(consumer)

    response = client.post(
        _edit(complaint, "respondents"), {"action": "continue", "seller_name": "Supplier"}
    )

    assert response.status_code == 200
    assert "Choose it from the directory or give its name." in response.content.decode()
    assert 'value="Supplier"' in response.content.decode()
    assert not complaint.respondents.exists()


def test_a_posted_merchant_that_does_not_exist_is_refused(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, purchase_mode="direct")
    client.force_login(consumer)

    response = client.post(
        _edit(complaint, "respondents"),
        {"action": "continue", "seller_merchant": str(uuid.uuid4())},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["seller_merchant"]


def test_changing_how_one_bought_clears_the_proposal(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, draft_step="review")
    RespondentFactory(complaint=complaint)
    client.force_login(consumer)

    client.post(_edit(complaint, "purchase"), {**PURCHASE, "purchase_mode": "agent_spot"})

    complaint.refresh_from_db()
    assert not complaint.respondents.exists()
    assert complaint.draft_step == "respondents"


def test_wizard_pages_are_translated(client, consumer):
    client.force_login(consumer)

    html = client.get("/zh-hans/complaints/new/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert "现货代购" in html
    assert "Save and continue" not in html


def test_an_overlong_account_is_refused_and_kept(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, description="")
    client.force_login(consumer)
    text = "a" * 10_001

    response = client.post(_edit(complaint, "problem"), {"category": "other", "description": text})

    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert text in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.description == ""


# --- amounts, dates and currencies that make sense -----------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"order_date": "0001-01-01"}, "order_date", "An order date before Jan 1, 2000 cannot"),
        ({"order_date": "1999-12-31"}, "order_date", "An order date before Jan 1, 2000 cannot"),
        ({"order_date": "2999-01-01"}, "order_date", "The order date cannot be in the future."),
        ({"amount": "1e9"}, "amount", "Enter an amount such as 129.90."),
        ({"amount": "129,90"}, "amount", "Enter an amount such as 129.90."),
        ({"amount": "1000000000"}, "amount", "This amount is too large to be right."),
        ({"amount": "0"}, "amount", "The amount must be greater than zero."),
        ({"amount": "1299.50", "currency": "JPY"}, "amount", "Amounts in JPY have no decimals."),
        ({"currency": "DEM"}, "currency", "Select a valid choice."),
        ({"currency": "XTS"}, "currency", "Select a valid choice."),
        ({"currency": "usd"}, "currency", "Select a valid choice."),
    ],
)
def test_purchase_values_that_cannot_be_right_are_refused(
    client, consumer, overrides, field, message
):
    client.force_login(consumer)

    response, _token = _start(client, **overrides)

    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    assert message in " ".join(response.context["form"].errors[field])


def test_a_yen_amount_without_decimals_is_stored(client, consumer):
    client.force_login(consumer)

    _start(client, amount="12,800", currency="JPY")

    complaint = Complaint.objects.get()
    assert (complaint.amount, complaint.currency) == (Decimal("12800.00"), "JPY")


def test_the_order_date_floor_is_explained_in_chinese(client, consumer):
    client.force_login(consumer)
    url = "/zh-hans" + reverse("complaints:new")
    token = client.get(url).context["token"]

    response = client.post(url, {**PURCHASE, "token": str(token), "order_date": "0001-01-01"})

    assert "下单日期不可能早于 2000年1月1日：请检查年份。" in response.content.decode()


@time_machine.travel(datetime(2026, 12, 31, 20, 30, tzinfo=UTC), tick=False)
def test_today_is_the_consumers_today(client, consumer):
    """At 20:30 UTC on 31 December it is already 1 January in Shanghai."""
    client.force_login(consumer)

    refused, _ = _start(client, order_date="2027-01-01", delivery="not_delivered")
    assert "The order date cannot be in the future." in refused.content.decode()

    client.cookies[TIMEZONE_COOKIE] = "Asia/Shanghai"
    accepted, _ = _start(client, order_date="2027-01-01", delivery="not_delivered")
    assert accepted.status_code == 302
    assert Complaint.objects.get().order_date == date(2027, 1, 1)


# A purchase of 129.90 USD (the factory's), the default multiple of 3.
@pytest.mark.parametrize(
    ("remedy", "amount", "message"),
    [
        ("partial_refund", "99,999,999", "A refund is at most the amount paid, $129.90."),
        ("partial_refund", "129.91", "A refund is at most the amount paid, $129.90."),
        ("refund", "200", "A refund is at most the amount paid, $129.90."),
        (
            "compensation",
            "389.71",
            "Compensation is at most 3 times the amount paid, that is $389.70.",
        ),
        ("compensation", "1e9", "Enter an amount such as 129.90."),
    ],
)
def test_a_claim_beyond_what_was_paid_is_refused(client, consumer, remedy, amount, message):
    complaint = ComplaintFactory(consumer=consumer, remedy="", draft_step="remedy")
    client.force_login(consumer)

    response = client.post(
        _edit(complaint, "remedy"),
        {"remedy": remedy, "remedy_amount": amount, "remedy_details": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["remedy_amount"] == [message]
    complaint.refresh_from_db()
    assert (complaint.remedy, complaint.remedy_amount) == ("", None)


@pytest.mark.parametrize(
    ("remedy", "amount"), [("partial_refund", "129.90"), ("compensation", "389.70")]
)
def test_a_claim_up_to_the_bound_is_saved(client, consumer, remedy, amount):
    complaint = ComplaintFactory(consumer=consumer, remedy="", draft_step="remedy")
    client.force_login(consumer)

    response = client.post(_edit(complaint, "remedy"), {"remedy": remedy, "remedy_amount": amount})

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.remedy_amount == Decimal(amount)


def test_the_claim_bound_is_explained_in_chinese(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, remedy="", currency="CNY", draft_step="remedy")
    client.force_login(consumer)

    response = client.post(
        "/zh-hans" + _edit(complaint, "remedy"),
        {"remedy": "partial_refund", "remedy_amount": "99999999"},
    )

    assert "退款最多为实付金额 ¥129.90。" in response.content.decode()


# --- free text is stored clean -------------------------------------------------------------

# (typed, stored), the same table for each kind of field below.
TEXT_TABLE = [
    ("a\u202eb", "ab"),
    ("e\u0301", "\u00e9"),
    ("x\u0007y", "xy"),
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("\u2066Sunny\u2069 Trading", "Sunny Trading"),
]


@pytest.mark.parametrize(("typed", "stored"), TEXT_TABLE)
def test_names_in_the_purchase_step_are_stored_clean(client, consumer, typed, stored):
    client.force_login(consumer)

    _start(client, shop_name=typed, item_description=typed)

    complaint = Complaint.objects.get()
    assert complaint.shop_name == stored
    assert complaint.item_description == stored


@pytest.mark.parametrize(
    ("typed", "stored"), [*TEXT_TABLE, ("line1\r\nline2\n\n\u202eline3", "line1\nline2\n\nline3")]
)
def test_the_consumers_account_is_stored_clean(client, consumer, typed, stored):
    complaint = ComplaintFactory(consumer=consumer, description="")
    client.force_login(consumer)

    client.post(_edit(complaint, "problem"), {"category": "other", "description": typed})

    complaint.refresh_from_db()
    assert complaint.description == stored


def test_an_account_of_invisible_characters_is_empty(client, consumer):
    complaint = ComplaintFactory(consumer=consumer, description="")
    client.force_login(consumer)

    response = client.post(
        _edit(complaint, "problem"), {"category": "other", "description": "\u200b\u202e\u0007"}
    )

    assert response.context["form"].errors["description"] == ["This field is required."]


def test_a_named_respondent_is_stored_clean(client, consumer):
    complaint = ComplaintFactory(
        consumer=consumer, purchase_mode="direct", draft_step="respondents"
    )
    client.force_login(consumer)

    client.post(
        _edit(complaint, "respondents"),
        {"seller_merchant": "", "seller_name": "Sunny\u200b \u202eTrading", "seller_url": ""},
    )

    assert Respondent.objects.get(complaint=complaint).named_name == "Sunny Trading"


def test_a_marketplace_chosen_from_the_search_stays_chosen_after_applying_the_rule(
    client, consumer
):
    # The seller's identity is complete and verified, so the rule does not make the
    # marketplace answer: the consumer's choice must stay on the page all the same.
    seller = build_merchant("Sunny Trading Co")
    platform = build_merchant("Example Mall Ltd", roles=["platform"])
    complaint = ComplaintFactory(
        consumer=consumer, purchase_mode="marketplace", shop_url="", platform_name=""
    )
    client.force_login(consumer)
    search = client.post(
        _edit(complaint, "respondents"),
        {"action": "search", "q": "Example Mall", "seller_merchant": str(seller.public_id)},
    )
    assert [m.pk for m in search.context["results"]] == [platform.pk]

    response = client.post(
        _edit(complaint, "respondents"),
        {
            "action": "apply",
            "seller_merchant": str(seller.public_id),
            "platform_merchant": str(platform.public_id),
        },
        follow=True,
    )

    html = response.content.decode()
    assert f'<option value="{platform.public_id}" selected>' in html
    assert f'<option value="{seller.public_id}" selected>' in html
    assert [p.role for p in response.context["proposal"]] == ["seller"]


def test_a_platform_the_rule_leaves_out_is_still_shown_when_coming_back(client, consumer):
    seller = build_merchant("Sunny Trading Co")
    platform = build_merchant("Example Mall Ltd", roles=["platform"])
    build_shop(seller, "https://mall.example.test/shop/42", platform=platform)
    complaint = ComplaintFactory(
        consumer=consumer, purchase_mode="marketplace", shop_url="https://mall.example.test/shop/42"
    )
    client.force_login(consumer)
    client.post(
        _edit(complaint, "respondents"),
        {
            "action": "continue",
            "seller_merchant": str(seller.public_id),
            "platform_merchant": str(platform.public_id),
        },
    )
    assert [r.role for r in complaint.respondents.all()] == ["seller"]

    again = client.get(_edit(complaint, "respondents"))

    assert again.context["form"].initial["platform_merchant"] == str(platform.public_id)


def test_a_marketplace_chosen_from_the_directory_is_kept_when_the_rule_leaves_it_out(
    client, consumer
):
    # No shop link to guess it from: only the consumer's choice on this step names it.
    seller = build_merchant("Sunny Trading Co")
    platform = build_merchant("Example Mall Ltd", roles=["platform"])
    complaint = ComplaintFactory(
        consumer=consumer, purchase_mode="marketplace", shop_url="", platform_name=""
    )
    client.force_login(consumer)
    client.post(
        _edit(complaint, "respondents"),
        {
            "action": "continue",
            "seller_merchant": str(seller.public_id),
            "platform_merchant": str(platform.public_id),
        },
    )
    complaint.refresh_from_db()
    assert [r.role for r in complaint.respondents.all()] == ["seller"]
    assert complaint.platform_merchant == platform

    again = client.get(_edit(complaint, "respondents"))

    assert again.context["form"].initial["platform_merchant"] == str(platform.public_id)
    assert f'<option value="{platform.public_id}" selected>' in again.content.decode()


def test_the_purchase_step_offers_current_currencies_only(client, consumer):
    client.force_login(consumer)

    choices = client.get(reverse("complaints:new")).context["form"].fields["currency"].choices
    codes = [code for code, _label in choices]

    assert codes[:8] == ["", "EUR", "USD", "CNY", "GBP", "JPY", "HKD", "KRW"]
    for obsolete in ("ADP", "DEM", "FRF", "ITL", "HRK", "VEF", "XAU"):
        assert obsolete not in codes

"""What the rights depend on, asked at intake and checked; and the rights shown where they
matter: the review step (in both languages), the complaint and case pages, the dossier and the
mediators' desk."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint
from odr.models import CaseState
from tests.factories import ComplaintFactory, RespondentFactory
from tests.odr.builders import build

pytestmark = pytest.mark.django_db

PURCHASE = {
    "purchase_mode": "direct",
    "shop_url": "https://shop.example.test/item/1",
    "shop_name": "Example Shop",
    "order_number": "A-1",
    "order_date": "2026-11-20",
    "item_description": "Running shoes",
    "amount": "129.90",
    "currency": "EUR",
    "payment_method": "card",
    "consumer_country": "DE",
    "delivery": "delivered",
    "delivery_date": "2026-12-01",
    "seller_informed": "yes",
    "goods_exception": "none",
}
TODAY = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _start(client, **overrides):
    token = client.get(reverse("complaints:new")).context["token"]
    return client.post(reverse("complaints:new"), {**PURCHASE, "token": str(token), **overrides})


@time_machine.travel(TODAY, tick=False)
def test_the_purchase_step_records_what_the_rights_depend_on(client, consumer):
    client.force_login(consumer)

    response = _start(client)

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (
        str(complaint.consumer_country),
        complaint.delivery,
        complaint.delivery_date,
        complaint.seller_informed,
        complaint.goods_exception,
    ) == ("DE", "delivered", date(2026, 12, 1), "yes", "none")


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"delivery_date": "2026-11-19"}, "delivery_date", "cannot be before the order date"),
        ({"delivery_date": "2026-12-05"}, "delivery_date", "cannot be in the future"),
        ({"delivery_date": ""}, "delivery_date", "Enter the day the goods arrived."),
        ({"delivery": ""}, "delivery", "This field is required."),
        ({"consumer_country": ""}, "consumer_country", "This field is required."),
        ({"consumer_country": "XX"}, "consumer_country", "Select a valid choice."),
        ({"seller_informed": "maybe"}, "seller_informed", "Select a valid choice."),
        ({"goods_exception": "drugs"}, "goods_exception", "Select a valid choice."),
    ],
)
def test_answers_that_cannot_be_right_are_refused(client, consumer, overrides, field, message):
    client.force_login(consumer)

    response = _start(client, **overrides)

    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    assert message in " ".join(response.context["form"].errors[field])


@time_machine.travel(TODAY, tick=False)
def test_the_delivery_date_is_explained_in_chinese(client, consumer):
    client.force_login(consumer)
    url = "/zh-hans" + reverse("complaints:new")
    token = client.get(url).context["token"]

    response = client.post(url, {**PURCHASE, "token": str(token), "delivery_date": "2026-11-19"})

    assert "送达日期不能早于下单日期。" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_not_delivered_keeps_no_date(client, consumer):
    client.force_login(consumer)

    _start(client, delivery="not_delivered", delivery_date="2026-12-01")

    complaint = Complaint.objects.get()
    assert (complaint.delivery, complaint.delivery_date) == ("not_delivered", None)


def _draft(consumer, **facts):
    complaint = ComplaintFactory(
        consumer=consumer,
        order_date=date(2026, 11, 10),
        consumer_country=facts.get("country", "DE"),
        delivery=facts.get("delivery", "delivered"),
        delivery_date=facts.get("delivered", date(2026, 12, 1)),
        seller_informed=facts.get("informed", "yes"),
        goods_exception=facts.get("exception", "none"),
    )
    RespondentFactory(complaint=complaint)
    return complaint


def _review(complaint, prefix=""):
    return prefix + reverse(
        "complaints:edit", kwargs={"public_id": complaint.public_id, "step": "review"}
    )


@time_machine.travel(TODAY, tick=False)
def test_the_review_step_says_until_when_the_consumer_may_withdraw(client, consumer):
    complaint = _draft(consumer)
    client.force_login(consumer)

    english = client.get(_review(complaint)).content.decode()
    chinese = client.get(_review(complaint, "/zh-hans")).content.decode()

    # Delivered 1 December: fourteen days from the day after, until 15 December.
    assert "You may still withdraw from the contract until Dec 15, 2026." in english
    assert "Directive 2011/83/EU" in english
    assert "not legal advice" in english
    assert "您在 2026年12月15日 之前（含当日）仍可撤回合同。" in chinese  # noqa: RUF001
    assert "不构成法律意见" in chinese


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("facts", "shown"),
    [
        ({"country": "CN"}, "return the goods without giving a reason until Dec 8, 2026."),
        ({"country": "GB"}, "cancel the contract until Dec 15, 2026."),
        (
            {"informed": "not_sure"},
            "If the seller never told the consumer of this right, the period runs until "
            "Dec 15, 2027.",
        ),
        ({"delivery": "not_delivered", "delivered": None}, "it has not started"),
        ({"exception": "perishable"}, "Directive 2011/83/EU art. 16(d)"),
        ({"country": "US"}, "the merchant&#x27;s own return policy applies"),
        (
            {"delivered": date(2026, 11, 19)},
            "The period to withdraw from the contract ended on Dec 3, 2026.",
        ),
    ],
)
def test_the_review_step_explains_each_kind_of_answer(client, consumer, facts, shown):
    complaint = _draft(consumer, **facts)
    client.force_login(consumer)

    assert shown in client.get(_review(complaint)).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_draft_that_never_answered_shows_no_rights(client, consumer):
    complaint = _draft(consumer, country="", delivery="")
    client.force_login(consumer)

    assert "right to return or withdraw" not in client.get(_review(complaint)).content.decode()


@pytest.fixture
def case_with_rights(mediator):
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False):
        w = build(CaseState.AWAITING_MERCHANT, mediator)
    Complaint.objects.filter(pk=w.case.complaint_id).update(
        consumer_country="FR",
        delivery="delivered",
        delivery_date=date(2026, 12, 1),
        seller_informed="no",
        goods_exception="none",
    )
    w.reload()
    return w


@time_machine.travel(TODAY, tick=False)
def test_the_case_page_shows_the_right_to_each_party_in_its_voice(client, case_with_rights):
    w = case_with_rights
    url = reverse("odr:case_detail", kwargs={"reference": w.case.complaint.reference})

    client.force_login(w.consumer)
    consumer_page = client.get(url).content.decode()
    client.force_login(w.rep)
    merchant_page = client.get(url).content.decode()

    # Not informed: twelve months after the end of the fourteen days.
    assert "You may still withdraw from the contract until Dec 15, 2027." in consumer_page
    assert "The consumer may still withdraw from the contract until Dec 15, 2027." in (
        merchant_page
    )


@time_machine.travel(TODAY, tick=False)
def test_the_dossier_and_the_desk_show_the_right(client, case_with_rights, mediator):
    w = case_with_rights
    client.force_login(w.consumer)

    dossier = json.loads(
        client.get(
            reverse("odr:dossier_json", kwargs={"reference": w.case.complaint.reference})
        ).content
    )
    client.force_login(mediator)
    desk = client.get(reverse("admin:odr_case_change", args=[w.case.pk])).content.decode()

    assert dossier["complaint"]["consumer_country"] == "FR"
    assert dossier["complaint"]["delivery_date"] == "2026-12-01"
    assert dossier["rights"]["method_version"] == "rights-2026.1"
    assert dossier["rights"]["as_of"] == "2026-12-04"
    (right,) = dossier["rights"]["rights"]
    assert (right["code"], right["status"], right["deadline"]) == (
        "eu_fourteen_day_withdrawal",
        "open",
        "2027-12-15",
    )
    assert "Fourteen-day right of withdrawal" in desk
    assert "until Dec 15, 2027" in desk

"""Creating and editing a disclosure: versions, completeness, derived columns, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models.deletion import ProtectedError

from merchants import services
from merchants.models import DisclosureVersion, Merchant, VerificationState
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db

FULL = {
    "legal_name": "杭州悦购代购服务有限公司",
    "legal_name_latin": "Hangzhou Yuegou Purchasing Services Co., Ltd.",
    "trade_names": ["悦购", "Yuegou Global"],
    "roles": ["agent_spot", "supplier"],
    "country": "CN",
    "registration_number": "91330105-MA2K X8L21p",
    "registry": "杭州市拱墅区市场监督管理局",
    "registered_address": "浙江省杭州市拱墅区示例大街 12 号",
    "responsible_person": "李悦",
    "contact_email": "hello@yuegou.example",
    "contact_phone": "+86 571 8100 0001",
    "website": "yuegou.example",
    "date_established": dt.date(2019, 3, 15),
    "annual_order_volume": 18000,
}


def test_creating_a_merchant_writes_version_one_with_every_value(mediator):
    merchant = services.merchant_create(actor=mediator, data=FULL)

    version = merchant.versions.get()
    assert (version.number, version.source, version.created_by) == (1, "created", mediator)
    assert merchant.disclosure_version == 1
    assert version.snapshot["registration_number"] == "91330105-MA2K X8L21p"
    assert version.snapshot["date_established"] == "2019-03-15"
    assert version.snapshot["roles"] == ["agent_spot", "supplier"]
    assert version.changes["legal_name"] == [None, "杭州悦购代购服务有限公司"]
    assert "legal_name_latin" in version.changes
    assert sorted(merchant.roles.values_list("role", flat=True)) == ["agent_spot", "supplier"]
    assert merchant.verification_state == VerificationState.UNVERIFIED


def test_derived_columns_are_kept_in_step_on_create():
    merchant = services.merchant_create(actor=None, data=FULL)

    assert merchant.registration_number_normalized == "91330105MA2KX8L21P"
    assert "杭州悦购" in merchant.search_text
    assert "hangzhou yuegou purchasing services co., ltd." in merchant.search_text
    assert "yuegou global" in merchant.search_text
    assert merchant.website == "https://yuegou.example"
    assert merchant.completeness == 100


def test_staff_edit_creates_a_version_with_old_and_new_values(mediator):
    merchant = services.merchant_create(actor=None, data=FULL)

    version = services.merchant_update(
        merchant_id=merchant.pk,
        actor=mediator,
        data={"contact_phone": "+86 571 8100 0002", "trade_names": ["悦购"]},
    )

    merchant.refresh_from_db()
    assert version.number == 2 and version.source == DisclosureVersion.Source.STAFF
    assert version.created_by == mediator
    assert version.changes == {
        "trade_names": [["悦购", "Yuegou Global"], ["悦购"]],
        "contact_phone": ["+86 571 8100 0001", "+86 571 8100 0002"],
    }
    assert version.snapshot["legal_name"] == FULL["legal_name"]  # untouched fields kept
    assert merchant.disclosure_version == 2
    assert merchant.contact_phone == "+86 571 8100 0002"
    assert "yuegou global" not in merchant.search_text


def test_an_edit_that_changes_nothing_creates_no_version():
    merchant = services.merchant_create(actor=None, data=FULL)

    assert services.merchant_update(merchant_id=merchant.pk, actor=None, data=dict(FULL)) is None
    assert merchant.versions.count() == 1


def test_roles_are_versioned_like_the_other_identity_fields():
    merchant = services.merchant_create(actor=None, data=FULL)

    version = services.merchant_update(
        merchant_id=merchant.pk, actor=None, data={"roles": ["carrier"]}
    )

    assert version.changes == {"roles": [["agent_spot", "supplier"], ["carrier"]]}
    assert list(merchant.roles.values_list("role", flat=True)) == ["carrier"]


def test_changing_the_registration_number_renormalises_it():
    merchant = MerchantFactory(registration_number="HRB 1")

    services.merchant_update(
        merchant_id=merchant.pk, actor=None, data={"registration_number": "hrb-777 001"}
    )

    merchant.refresh_from_db()
    assert merchant.registration_number_normalized == "HRB777001"


@pytest.mark.parametrize(
    ("missing", "item"),
    [
        ({"registration_number": ""}, "registration_number"),
        ({"registry": ""}, "registry"),
        ({"registered_address": ""}, "registered_address"),
        ({"responsible_person": ""}, "responsible_person"),
        ({"roles": []}, "roles"),
        ({"legal_name_latin": ""}, "latin_name"),
        ({"contact_email": "", "contact_phone": ""}, "contact"),
    ],
)
def test_completeness_counts_the_required_items(missing, item):
    result = services.disclosure_completeness(
        {**services.clean_identity(FULL, merchant_pk=None), **missing}
    )

    assert result.missing == (item,)
    assert result.score == round(100 * 8 / 9)


def test_one_contact_channel_is_enough_and_a_latin_legal_name_needs_no_transliteration():
    values = {**FULL, "legal_name": "Nordlicht GmbH", "legal_name_latin": "", "contact_email": ""}

    assert services.disclosure_completeness(values).score == 100


def test_completeness_of_an_empty_disclosure_lists_every_item():
    result = services.disclosure_completeness({})

    assert result.score == 0
    assert len(result.missing) == len(services.REQUIRED_ITEMS)


def test_completeness_is_stored_on_the_merchant_and_its_version():
    merchant = services.merchant_create(
        actor=None, data={**FULL, "registry": "", "responsible_person": ""}
    )

    assert merchant.completeness == 78
    assert merchant.versions.get().completeness == 78
    services.merchant_update(merchant_id=merchant.pk, actor=None, data={"registry": "SAMR"})
    merchant.refresh_from_db()
    assert merchant.completeness == 89


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"legal_name": "   "}, "legal_name"),
        ({"legal_name": "x" * 301}, "legal_name"),
        ({"legal_name_latin": "杭州悦购"}, "legal_name_latin"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"registration_number": "9133#0105"}, "registration_number"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_phone": "call me maybe"}, "contact_phone"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"date_established": dt.date.today() + dt.timedelta(days=2)}, "date_established"),
        ({"annual_order_volume": -5}, "annual_order_volume"),
        ({"roles": ["wholesaler"]}, "roles"),
        ({"trade_names": ["y" * 301]}, "trade_names"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(bad, field):
    with pytest.raises(ValidationError) as raised:
        services.merchant_create(actor=None, data={**FULL, **bad})

    assert field in raised.value.message_dict
    assert not Merchant.objects.exists()
    assert not DisclosureVersion.objects.exists()


def test_a_bad_edit_leaves_the_disclosure_as_it_was():
    merchant = services.merchant_create(actor=None, data=FULL)

    with pytest.raises(ValidationError):
        services.merchant_update(
            merchant_id=merchant.pk, actor=None, data={"contact_phone": "+86 1", "country": "ZZ"}
        )

    merchant.refresh_from_db()
    assert merchant.contact_phone == FULL["contact_phone"]
    assert merchant.versions.count() == 1


def test_the_same_registration_number_in_the_same_country_is_a_duplicate():
    services.merchant_create(actor=None, data=FULL)

    with pytest.raises(ValidationError) as raised:
        services.merchant_create(
            actor=None,
            data={**FULL, "legal_name": "Another", "registration_number": "91330105MA2KX8L21P"},
        )

    assert "registration_number" in raised.value.message_dict
    assert "杭州悦购" in raised.value.message_dict["registration_number"][0]


def test_the_same_number_in_another_country_is_another_merchant():
    services.merchant_create(actor=None, data=FULL)

    other = services.merchant_create(actor=None, data={**FULL, "country": "HK"})

    assert other.pk


def test_trade_names_are_trimmed_and_deduplicated():
    merchant = services.merchant_create(
        actor=None, data={**FULL, "trade_names": ["  悦购 ", "悦购", "", "Yuegou   Global"]}
    )

    assert merchant.trade_names == ["悦购", "Yuegou Global"]


def test_unknown_fields_are_a_programming_error():
    merchant = MerchantFactory()

    with pytest.raises(ValueError, match="verification_state"):
        services.merchant_update(
            merchant_id=merchant.pk, actor=None, data={"verification_state": "verified"}
        )


def test_versions_protect_their_merchant_from_deletion():
    merchant = MerchantFactory()

    with pytest.raises(ProtectedError):
        merchant.delete()


def test_version_numbers_follow_each_other():
    merchant = MerchantFactory()
    for phone in ("+49 40 1111 1111", "+49 40 2222 2222", "+49 40 3333 3333"):
        services.merchant_update(merchant_id=merchant.pk, actor=None, data={"contact_phone": phone})

    assert list(merchant.versions.values_list("number", flat=True)) == [4, 3, 2, 1]

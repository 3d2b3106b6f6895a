"""The staff screens: search, filters, edits through the services, actions, read-only history."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from merchants import services
from merchants.models import DisclosureVersion, Merchant, MerchantLink, MerchantRepresentative, Shop
from tests.factories import MerchantFactory, ShopFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:merchants_merchant_changelist")


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(
                a.get("value", "on" if a.get("type") == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def _form(client, url) -> dict:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = {k: (v if len(v) != 1 else v[0]) for k, v in parser.data.items()}
    for key, value in list(data.items()):
        if key == "trade_names" or (isinstance(value, str) and key.endswith(("address", "note"))):
            data[key] = value.lstrip("\n")
    data.pop("csrfmiddlewaretoken", None)
    return data


@pytest.fixture
def staff_client(client, mediator):
    client.force_login(mediator)
    return client


def test_a_mediator_edits_the_identity_and_a_version_is_written(staff_client, merchant, mediator):
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update(contact_phone="+49 40 5555 0000", registration_number="hrb-424242")

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    merchant.refresh_from_db()
    version = merchant.versions.first()
    assert (version.number, version.source, version.created_by) == (2, "staff", mediator)
    assert set(version.changes) == {"contact_phone", "registration_number"}
    assert merchant.registration_number_normalized == "HRB424242"


def test_verification_fields_are_read_only_in_the_admin(staff_client, merchant):
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update(
        verification_state="verified", verified_at="2026-01-01 00:00:00", completeness="100"
    )

    staff_client.post(url, data)

    merchant.refresh_from_db()
    assert merchant.verification_state == "unverified"
    assert merchant.verified_at is None


def test_bad_input_in_the_admin_is_a_field_error_and_saves_nothing(staff_client, merchant):
    other = MerchantFactory()
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update(
        registration_number=other.registration_number.lower().replace(" ", "-"), country="DE"
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "registration_number" in response.context["adminform"].form.errors
    assert merchant.versions.count() == 1


def test_a_superuser_adds_a_merchant_with_a_shop_through_the_services(client, superuser, platform):
    client.force_login(superuser)
    url = reverse("admin:merchants_merchant_add")
    data = _form(client, url)
    data.update(
        legal_name="さくら雑貨株式会社",
        legal_name_latin="Sakura Zakka K.K.",
        roles=["supplier"],
        country="JP",
        registration_number="0100-01-123456",
        **{
            "shops-TOTAL_FORMS": "1",
            "shops-0-name": "Sakura Zakka",
            "shops-0-url": "https://WWW.harbourline.example/store/sakura/?utm_source=x",
            "shops-0-platform": str(platform.pk),
        },
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    merchant = Merchant.objects.get(legal_name="さくら雑貨株式会社")
    assert merchant.versions.get().source == "created"
    assert merchant.versions.get().created_by == superuser
    shop = Shop.objects.get(merchant=merchant)
    assert shop.url_normalized == "harbourline.example/store/sakura"
    assert shop.platform == platform


def test_a_malformed_shop_url_in_the_admin_is_a_field_error(staff_client, merchant):
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update(
        {"shops-TOTAL_FORMS": "1", "shops-0-name": "A", "shops-0-url": "https://localhost/shop"}
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "no valid host name" in response.content.decode()
    assert 'value="https://localhost/shop"' in response.content.decode()
    assert not Shop.objects.exists()


def test_the_same_shop_twice_in_the_admin_is_a_field_error(staff_client, merchant):
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update(
        {
            "shops-TOTAL_FORMS": "2",
            "shops-0-name": "A",
            "shops-0-url": "https://shop.example/a",
            "shops-1-name": "B",
            "shops-1-url": "http://WWW.shop.example/a/",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert not Shop.objects.exists()
    assert "listed twice" in response.content.decode()


def test_staff_link_a_representative_in_the_admin(staff_client, merchant):
    rep = UserFactory(role="merchant_rep")
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update({"representatives-TOTAL_FORMS": "1", "representatives-0-user": str(rep.pk)})

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert MerchantRepresentative.objects.get().user == rep


def test_search_finds_names_numbers_and_shop_links(staff_client):
    yuegou = MerchantFactory(
        legal_name="杭州悦购代购服务有限公司",
        country="CN",
        registration_number="91330105MA2KX8L21P",
    )
    other = MerchantFactory(legal_name="Nordlicht GmbH")
    ShopFactory(merchant=other, url="https://harbourline.example/store/nordlicht")

    def found(q):
        return list(staff_client.get(CHANGELIST, {"q": q}).context["cl"].queryset)

    assert found("悦购") == [yuegou]
    assert found("9133 0105-ma2k x8l21p") == [yuegou]
    assert found("NORDLICHT") == [other]
    assert found("https://www.harbourline.example/store/nordlicht/?spm=1") == [other]


def test_filters_by_country_role_state_expiry_and_duplicates(staff_client, mediator):
    soon = MerchantFactory(country="CN", roles=["platform"])
    later = MerchantFactory(country="DE", roles=["supplier"])
    dup_a = MerchantFactory(country="JP", registration_number="0100-01-1")
    dup_b = MerchantFactory(country="JP", registration_number="0100 01 2")
    Merchant.objects.filter(pk=dup_b.pk).update(
        registration_number_normalized="0100011"
    )  # a race got past the check
    shared_a, shared_b = MerchantFactory(), MerchantFactory()
    ShopFactory(merchant=shared_a, url="https://same.example/s")
    ShopFactory(merchant=shared_b, url="http://www.same.example/s/")
    services.verification_verify(merchant_id=soon.pk, reviewer=mediator, valid_days=20)
    services.verification_verify(merchant_id=later.pk, reviewer=mediator, valid_days=200)

    def found(**params):
        return set(staff_client.get(CHANGELIST, params).context["cl"].queryset)

    assert found(country="CN") == {soon}
    assert found(role="platform") == {soon}
    assert found(verification_state__exact="verified") == {soon, later}
    assert found(expiring="30") == {soon}
    assert found(duplicate="yes") == {dup_a, dup_b, shared_a, shared_b}
    assert soon in found(duplicate="no")


def test_the_changelist_has_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    for _ in range(15):
        MerchantFactory(roles=["supplier", "carrier"])

    with django_assert_max_num_queries(12):
        response = staff_client.get(CHANGELIST)
    assert response.status_code == 200


def test_the_verify_action_calls_the_service(staff_client, merchant, mediator):
    response = staff_client.post(
        CHANGELIST, {"action": "verify_selected", "_selected_action": [merchant.pk], "index": 0}
    )

    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.verification_state == "verified"
    assert merchant.verified_by == mediator


def test_reject_asks_for_a_reason_on_its_own_page(staff_client, merchant):
    first = staff_client.post(
        CHANGELIST, {"action": "reject_selected", "_selected_action": [merchant.pk], "index": 0}
    )
    assert first.status_code == 200
    assert "Reason" in first.content.decode()
    assert merchant.legal_name in first.content.decode()

    empty = staff_client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": [merchant.pk],
            "apply": "1",
            "reason": "",
        },
    )
    assert empty.status_code == 200 and empty.context["form"].errors
    merchant.refresh_from_db()
    assert merchant.verification_state == "unverified"

    done = staff_client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": [merchant.pk],
            "apply": "1",
            "reason": "Licence unreadable.",
        },
    )
    assert done.status_code == 302
    merchant.refresh_from_db()
    assert (merchant.verification_state, merchant.verification_note) == (
        "rejected",
        "Licence unreadable.",
    )


def test_mark_expired_skips_what_is_not_verified_and_says_so(staff_client, mediator):
    verified, unverified = MerchantFactory(), MerchantFactory()
    services.verification_verify(merchant_id=verified.pk, reviewer=mediator)

    response = staff_client.post(
        CHANGELIST,
        {"action": "expire_selected", "_selected_action": [verified.pk, unverified.pk], "index": 0},
        follow=True,
    )

    verified.refresh_from_db()
    unverified.refresh_from_db()
    assert (verified.verification_state, unverified.verification_state) == ("expired", "unverified")
    messages = [str(m) for m in response.context["messages"]]
    assert any("1 merchant" in m for m in messages)
    assert any("cannot go from" in m for m in messages)


def test_proposals_are_approved_and_rejected_from_their_admin(
    staff_client, merchant, representative
):
    approve = services.proposal_submit(
        merchant_id=merchant.pk, user=representative, data={"contact_phone": "+49 40 1"}
    )
    other = MerchantFactory()
    MerchantRepresentative.objects.create(user=representative, merchant=other)
    reject = services.proposal_submit(
        merchant_id=other.pk, user=representative, data={"registry": "AG Kiel"}
    )
    url = reverse("admin:merchants_disclosureproposal_changelist")

    page = staff_client.get(reverse("admin:merchants_disclosureproposal_change", args=[approve.pk]))
    assert "+49 40 1" in page.content.decode()

    staff_client.post(
        url, {"action": "approve_selected", "_selected_action": [approve.pk], "index": 0}
    )
    staff_client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": [reject.pk],
            "apply": "1",
            "reason": "Wrong court.",
        },
    )

    approve.refresh_from_db()
    reject.refresh_from_db()
    assert approve.state == "approved" and approve.version.source == "proposal"
    assert (reject.state, reject.review_note) == ("rejected", "Wrong court.")


def test_versions_are_read_only_for_everyone(client, superuser, merchant):
    client.force_login(superuser)
    version = merchant.versions.get()

    assert (
        client.get(
            reverse("admin:merchants_disclosureversion_change", args=[version.pk])
        ).status_code
        == 200
    )
    assert (
        client.post(
            reverse("admin:merchants_disclosureversion_delete", args=[version.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:merchants_merchant_delete", args=[merchant.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert DisclosureVersion.objects.filter(pk=version.pk).exists()


def test_the_merchant_page_in_the_admin_lists_history_and_documents(
    staff_client, merchant, representative, pdf_bytes
):
    document = services.document_upload(
        merchant_id=merchant.pk,
        user=representative,
        kind="business_licence",
        uploaded=SimpleUploadedFile("licence.pdf", pdf_bytes),
    )

    html = staff_client.get(
        reverse("admin:merchants_merchant_change", args=[merchant.pk])
    ).content.decode()

    assert reverse("merchants:document_download", args=[document.pk]) in html
    assert "disclosure history" in html.lower()
    assert "Documents uploaded for verification." in html


def test_the_mediators_group_has_the_merchant_permissions_and_no_delete():
    codenames = set(
        Group.objects.get(name="mediators")
        .permissions.filter(content_type__app_label="merchants")
        .values_list("codename", flat=True)
    )

    assert {
        "view_merchant",
        "change_merchant",
        "view_disclosureversion",
        "view_disclosureproposal",
        "view_verificationdocument",
    } <= codenames
    assert not any(c.startswith("delete_") for c in codenames)


def test_a_representative_cannot_use_the_admin_actions(client, merchant, representative):
    client.force_login(representative)

    response = client.post(
        CHANGELIST, {"action": "verify_selected", "_selected_action": [merchant.pk], "index": 0}
    )

    assert response.status_code == 302 and "/admin/login/" in response.url
    merchant.refresh_from_db()
    assert merchant.verification_state == "unverified"


def test_expiring_filter_ignores_what_already_expired(staff_client, mediator):
    gone = MerchantFactory()
    services.verification_verify(
        merchant_id=gone.pk,
        reviewer=mediator,
        valid_days=1,
        now=timezone.now() - dt.timedelta(days=5),
    )

    assert list(staff_client.get(CHANGELIST, {"expiring": "30"}).context["cl"].queryset) == []


def test_a_link_to_a_merchant_without_the_role_is_a_field_error(staff_client, merchant):
    not_a_carrier = MerchantFactory(roles=["supplier"])
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update(
        {
            "links_out-TOTAL_FORMS": "1",
            "links_out-0-kind": "seller_carrier",
            "links_out-0-target": str(not_a_carrier.pk),
            "links_out-0-started_on": "2024-01-01",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "does not have the role this link needs" in response.content.decode()
    assert not MerchantLink.objects.exists()


def test_roles_and_the_links_they_allow_are_saved_together(staff_client, merchant):
    supplier = MerchantFactory(roles=["supplier"])
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update(
        {
            "roles": ["agent_non_spot"],
            "links_out-TOTAL_FORMS": "1",
            "links_out-0-kind": "agent_supplier",
            "links_out-0-target": str(supplier.pk),
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert MerchantLink.objects.get().target == supplier
    assert merchant.versions.first().changes == {"roles": [["supplier"], ["agent_non_spot"]]}


def test_the_same_link_twice_in_one_submission_is_a_field_error(staff_client, merchant):
    carrier = MerchantFactory(roles=["carrier"])
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    row = {"kind": "seller_carrier", "target": str(carrier.pk), "started_on": ""}
    data.update(
        {"links_out-TOTAL_FORMS": "2"}
        | {f"links_out-{n}-{field}": value for n in (0, 1) for field, value in row.items()}
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "listed twice" in response.content.decode()
    assert not MerchantLink.objects.exists()
    assert merchant.versions.count() == 1  # nothing half-saved


def test_a_platform_cannot_host_its_own_shop_in_the_admin(staff_client):
    platform = MerchantFactory(roles=["platform"])
    url = reverse("admin:merchants_merchant_change", args=[platform.pk])
    data = _form(staff_client, url)
    data.update(
        {
            "shops-TOTAL_FORMS": "1",
            "shops-0-name": "Own storefront",
            "shops-0-url": "https://own.example/",
            "shops-0-platform": str(platform.pk),
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "needs no platform" in response.content.decode()
    assert 'value="https://own.example/"' in response.content.decode()
    assert not Shop.objects.exists()


def test_the_same_representative_twice_is_a_field_error(staff_client, merchant, mediator):
    rep = UserFactory(role="merchant_rep")
    services.representative_link(merchant_id=merchant.pk, user=rep, actor=mediator)
    url = reverse("admin:merchants_merchant_change", args=[merchant.pk])
    data = _form(staff_client, url)
    data.update({"representatives-TOTAL_FORMS": "2", "representatives-1-user": str(rep.pk)})

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "duplicate" in response.content.decode().lower()
    assert MerchantRepresentative.objects.count() == 1


def test_likely_duplicates_are_flagged_in_the_list(staff_client):
    first, second, alone = MerchantFactory(), MerchantFactory(), MerchantFactory()
    ShopFactory(merchant=first, url="https://twin.example/shop")
    ShopFactory(merchant=second, url="HTTPS://WWW.twin.example/shop/?utm_source=x")
    ShopFactory(merchant=alone, url="https://alone.example/")

    rows = staff_client.get(CHANGELIST).context["cl"].result_list

    assert {m.pk: m.likely_duplicate for m in rows} == {
        first.pk: True,
        second.pk: True,
        alone.pk: False,
    }

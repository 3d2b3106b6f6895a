"""Staff issue API keys (secret shown once, stored hashed) and revoke them; snapshots are
read-only; mediators may read snapshots but get nothing on API keys."""

from __future__ import annotations

import pytest

from credit import services
from credit.models import ApiKey, CreditSnapshot, WebhookDelivery, WebhookEndpoint
from credit.selectors import hash_api_key
from tests.factories import MerchantFactory, PlatformClientFactory, UserFactory

from .helpers import NOW

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/credit/apikey/add/"


def test_staff_create_a_key_and_see_the_secret_once(client, superuser):
    platform = PlatformClientFactory(email="risk@marketplace.test")
    client.force_login(superuser)

    form = client.get(ADD_URL)
    response = client.post(ADD_URL, {"client": platform.pk, "name": "checkout checks"})

    assert form.status_code == 200
    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert api_key.hashed_key == hash_api_key(secret)
    assert (api_key.client, api_key.name, api_key.created_by) == (
        platform,
        "checkout checks",
        superuser,
    )
    assert "no-store" in response["Cache-Control"]
    change_page = client.get(f"/admin/credit/apikey/{api_key.pk}/change/").content.decode()
    list_page = client.get("/admin/credit/apikey/").content.decode()
    assert api_key.prefix in list_page
    assert secret not in change_page
    assert secret not in list_page


def test_only_platform_clients_can_hold_keys(client, superuser):
    consumer = UserFactory(role="consumer")
    client.force_login(superuser)

    response = client.post(ADD_URL, {"client": consumer.pk, "name": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors["client"]
    assert not ApiKey.objects.exists()


def test_a_key_without_a_name_is_refused_keeping_what_was_typed(client, superuser):
    platform = PlatformClientFactory()
    client.force_login(superuser)

    response = client.post(ADD_URL, {"client": platform.pk, "name": ""})

    assert response.context["form"].errors["name"]
    assert response.context["form"]["client"].value() == str(platform.pk)
    assert not ApiKey.objects.exists()


def test_staff_revoke_keys_from_the_list(client, superuser):
    api_key, _ = services.api_key_create(
        client=PlatformClientFactory(), name="old", created_by=None
    )
    client.force_login(superuser)

    response = client.post(
        "/admin/credit/apikey/",
        {"action": "revoke", "_selected_action": [api_key.pk]},
        follow=True,
    )

    assert response.status_code == 200
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_the_key_list_shows_when_each_key_was_last_used(client, superuser, platform_api_client):
    platform_api_client.get("/api/v1/lookup/", {"shop_url": "https://x.example"})
    client.force_login(superuser)

    response = client.get("/admin/credit/apikey/")

    assert "column-last_used_at" in response.content.decode()
    assert ApiKey.objects.get().last_used_at is not None


def test_mediators_get_no_access_to_api_keys_or_webhooks(client, mediator):
    api_key, _ = services.api_key_create(client=PlatformClientFactory(), name="k", created_by=None)
    client.force_login(mediator)

    assert client.get("/admin/credit/apikey/").status_code == 403
    assert client.get(ADD_URL).status_code == 403
    assert client.get(f"/admin/credit/apikey/{api_key.pk}/change/").status_code == 403
    assert client.get("/admin/credit/webhookendpoint/").status_code == 403
    assert client.get("/admin/credit/webhookdelivery/").status_code == 403


def test_mediators_read_snapshots_which_nobody_can_edit(client, mediator, superuser):
    merchant = MerchantFactory()
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    snapshot = CreditSnapshot.objects.get()
    client.force_login(mediator)

    assert client.get("/admin/credit/creditsnapshot/").status_code == 200
    assert client.get(f"/admin/credit/creditsnapshot/{snapshot.pk}/change/").status_code == 200
    client.force_login(superuser)
    assert client.get("/admin/credit/creditsnapshot/add/").status_code == 403
    client.post(f"/admin/credit/creditsnapshot/{snapshot.pk}/change/", {"score": 1000})
    snapshot.refresh_from_db()
    assert snapshot.score is None


def test_staff_register_webhook_endpoints_with_a_generated_secret(client, superuser):
    platform = PlatformClientFactory()
    client.force_login(superuser)

    response = client.post(
        "/admin/credit/webhookendpoint/add/",
        {"client": platform.pk, "url": "https://hooks.marketplace.test/redress", "active": "on"},
    )

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 50  # 32 bytes, base64
    page = client.get(f"/admin/credit/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret in page


def test_webhook_urls_must_be_http(client, superuser):
    client.force_login(superuser)

    response = client.post(
        "/admin/credit/webhookendpoint/add/",
        {"client": PlatformClientFactory().pk, "url": "ftp://hooks.example/x"},
    )

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_lists_attempts_and_can_queue_undelivered_again(
    client, superuser, monkeypatch
):
    endpoint = WebhookEndpoint.objects.create(
        client=PlatformClientFactory(), url="http://127.0.0.1:9/hook"
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="merchant.grade_changed",
        payload={"grade": "B"},
        attempts=8,
        last_status_code=500,
        error="HTTP 500",
    )
    sent = []
    monkeypatch.setattr(
        "credit.services.enqueue_on_commit", lambda task, *args: sent.append((task, args))
    )
    client.force_login(superuser)

    page = client.get("/admin/credit/webhookdelivery/").content.decode()
    client.post(
        "/admin/credit/webhookdelivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )

    assert "HTTP 500" in page
    assert sent == [("credit.tasks.deliver_webhook", (delivery.pk,))]

"""API keys: a missing, wrong or revoked key is a 401; only platform clients get in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from credit.models import ApiKey
from credit.selectors import hash_api_key
from credit.services import api_key_create, api_key_revoke
from tests.factories import MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant():
    return MerchantFactory()


def _credit_url(merchant) -> str:
    return f"/api/v1/merchants/{merchant.public_id}/credit/"


def test_without_a_key_the_answer_is_401_in_the_error_shape(merchant):
    response = APIClient().get(_credit_url(merchant))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    error = response.json()["error"]
    assert error["status"] == 401
    assert error["code"] == "not_authenticated"
    assert error["message"]
    assert error["fields"] == {}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_API_KEY": "rdk_00000000.wrong"},
        {"HTTP_AUTHORIZATION": "Api-Key rdk_00000000.wrong"},
        {"HTTP_AUTHORIZATION": "Api-Key"},
        {"HTTP_AUTHORIZATION": "Api-Key two words"},
        {"HTTP_X_API_KEY": ""},
    ],
)
def test_a_wrong_or_malformed_key_is_401(merchant, headers):
    response = APIClient().get(_credit_url(merchant), **headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_the_key_works_in_either_header(merchant, platform_api_client):
    secret = platform_api_client.api_secret

    by_x_header = APIClient().get(_credit_url(merchant), HTTP_X_API_KEY=secret)
    by_authorization = APIClient().get(
        _credit_url(merchant), HTTP_AUTHORIZATION=f"Api-Key {secret}"
    )

    assert by_x_header.status_code == 200
    assert by_authorization.status_code == 200


def test_a_revoked_key_is_401(merchant, platform_api_client):
    api_key_revoke(api_key_id=platform_api_client.api_key.pk)

    response = platform_api_client.get(_credit_url(merchant))

    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_a_key_of_a_disabled_account_is_401(merchant, platform_api_client, platform_client):
    platform_client.is_active = False
    platform_client.save()

    assert platform_api_client.get(_credit_url(merchant)).status_code == 401


def test_a_key_whose_owner_is_no_longer_a_platform_client_is_403(
    merchant, platform_api_client, platform_client
):
    platform_client.role = "consumer"
    platform_client.save()

    response = platform_api_client.get(_credit_url(merchant))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_signed_in_session_is_not_an_api_key(client, merchant, superuser):
    client.force_login(superuser)

    assert client.get(_credit_url(merchant)).status_code == 401


def test_keys_are_stored_hashed_and_only_for_platform_clients(platform_client):
    api_key, secret = api_key_create(client=platform_client, name="checkout", created_by=None)

    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.hashed_key == hash_api_key(secret)
    assert secret not in {stored.hashed_key, stored.prefix, stored.name}
    assert secret.startswith(stored.prefix + ".")
    with pytest.raises(ValueError, match="platform clients"):
        api_key_create(client=UserFactory(role="consumer"), name="x", created_by=None)


def test_last_used_time_is_written_at_most_once_a_minute(merchant, platform_api_client):
    api_key = platform_api_client.api_key
    start = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        platform_api_client.get(_credit_url(merchant))
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        platform_api_client.get(_credit_url(merchant))
    api_key.refresh_from_db()
    after_30s = api_key.last_used_at
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        platform_api_client.get(_credit_url(merchant))
    api_key.refresh_from_db()

    assert after_30s == start
    assert api_key.last_used_at == start + dt.timedelta(seconds=61)


def test_the_health_endpoint_stays_public():
    response = APIClient().get("/api/v1/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}

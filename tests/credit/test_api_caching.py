"""ETag / Last-Modified / Cache-Control, 304 on conditional GET, and the credit cache."""

from __future__ import annotations

import os

import pytest
import redis
from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils.http import http_date

from credit import cache, services
from merchants.models import Shop
from merchants.normalize import normalize_shop_url
from tests.factories import MerchantFactory

from .helpers import DAY, NOW, decided_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(django_capture_on_commit_callbacks):
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    return merchant


def _url(merchant) -> str:
    return f"/api/v1/merchants/{merchant.public_id}/credit/"


def test_credit_carries_etag_last_modified_and_cache_control(platform_api_client, merchant):
    response = platform_api_client.get(_url(merchant))

    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(NOW.timestamp())
    assert "private" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]


def test_a_matching_etag_is_answered_304_without_a_body(platform_api_client, merchant):
    etag = platform_api_client.get(_url(merchant))["ETag"]

    response = platform_api_client.get(_url(merchant), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_modified_since_is_answered_304(platform_api_client, merchant):
    response = platform_api_client.get(
        _url(merchant), HTTP_IF_MODIFIED_SINCE=http_date((NOW + DAY).timestamp())
    )

    assert response.status_code == 304


def test_a_new_snapshot_changes_the_etag(
    platform_api_client, merchant, django_capture_on_commit_callbacks
):
    etag = platform_api_client.get(_url(merchant))["ETag"]
    decided_case(merchant, "referred_unresolved", now=NOW + DAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW + DAY)

    response = platform_api_client.get(_url(merchant), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["sample"]["cases"] == 2


def test_the_etag_differs_by_language(platform_api_client, merchant):
    english = platform_api_client.get(_url(merchant))["ETag"]
    chinese = platform_api_client.get(_url(merchant), HTTP_ACCEPT_LANGUAGE="zh-hans")["ETag"]

    assert english != chinese


def test_history_and_lookup_are_conditional_too(platform_api_client, merchant):
    url = "https://shop.example.com/store"
    Shop.objects.create(
        merchant=merchant, name="Shop", url=url, url_normalized=normalize_shop_url(url)
    )
    for path, params in [
        (f"/api/v1/merchants/{merchant.public_id}/credit/history/", {}),
        ("/api/v1/lookup/", {"shop_url": url}),
    ]:
        etag = platform_api_client.get(path, params)["ETag"]

        response = platform_api_client.get(path, params, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304


def test_a_change_of_the_merchant_changes_the_lookup_etag(platform_api_client, merchant):
    params = {"country": str(merchant.country), "registration_number": merchant.registration_number}
    etag = platform_api_client.get("/api/v1/lookup/", params)["ETag"]
    merchant.legal_name_latin = "Renamed Ltd."
    merchant.save()

    response = platform_api_client.get("/api/v1/lookup/", params, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["merchant"]["legal_name_latin"] == "Renamed Ltd."


def test_repeated_reads_are_served_from_the_cache(
    platform_api_client, merchant, django_assert_num_queries
):
    platform_api_client.get(_url(merchant))  # fills the cache (and last_used_at)

    # The key and the merchant's id from the process's memory, the snapshot from the cache.
    with django_assert_num_queries(0):
        response = platform_api_client.get(_url(merchant))

    assert response.status_code == 200


@pytest.mark.parametrize(("seconds", "status"), [(60, 200), (0, 401)])
def test_a_key_revoked_by_another_process_stops_working_after_the_memory_time(
    settings, platform_api_client, merchant, seconds, status
):
    from django.utils import timezone

    from credit.models import ApiKey

    settings.CREDIT_API_KEY_CACHE_SECONDS = seconds
    assert platform_api_client.get(_url(merchant)).status_code == 200
    # Revoked by another process (the admin's), which cannot reach this one's memory.
    ApiKey.objects.filter(pk=platform_api_client.api_key.pk).update(revoked_at=timezone.now())

    assert platform_api_client.get(_url(merchant)).status_code == status


def test_the_kept_answers_are_what_the_serializers_make(platform_api_client, merchant):
    import json

    from credit.api.serializers import (
        BulkLookupResultSerializer,
        MerchantCreditSerializer,
        present_credit,
    )
    from credit.selectors import merchants_by_public_ids

    payload = cache.current_credit(merchant.pk)
    expected_credit = MerchantCreditSerializer(
        {"merchant": merchant.public_id, **present_credit(payload)}
    ).data
    other = MerchantFactory()
    found = merchants_by_public_ids([str(merchant.public_id), str(other.public_id)])
    expected_bulk = BulkLookupResultSerializer(
        {
            "results": [
                {"merchant": found[str(m.public_id)], "credit": present_credit(p)}
                for m, p in ((merchant, payload), (other, cache.current_credit(other.pk)))
            ],
            "not_found": [],
        }
    ).data

    for _ in range(2):  # the second time from the process's memory
        credit = platform_api_client.get(_url(merchant)).json()
        bulk = platform_api_client.post(
            "/api/v1/lookup/bulk/",
            {"merchants": [str(merchant.public_id), str(other.public_id)]},
            format="json",
        ).json()
        assert credit == json.loads(json.dumps(expected_credit, default=str))
        assert bulk == json.loads(json.dumps(expected_bulk, default=str))


def test_each_language_has_its_own_kept_answer(platform_api_client, merchant):
    english = platform_api_client.get(_url(merchant)).json()
    chinese = platform_api_client.get(_url(merchant), HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert english["factors"][0]["name"] == "Responsiveness"
    assert english["factors"][0]["name"] != chinese["factors"][0]["name"]
    assert platform_api_client.get(_url(merchant)).json() == english


def test_the_credit_cache_lives_in_redis_and_a_recomputation_deletes_it(
    platform_api_client, merchant, django_capture_on_commit_callbacks
):
    if not settings.REDIS_URL:
        assert not os.environ.get("CI"), "CI must run with REDIS_URL (the real Redis cache)"
        pytest.skip("REDIS_URL is not set: the cache is in this process's memory")
    server = redis.Redis.from_url(settings.REDIS_URL)
    key = django_cache.make_key(cache._key(merchant.pk))
    first = platform_api_client.get(_url(merchant))
    assert server.exists(key), "the answer was not cached in Redis"

    decided_case(merchant, "referred_unresolved", now=NOW + DAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW + DAY)

    assert not server.exists(key), "the recomputation left the old entry in Redis"
    second = platform_api_client.get(_url(merchant))
    assert server.exists(key)
    assert (first.json()["sample"]["cases"], second.json()["sample"]["cases"]) == (1, 2)


def test_a_process_answers_a_merchant_asked_again_from_its_memory(merchant, settings):
    settings.CREDIT_MEMORY_CHECK_SECONDS = 3600
    first = cache.current_credit(merchant.pk)
    # Gone from the shared cache (and not replaced by a recomputation): this process still knows.
    django_cache.delete(cache._key(merchant.pk))

    assert cache.current_credit(merchant.pk) == first
    assert django_cache.get(cache._key(merchant.pk)) is None, "it was read again"


def test_another_process_s_recomputation_is_seen_at_the_next_check(
    merchant, settings, django_capture_on_commit_callbacks
):
    settings.CREDIT_MEMORY_CHECK_SECONDS = 3600
    before = cache.current_credit(merchant.pk)
    decided_case(merchant, "referred_unresolved", now=NOW + DAY)
    with django_capture_on_commit_callbacks(execute=False):  # this process is not told
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW + DAY)
    # What the other process's invalidate() did to the shared cache:
    django_cache.delete(cache._key(merchant.pk))
    django_cache.set(cache._GENERATION_KEY, "another process", timeout=None)

    assert cache.current_credit(merchant.pk) == before, "checked again before its time"
    settings.CREDIT_MEMORY_CHECK_SECONDS = 0
    after = cache.current_credit(merchant.pk)
    assert (before["case_count"], after["case_count"]) == (1, 2)


def test_without_a_reachable_cache_nothing_is_remembered(
    merchant, monkeypatch, django_assert_num_queries
):
    from django_redis.cache import RedisCache

    dead = RedisCache(
        "redis://127.0.0.1:9/0",
        {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True}},
    )
    monkeypatch.setattr(cache, "cache", dead)

    for _ in range(2):
        with django_assert_num_queries(1):
            assert cache.current_credit(merchant.pk)["case_count"] == 1

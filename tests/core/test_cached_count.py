"""CachedCountPaginator: the number of matching rows is counted once per query for the
configured seconds, the page itself always fresh; the API's merchant directory uses it."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from core.pagination import CachedCountPaginator
from merchants.models import Merchant
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


class Kept(CachedCountPaginator):
    count_seconds_setting = "DIRECTORY_COUNT_CACHE_SECONDS"


@pytest.fixture
def kept(settings):
    settings.DIRECTORY_COUNT_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_the_count_is_kept_for_the_configured_seconds_and_the_page_is_fresh(kept, monkeypatch):
    # A cache in this process, whose entries expire on the travelling clock (Redis's do not).
    local = LocMemCache("count-test", {})
    monkeypatch.setattr("core.cache.kept_cache", lambda: local)
    MerchantFactory.create_batch(3)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert Kept(Merchant.objects.order_by("pk"), 2).count == 3
        MerchantFactory()
        later = Kept(Merchant.objects.order_by("pk"), 2)
        assert later.count == 3  # kept
        # The pages are read now, whatever the kept count says: the fourth is not lost.
        assert len(later.page(2).object_list) == 2
        clock.shift(61)
        assert Kept(Merchant.objects.order_by("pk"), 2).count == 4


def test_each_query_has_its_own_count(kept):
    MerchantFactory.create_batch(2, country="DE")
    MerchantFactory(country="FR")
    assert Kept(Merchant.objects.filter(country="DE"), 10).count == 2
    assert Kept(Merchant.objects.filter(country="FR"), 10).count == 1


def test_without_seconds_it_counts_every_time(settings):
    settings.DIRECTORY_COUNT_CACHE_SECONDS = 0
    MerchantFactory()
    assert Kept(Merchant.objects.all(), 10).count == 1
    MerchantFactory()
    assert Kept(Merchant.objects.all(), 10).count == 2


def test_a_query_nothing_can_match_counts_zero(kept, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Kept(Merchant.objects.none(), 10).count == 0


def test_a_list_is_counted_as_a_list(kept):
    assert Kept([1, 2, 3], 2).count == 3


def test_the_api_directory_counts_once_a_minute(kept, platform_api_client):
    MerchantFactory.create_batch(3)
    first = platform_api_client.get("/api/v1/merchants/")
    assert first.status_code == 200
    MerchantFactory()
    second = platform_api_client.get("/api/v1/merchants/")

    assert first.json()["count"] == second.json()["count"] == 3
    assert len(second.json()["results"]) == 4


def test_orphans_join_only_the_last_page(kept):
    MerchantFactory.create_batch(5)
    paginator = Kept(Merchant.objects.order_by("pk"), 2, orphans=1)
    assert [len(paginator.page(n).object_list) for n in paginator.page_range] == [2, 3]


def test_kept_computes_when_the_cache_cannot_be_reached(monkeypatch):
    from core.cache import kept

    class Broken:
        def get(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

        set = get

    monkeypatch.setattr("core.cache.kept_cache", lambda: Broken())
    calls = []

    assert kept("k", lambda: calls.append(1) or 7, seconds=30) == 7
    assert kept("k", lambda: calls.append(1) or 7, seconds=30) == 7
    assert len(calls) == 2


def test_kept_for_no_seconds_is_computed_every_time(monkeypatch):
    from core.cache import kept

    local = LocMemCache("kept-zero", {})
    monkeypatch.setattr("core.cache.kept_cache", lambda: local)
    values = iter([1, 2])

    assert kept("k", lambda: next(values), seconds=0) == 1
    assert kept("k", lambda: next(values), seconds=0) == 2

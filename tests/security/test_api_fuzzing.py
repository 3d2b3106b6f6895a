"""The platform API fuzzed from its own OpenAPI schema: no 5xx, every answer as documented.

Schemathesis reads /api/schema/ from the WSGI application in this process and, for every
operation, sends a bounded number of generated requests (schema examples first, then valid and
invalid values), once with a valid platform key and once with no key at all. Each response is
checked for: no server error, a documented status code, content type and headers, a body that
matches the documented schema, invalid input refused, and authentication not ignored.

The requests share the test's database transaction, so the example merchant of the schema
(built below with the ids and numbers the examples use) answers 200 with real data.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from credit.api.schema import EXAMPLE_MERCHANT_ID
from tests.factories import MerchantFactory, ShopFactory

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)

# A bounded run: about a minute for every operation, both ways, on this machine.
MAX_EXAMPLES = 20

# These take values whose rules OpenAPI cannot state: a shop link must have a host name, a
# registration number only letters and digits (after spaces and dashes are dropped), and the
# lookup wants shop_url OR country with registration_number. A schema-valid value can still be
# a documented 400 there, so "valid data is accepted" is not checked for them; every other check
# (including "invalid data is refused") is.
SEMANTIC_PARAMETERS = {"GET /api/v1/lookup/", "GET /api/v1/merchants/", "GET /api/v1/shops/"}

AUTH_HEADERS = ("X-Api-Key", "Authorization")


@pytest.fixture
def in_test_transaction(db):
    """Requests through the WSGI handler run inside the test's transaction. Django's handler
    closes the connection at the end of each request (close_old_connections), which would end
    that transaction; Django's own test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def directory(db):
    """The merchant of the schema's examples, with a shop and a link, and an unverified one."""
    from credit.services import credit_recompute
    from merchants import services
    from merchants.models import Merchant

    example = MerchantFactory(
        legal_name="上海优品贸易有限公司",
        legal_name_latin="Shanghai Youpin Trading Co., Ltd.",
        country="CN",
        registration_number="91310000MA1FL1234X",
        website="https://youpin.example.com",
        roles=["supplier"],
    )
    Merchant.objects.filter(pk=example.pk).update(public_id=EXAMPLE_MERCHANT_ID)
    platform = MerchantFactory(legal_name="Harbourline Marketplace Ltd.", roles=["platform"])
    unverified = MerchantFactory(legal_name="Nordlicht Handel GmbH", roles=["carrier"])
    ShopFactory(merchant=example, platform=platform, url="https://youpin.example.com/")
    ShopFactory(merchant=unverified, platform=None)
    services.link_create(source_id=example.pk, target_id=platform.pk, kind="seller_platform")
    credit_recompute()
    return example


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters and cached credit of earlier tests must not answer for these.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("with_key", [True, False], ids=["valid-key", "no-key"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # The same examples every run, so a CI failure can be reproduced; no example database.
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(
    case, with_key, platform_api_client, directory, in_test_transaction
):
    for header in AUTH_HEADERS:
        # Schemathesis fills the documented key headers with generated values; replace them
        # with the real key, or send none.
        (case.headers or {}).pop(header, None)
    headers = {"X-Api-Key": platform_api_client.api_secret} if with_key else None
    excluded = [positive_data_acceptance] if case.operation.label in SEMANTIC_PARAMETERS else []

    case.call_and_validate(headers=headers, excluded_checks=excluded)

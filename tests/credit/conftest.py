"""Credit tests start with an empty cache: throttle counters and cached credit from another
test (or another run, on Redis) must not leak in."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()

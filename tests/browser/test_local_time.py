"""The times js/local-time.js rewrites in the browser's zone read exactly as the server writes
them (one date format per language): never "Dec. 4" from the server beside "Dec 4" from the
script."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMES = [
    datetime(2026, 12, 4, 9, 5, tzinfo=UTC),
    datetime(2026, 12, 31, 20, 30, tzinfo=UTC),
    datetime(2027, 5, 1, 0, 0, tzinfo=UTC),
    datetime(2027, 9, 14, 12, 45, tzinfo=UTC),
]


def _server_page(language: str, script_url: str) -> str:
    template = Template(
        "{% load local_time %}{% for t in times %}"
        "<p>{% local_time t %}</p><p>{% local_time t date_only=True %}</p>{% endfor %}"
    )
    with translation.override(language), timezone.override(UTC):
        body = template.render(Context({"times": TIMES}))
    lang = "zh-hans" if language.startswith("zh") else "en"
    return f'<html lang="{lang}"><body>{body}<script src="{script_url}"></script></body></html>'


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_script_writes_times_as_the_server_does(live_server, browser: Browser, language):
    context = browser.new_context(timezone_id="UTC")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.set_content(_server_page(language, live_server.url + "/static/js/local-time.js"))
    page.wait_for_function("document.querySelector('time').hasAttribute('title')")

    pairs = page.eval_on_selector_all(
        "time", "items => items.map(t => [t.getAttribute('title'), t.textContent])"
    )

    assert len(pairs) == 2 * len(TIMES)
    for server, script in pairs:
        assert script == server
    assert pairs[0][0] == (
        "Dec 4, 2026, 09:05 AM UTC" if language == "en" else "2026年12月4日 09:05 UTC"
    )
    context.close()

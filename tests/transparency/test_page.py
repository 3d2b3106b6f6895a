"""The statistics page: public, in both languages, charts drawn on the server with their
tables, filters read from the query string and wrong ones answered with 400 naming them."""

from __future__ import annotations

import re
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import NOW, complaint_case

pytestmark = pytest.mark.django_db

URL = "/statistics/"
CHINESE_URL = "/zh-hans/statistics/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _get(client, url=URL, **params):
    return client.get(url, params)


def _text(response) -> str:
    html = response.content.decode()
    # The words a reader sees, tags removed and spaces collapsed.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_is_public_and_shows_the_figures(client, dataset):
    response = _get(client)

    assert response.status_code == 200
    text = _text(response)
    assert "5 complaints from July 2025 to June 2026" in text
    assert "75% (3 of 4 complaints whose answer was due)" in text
    assert "50% (2 of 4 complaints answered by the deadline)" in text
    assert "67% (2 of 3 decided complaints resolved or settled)" in text
    assert "10 days from acceptance to resolution" in text
    assert "2 complaints name no marketplace of the directory" in text
    assert "Counted here: complaints a mediator accepted at screening" in text


def test_the_page_shows_no_complaint_or_consumer(client, dataset):
    html = _get(client).content.decode()

    for case in dataset["counted"]:
        complaint = case.complaint
        assert complaint.reference not in html
        assert str(complaint.public_id) not in html
        assert complaint.consumer.email not in html
        assert complaint.consumer.full_name not in html
        assert complaint.order_number not in html


def test_each_chart_is_an_svg_with_a_table_of_its_values(client, dataset):
    html = _get(client).content.decode()

    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4  # per month, by category, country pairs, marketplaces
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "<script" not in svg and "style=" not in svg
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) == 4
    months, categories, pairs, platforms = tables
    assert 'class="data visually-hidden"' in months
    assert months.count("<tr>") == 13  # the header and twelve months
    assert "<td>May 2026</td><td>2</td>" in months
    assert "<td>June 2026</td><td>3</td>" in months
    assert "<td>Not delivered or delivered late</td><td>3</td>" in categories
    assert "<td>Fraud (low-price trap, deposit scam, auction fraud)</td><td>2</td>" in categories
    assert "<td>France</td><td>Germany</td><td>2</td>" in pairs
    assert "<td>France</td><td>Not in the directory</td><td>1</td>" in pairs
    assert f'href="/merchants/{dataset["p1"].public_id}/">Alpha Marketplace Inc</a></td><td>2' in (
        platforms
    )
    # The bars in the same order as the rows.
    assert svgs[3].index("Alpha Marketplace Inc: 2") < svgs[3].index("Beta Bazaar Ltd: 1")


def test_no_number_in_an_svg_is_written_with_a_decimal_comma(client, dataset, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    html = _get(client, CHINESE_URL).content.decode()

    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        for value in re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', svg):
            assert value == "100%" or re.fullmatch(r"-?\d+(\.\d+)?", value), value


def test_the_page_in_chinese(client, dataset):
    response = _get(client, CHINESE_URL)

    assert response.status_code == 200
    text = _text(response)
    assert '<html lang="zh-hans"' in response.content.decode()
    assert "投诉统计" in text
    assert "法国" in text and "德国" in text  # the countries' names in Chinese
    assert "2 of 3" not in text


def test_the_filters_narrow_the_page(client, dataset):
    text = _text(_get(client, category="fraud", consumer_country="fr"))

    assert "1 complaint from July 2025 to June 2026" in text

    by_platform = _text(_get(client, platform=str(dataset["p1"].public_id)))
    assert "2 complaints from July 2025 to June 2026" in by_platform

    without = _text(_get(client, platform="none"))
    assert "2 complaints from July 2025 to June 2026" in without

    seller = _text(_get(client, merchant_country="DE"))
    assert "3 complaints from July 2025 to June 2026" in seller


def test_the_period_is_a_preset_or_months(client, dataset):
    assert "6 complaints from July 2024 to June 2026" in _text(_get(client, period="24"))
    assert "6 complaints from July 2021 to June 2026" in _text(_get(client, period="60"))
    one_month = _text(_get(client, start="2025-05", end="2025-05"))
    assert "1 complaint from May 2025 to May 2025" in one_month
    assert "20 days from acceptance to resolution" in one_month
    # Only the first month: up to this month; only the last: the twelve months ending with it.
    assert "3 complaints from June 2026 to June 2026" in _text(_get(client, start="2026-06"))
    assert "1 complaint from June 2024 to May 2025" in _text(_get(client, end="2025-05"))


def test_the_selected_marketplace_stays_in_the_list(client, dataset):
    html = _get(client, platform=str(dataset["p2"].public_id), category="non_delivery").content
    html = html.decode()

    # No complaint of that filter names it, yet the list still offers it, selected.
    assert f'<option value="{dataset["p2"].public_id}" selected>Beta Bazaar Ltd</option>' in html


@pytest.mark.parametrize(
    ("params", "label", "message"),
    [
        ({"category": "nope"}, "Category", "Select a valid choice."),
        ({"consumer_country": "XX"}, "Consumer&#x27;s country", "Select a valid choice."),
        ({"merchant_country": "Germany"}, "Seller&#x27;s country", "Select a valid choice."),
        ({"period": "7"}, "Period", "Select a valid choice."),
        ({"platform": "amazon"}, "Marketplace", "No merchant of the directory"),
        ({"platform": str(uuid.uuid4())}, "Marketplace", "No merchant of the directory"),
        ({"start": "2026-13"}, "From month", "Enter a month as YYYY-MM"),
        ({"start": "June"}, "From month", "Enter a month as YYYY-MM"),
        ({"end": "2026-07"}, "To month", "This month is still to come."),
        ({"start": "2026-05", "end": "2026-04"}, "From month", "after the last one"),
        ({"start": "2020-01"}, "From month", "at most 60 months"),
    ],
)
def test_a_wrong_filter_is_a_400_naming_the_field(client, dataset, params, label, message):
    response = _get(client, **params)

    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index('<div class="form-errors"') :]
    errors = errors[: errors.index("</div>")]
    assert f"<strong>{label}</strong>" in errors
    assert message in errors
    assert "<svg" not in html  # nothing counted


def test_a_wrong_filter_is_named_in_chinese_too(client, dataset):
    response = _get(client, CHINESE_URL, category="nope")

    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index('<div class="form-errors"') :]
    assert "<strong>类别</strong>" in errors[: errors.index("</div>")]


def test_nothing_counted_says_so(client, db):
    text = _text(_get(client))

    assert "0 complaints from July 2025 to June 2026" in text
    assert "No merchant&#x27;s answer has fallen due yet." in text or (
        "No merchant's answer has fallen due yet." in text
    )
    assert "No complaint has been decided yet." in text


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, consumer_country="FR").status_code == 200
    return len(queries.captured_queries)


def test_the_page_s_queries_do_not_grow_with_the_complaints(client, dataset):
    small = _page_queries(client)
    for index in range(25):
        complaint_case(
            submitted=NOW.replace(day=1 + index),
            category="fraud",
            consumer_country=["FR", "KR", "US"][index % 3],
            seller=dataset["cn"],
            state="resolved",
            outcome="resolved_by_merchant",
            responded_after_days=1,
            closed_after_days=2 + index % 4,
        )

    assert _page_queries(client) == small == 5  # the figures' five, nothing per row


def test_the_site_links_to_the_page(client, db):
    home = client.get("/").content.decode()

    assert home.count('href="/statistics/"') == 2  # the navigation and the home page


def test_only_get(client, db):
    assert client.post(URL).status_code == 405

"""The jurisdiction page: the form, the answer in English and in Chinese, "not legal advice",
and a 400 with the errors for anything that is not a country or an answer, never a 500."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

URL = "/referrals/jurisdiction/"
VALID = {
    "consumer_country": "DE",
    "trader_country": "CN",
    "directed": "yes",
    "chosen_law": "",
}


@pytest.fixture(autouse=True)
def _default_language():
    # A /zh-hans/ request leaves Chinese active in the test thread (tests/odr/conftest.py).
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def _answer(html):
    match = re.search(r'<section class="jurisdiction-answer".*?</section>', html, re.S)
    return match.group() if match else ""


def test_the_page_asks_and_says_it_is_not_legal_advice(client):
    response = client.get(URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'name="consumer_country"' in html and 'name="trader_country"' in html
    assert 'name="directed"' in html and 'name="chosen_law"' in html
    assert "This is general information, not legal advice." in html
    assert 'href="/referrals/"' in html
    assert "jurisdiction-2026.1" in html
    assert _answer(html) == ""  # nothing answered before a question is asked


def test_a_valid_question_gets_the_answer_in_english(client):
    response = client.get(URL, VALID)
    answer = _answer(response.content.decode())

    assert response.status_code == 200
    assert "The law of Germany" in answer
    assert "The courts of Germany" in answer and "The courts of China" in answer
    assert "Brussels Ia Regulation (EU) No 1215/2012, art. 17(1)(c) and art. 18(1)" in answer
    assert 'href="https://eur-lex.europa.eu/eli/reg/2008/593/oj"' in answer
    assert 'href="https://flk.npc.gov.cn/"' in answer
    assert "“eu_consumer”" in answer and "jurisdiction-2026.1" in answer


def test_a_chosen_law_and_an_unknown_answer_are_shown(client):
    response = client.get(
        URL, {**VALID, "trader_country": "FR", "directed": "unknown", "chosen_law": "FR"}
    )
    answer = _answer(response.content.decode())

    assert response.status_code == 200
    assert "The terms choose the law of France." in answer
    assert "If the trader directed its business to your country:" in answer
    assert "with the protection of the mandatory consumer rules of Germany" in answer
    assert "open if the trader directed its business to your country" in answer


def test_the_general_answer_names_no_law(client):
    response = client.get(URL, {**VALID, "consumer_country": "US", "trader_country": "CN"})
    answer = _answer(response.content.decode())

    assert "No single country's law can be named in general" in answer
    assert "may be open under that country's own law" in answer
    assert 'href="https://www.econsumer.gov/"' in answer


def test_the_answer_in_chinese(client):
    response = client.get(
        "/zh-hans" + URL, {**VALID, "consumer_country": "CN", "trader_country": "DE"}
    )
    html = response.content.decode()
    answer = _answer(html)

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert 'href="/zh-hans/referrals/"' in html
    # Country names in the page's language; the rule and its sources as in English.
    assert "中国" in answer and "德国" in answer
    assert "“china”" in answer
    assert "涉外民事关系法律适用法" in answer
    assert 'href="https://flk.npc.gov.cn/"' in answer


@pytest.mark.parametrize(
    "params",
    [
        {**VALID, "consumer_country": "ZZ"},  # not a country
        {**VALID, "trader_country": "ZZ"},
        {**VALID, "chosen_law": "ZZ"},
        {**VALID, "consumer_country": "de"},  # codes as the list has them
        {**VALID, "directed": "maybe"},
        {**VALID, "directed": ""},
        {**VALID, "trader_country": ""},  # required
        {"consumer_country": "DE"},
        {"junk": "1"},
        {**VALID, "consumer_country": "D\x00E"},
        {**VALID, "consumer_country": "<script>alert(1)</script>"},
        {**VALID, "trader_country": "德国" * 500},
    ],
)
def test_anything_but_a_country_and_an_answer_is_a_400_with_the_errors(client, params):
    response = client.get(URL, params)
    html = response.content.decode()

    assert response.status_code == 400
    assert 'class="form-errors"' in html
    assert _answer(html) == ""
    assert "<script>alert(1)</script>" not in html


def test_the_page_only_answers_get(client):
    assert client.post(URL, VALID).status_code == 405


def test_the_form_cleans_its_text_like_every_form():
    from core.text import CleanTextMixin
    from referrals.forms_jurisdiction import JurisdictionForm

    assert issubclass(JurisdictionForm, CleanTextMixin)

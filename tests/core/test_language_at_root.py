"""`/` is served in the visitor's language, with the language in the address: the switcher's
choice (its cookie) first, else the browser's Accept-Language (issue 19 item 3)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

COOKIE = "django_language"


@pytest.mark.parametrize(
    ("accept_language", "cookie", "expected"),
    [
        # no preference: English, at /
        ("", None, None),
        ("en-US,en;q=0.9", None, None),
        # a Chinese browser: the Chinese address
        ("zh-CN,zh;q=0.9", None, "/zh-hans/"),
        ("zh-Hans", None, "/zh-hans/"),
        ("zh", None, "/zh-hans/"),
        # a language Redress does not have, then Chinese
        ("fr-FR,zh-CN;q=0.8", None, "/zh-hans/"),
        ("fr-FR", None, None),
        # the switcher's choice wins over the browser
        ("zh-CN", "en", None),
        ("en-US", "zh-hans", "/zh-hans/"),
        # a cookie with a language Redress does not have falls back to the browser
        ("zh-CN", "xx", "/zh-hans/"),
    ],
)
def test_the_home_page_opens_in_the_visitor_s_language(client, accept_language, cookie, expected):
    if cookie:
        client.cookies[COOKIE] = cookie

    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)

    if expected is None:
        assert response.status_code == 200
        assert response.context["LANGUAGE_CODE"] == "en"
    else:
        assert (response.status_code, response["Location"]) == (302, expected)
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_a_language_in_the_address_is_served_as_it_is(client):
    client.cookies[COOKIE] = "en"

    response = client.get("/zh-hans/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "zh-hans"


@pytest.mark.parametrize(
    ("page", "language", "lands_on"),
    [
        ("/zh-hans/", "en", "/"),
        ("/zh-hans/merchants/?q=shop", "en", "/merchants/?q=shop"),
        ("/merchants/", "zh-hans", "/zh-hans/merchants/"),
        ("/", "zh-hans", "/zh-hans/"),
    ],
)
def test_the_switcher_takes_the_reader_to_the_same_page_in_the_chosen_language(
    client, page, language, lands_on
):
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="").content.decode()
    import re

    next_url = re.search(r'name="next" type="hidden" value="([^"]*)"', html).group(1)

    response = client.post(
        "/i18n/setlang/", {"language": language, "next": next_url.replace("&amp;", "&")}
    )

    assert (response.status_code, response["Location"]) == (302, lands_on)

"""The home page, the language switch and the error pages, in English and 简体中文."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_explains_redress_and_links_the_entry_points(client):
    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Look up a merchant" in html
    assert "File a complaint" in html
    assert "My complaints" in html


def test_home_page_in_simplified_chinese(client):
    response = client.get("/zh-hans/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "查询商家" in html  # "Look up a merchant"
    assert "Look up a merchant" not in html


def test_language_switch_remembers_the_choice(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    assert response.status_code == 302
    assert response.url == "/zh-hans/"
    assert "提交投诉" in client.get(response.url).content.decode()  # "File a complaint"


def test_unknown_page_shows_our_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_every_form_field_has_a_label(client):
    html = client.get(reverse("register")).content.decode()

    for field in ("id_full_name", "id_email", "id_password1", "id_password2"):
        assert f'for="{field}"' in html


def test_static_files_are_served_without_a_cdn(client):
    html = client.get("/").content.decode()

    assert "/static/css/redress.css" in html
    assert "//cdn" not in html and "googleapis" not in html


def test_health_endpoint(client):
    assert client.get("/api/v1/health/").json() == {"status": "ok"}

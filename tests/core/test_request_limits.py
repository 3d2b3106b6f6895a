"""Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (5 MiB) are a 413 page on the browser side, in the
visitor's language, never a 400 or a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

LIMIT_BYTES = 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/register/", "That was more than we can accept at once"),
        ("/accounts/login/", "That was more than we can accept at once"),
        ("/admin/login/", "That was more than we can accept at once"),
        ("/zh-hans/accounts/register/", "一次提交的内容超出了我们能接收的上限"),
    ],
)
def test_a_form_over_the_size_limit_is_a_413_page(client, path, heading):
    body = "full_name=" + "a" * LIMIT_BYTES

    response = client.post(path, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert heading in response.content.decode()


def test_a_form_over_the_size_limit_is_a_413_with_csrf_checks_on(client):
    # With the CSRF cookie set, the CSRF middleware is the first to read the form.
    client.handler.enforce_csrf_checks = True
    client.get("/accounts/register/")
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&full_name=" + "a" * LIMIT_BYTES

    response = client.post(
        "/accounts/register/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413


def test_too_many_fields_is_still_a_400_page(client):
    body = "&".join(f"f{n}=1" for n in range(1_001))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1,000

    response = client.post(
        "/accounts/register/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()


def test_a_refused_request_under_the_api_is_answered_in_the_api_error_shape(client):
    # DisallowedHost is raised before any view: Django's 400 handler answers.
    response = client.get("/api/v1/health/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "bad_request",
            "message": "The request could not be understood.",
            "fields": {},
        }
    }


def test_a_refused_page_request_is_still_the_400_page(client):
    response = client.get("/accounts/register/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()

"""Platforms get a key without e-mailing anyone: an account asks for access, an administrator
approves or refuses it, the platform creates, rotates and revokes its own keys, each secret
shown once (issue 19 item 6)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from credit import onboarding
from credit.models import ApiKey, PlatformAccessRequest
from credit.selectors import api_key_for_secret
from tests.factories import SubmittedComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUEST = {
    "organisation": "Example Marketplace Ltd",
    "website": "https://market.example.test/",
    "contact_name": "Ana Lima",
    "contact_email": "api@market.example.test",
    "intended_use": "Show sellers' grades at checkout.",
}


@pytest.fixture
def applicant():
    return UserFactory(role="consumer")


def _ask(client, user, **overrides):
    client.force_login(user)
    return client.post(reverse("platforms:request"), {**REQUEST, **overrides})


def test_an_account_asks_for_access_and_waits_for_review(client, applicant):
    response = _ask(client, applicant)

    assert response.status_code == 302
    access = PlatformAccessRequest.objects.get()
    assert (access.user, access.state, access.organisation) == (
        applicant,
        "pending",
        "Example Marketplace Ltd",
    )
    # Asking again while one waits is refused, with the reason.
    again = _ask(client, applicant)
    assert again.status_code == 400
    assert "waiting for review" in again.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("website", "not a url"), ("contact_email", "nobody"), ("organisation", "   ")],
)
def test_a_bad_request_is_explained_and_nothing_is_saved(client, applicant, field, value):
    response = _ask(client, applicant, **{field: value})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PlatformAccessRequest.objects.exists()


def test_an_account_with_complaints_asks_from_an_account_of_its_own(client):
    consumer = SubmittedComplaintFactory().consumer

    response = _ask(client, consumer)

    assert response.status_code == 400
    assert "account of its own" in response.content.decode()


@pytest.fixture
def pending(applicant):
    return onboarding.access_request_create(user=applicant, **REQUEST)


def test_an_administrator_approves_and_the_platform_is_told(
    pending, superuser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.access_request_approve(request_id=pending.pk, staff=superuser)

    pending.refresh_from_db()
    pending.user.refresh_from_db()
    assert pending.state == "approved" and pending.decided_by == superuser
    assert pending.user.role == "platform_client"
    assert [m.to for m in mail.outbox] == [[pending.user.email]]
    assert reverse("platforms:keys") in mail.outbox[0].body


def test_a_refusal_needs_a_reason_and_tells_it(
    pending, superuser, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        onboarding.access_request_refuse(request_id=pending.pk, staff=superuser, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.access_request_refuse(
            request_id=pending.pk, staff=superuser, note="We could not verify the company."
        )

    pending.refresh_from_db()
    assert pending.state == "refused"
    assert pending.user.role == "consumer"
    assert "We could not verify the company." in mail.outbox[0].body


def test_only_an_administrator_decides_and_only_once(pending, superuser, mediator):
    with pytest.raises(PermissionDenied):
        onboarding.access_request_approve(request_id=pending.pk, staff=mediator)
    onboarding.access_request_approve(request_id=pending.pk, staff=superuser)
    with pytest.raises(ValidationError):
        onboarding.access_request_refuse(request_id=pending.pk, staff=superuser, note="No.")


def test_the_admin_approves_with_its_button(client, pending, superuser):
    client.force_login(superuser)
    url = reverse("admin:credit_platformaccessrequest_change", args=[pending.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"decision_note": "Welcome.", "_approve": "1"})

    assert "Approve: the account becomes a platform client" in page
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.decision_note) == ("approved", "Welcome.")


def test_the_admin_s_refusal_without_a_note_is_explained(client, pending, superuser):
    client.force_login(superuser)
    url = reverse("admin:credit_platformaccessrequest_change", args=[pending.pk])

    response = client.post(url, {"decision_note": "", "_refuse": "1"})

    assert response.status_code == 200
    assert "Say why the request is refused" in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == "pending"


@pytest.fixture
def platform():
    return UserFactory(role="platform_client")


def _secret(response) -> str:
    return response.context["secret"]


def test_the_platform_creates_a_key_shown_once_that_works(client, platform):
    client.force_login(platform)

    response = client.post(reverse("platforms:keys"), {"name": "checkout, production"})
    secret = _secret(response)

    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    key = api_key_for_secret(secret)
    assert (key.client, key.name) == (platform, "checkout, production")
    # Never again: the list shows the prefix only.
    listing = client.get(reverse("platforms:keys")).content.decode()
    assert key.prefix in listing and secret not in listing
    assert client.get("/api/v1/merchants/", HTTP_X_API_KEY=secret).status_code == 200


def test_rotating_gives_a_new_key_and_stops_the_old_one(client, platform):
    client.force_login(platform)
    old_secret = _secret(client.post(reverse("platforms:keys"), {"name": "checkout"}))
    old = api_key_for_secret(old_secret)

    response = client.post(reverse("platforms:key_rotate", args=[old.pk]))
    new_secret = _secret(response)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert api_key_for_secret(new_secret).name == "checkout"
    assert client.get("/api/v1/merchants/", HTTP_X_API_KEY=old_secret).status_code == 401
    assert client.get("/api/v1/merchants/", HTTP_X_API_KEY=new_secret).status_code == 200


def test_revoking_stops_a_key(client, platform):
    client.force_login(platform)
    secret = _secret(client.post(reverse("platforms:keys"), {"name": "checkout"}))
    key = api_key_for_secret(secret)

    response = client.post(reverse("platforms:key_revoke", args=[key.pk]))

    assert response.status_code == 302
    assert client.get("/api/v1/merchants/", HTTP_X_API_KEY=secret).status_code == 401


def test_a_platform_cannot_touch_another_platform_s_key(client, platform):
    other = UserFactory(role="platform_client")
    key, _secret_text = onboarding.platform_key_create(user=other, name="theirs")
    client.force_login(platform)

    assert client.post(reverse("platforms:key_revoke", args=[key.pk])).status_code == 404
    assert client.post(reverse("platforms:key_rotate", args=[key.pk])).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_key_needs_a_name(client, platform):
    client.force_login(platform)

    response = client.post(reverse("platforms:keys"), {"name": "  "})

    assert response.status_code == 400
    assert not ApiKey.objects.filter(client=platform).exists()


def test_the_for_platforms_page_has_the_quickstart(client):
    page = client.get(reverse("platforms:home")).content.decode()

    assert "X-Api-Key" in page
    assert "openapi-python-client generate" in page
    assert "Webhook(secret).verify" in page
    assert reverse("platforms:request") in page


def test_a_second_request_saved_at_the_same_moment_is_refused_not_an_error(applicant, monkeypatch):
    onboarding.access_request_create(user=applicant, **REQUEST)
    # As if the check had run before the other request was saved.
    monkeypatch.setattr(onboarding, "may_request_access", lambda user: "")

    with pytest.raises(ValidationError):
        onboarding.access_request_create(user=applicant, **REQUEST)
    assert PlatformAccessRequest.objects.count() == 1

"""Registration with e-mail verification, sign-in, and password reset through the browser views."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _register(client, **overrides):
    data = {
        "full_name": "Li Wei",
        "email": "Li.Wei@Example.test",
        "preferred_language": "zh-hans",
        "role": "consumer",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
        **overrides,
    }
    return client.post(reverse("register"), data)


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_registration_sends_verification_email_in_the_chosen_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client)

    assert response.status_code == 302
    assert response.url == reverse("register_done")
    user = User.objects.get(email="li.wei@example.test")
    assert user.role == User.Role.CONSUMER
    assert user.email_verified_at is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li.wei@example.test"]
    assert "确认" in mailoutbox[0].subject  # the zh-hans subject: 确认您的 Redress 电子邮件地址


def test_nothing_is_sent_when_registration_is_invalid(client, mailoutbox):
    response = _register(client, password2="something-else")

    assert response.status_code == 200
    assert not User.objects.exists()
    assert mailoutbox == []
    # What the user typed is kept.
    assert 'value="Li Wei"' in response.content.decode()


def test_duplicate_email_is_refused_with_a_field_error(client):
    UserFactory(email="li.wei@example.test")

    response = _register(client)

    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1


def test_staff_roles_cannot_be_chosen_at_registration(client):
    response = _register(client, role="mediator")

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.exists()


def test_unverified_account_cannot_sign_in_until_the_link_is_followed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, preferred_language="en")
    login = {"username": "li.wei@example.test", "password": "a-long-enough-passphrase"}

    refused = client.post(reverse("login"), login)
    assert refused.status_code == 200
    assert "confirm your e-mail address" in refused.content.decode()

    link = _link_in(mailoutbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    verified = client.get("/" + path)
    assert verified.status_code == 302
    assert User.objects.get().email_verified

    assert client.post(reverse("login"), login).status_code == 302
    # A used link does not work twice as a fresh verification but does not error either.
    assert client.get("/" + path).status_code == 302


def test_tampered_verification_link_is_refused(client):
    user = UserFactory(email_verified_at=None)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(reverse("verify_email", kwargs={"uidb64": uid, "token": "abc-123"}))

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_resend_does_not_reveal_whether_an_account_exists(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="waiting@example.test", email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("resend_verification"), {"email": "waiting@example.test"})
        unknown = client.post(reverse("resend_verification"), {"email": "nobody@example.test"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mailoutbox] == [["waiting@example.test"]]


def test_password_reset_email_is_sent_by_the_task_after_commit(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="forgetful@example.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("password_reset"), {"email": "forgetful@example.test"})
    assert response.status_code == 302
    assert mailoutbox == []  # nothing is sent inside the request
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_password_change_requires_sign_in_and_works(client):
    user = UserFactory()
    url = reverse("password_change")
    assert client.get(url).status_code == 302

    client.force_login(user)
    response = client.post(
        url,
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("name", "kwargs", "view"),
    [
        ("login", {}, "LoginView"),
        ("logout", {}, "LogoutView"),
        ("password_change", {}, "PasswordChangeView"),
        ("password_change_done", {}, "PasswordChangeDoneView"),
        ("password_reset", {}, "PasswordResetView"),
        ("password_reset_done", {}, "PasswordResetDoneView"),
        ("password_reset_confirm", {"uidb64": "x", "token": "y"}, "PasswordResetConfirmView"),
        ("password_reset_complete", {}, "PasswordResetCompleteView"),
    ],
)
def test_sign_in_and_passwords_are_djangos_own_views(name, kwargs, view):
    from django.contrib.auth import views as auth_views
    from django.urls import resolve

    match = resolve(reverse(name, kwargs=kwargs))

    # Sign-in adds a second step to Django's view for accounts with an authenticator app.
    assert issubclass(match.func.view_class, getattr(auth_views, view))


def test_password_reset_from_the_link_to_signing_in_with_our_pages(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="forgetful@example.test")

    page = client.get(reverse("password_reset"))
    assert "registration/password_reset_form.html" in [t.name for t in page.templates]
    assert "base.html" in [t.name for t in page.templates]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("password_reset"), {"email": "forgetful@example.test"})
    assert done.url == reverse("password_reset_done")
    assert "If an account uses this address" in client.get(done.url).content.decode()

    link = _link_in(mailoutbox[0])
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    # Django swaps the token for a session marker and redirects to the form.
    form_page = client.get(path, follow=True)
    assert "registration/password_reset_confirm.html" in [t.name for t in form_page.templates]
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    complete = client.post(
        set_url,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
        follow=True,
    )
    assert "registration/password_reset_complete.html" in [t.name for t in complete.templates]

    signed_in = client.post(
        reverse("login"),
        {"username": "forgetful@example.test", "password": "a-brand-new-passphrase"},
    )
    assert signed_in.status_code == 302
    # The link works once.
    again = client.get(path, follow=True)
    assert not again.context["validlink"]
    assert "not valid any more" in again.content.decode()


def test_the_sign_in_page_is_ours_and_in_chinese_too(client):
    response = client.get("/zh-hans" + reverse("login"))

    assert "registration/login.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


@pytest.mark.parametrize("name", ["register_done", "password_reset_done"])
def test_check_your_email_pages_say_where_emails_go_when_they_are_printed(client, settings, name):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # make run's

    page = client.get(reverse(name)).content.decode()

    assert "prints every e-mail in the console" in page
    assert "worker.1" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # a deployment's
    assert "console" not in client.get(reverse(name)).content.decode()

"""An e-mail address is the same account whatever its case: sign-up, sign-in, password reset,
the admin's sign-in, uniqueness and lockouts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TYPED = "Mixed.Case@Example.ORG"
STORED = "mixed.case@example.org"
PASSPHRASE = "a-long-enough-passphrase"


def _signup(client, email, language="en"):
    return client.post(
        reverse("register") if language == "en" else "/zh-hans/accounts/register/",
        {
            "full_name": "Mia Mixed",
            "email": email,
            "preferred_language": language,
            "role": "consumer",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
        },
    )


@pytest.fixture
def signed_up(client):
    assert _signup(client, TYPED).status_code == 302
    user = User.objects.get()
    user.email_verified_at = user.date_joined
    user.save(update_fields=["email_verified_at"])
    return user


def test_sign_up_stores_the_address_in_lower_case(signed_up):
    assert signed_up.email == STORED


@pytest.mark.parametrize(
    "typed",
    [
        "Mixed.Case@Example.ORG",  # as typed at sign-up
        "mixed.case@example.org",  # lower case
        "MIXED.CASE@EXAMPLE.ORG",  # upper case
        "  mIXED.cASE@example.Org ",  # other case, stray spaces
    ],
)
def test_sign_in_works_whatever_the_case(client, signed_up, typed):
    response = client.post(reverse("login"), {"username": typed, "password": PASSPHRASE})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(signed_up.pk)


def test_wrong_password_is_still_refused_in_any_case(client, signed_up):
    response = client.post(reverse("login"), {"username": STORED.upper(), "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_asked_in_another_case_reaches_the_account(
    client, signed_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "MIXED.case@EXAMPLE.org"})

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [STORED]


def test_admin_sign_in_works_in_another_case(client):
    staff = UserFactory(email="mei.mediator@example.test", role=User.Role.MEDIATOR, is_staff=True)

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "Mei.Mediator@EXAMPLE.test", "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "An account with this e-mail address already exists. Sign in or reset the"),
        ("zh-hans", "该电子邮件地址已注册。请登录或重置密码。"),
    ],
)
def test_second_sign_up_differing_only_in_case_is_refused(client, signed_up, language, message):
    response = _signup(client, "MIXED.CASE@example.ORG", language=language)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 1


def test_database_refuses_a_second_account_differing_only_in_case(signed_up):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="MIXED.CASE@EXAMPLE.ORG", full_name="Twin")])


def test_admin_add_form_refuses_an_address_in_another_case(client, signed_up):
    admin_user = User.objects.create_superuser(
        email="Root@Example.TEST", password=DEFAULT_PASSWORD, full_name="Root"
    )
    assert admin_user.email == "root@example.test"
    client.force_login(admin_user)

    with translation.override("en"):
        response = client.post(
            "/admin/accounts/user/add/",
            {
                "email": "Mixed.CASE@example.org",
                "full_name": "Twin",
                "password1": PASSPHRASE,
                "password2": PASSPHRASE,
                "usable_password": "true",
            },
        )

    assert response.status_code == 200
    assert User.objects.filter(full_name="Twin").count() == 0


def test_sign_in_field_is_an_email_input_for_the_username(client):
    html = client.get(reverse("login")).content.decode()

    assert 'type="email" name="username"' in html
    assert 'autocomplete="username"' in html


def test_lockout_counts_an_address_in_any_case_as_one_account(client, settings):
    settings.AXES_ENABLED = True
    cache.clear()
    UserFactory(email="target@example.test")
    url = reverse("login")
    casings = ["Target@example.test", "TARGET@EXAMPLE.TEST", "target@Example.Test"]
    for n in range(5):
        client.post(url, {"username": casings[n % 3], "password": "wrong"})

    # Locked out: even the right password in yet another case is refused.
    response = client.post(url, {"username": "TaRgEt@example.test", "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_address_leaves_another_alone(client, settings):
    settings.AXES_ENABLED = True
    cache.clear()
    UserFactory(email="target@example.test")
    other = UserFactory(email="other@example.test")
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": "TARGET@example.test", "password": "wrong"})

    response = client.post(url, {"username": "Other@Example.test", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def _migration_0004():
    import importlib

    return importlib.import_module("accounts.migrations.0004_lowercase_emails")


def test_migration_lower_cases_existing_addresses():
    from django.apps import apps

    User.objects.bulk_create(
        [User(email="Old.Style@Example.ORG", full_name="Old"), User(email="b@x.test")]
    )

    _migration_0004().lowercase_emails(apps, None)

    assert sorted(User.objects.values_list("email", flat=True)) == [
        "b@x.test",
        "old.style@example.org",
    ]


def test_migration_stops_and_names_addresses_that_differ_only_in_case():
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("lifting the constraint inside the test's transaction needs PostgreSQL")

    constraint = next(c for c in User._meta.constraints if c.name.endswith("email_ci_unique"))
    with connection.schema_editor() as editor:  # undone with the test's transaction
        editor.remove_constraint(User, constraint)
    User.objects.bulk_create(
        [User(email="Twin@Example.org"), User(email="twin@example.ORG"), User(email="c@x.test")]
    )

    with pytest.raises(RuntimeError, match=r"merge or rename .*: twin@example\.org$"):
        _migration_0004().lowercase_emails(apps, None)

    assert set(User.objects.values_list("email", flat=True)) == {
        "Twin@Example.org",
        "twin@example.ORG",
        "c@x.test",
    }

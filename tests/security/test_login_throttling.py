"""Sign-in throttling covers every door: the site's sign-in (tests/accounts/test_abuse.py), the
same page in Chinese, and the admin's own sign-in, where the mediators' accounts are."""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/login/", "/zh-hans/accounts/login/"])
def test_wrong_passwords_lock_the_account_at_every_sign_in_page(client, settings, mediator, url):
    settings.AXES_ENABLED = True
    # The documented default: five wrong passwords lock the account.
    for _ in range(5):
        client.post(url, {"username": mediator.email, "password": "wrong"})

    locked = client.post(url, {"username": mediator.email, "password": DEFAULT_PASSWORD})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_counts_across_the_site_and_the_admin(client, settings, mediator):
    settings.AXES_ENABLED = True
    for n in range(5):
        url = "/admin/login/" if n % 2 else "/accounts/login/"
        client.post(url, {"username": mediator.email, "password": "wrong"})

    assert (
        client.post(
            "/accounts/login/", {"username": mediator.email, "password": DEFAULT_PASSWORD}
        ).status_code
        == 429
    )

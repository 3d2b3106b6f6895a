"""The mediation desk (Django admin) opens for mediators and for no one else."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_mediator_opens_the_admin(client, mediator):
    client.force_login(mediator)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Redress" in response.content.decode()


def test_mediator_can_view_users_but_not_change_them(client, mediator, consumer):
    client.force_login(mediator)

    assert client.get(f"/admin/accounts/user/{consumer.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/accounts/user/{consumer.pk}/change/",
        {"email": consumer.email, "full_name": "Changed", "preferred_language": "en"},
    )
    assert response.status_code == 403


def test_consumer_is_sent_to_the_admin_login(client, consumer):
    client.force_login(consumer)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")

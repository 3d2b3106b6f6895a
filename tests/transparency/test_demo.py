"""The demo has a shop nobody disclosed: looking it up shows the warning."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_shop_nobody_disclosed_shows_its_warning(client):
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())

    page = client.get("/merchants/", {"q": "Harbour Gadgets"}).content.decode()

    assert "3 complaints name this shop; its operator has not disclosed who they are" in page

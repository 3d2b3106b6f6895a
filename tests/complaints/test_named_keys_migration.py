"""The migration that adds the respondents' folded name and normalised link fills them for the
respondents named before it, and leaves linked ones (which have no name) alone."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from complaints.models import Respondent
from tests.factories import MerchantFactory, RespondentFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("complaints.migrations.0010_respondent_named_keys")


def test_the_keys_of_named_respondents_are_filled():
    named = RespondentFactory(
        named_name="  Ｓunny   AUDIO ",  # noqa: RUF001
        named_url="https://www.mall.example/shop/sunny/?spm=1",
    )
    bad_link = RespondentFactory(named_name="Odd", named_url="https://exa mple")
    linked = RespondentFactory(merchant=MerchantFactory(), named_name="", named_url="")
    Respondent.objects.update(named_name_key="", named_url_key="")

    migration.fill_named_keys(apps, None)

    rows = {
        r.pk: (r.named_name_key, r.named_url_key)
        for r in Respondent.objects.only("named_name_key", "named_url_key")
    }
    assert rows == {
        named.pk: ("sunny audio", "mall.example/shop/sunny"),
        bad_link.pk: ("odd", ""),
        linked.pk: ("", ""),
    }

"""Fixtures of the complaints tests: directory merchants, shops and representatives.

Built here with the ORM (not merchants' services) so these tests depend only on the merchant
fields complaints read: roles, completeness, verification state, shops and representatives.
"""

from __future__ import annotations

import io
import itertools

import pytest
from django.conf import settings
from django.utils import translation
from PIL import Image

from merchants.models import (
    Merchant,
    MerchantRepresentative,
    MerchantRoleAssignment,
    Shop,
    VerificationState,
)
from merchants.normalize import normalize_shop_url
from tests.factories import UserFactory

_numbers = itertools.count(1)


def build_merchant(
    name: str | None = None,
    *,
    roles=("supplier",),
    completeness: int = 100,
    verified: bool = True,
    country: str = "HK",
) -> Merchant:
    name = name or f"Merchant {next(_numbers)} Ltd"
    merchant = Merchant.objects.create(
        legal_name=name,
        country=country,
        search_text=name.casefold(),
        completeness=completeness,
        verification_state=VerificationState.VERIFIED if verified else VerificationState.PENDING,
    )
    for role in roles:
        MerchantRoleAssignment.objects.create(merchant=merchant, role=role)
    return merchant


def build_shop(merchant: Merchant, url: str, *, name: str = "", platform=None) -> Shop:
    return Shop.objects.create(
        merchant=merchant,
        platform=platform,
        name=name or merchant.legal_name,
        url=url,
        url_normalized=normalize_shop_url(url),
    )


@pytest.fixture(autouse=True)
def _default_language():
    """A request to a /zh-hans/ page leaves Chinese active in the test thread (LocaleMiddleware
    activates, nothing deactivates); every test here starts and ends in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def representative_of(db):
    def make(merchant: Merchant):
        user = UserFactory(role="merchant_rep")
        MerchantRepresentative.objects.create(user=user, merchant=merchant)
        return user

    return make


def png_bytes(size=(24, 16), color="blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()

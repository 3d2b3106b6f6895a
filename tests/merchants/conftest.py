"""Fixtures of the merchant tests: an API client, representatives, platforms, PDF bytes."""

from __future__ import annotations

import pytest

from tests.factories import MerchantFactory, MerchantRepresentativeFactory

# The smallest file check_upload reads as a PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def api_client(platform_api_client):
    """The API as a platform calls it: with a valid API key."""
    return platform_api_client


@pytest.fixture
def merchant(db):
    return MerchantFactory()


@pytest.fixture
def representative(merchant):
    """A merchant representative account linked to ``merchant``."""
    return MerchantRepresentativeFactory(merchant=merchant).user


@pytest.fixture
def platform(db):
    return MerchantFactory(
        legal_name="Harbourline Marketplace Ltd.", country="GB", roles=["platform"]
    )


@pytest.fixture
def pdf_bytes():
    return PDF_BYTES

"""OpenAPI summaries and examples of the merchant and shop endpoints (the error responses
every keyed endpoint shares are added by core.schema.AutoSchema)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

_BASE = "https://redress.example.org/api/v1"
_SUPPLIER_ID = "3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11"
_PLATFORM_ID = "8d2a4c6e-1b3f-4a5d-9e7c-0f2b4d6a8c1e"
_AGENT_ID = "5b7d9f1a-3c5e-4b7d-8f1a-2c4e6a8b0d3f"


def _ref(public_id: str, name: str) -> dict:
    return {"public_id": public_id, "name": name, "url": f"{_BASE}/merchants/{public_id}/"}


_SHOP = {
    "id": 12,
    "name": "Nordlicht Naturkosmetik",
    "url": "https://harbourline.example/store/nordlicht",
    "url_normalized": "harbourline.example/store/nordlicht",
    "platform_shop_id": "NL-2201",
    "merchant": _ref(_SUPPLIER_ID, "Nordlicht Naturkosmetik GmbH"),
    "platform": _ref(_PLATFORM_ID, "Harbourline Marketplace Ltd."),
}

MERCHANT_DETAIL = {
    "operation_id": "merchant_detail",
    "summary": "A merchant's identity disclosure",
    "description": "Everything the merchant disclosed (legal name, registration, address, "
    "responsible person, contacts), its verification, the items still missing, its shops and "
    "its links to other merchants. Its credit is at `credit_url` of the list, or "
    "`/merchants/{public_id}/credit/`.",
    "tags": ["merchants"],
    "examples": [
        OpenApiExample(
            "a verified supplier",
            value={
                "public_id": _SUPPLIER_ID,
                "url": f"{_BASE}/merchants/{_SUPPLIER_ID}/",
                "page_url": f"https://redress.example.org/merchants/{_SUPPLIER_ID}/",
                "legal_name": "Nordlicht Naturkosmetik GmbH",
                "legal_name_latin": "Nordlicht Naturkosmetik GmbH",
                "trade_names": ["Nordlicht"],
                "country": "DE",
                "roles": ["supplier"],
                "registration_number": "HRB 123456",
                "registry": "Amtsgericht Hamburg",
                "verification": {
                    "state": "verified",
                    "verified_at": "2026-03-02T10:00:00Z",
                    "expires_at": "2027-03-02T10:00:00Z",
                },
                "completeness": 100,
                "disclosure_version": 2,
                "missing_items": [],
                "registered_address": "Beispielstraße 1, 20095 Hamburg",
                "responsible_person": "Jana Beispiel",
                "contact_email": "service@nordlicht.example",
                "contact_phone": "+49 40 000000",
                "website": "https://nordlicht.example/",
                "date_established": "2012-05-01",
                "annual_order_volume": 40000,
                "shops": [{k: v for k, v in _SHOP.items() if k != "merchant"}],
                "links": [
                    {
                        "kind": "seller_platform",
                        "direction": "out",
                        "merchant": _ref(_PLATFORM_ID, "Harbourline Marketplace Ltd."),
                        "started_on": "2020-02-01",
                        "ended_on": None,
                    },
                    {
                        "kind": "agent_supplier",
                        "direction": "in",
                        "merchant": _ref(_AGENT_ID, "Pacific Errand Buyers LLC"),
                        "started_on": "2021-07-01",
                        "ended_on": None,
                    },
                ],
                "updated_at": "2026-03-02T10:00:00Z",
            },
            response_only=True,
        )
    ],
}

SHOP_LIST = {
    "operation_id": "shops_list",
    "summary": "List shops",
    "description": "Shops with their merchant and platform, 25 a page; `url` finds the shops a "
    "shop or product link belongs to (tracking parameters, `www.` and the scheme are ignored).",
    "tags": ["merchants"],
    # drf-spectacular wraps a list endpoint's example in the pagination envelope.
    "examples": [OpenApiExample("a shop on a platform", value=_SHOP, response_only=True)],
}

SHOP_DETAIL = {
    "operation_id": "shop_detail",
    "summary": "A shop",
    "description": "One shop with its merchant and the platform it sells on (null for the "
    "merchant's own website).",
    "tags": ["merchants"],
    "examples": [OpenApiExample("a shop on a platform", value=_SHOP, response_only=True)],
}

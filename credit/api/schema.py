"""OpenAPI documentation of the platform API: security scheme, examples, error responses."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from core.schema import ErrorSerializer

from .serializers import (
    BULK_LOOKUP_LIMIT,
    BulkLookupResultSerializer,
    BulkLookupSerializer,
    HistoryEntrySerializer,
    LookupResultSerializer,
    MerchantCreditSerializer,
    MerchantWithGradeSerializer,
)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "credit.api.authentication.ApiKeyAuthentication"
    name = ["ApiKeyHeader", "ApiKeyAuthorization"]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]  # either header, not both

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Api-Key",
                "description": "The key staff issued to your platform: `X-Api-Key: rdk_...`.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "The same key as `Authorization: Api-Key rdk_...`.",
            },
        ]


EXAMPLE_MERCHANT_ID = "3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11"

_FACTORS_EXAMPLE = [
    {
        "key": "responsiveness",
        "name": "Responsiveness",
        "question": "Does the merchant answer complaints before the deadline?",
        "value": 0.8462,
        "weight": 0.2941,
        "observed": 0.9,
        "cases": 10,
        "favourable": 9,
        "effective_sample": 8.2,
        "explanation": "Answered 9 of 10 complaints before the deadline.",
    },
    {
        "key": "resolution",
        "name": "Resolution",
        "question": "Are decided complaints resolved or settled (weighted by amount and severity)?",
        "value": 0.7796,
        "weight": 0.3529,
        "observed": 0.8123,
        "cases": 8,
        "favourable": 6,
        "effective_sample": 6.4,
        "explanation": "Resolved or settled 6 of 8 decided complaints.",
    },
    {
        "key": "fulfilment",
        "name": "Settlements honoured",
        "question": "Are agreed settlements paid on time?",
        "value": 0.91,
        "weight": 0.2353,
        "observed": 1.0,
        "cases": 3,
        "favourable": 3,
        "effective_sample": 2.7,
        "explanation": "Paid 3 of 3 settlements on time.",
    },
    {
        "key": "complaint_rate",
        "name": "Complaint rate",
        "question": "How many complaints per order the merchant declares?",
        "value": None,
        "weight": 0.0,
        "observed": None,
        "cases": 0,
        "favourable": None,
        "effective_sample": None,
        "explanation": "No annual order volume declared, so this factor is not counted.",
    },
    {
        "key": "disclosure",
        "name": "Disclosure",
        "question": "Is the merchant's identity disclosed completely and verified?",
        "value": 1.0,
        "weight": 0.1176,
        "observed": None,
        "cases": 0,
        "favourable": None,
        "effective_sample": None,
        "explanation": "Identity disclosure 100% complete; verification: verified.",
    },
]

_CREDIT_EXAMPLE = {
    "rated": True,
    "score": 856,
    "grade": "A",
    "method_version": "1",
    "computed_at": "2026-11-20T02:30:00Z",
    "sample": {"cases": 10, "effective": 8.2, "minimum": 2.0},
    "factors": _FACTORS_EXAMPLE,
}

_MERCHANT_EXAMPLE = {
    "public_id": EXAMPLE_MERCHANT_ID,
    "name": "上海优品贸易有限公司 (Shanghai Youpin Trading Co., Ltd.)",
    "legal_name": "上海优品贸易有限公司",
    "legal_name_latin": "Shanghai Youpin Trading Co., Ltd.",
    "trade_names": ["Youpin Global"],
    "country": "CN",
    "registration_number": "91310000MA1FL1234X",
    "website": "https://youpin.example.com",
    "roles": ["supplier"],
    "verification_state": "verified",
    "disclosure_completeness": 100,
    "credit_url": f"https://redress.example.org/api/v1/merchants/{EXAMPLE_MERCHANT_ID}/credit/",
}


def _error(status: int, code: str, message: str, fields: dict | None = None) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorSerializer,
        description=message,
        examples=[
            OpenApiExample(
                code,
                value={
                    "error": {
                        "status": status,
                        "code": code,
                        "message": message,
                        "fields": fields or {},
                    }
                },
                response_only=True,
                status_codes=[str(status)],
            )
        ],
    )


_UNAUTHENTICATED = _error(401, "authentication_failed", "This API key has been revoked.")
_FORBIDDEN = _error(403, "permission_denied", "This API is for platform clients.")
_NOT_FOUND = _error(404, "not_found", "No merchant has this id.")
_THROTTLED = OpenApiResponse(
    response=ErrorSerializer,
    description="Too many requests for this key; retry after the seconds in Retry-After.",
    examples=[
        OpenApiExample(
            "throttled",
            value={
                "error": {
                    "status": 429,
                    "code": "throttled",
                    "message": "Request was throttled. Expected available in 12 seconds.",
                    "fields": {},
                }
            },
            response_only=True,
            status_codes=["429"],
        )
    ],
)
_NOT_MODIFIED = OpenApiResponse(
    description="Not modified: your copy (If-None-Match or If-Modified-Since) is current."
)
_UNKNOWN_PARAMETER = _error(
    400,
    "invalid",
    "Some of the request's parameters are not valid.",
    {"grade": ["Unknown parameter."]},
)

_CACHING = (
    "Responses carry `ETag`, `Last-Modified` and `Cache-Control: private, max-age=...`; send "
    "`If-None-Match` (or `If-Modified-Since`) to get a `304` when nothing changed."
)

MERCHANT_CREDIT = {
    "operation_id": "merchant_credit",
    "summary": "Current credit of a merchant",
    "description": "Score (0-1000), grade (A+ to F, or NR when not rated) and every factor "
    "in plain words, from the latest recomputation. " + _CACHING,
    "tags": ["credit"],
    "responses": {
        200: OpenApiResponse(
            MerchantCreditSerializer,
            examples=[
                OpenApiExample(
                    "rated merchant",
                    value={"merchant": EXAMPLE_MERCHANT_ID, **_CREDIT_EXAMPLE},
                    response_only=True,
                )
            ],
        ),
        304: _NOT_MODIFIED,
        400: _UNKNOWN_PARAMETER,
        401: _UNAUTHENTICATED,
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        429: _THROTTLED,
    },
}

MERCHANT_CREDIT_HISTORY = {
    "operation_id": "merchant_credit_history",
    "summary": "Credit history of a merchant",
    "description": "Every recomputation that changed the result, newest first, 25 a page. "
    + _CACHING,
    "tags": ["credit"],
    "responses": {
        200: HistoryEntrySerializer(many=True),
        304: _NOT_MODIFIED,
        400: _error(
            400,
            "invalid",
            "Some of the request's parameters are not valid.",
            {"page": ["Enter a whole number of 1 or more."]},
        ),
        401: _UNAUTHENTICATED,
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        429: _THROTTLED,
    },
    "examples": [
        OpenApiExample(
            "a snapshot",
            # drf-spectacular wraps a list endpoint's example in the pagination envelope.
            value={
                "score": 856,
                "grade": "A",
                "method_version": "1",
                "computed_at": "2026-11-20T02:30:00Z",
                "current": True,
                "case_count": 10,
                "effective_sample": 8.2,
                "factors": {
                    "responsiveness": 0.8462,
                    "resolution": 0.7796,
                    "fulfilment": 0.91,
                    "complaint_rate": None,
                    "disclosure": 1.0,
                },
            },
            response_only=True,
        )
    ],
}

LOOKUP = {
    "operation_id": "lookup",
    "summary": "Find a merchant by shop URL or by registration",
    "description": "Give `shop_url` (any link to the shop or a product; tracking parameters "
    "are ignored), or `country` with `registration_number` (spaces and dashes ignored). "
    "Answers the merchant's disclosed identity and current credit. " + _CACHING,
    "tags": ["lookup"],
    "parameters": [
        OpenApiParameter(
            "shop_url",
            OpenApiTypes.STR,
            description="A link to the shop or one of its products.",
            examples=[OpenApiExample("shop", value="https://youpin.example.com/item/123")],
        ),
        OpenApiParameter(
            "country",
            OpenApiTypes.STR,
            description="ISO 3166 two-letter code, with registration_number.",
            examples=[OpenApiExample("China", value="CN")],
        ),
        OpenApiParameter(
            "registration_number",
            OpenApiTypes.STR,
            description="Business registration number, with country.",
            examples=[OpenApiExample("USCC", value="91310000MA1FL1234X")],
        ),
    ],
    "responses": {
        200: OpenApiResponse(
            LookupResultSerializer,
            examples=[
                OpenApiExample(
                    "found",
                    value={"merchant": _MERCHANT_EXAMPLE, "credit": _CREDIT_EXAMPLE},
                    response_only=True,
                )
            ],
        ),
        304: _NOT_MODIFIED,
        400: _error(
            400,
            "invalid",
            "Some of the request's parameters are not valid.",
            {"shop_url": ["The web address has no valid host name."]},
        ),
        401: _UNAUTHENTICATED,
        403: _FORBIDDEN,
        404: _error(404, "not_found", "No merchant is known for this shop URL."),
        429: _THROTTLED,
    },
}

BULK_LOOKUP = {
    "operation_id": "lookup_bulk",
    "summary": f"Identity and credit of up to {BULK_LOOKUP_LIMIT} merchants",
    "description": "One request for many merchants, by public id. Ids that match no merchant "
    "are listed in `not_found`; more than "
    f"{BULK_LOOKUP_LIMIT} ids is a 400.",
    "tags": ["lookup"],
    "request": BulkLookupSerializer,
    "examples": [
        OpenApiExample(
            "two merchants",
            value={"merchants": [EXAMPLE_MERCHANT_ID, "0b8f2f0e-5a7c-4c1b-8d0e-6f1a2b3c4d5e"]},
            request_only=True,
        ),
    ],
    "responses": {
        200: OpenApiResponse(
            BulkLookupResultSerializer,
            examples=[
                OpenApiExample(
                    "one found and one unknown",
                    value={
                        "results": [{"merchant": _MERCHANT_EXAMPLE, "credit": _CREDIT_EXAMPLE}],
                        "not_found": ["0b8f2f0e-5a7c-4c1b-8d0e-6f1a2b3c4d5e"],
                    },
                    response_only=True,
                )
            ],
        ),
        400: _error(
            400,
            "invalid",
            "Some of the request's parameters are not valid.",
            {"merchants": ["Ensure this field has no more than 100 elements."]},
        ),
        401: _UNAUTHENTICATED,
        403: _FORBIDDEN,
        405: _error(405, "method_not_allowed", 'Method "GET" not allowed.'),
        413: _error(
            413,
            "payload_too_large",
            "The request body is too large: at most 5242880 bytes are accepted.",
        ),
        429: _THROTTLED,
    },
}
_MERCHANT_ROW_EXAMPLE = {
    "public_id": EXAMPLE_MERCHANT_ID,
    "url": f"https://redress.example.org/api/v1/merchants/{EXAMPLE_MERCHANT_ID}/",
    "page_url": f"https://redress.example.org/merchants/{EXAMPLE_MERCHANT_ID}/",
    "legal_name": "上海优品贸易有限公司",
    "legal_name_latin": "Shanghai Youpin Trading Co., Ltd.",
    "trade_names": ["Youpin Global"],
    "country": "CN",
    "roles": ["supplier"],
    "registration_number": "91310000MA1FL1234X",
    "registry": "上海市市场监督管理局",
    "verification": {
        "state": "verified",
        "verified_at": "2026-03-02T10:00:00Z",
        "expires_at": "2027-03-02T10:00:00Z",
    },
    "completeness": 100,
    "disclosure_version": 2,
    "grade": "A",
    "score": 856,
    "credit_url": f"https://redress.example.org/api/v1/merchants/{EXAMPLE_MERCHANT_ID}/credit/",
}

MERCHANT_LIST = {
    "operation_id": "merchants_list",
    "summary": "Search and list merchants",
    "description": "The merchant directory, 25 a page, each merchant with its current grade. "
    "`q` matches a name (any script, partial), a registration number or a shop link; the other "
    "parameters filter exactly. `grade` is A+ (send `A%2B`), A, B, C, D, F or NR (not rated). "
    "An unknown parameter is a 400 naming it.",
    "tags": ["merchants"],
    "examples": [
        OpenApiExample(
            "a merchant",
            # drf-spectacular wraps a list endpoint's example in the pagination envelope.
            value=_MERCHANT_ROW_EXAMPLE,
            response_only=True,
        )
    ],
    "responses": {
        200: MerchantWithGradeSerializer(many=True),
        400: _error(
            400,
            "invalid",
            "Some of the request's parameters are not valid.",
            {"grade": ["Select a valid choice. Z is not one of the available choices."]},
        ),
        401: _UNAUTHENTICATED,
        403: _FORBIDDEN,
        404: _error(404, "not_found", "Invalid page."),
        429: _THROTTLED,
    },
}

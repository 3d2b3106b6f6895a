"""Platform API views: credit of a merchant, its history, lookups. Reads only; thin."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_params import reject_unknown_parameters
from core.parsers import JSONParser
from credit import cache, method, selectors
from merchants.api.views import MerchantListView as DirectoryListView
from merchants.models import Merchant

from . import schema
from .filters import MerchantGradeFilter
from .pagination import HistoryPagination
from .serializers import (
    BulkLookupSerializer,
    HistoryEntrySerializer,
    LookupQuerySerializer,
    MerchantWithGradeSerializer,
    credit_data,
    merchant_summary,
)


def merchant_id_or_404(public_id) -> int:
    merchant_id = selectors.merchant_id_for_public_id(public_id)
    if merchant_id is None:
        raise exceptions.NotFound(_("No merchant has this id."))
    return merchant_id


def conditional(request, *, version: str, last_modified: datetime | None, render) -> Response:
    """Answer 304 when the client's copy (If-None-Match / If-Modified-Since) is current;
    otherwise ``render()``. ``version`` names everything the body depends on except the
    language, which is added here because factor explanations are translated."""
    digest = hashlib.sha256(f"{version}|{method.METHOD_VERSION}|{get_language()}".encode())
    etag = quote_etag(digest.hexdigest()[:32])
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = Response(render())
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    # private: the answer is for one authenticated client; shared caches must not keep it.
    patch_cache_control(response, private=True, max_age=settings.CREDIT_API_MAX_AGE)
    patch_vary_headers(response, ("Authorization", "X-Api-Key", "Accept-Language"))
    return response


class LanguageMixin:
    """Pages take their language from the URL prefix; the API has none, so without this every
    answer would be in the default language. Platforms choose with Accept-Language."""

    def initial(self, request, *args, **kwargs):
        translation.activate(translation.get_language_from_request(request._request))
        super().initial(request, *args, **kwargs)


@extend_schema_view(get=extend_schema(**schema.MERCHANT_LIST))
class MerchantListView(DirectoryListView):
    """The merchant directory (merchants.api) with each merchant's current grade, and a grade
    filter: served here because grades are credit's, and merchants must not import credit."""

    serializer_class = MerchantWithGradeSerializer
    filterset_class = MerchantGradeFilter

    def get_queryset(self):
        return selectors.with_current_grade(super().get_queryset())


class MerchantCreditView(LanguageMixin, APIView):
    @extend_schema(**schema.MERCHANT_CREDIT)
    def get(self, request, public_id):
        reject_unknown_parameters(request, set())
        payload = cache.current_credit(merchant_id_or_404(public_id))
        return conditional(
            request,
            version=f"credit:{public_id}:{payload['snapshot_id']}",
            last_modified=payload.get("computed_at"),
            # MerchantCreditSerializer's shape, from the snapshot's kept answer.
            render=lambda: {**credit_data(payload), "merchant": str(public_id)},
        )


class MerchantCreditHistoryView(LanguageMixin, ListAPIView):
    serializer_class = HistoryEntrySerializer
    pagination_class = HistoryPagination
    filter_backends: list = []

    def get_queryset(self):
        return selectors.snapshot_history(self.merchant_id)

    @extend_schema(**schema.MERCHANT_CREDIT_HISTORY)
    def get(self, request, public_id):
        reject_unknown_parameters(request, {self.paginator.page_query_param})
        page = self.paginator.requested_page(request)
        self.merchant_id = merchant_id_or_404(public_id)
        # A new snapshot always becomes the current one, so its id versions the whole history.
        payload = cache.current_credit(self.merchant_id)
        return conditional(
            request,
            version=f"history:{public_id}:{payload['snapshot_id']}:{page}",
            last_modified=payload.get("computed_at"),
            render=lambda: self.list(request).data,
        )


def _lookup_result(summary: dict, payload: dict) -> dict:
    """LookupResultSerializer's shape: the merchant's summary and its credit."""
    return {"merchant": summary, "credit": credit_data(payload)}


def _lookup_version(merchant: Merchant, payload: dict) -> str:
    roles = ",".join(sorted(r.role for r in merchant.roles.all()))
    updated = merchant.updated_at.isoformat()
    return f"lookup:{merchant.pk}:{updated}:{roles}:{payload['snapshot_id']}"


class LookupView(LanguageMixin, APIView):
    @extend_schema(**schema.LOOKUP)
    def get(self, request):
        reject_unknown_parameters(request, {"shop_url", "country", "registration_number"})
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if "shop_url" in data:
            merchant = selectors.merchant_by_url(data["shop_url"])
            if merchant is None:
                raise exceptions.NotFound(_("No merchant is known for this shop URL."))
        else:
            merchant = selectors.merchant_by_registration(
                data["country"], data["registration_number"]
            )
            if merchant is None:
                raise exceptions.NotFound(
                    _("No merchant is known with this registration number in this country.")
                )
        payload = cache.current_credit(merchant.pk)
        computed_at = payload.get("computed_at")
        return conditional(
            request,
            version=_lookup_version(merchant, payload),
            last_modified=max(filter(None, [merchant.updated_at, computed_at])),
            render=lambda: _lookup_result(merchant_summary(merchant), payload),
        )


class BulkLookupView(LanguageMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(**schema.BULK_LOOKUP)
    def post(self, request):
        reject_unknown_parameters(request, set())
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError(
                {"merchants": [_("Send a JSON object with a merchants list.")]}
            )
        body = BulkLookupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        requested = [str(pk) for pk in dict.fromkeys(body.validated_data["merchants"])]
        merchants = selectors.merchants_by_public_ids(requested)
        payloads = cache.current_credits(m.pk for m in merchants.values())
        found = [merchants[pk] for pk in requested if pk in merchants]
        summaries = [merchant_summary(merchant) for merchant in found]
        # BulkLookupResultSerializer's shape.
        return Response(
            {
                "results": [
                    _lookup_result(summary, payloads[merchant.pk])
                    for merchant, summary in zip(found, summaries, strict=True)
                ],
                "not_found": [pk for pk in requested if pk not in merchants],
            }
        )


class ApiNotFoundView(APIView):
    """Any other path under /api/v1/: a 404 in the API's error shape, whatever the method."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("There is no API endpoint at this address."))

"""Routes of the platform API, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "merchants/<uuid:public_id>/credit/",
        views.MerchantCreditView.as_view(),
        name="merchant-credit",
    ),
    path(
        "merchants/<uuid:public_id>/credit/history/",
        views.MerchantCreditHistoryView.as_view(),
        name="merchant-credit-history",
    ),
    path("lookup/", views.LookupView.as_view(), name="lookup"),
    path("lookup/bulk/", views.BulkLookupView.as_view(), name="lookup-bulk"),
]

"""Routes of the platform API, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    # The directory list lives here, not in merchants.api, because it filters by credit grade.
    path("merchants/", views.MerchantListView.as_view(), name="merchant-list"),
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

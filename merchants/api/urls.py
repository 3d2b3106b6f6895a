"""API routes of the merchant directory (included under /api/v1/). The list of merchants is
served by credit.api (``api:merchant-list``): it adds each merchant's grade and a grade filter."""

from django.urls import path

from . import views

app_name = "merchants"

urlpatterns = [
    path("merchants/<uuid:public_id>/", views.MerchantDetailView.as_view(), name="merchant-detail"),
    path("shops/", views.ShopListView.as_view(), name="shop-list"),
    path("shops/<int:pk>/", views.ShopDetailView.as_view(), name="shop-detail"),
]

"""API routes of the merchant directory (included under /api/v1/)."""

from django.urls import path

from . import views

app_name = "merchants"

urlpatterns = [
    path("merchants/", views.MerchantListView.as_view(), name="merchant-list"),
    path("merchants/<uuid:public_id>/", views.MerchantDetailView.as_view(), name="merchant-detail"),
    path("shops/", views.ShopListView.as_view(), name="shop-list"),
    path("shops/<int:pk>/", views.ShopDetailView.as_view(), name="shop-detail"),
]

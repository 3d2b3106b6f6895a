"""Pages of the merchant directory (public), of representatives, and the staff download."""

from django.urls import path

from . import views

app_name = "merchants"

urlpatterns = [
    path("", views.merchant_search, name="search"),
    path("mine/", views.my_merchants, name="mine"),
    path("mine/<uuid:public_id>/propose/", views.propose_changes, name="propose"),
    path("mine/<uuid:public_id>/documents/", views.upload_documents, name="documents"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("<uuid:public_id>/", views.merchant_detail, name="detail"),
]

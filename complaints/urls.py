"""Complaint pages: the consumer's wizard and list, complaint pages, evidence, merchants' view."""

from django.urls import path

from . import views, views_guides

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="mine"),
    path("new/", views.complaint_new, name="new"),
    path("guides/", views_guides.guide_list, name="guides"),
    path("guides/<slug:category>/", views_guides.guide_detail, name="guide"),
    path("merchant/", views.merchant_complaint_list, name="merchant_list"),
    path(
        "merchant/<uuid:public_id>/",
        views.merchant_complaint_detail,
        name="merchant_detail",
    ),
    path("<uuid:public_id>/", views.complaint_detail, name="detail"),
    path("<uuid:public_id>/edit/<slug:step>/", views.complaint_edit, name="edit"),
    path("<uuid:public_id>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("<uuid:public_id>/publication/", views.publication_update, name="publication"),
    path(
        "<uuid:public_id>/evidence/<int:item_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "<uuid:public_id>/evidence/<int:item_id>/e-mail/",
        views.evidence_email,
        name="evidence_email",
    ),
    path(
        "<uuid:public_id>/evidence/<int:item_id>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
]

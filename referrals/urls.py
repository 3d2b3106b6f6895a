from django.urls import path

from . import views, views_jurisdiction

app_name = "referrals"

urlpatterns = [
    path("", views.body_list, name="list"),
    path("<int:pk>/", views.body_detail, name="detail"),
    path("jurisdiction/", views_jurisdiction.jurisdiction, name="jurisdiction"),
    path("verify/", views.verify, name="verify"),
    path("dossiers/<uuid:uid>.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("cases/<str:reference>/", views.case_referrals, name="case"),
    path("sent/<int:pk>/report/", views.referral_report, name="report"),
]

"""Version 1 of the REST API; each app adds its routes here."""

from django.urls import include, path, re_path

from core.api import HealthView
from credit.api.views import ApiNotFoundView
from referrals.api import VerifyDossierFileView, VerifyDossierView
from transparency.api import OpenComplaintDetailView, OpenComplaintListView

app_name = "api"

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("", include("merchants.api.urls")),
    path("", include("credit.api.urls")),
    path("dossiers/verify/", VerifyDossierView.as_view(), name="dossier-verify"),
    path("dossiers/verify-file/", VerifyDossierFileView.as_view(), name="dossier-verify-file"),
    path("open-complaints/", OpenComplaintListView.as_view(), name="open-complaint-list"),
    path(
        "open-complaints/<uuid:public_id>/",
        OpenComplaintDetailView.as_view(),
        name="open-complaint-detail",
    ),
    # Keep last: any other address under /api/v1/ answers a 404 in the API's error shape.
    # [\s\S], not ".": a path with a newline in it is an address too.
    re_path(r"^[\s\S]*$", ApiNotFoundView.as_view(), name="not-found"),
]

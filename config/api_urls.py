"""Version 1 of the REST API; each app adds its routes here."""

from django.urls import include, path

from core.api import HealthView

app_name = "api"

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("", include("merchants.api.urls")),
]

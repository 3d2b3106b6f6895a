"""The public pages of transparency."""

from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("statistics/", views.statistics_page, name="statistics"),
]

"""The public pages of transparency."""

from django.urls import path

from . import views, views_open_data

app_name = "transparency"

urlpatterns = [
    path("open-data/", views_open_data.open_data, name="open_data"),
    path("open-data/export.csv", views_open_data.export_csv, name="open_data_csv"),
    path("open-data/export.json", views_open_data.export_json, name="open_data_json"),
    path("statistics/", views.statistics_page, name="statistics"),
]

from django.urls import path

from . import views, views_jurisdiction

app_name = "referrals"

urlpatterns = [
    path("", views.body_list, name="list"),
    path("<int:pk>/", views.body_detail, name="detail"),
    path("jurisdiction/", views_jurisdiction.jurisdiction, name="jurisdiction"),
]

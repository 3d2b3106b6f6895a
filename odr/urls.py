from django.urls import path

from . import views

app_name = "odr"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/dossier/", views.dossier, name="dossier"),
    path("cases/<str:reference>/dossier.json", views.dossier_json, name="dossier_json"),
    path("cases/<str:reference>/act/<slug:action>/", views.case_action, name="case_action"),
    path(
        "cases/<str:reference>/offers/<int:offer_id>/<slug:action>/",
        views.offer_action,
        name="offer_action",
    ),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]

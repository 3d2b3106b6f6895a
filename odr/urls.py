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
    # The privacy rights, linked from the account page (accounts:account at /accounts/).
    path("accounts/data/", views.account_export, name="account_export"),
    path("accounts/erase/", views.account_erase, name="account_erase"),
    path("accounts/erased/", views.account_erased, name="account_erased"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]

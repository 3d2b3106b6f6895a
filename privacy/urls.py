from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    # Linked from the account page (accounts:account at /accounts/).
    path("accounts/data/", views.account_export, name="account_export"),
    path("accounts/erase/", views.account_erase, name="account_erase"),
    path("accounts/erased/", views.account_erased, name="account_erased"),
]

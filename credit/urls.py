from django.urls import path

from . import views

app_name = "platforms"

urlpatterns = [
    path("", views.for_platforms, name="home"),
    path("request/", views.access_request, name="request"),
    path("keys/", views.keys, name="keys"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path("keys/<int:pk>/rotate/", views.key_rotate, name="key_rotate"),
]

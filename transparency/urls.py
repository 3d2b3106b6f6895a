"""The public pages of transparency."""

app_name = "transparency"

urlpatterns: list = []

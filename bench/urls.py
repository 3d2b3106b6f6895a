"""The site's URLs plus /bench/bare/, the baseline every API figure is compared with."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as site_urlpatterns

CONSTANT = {"grade": "A", "score": 900, "factors": {"responsiveness": 1.0}}


class BareView(APIView):
    """A DRF endpoint that returns a constant: the cost of the framework alone."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request):
        return Response(CONSTANT)


urlpatterns = [path("bench/bare/", BareView.as_view()), *site_urlpatterns]

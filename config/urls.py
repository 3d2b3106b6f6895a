"""Root URL configuration: pages (translated under i18n patterns), admin, API, language switch."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.forms import AdminSignInForm

admin.site.site_header = "Redress"
admin.site.site_title = "Redress mediation"
admin.site.index_title = "Cases, merchants and credit"
# The admin's own sign-in asks for the second factor too, so it is no way around it.
admin.site.login_form = AdminSignInForm
admin.site.login_template = "admin/sign_in.html"
# django-otp's device screens would show staff other people's authenticator secrets; the one
# thing staff need, clearing a lost phone, is an action on users (accounts.admin).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its JavaScript as a file, so no inline script is needed; Swagger UI
    # does set inline styles, which this one page allows (styles only, never scripts).
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("api/v1/", include("config.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("complaints/", include("complaints.urls")),
    path("merchants/", include("merchants.urls")),
    path("referrals/", include("referrals.urls")),
    path("platforms/", include("credit.urls")),
    path("", include("transparency.urls")),
    path("", include("odr.urls")),
    path("", include("privacy.urls")),
    prefix_default_language=False,
)

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
handler403 = "core.views.permission_denied"
handler400 = "core.views.bad_request"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OdrConfig(AppConfig):
    name = "odr"
    verbose_name = _("Online dispute resolution")

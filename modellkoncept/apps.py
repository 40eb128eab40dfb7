from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModellkonceptConfig(AppConfig):
    name = "modellkoncept"
    verbose_name = _("Modellkoncept")

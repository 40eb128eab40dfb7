from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Rounds")

    def ready(self):
        from rounds import actions  # noqa: F401  (how its entries in the action log read)

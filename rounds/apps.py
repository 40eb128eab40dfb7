from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Rounds")

    def ready(self):
        # Its part of the access policy, and how its entries in the action log read.
        from rounds import actions, rules  # noqa: F401

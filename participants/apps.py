from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        # Its part of the access policy, and how its entries in the action log read.
        from participants import actions, rules  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistConfig(AppConfig):
    name = "checklist"
    verbose_name = _("Checklist")

    def ready(self):
        # Its part of the access policy, and how its entries in the action log read.
        from checklist import actions, rules  # noqa: F401

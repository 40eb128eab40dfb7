from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistConfig(AppConfig):
    name = "checklist"
    verbose_name = _("Checklist")

    def ready(self):
        from checklist import actions  # noqa: F401  (how its entries in the action log read)

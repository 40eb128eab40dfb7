from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Its part of the access policy, and how its entries in the action log read.
        from accounts import actions, rules  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistConfig(AppConfig):
    name = "checklist"
    verbose_name = _("Checklist")

    def ready(self):
        # Its part of the access policy, and how its entries in the action log read.
        from checklist import actions, rules  # noqa: F401
        from checklist.selectors import committee_history, organisation_history
        from participants.selectors import PARTICIPATION_PAGE_PARTS

        # The organisation's page in a round shows its history of scores, and year two's
        # committee/department level apart, with its own checklist.
        PARTICIPATION_PAGE_PARTS["histories"] = organisation_history
        PARTICIPATION_PAGE_PARTS["committee_histories"] = committee_history

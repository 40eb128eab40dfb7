from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # actions: how its entries in the action log read; rules: its part of the policy.
        from accounts.signals import person_erasing
        from reports import actions, rules, services  # noqa: F401

        def renew_reports(sender, person, **kwargs):
            services.report_jobs_naming_person_renew(person=person)

        person_erasing.connect(renew_reports, dispatch_uid="reports.renew_reports_naming_person")

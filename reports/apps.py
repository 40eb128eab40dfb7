from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts.signals import person_erasing
        from reports import rules, services  # noqa: F401  (rules: its part of the access policy)

        def renew_reports(sender, person, **kwargs):
            services.report_jobs_naming_person_renew(person=person)

        person_erasing.connect(renew_reports, dispatch_uid="reports.renew_reports_naming_person")

"""The one-page summary's pages: the summary with its next steps and its PDFs, the next steps
saved, and the print view.

Who may: the organisation's people and project leaders read it, ask for its PDF and open its
print view; its strategists and project leaders write its next steps (`reports/rules.py`).
Anyone else finds no such page (404), as for the organisation report.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from modellkoncept.policy import require
from modellkoncept.service_calls import service_call
from reports import selectors, services
from reports.models import OrganisationSummary, ReportJob
from reports.summary import services as summary_services
from reports.summary.forms import NextStepsForm
from reports.summary.selectors import organisation_summary
from reports.views import JobListMixin, ParticipationSubjectMixin, _language


class SummaryMixin(ParticipationSubjectMixin):
    kind = ReportJob.Kind.SUMMARY

    def summary_url(self):
        participation = self.subject
        return redirect(
            "reports:organisation_summary",
            round_slug=participation.round.slug,
            code=participation.organisation.code,
        )


class SummaryView(JobListMixin, SummaryMixin, TemplateView):
    """The summary: what it shows, its next steps (a form for those who write them), its
    PDFs asked for, and the way to the print view. POST asks for the PDF."""

    template_name = "reports/summary/summary.html"

    def get_jobs(self):
        return selectors.visible_jobs(
            user=self.request.user, kind=self.kind, participation=self.subject
        )

    def get_context_data(self, **kwargs):
        participation = self.subject
        may_edit = self.request.user.has_perm("reports.edit_summary", participation)
        if may_edit and "form" not in kwargs:
            own = OrganisationSummary.objects.filter(participation=participation).first()
            kwargs["form"] = NextStepsForm(initial={"next_steps": own.next_steps if own else ""})
        return super().get_context_data(
            participation=participation,
            round=participation.round,
            summary=organisation_summary(participation=participation),
            may_edit=may_edit,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        participation = self.subject
        self.require_request()
        with service_call(request) as call:
            services.report_job_request(
                kind=self.kind,
                round=participation.round,
                participation=participation,
                language=_language(),
                requested_by=request.user,
            )
        if call.succeeded:
            messages.success(request, _("The one-page summary is being produced as a PDF."))
        return self.summary_url()


class NextStepsView(SummaryView):
    """Save the next steps; a refused text is shown again beside the field."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        participation = self.subject
        require(request.user, "reports.edit_summary", participation)
        form = NextStepsForm(request.POST)
        if form.is_valid():
            with service_call(request, form=form, field="next_steps") as call:
                summary_services.summary_next_steps_save(
                    participation=participation,
                    next_steps=form.cleaned_data["next_steps"],
                    by=request.user,
                )
            if call.succeeded:
                messages.success(request, _("The next steps are saved."))
                return self.summary_url()
        context = self.get_context_data(form=form)
        context["polling"] = False  # the jobs' fragment is the summary page's, not this URL's
        return self.render_to_response(context, status=422)


class SummaryPrintView(SummaryMixin, TemplateView):
    """The summary as a page of its own, to print from the browser (one A4 page)."""

    template_name = "reports/summary/print.html"

    def get_context_data(self, **kwargs):
        participation = self.subject
        return super().get_context_data(
            participation=participation,
            round=participation.round,
            summary=organisation_summary(participation=participation),
            **kwargs,
        )

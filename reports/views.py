"""The reports' pages: the reports of a round, an organisation and a group with their state,
asking for a report, the progress of “all reports of a round”, downloads and exports.

Who gets what is the policy's (`reports/rules.py`): project leaders every report; an
organisation's people their own organisation report and their group's report; mentors the group
reports of their groups. A report someone may not get does not exist for them (404), whether
they ask for its page, its file or to produce it; a mentor, who reads their groups' reports,
may not ask for one or have one produced again (403). Files are never public: every download goes
through `JobDownloadView`, which asks the policy on each request.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from modellkoncept.mixins import RoundMixin
from modellkoncept.policy import (
    PolicyRequiredMixin,
    get_visible_object_or_404,
    require,
    standing,
)
from modellkoncept.service_calls import service_call
from participants.models import Participation
from participants.selectors import participation_for
from reports import exports, selectors, services
from reports.forms import GroupReportForm
from reports.models import ReportBatch, ReportJob
from rounds.models import BenchmarkingGroup


def _language() -> str:
    return translation.get_language() or "sv"


def _private(response: HttpResponse) -> HttpResponse:
    """Reports and exports hold unpublished assessments: never kept by a shared cache."""
    response["Cache-Control"] = "private, no-store"
    return response


class JobListMixin:
    """A page listing report jobs, which htmx refreshes every two seconds while any of them is
    waiting or being produced (the fragment without the trigger stops the polling)."""

    fragment_template = "reports/_job_table.html"

    def _may_request(self) -> bool:
        # A subject's page asks the policy (mentors read only); the round's pages are for
        # project leaders, who may.
        return getattr(self, "may_request", True)

    def get_jobs(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if request.htmx and request.GET.get("fragment") == "jobs":
            jobs = selectors.with_lost(self.get_jobs())
            state = selectors.jobs_state(jobs)
            if request.GET.get("seen") == state:
                return HttpResponse(status=204)  # nothing new: htmx keeps what it shows
            return TemplateResponse(
                request,
                self.fragment_template,
                {
                    "jobs": jobs,
                    "jobs_state": state,
                    "polling": selectors.any_unfinished(jobs),
                    "may_request": self._may_request(),
                },
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        jobs = selectors.with_lost(self.get_jobs())
        return super().get_context_data(
            jobs=jobs,
            jobs_state=selectors.jobs_state(jobs),
            polling=selectors.any_unfinished(jobs),
            may_request=self._may_request(),
            **kwargs,
        )


class RoundReportsView(JobListMixin, RoundMixin, TemplateView):
    """A round's report page (project leaders): the round report, all reports of the round
    and their progress, the exports, and the figures the round report shows."""

    permission_required = "reports.manage_reports"
    template_name = "reports/round_reports.html"

    def get_jobs(self):
        return selectors.round_jobs(round=self.get_policy_object())

    def get_context_data(self, **kwargs):
        round_ = self.get_policy_object()
        context = super().get_context_data(round=round_, **kwargs)
        context["batches"] = selectors.round_batches(round=round_)
        figures = selectors.round_report(round=round_)
        context["figures"] = figures
        return context

    def post(self, request, *args, **kwargs):
        round_ = self.get_policy_object()
        services.report_job_request(
            kind=ReportJob.Kind.ROUND,
            round=round_,
            language=_language(),
            requested_by=request.user,
        )
        messages.success(request, _("The round report is being produced."))
        return redirect("reports:round_reports", round_slug=round_.slug)


class BatchCreateView(RoundMixin, View):
    """“All reports of the round”: a job per organisation and group and the round report."""

    permission_required = "reports.manage_reports"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = services.report_batch_request(
            round=self.get_policy_object(), language=_language(), requested_by=request.user
        )
        return redirect("reports:batch_detail", pk=batch.pk)


class BatchMixin(PolicyRequiredMixin):
    """A batch, for project leaders only; to anyone else it does not exist (its visibility
    in the policy is none)."""

    permission_required = "reports.manage_reports"
    policy_queryset = ReportBatch.objects.select_related("round")
    policy_lookup = {"pk": "pk"}


class BatchDetailView(BatchMixin, TemplateView):
    template_name = "reports/batch_detail.html"

    def get_context_data(self, **kwargs):
        batch = self.get_policy_object()
        return super().get_context_data(
            batch=batch,
            round=batch.round,
            progress=selectors.batch_progress(batch=batch),
            failed=selectors.with_lost(selectors.batch_jobs_to_rerun(batch=batch)),
            jobs=selectors.with_lost(
                selectors.jobs_with_subjects(batch.jobs.order_by("kind", "pk"))
            ),
            **kwargs,
        )


class BatchProgressView(BatchMixin, TemplateView):
    """The progress fragment htmx polls; it stops polling once every job has finished."""

    template_name = "reports/_batch_progress.html"

    def get(self, request, *args, **kwargs):
        self.progress = selectors.batch_progress(batch=self.get_policy_object())
        if request.GET.get("seen") == self.progress.state:
            return HttpResponse(status=204)  # nothing new: htmx keeps what it shows
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        batch = self.get_policy_object()
        return super().get_context_data(
            batch=batch,
            progress=self.progress,
            failed=selectors.with_lost(selectors.batch_jobs_to_rerun(batch=batch)),
            **kwargs,
        )


class SubjectMixin(PolicyRequiredMixin):
    """A report's subject (an organisation's participation or a group in a round), fetched
    through the policy and visible only to those who may get its report: anyone else gets 404.
    The policy answers on the subject itself (`reports.rules`)."""

    permission_required = "reports.view_report"
    kind = ""

    def get_subject(self):
        raise NotImplementedError

    def fetch_policy_object(self):
        subject = self.get_subject()
        if not self.request.user.has_perm("reports.view_report", subject):
            raise Http404(_("No such page, or it is not yours to see."))
        return subject

    @property
    def subject(self):
        return self.get_policy_object()

    @property
    def may_request(self) -> bool:
        """Whether the user may ask for this report or have it produced again (not mentors)."""
        return self.request.user.has_perm("reports.request_report", self.subject)

    def require_request(self) -> None:
        require(self.request.user, "reports.request_report", self.subject)


class ParticipationSubjectMixin(SubjectMixin):
    kind = ReportJob.Kind.ORGANISATION

    def get_subject(self):
        participation = participation_for(
            self.request.user, round_slug=self.kwargs["round_slug"], code=self.kwargs["code"]
        )
        if participation.role != Participation.Role.PARTICIPANT:
            raise Http404(_("No such page, or it is not yours to see."))
        return participation


class OrganisationReportsView(JobListMixin, ParticipationSubjectMixin, TemplateView):
    template_name = "reports/organisation_reports.html"

    def get_jobs(self):
        return selectors.visible_jobs(
            user=self.request.user, kind=self.kind, participation=self.subject
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            participation=self.subject, round=self.subject.round, **kwargs
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
            messages.success(request, _("The organisation report is being produced."))
        return redirect(
            "reports:organisation_reports",
            round_slug=participation.round.slug,
            code=participation.organisation.code,
        )


class GroupSubjectMixin(SubjectMixin):
    kind = ReportJob.Kind.GROUP

    def get_subject(self):
        return get_visible_object_or_404(
            BenchmarkingGroup.objects.select_related("round"),
            self.request.user,
            round__slug=self.kwargs["round_slug"],
            pk=self.kwargs["pk"],
        )


class GroupReportsView(JobListMixin, GroupSubjectMixin, TemplateView):
    template_name = "reports/group_reports.html"

    def get_jobs(self):
        return selectors.visible_jobs(user=self.request.user, kind=self.kind, group=self.subject)

    def form(self, data=None) -> GroupReportForm:
        return GroupReportForm(
            data, group=self.subject, meetings=selectors.group_meetings(self.subject)
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        return super().get_context_data(group=self.subject, round=self.subject.round, **kwargs)

    def post(self, request, *args, **kwargs):
        group = self.subject
        self.require_request()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        with service_call(request) as call:
            services.report_job_request(
                kind=self.kind,
                round=group.round,
                group=group,
                meeting=form.cleaned_data["meeting"],
                language=_language(),
                requested_by=request.user,
            )
        if call.succeeded:
            messages.success(request, _("The group report is being produced."))
        return redirect("reports:group_reports", round_slug=group.round.slug, pk=group.pk)


class JobMixin(PolicyRequiredMixin):
    """One report job, fetched through the policy: hidden is missing."""

    permission_required = "reports.view_report"

    policy_queryset = ReportJob.objects.select_related(
        "round", "participation__organisation", "group", "batch"
    )
    policy_lookup = {"pk": "pk"}


def download_name(job: ReportJob) -> str:
    with translation.override(job.language):
        kind = slugify(job.get_kind_display())
        # "2025–2026" keeps its dash ("2025-2026"), as the round's own short name does.
        subject = slugify(str(job.subject).replace("–", "-").replace("—", "-"))
    day = (job.finished_at or job.created_at).date().isoformat()
    return f"{kind}-{subject}-{day}.pdf"


class JobDownloadView(JobMixin, View):
    """The PDF of a finished report, after the policy is asked on this very request."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        job = self.get_policy_object()
        if job.status != ReportJob.Status.DONE or not job.file:
            raise Http404(_("The report is not ready."))
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The report's file is missing; produce the report again.")) from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=download_name(job),
            content_type="application/pdf",
        )
        return _private(response)


class JobRerunView(JobMixin, View):
    """Produce a failed report again, alone."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_policy_object()
        require(request.user, "reports.request_report", job)
        with service_call(request) as call:
            services.report_job_rerun(job=job, requested_by=request.user)
        if call.succeeded:
            messages.success(request, _("The report is being produced again."))
        if job.batch_id and standing(request.user).is_project_leader:
            return redirect("reports:batch_detail", pk=job.batch_id)
        if job.kind == ReportJob.Kind.SUMMARY:
            return redirect(
                "reports:organisation_summary",
                round_slug=job.round.slug,
                code=job.participation.organisation.code,
            )
        if job.kind == ReportJob.Kind.ORGANISATION:
            return redirect(
                "reports:organisation_reports",
                round_slug=job.round.slug,
                code=job.participation.organisation.code,
            )
        if job.kind == ReportJob.Kind.GROUP:
            return redirect("reports:group_reports", round_slug=job.round.slug, pk=job.group_id)
        return redirect("reports:round_reports", round_slug=job.round.slug)


def _export_response(export, fmt: str, filename: str, fees=None) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            exports.scores_xlsx(export, fees=fees), content_type=exports.XLSX_CONTENT_TYPE
        )
    else:
        response = HttpResponse(exports.scores_csv(export), content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


class RoundScoresExportView(RoundMixin, View):
    """The round's scores as CSV or Excel, for project leaders; the workbook has the
    organisations' fees on a sheet of their own."""

    permission_required = "reports.manage_reports"
    http_method_names = ["get"]
    fmt = "csv"

    def get(self, request, *args, **kwargs):
        round_ = self.round
        export = exports.score_export(round=round_)
        fees = exports.fee_rows(round=round_) if self.fmt == "xlsx" else None
        return _export_response(
            export, self.fmt, exports.export_filename(round_, self.fmt), fees=fees
        )


class RoundFeesExportView(RoundMixin, View):
    """The organisations' fees as CSV, for project leaders."""

    permission_required = "reports.manage_reports"
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            exports.fees_csv(exports.fee_rows(round=self.round)),
            content_type=exports.CSV_CONTENT_TYPE,
        )
        filename = exports.export_filename(self.round, "csv", what="fees")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return _private(response)


class OrganisationScoresExportView(ParticipationSubjectMixin, View):
    """An organisation's own scores as CSV or Excel: its people and project leaders."""

    http_method_names = ["get"]
    fmt = "csv"

    def get(self, request, *args, **kwargs):
        participation = self.subject
        export = exports.score_export(
            round=participation.round,
            participations=Participation.objects.filter(pk=participation.pk),
        )
        filename = exports.export_filename(
            participation.round, self.fmt, organisation=participation.organisation
        )
        return _export_response(export, self.fmt, filename)

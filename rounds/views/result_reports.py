"""The result reports' pages: the report itself (written by the organisation's strategists,
saved as they go), its submission (asked first), comments, reopening, and the project leaders'
overview of a round with the due dates."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from modellkoncept.errors import DomainError
from modellkoncept.policy import PolicyRequiredMixin, require, visible
from modellkoncept.service_calls import service_call
from participants.selectors import participation_for
from rounds.models import ResultReport, Round
from rounds.result_report_forms import (
    ResultReportCommentForm,
    ResultReportDueForm,
    ResultReportForm,
    ResultReportReopenForm,
)
from rounds.selectors import result_reports as result_report_selectors
from rounds.services import result_reports


class ReportMixin(PolicyRequiredMixin):
    """Views of one result report, fetched through the policy."""

    policy_lookup = {"pk": "pk"}

    def get_policy_queryset(self):
        return result_report_selectors.report_for_page(pk=self.kwargs["pk"])

    @property
    def report(self) -> ResultReport:
        return self.get_policy_object()

    def build_form(self, page, data=None):
        report = page.report
        initial = {"revision": report.revision}
        if data is None:
            initial.update({name: getattr(report, name) for name in result_reports.TEXT_SECTIONS})
            initial["willing_to_mentor"] = {True: "yes", False: "no"}.get(
                report.willing_to_mentor, ""
            )
        return ResultReportForm(data, works=page.works, results=report.results, initial=initial)

    def render_page(self, page, form=None, *, status=200, conflict=None):
        user = self.request.user
        report = page.report
        may_edit = not report.is_submitted and user.has_perm("rounds.edit_result_report", report)
        return render(
            self.request,
            "rounds/result_report.html",
            {
                "page": page,
                "report": report,
                "round": report.participation.round,
                "form": form if form is not None else self.build_form(page),
                "may_edit": may_edit,
                "may_comment": user.has_perm("rounds.comment_result_report", report),
                "may_reopen": user.has_perm("rounds.reopen_result_report", report),
                "comment_form": ResultReportCommentForm(),
                "conflict": conflict,
            },
            status=status,
        )


def _status(request, context, status=200):
    return render(request, "rounds/_result_report_status.html", context, status=status)


class ResultReportView(ReportMixin, View):
    permission_required = "rounds.view_result_report"

    def get(self, request, pk):
        return self.render_page(result_report_selectors.report_page(report=self.report))


class ResultReportSaveView(ReportMixin, View):
    """Save the draft: as you go (htmx, answered with a status line) or with the button."""

    permission_required = "rounds.edit_result_report"
    http_method_names = ["post"]

    def post(self, request, pk):
        page = result_report_selectors.report_page(report=self.report)
        form = self.build_form(page, request.POST)
        if not form.is_valid():
            if request.htmx:
                return _status(request, {"invalid": True}, status=422)
            return self.render_page(page, form, status=422)
        try:
            saved = result_reports.result_report_save(
                report=self.report,
                texts=form.texts(),
                results=form.results(),
                willing_to_mentor=form.willing(),
                by=request.user,
                revision=form.expected_revision(),
            )
        except result_reports.StaleResultReport:
            conflict = {"revision": ResultReport.objects.get(pk=pk).revision}
            if request.htmx:
                return _status(request, {"conflict": conflict, "report": self.report}, status=409)
            return self.render_page(page, form, status=409, conflict=conflict)
        except result_reports.ResultReportSubmitted as error:
            if request.htmx:
                return _status(request, {"error": error}, status=409)
            form.add_error(None, error)
            return self.render_page(page, form, status=409)
        except DomainError as error:
            if request.htmx:
                return _status(request, {"error": error}, status=422)
            form.add_error(None, error)
            return self.render_page(page, form, status=422)
        if request.htmx:
            return _status(request, {"saved": saved})
        if request.POST.get("then") == "submit":  # asked first, on the next page
            return redirect("rounds:result_report_submit", pk=pk)
        messages.success(request, _("The draft is saved."))
        return redirect("rounds:result_report", pk=pk)


class ResultReportSubmitView(ReportMixin, View):
    """Submitting asks first: the page's Submit button saves the draft and leads here (GET),
    which says what follows; the button here submits (POST)."""

    permission_required = "rounds.edit_result_report"

    def get(self, request, pk):
        report = self.report
        if report.is_submitted:
            return redirect("rounds:result_report", pk=pk)
        missing = result_reports.missing_for_submission(report)
        round_ = report.participation.round
        return render(
            request,
            "confirm.html",
            {
                "round": round_,
                "heading": _("Submit the result report"),
                "subject": str(report),
                "warnings": (
                    [
                        _("Fill in every section before submitting; missing: %(sections)s.")
                        % {"sections": ", ".join(missing)}
                    ]
                    if missing
                    else []
                ),
                "consequences": [
                    _("The result report of year %(year)s is sent to SKR as it is saved now.")
                    % {"year": report.year},
                    _("Project leaders and the group's mentors can read it."),
                    _("It can no longer be changed; only a project leader can reopen it."),
                ],
                "fields": [("revision", report.revision)],
                "button": _("Submit the result report"),
                "button_class": "btn-primary",
                "cancel_url": reverse("rounds:result_report", kwargs={"pk": pk}),
            },
        )

    def post(self, request, pk):
        report = self.report
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        if revision is not None and revision != report.revision and not report.is_submitted:
            messages.error(
                request, _("Someone else has changed this result report since you opened it.")
            )
            return redirect("rounds:result_report", pk=pk)
        with service_call(request) as call:
            result_reports.result_report_submit(report=report, by=request.user)
        if call.failed:
            return redirect("rounds:result_report", pk=pk)
        messages.success(
            request, _("The result report is submitted. Thank you for reporting to SKR.")
        )
        return redirect("rounds:result_report", pk=pk)


class ResultReportReopenView(ReportMixin, View):
    """A project leader reopens a submitted report, giving the reason."""

    permission_required = "rounds.reopen_result_report"
    template_name = "rounds/result_report_reopen.html"

    def get(self, request, pk):
        return self.render_form(ResultReportReopenForm())

    def post(self, request, pk):
        form = ResultReportReopenForm(request.POST)
        if form.is_valid():
            with service_call(form=form) as call:
                result_reports.result_report_reopen(
                    report=self.report, by=request.user, reason=form.cleaned_data["reason"]
                )
            if call.succeeded:
                messages.success(
                    request,
                    _(
                        "The result report is open for changes again; its strategists can "
                        "submit it anew."
                    ),
                )
                return redirect("rounds:result_report", pk=pk)
        return self.render_form(form, status=422)

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"report": self.report, "round": self.report.participation.round, "form": form},
            status=status,
        )


class ResultReportCommentView(ReportMixin, View):
    """Anyone of the organisation may comment on its report."""

    permission_required = "rounds.comment_result_report"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ResultReportCommentForm(request.POST)
        if form.is_valid():
            with service_call(request) as call:
                result_reports.result_report_comment_add(
                    report=self.report, author=request.user, text=form.cleaned_data["text"]
                )
            if call.succeeded:
                messages.success(request, _("Your comment is saved."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("rounds:result_report", args=[pk]) + "#comments")


class ResultReportStartView(PolicyRequiredMixin, View):
    """The way into an organisation's result report of a year: open it if it exists (and the
    user may see it), otherwise offer its strategists to start it."""

    permission_required = "participants.view_participation"

    def fetch_policy_object(self):
        if self.kwargs["year"] not in result_reports.YEARS:
            raise Http404(_("No such page, or it is not yours to see."))
        return participation_for(
            self.request.user, round_slug=self.kwargs["round_slug"], code=self.kwargs["code"]
        )

    def get(self, request, **kwargs):
        participation = self.get_policy_object()
        year = self.kwargs["year"]
        # Through the policy: a mentor must not learn from a redirect that a draft exists.
        existing = (
            visible(ResultReport, request.user)
            .filter(participation=participation, year=year)
            .first()
        )
        if existing is not None:
            return redirect("rounds:result_report", pk=existing.pk)
        return render(
            request,
            "rounds/result_report_start.html",
            {
                "participation": participation,
                "round": participation.round,
                "year": year,
                "may_start": participation.is_participant
                and not participation.is_withdrawn
                and year <= participation.round.current_year
                and request.user.has_perm(
                    "rounds.edit_result_report",
                    ResultReport(participation=participation, year=year),
                ),
            },
        )

    def post(self, request, **kwargs):
        participation = self.get_policy_object()
        year = self.kwargs["year"]
        require(
            request.user,
            "rounds.edit_result_report",
            ResultReport(participation=participation, year=year),
        )
        with service_call(request) as call:
            report = result_reports.result_report_start(
                participation=participation, year=year, by=request.user
            )
        if call.failed:
            return redirect(request.path)
        return redirect("rounds:result_report", pk=report.pk)


class ResultReportOverviewView(PolicyRequiredMixin, TemplateView):
    """Project leaders: who has reported for each year of the round, and the due dates."""

    permission_required = "rounds.view_result_report_overview"
    template_name = "rounds/result_report_overview.html"
    policy_queryset = Round.objects.all()
    policy_lookup = {"slug": "round_slug"}

    @property
    def round(self) -> Round:
        return self.get_policy_object()

    def get_context_data(self, **kwargs):
        overview = result_report_selectors.round_overview(round=self.round)
        if "due_form" not in kwargs:
            kwargs["due_form"] = ResultReportDueForm(
                initial={
                    f"due_{year}": due.due_on
                    for year, due in overview.dues.items()
                    if due is not None
                }
            )
        return super().get_context_data(round=self.round, overview=overview, **kwargs)

    def post(self, request, *args, **kwargs):
        require(request.user, "rounds.change_round", self.round)
        form = ResultReportDueForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(due_form=form), status=422)
        with service_call(form=form) as call, transaction.atomic():
            for year, due_on in form.dues().items():
                result_reports.result_report_due_set(
                    round=self.round, year=year, due_on=due_on, by=request.user
                )
        if call.failed:
            return self.render_to_response(self.get_context_data(due_form=form), status=422)
        messages.success(request, _("The due dates are saved."))
        return redirect("rounds:result_reports", round_slug=self.round.slug)

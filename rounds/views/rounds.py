"""The round list, a round's page, creating and changing a round, its steps, export and import, its
log."""

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from modellkoncept.links import addresses
from modellkoncept.mixins import DocumentImportMixin
from modellkoncept.policy import PolicyRequiredMixin, standing
from modellkoncept.service_calls import service_call
from rounds import archive, elections, selectors, services
from rounds.forms import ReopenForm, RoundForm
from rounds.models import Round
from rounds.views.mixins import RoundMixin, _names

User = get_user_model()


class RoundListView(PolicyRequiredMixin, TemplateView):
    permission_required = "rounds.manage_rounds"
    template_name = "rounds/round_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rounds=selectors.round_list(user=self.request.user), **kwargs
        )


# The round's pages its dashboard links, `{{ links.<name> }}` in the template: reversed once per
# process (`modellkoncept.links.addresses`), at the cost of a dictionary lookup each on every
# request instead of a template tag each.
ROUND_PAGES = (
    "checklist:assessment_import",
    "checklist:round_checklist",
    "participants:application_list",
    "participants:participation_fees",
    "reports:round_reports",
    "reports:round_scores_csv",
    "reports:round_scores_xlsx",
    "rounds:evaluation_results",
    "rounds:group_create",
    "rounds:group_list",
    "rounds:group_proposal",
    "rounds:meeting_create",
    "rounds:meeting_list",
    "rounds:mentor_proposal",
    "rounds:result_reports",
    "rounds:round_audit",
    "rounds:round_export",
    "rounds:round_status",
    "rounds:round_update",
    "rounds:schedule_generate",
)


class RoundDetailView(PolicyRequiredMixin, DetailView):
    permission_required = "rounds.view_round"
    model = Round
    template_name = "rounds/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        if standing(self.request.user).is_project_leader:
            return Round.objects.all()  # the dashboard names the checklists from its kept values
        return Round.objects.select_related("checklist_version", "committee_checklist_version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The policy's rule alone: Django's model permissions are the admin's business, and
        # asking them costs two queries for everyone else.
        if rules.has_perm("rounds.change_round", self.request.user, self.object):
            context["dashboard"] = dashboard = selectors.round_dashboard(
                round=self.object,
                page_number=self.request.GET.get("page", 1),
                filters=selectors.DashboardFilters.from_query(self.request.GET),
            )
            context["contacts"] = dashboard.contacts
            context["links"] = addresses(ROUND_PAGES, round_slug=self.object.slug)
        else:
            context.update(selectors.round_page(round=self.object, user=self.request.user))
            context["contacts"] = self.object.contacts.all()
        return context


# The round archive: a whole round as JSON, out and in.


class RoundExportView(RoundMixin, View):
    """Download the whole round in the archive format (docs/round-archive.md)."""

    permission_required = "rounds.change_round"
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        text = archive.document_to_json(archive.export_document(self.round))
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.round.slug}.json"'
        return response


class RoundImportView(DocumentImportMixin, PolicyRequiredMixin, TemplateView):
    """Upload an archive, see what it will create (or every problem, with its JSON path), and
    import it (`DocumentImportMixin`)."""

    permission_required = "rounds.manage_rounds"
    template_name = "rounds/archive_import.html"
    session_key = "rounds:archive_upload"
    upload_url_name = "rounds:round_import"
    document_module = archive
    document_error = archive.ArchiveError

    def import_document(self, parsed):
        return archive.import_document(parsed, by=self.request.user)

    def imported(self, result):
        messages.success(self.request, result.describe())
        return redirect("rounds:round_detail", slug=result.round.slug)


# Round administration: the project leader's work in the browser


class RoundCreateView(PolicyRequiredMixin, FormView):
    permission_required = "rounds.manage_rounds"
    template_name = "rounds/round_form.html"
    form_class = RoundForm

    def get_initial(self):
        return {"reminder_days": [7, 2], "meeting_notice_days": 14, "contacts": [self.request.user]}

    def form_valid(self, form):
        data = form.cleaned_data
        with service_call(form=form) as call:
            round_ = services.round_create(
                name=data["name"],
                slug=data["slug"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                checklist_version=data["checklist_version"],
                current_year=data["current_year"],
                year_two_themes=data["year_two_themes"],
                description=data["description"],
                accepts_applications=data["accepts_applications"],
                application_deadline=data["application_deadline"],
                decision_by=data["decision_by"],
                reminder_days=data["reminder_days"],
                meeting_notice_days=data["meeting_notice_days"],
                # The creator answers for the round unless other project leaders are named.
                contacts=data["contacts"] or [self.request.user],
            )
        if call.failed:
            return self.form_invalid(form)
        messages.success(self.request, _("The round is created."))
        warning = elections.leadership_warning(round_.starts_on)
        if warning:  # saved all the same: the project leader knows the organisations
            messages.warning(self.request, warning)
        return redirect("rounds:round_detail", slug=round_.slug)


class RoundUpdateView(RoundMixin, FormView):
    permission_required = "rounds.change_round"
    template_name = "rounds/round_form.html"

    def get_form(self, form_class=None):
        return RoundForm(instance=Round.objects.get(pk=self.round.pk), **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.round, **kwargs)

    def form_valid(self, form):
        with service_call(form=form) as call:
            services.round_update(
                round=self.round,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
        if call.failed:
            return self.form_invalid(form)
        messages.success(self.request, _("The round is saved."))
        return redirect("rounds:round_detail", slug=self.round.slug)


class RoundStatusView(RoundMixin, TemplateView):
    """Planning → active → completed, and a completed round reopened with a reason. The GET
    says what the step will do and asks; the POST takes it."""

    permission_required = "rounds.change_round"
    template_name = "confirm.html"
    actions = ("activate", "complete", "reopen")

    def action(self):
        if self.request.method == "POST":
            action = self.request.POST.get("action")
        else:  # without one, the round's next step
            action = self.request.GET.get("action") or {
                Round.Status.PLANNING: "activate",
                Round.Status.ACTIVE: "complete",
                Round.Status.COMPLETED: "reopen",
            }.get(self.round.status)
        return action if action in self.actions else None

    def get(self, request, *args, **kwargs):
        if self.action() is None:
            return HttpResponseBadRequest(_("Unknown action."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        action = self.action()
        effects = selectors.round_step_effects(round=self.round)
        consequences, warnings = [], []
        if action == "activate":
            heading, button = _("Start the round"), _("Start the round")
            consequences = [
                _("The round becomes active: self-assessments can be filled in as they open."),
                _("Meeting invitations and self-assessment reminders are e-mailed from now on."),
            ]
        elif action == "complete":
            heading, button = _("Complete the round"), _("Complete the round")
            consequences = [
                _("The round is archived: its groups, mentors and meetings can no longer change."),
                ngettext(
                    "%(count)s organisation has completed the round and enters the pool of "
                    "possible mentors: %(names)s.",
                    "%(count)s organisations have completed the round and enter the pool of "
                    "possible mentors: %(names)s.",
                    len(effects.entering_pool),
                )
                % {"count": len(effects.entering_pool), "names": _names(effects.entering_pool)},
                _("A project leader can reopen the round, with a reason."),
            ]
            if not effects.meetings_held:
                warnings.append(_("No meeting of the round has been held yet."))
            if effects.meetings_ahead:
                warnings.append(
                    ngettext(
                        "%(count)s meeting is still ahead.",
                        "%(count)s meetings are still ahead.",
                        effects.meetings_ahead,
                    )
                    % {"count": effects.meetings_ahead}
                )
            if not effects.submitted_assessments:
                warnings.append(_("No self-assessment has been submitted."))
        else:
            heading, button = _("Reopen the round"), _("Reopen the round")
            consequences = [
                _("The round becomes active again: its groups, mentors and meetings can change."),
                ngettext(
                    "The completion of %(count)s organisation is taken back and it leaves the "
                    "pool of possible mentors: %(names)s.",
                    "The completion of %(count)s organisations is taken back and they leave "
                    "the pool of possible mentors: %(names)s.",
                    len(effects.leaving_pool),
                )
                % {"count": len(effects.leaving_pool), "names": _names(effects.leaving_pool)},
            ]
            form = form or ReopenForm()
        return super().get_context_data(
            round=self.round,
            heading=heading,
            consequences=consequences,
            warnings=warnings,
            fields=[("action", action)],
            form=form,
            button=button,
            button_class="btn-primary" if action == "activate" else "btn-danger",
            cancel_url=reverse("rounds:round_detail", kwargs={"slug": self.round.slug}),
            **kwargs,
        )

    def post(self, request, round_slug):
        action = self.action()
        with service_call(request):
            if action == "activate":
                services.round_activate(round=self.round)
                messages.success(request, _("The round is active."))
            elif action == "complete":
                services.round_complete(round=self.round)
                messages.success(
                    request,
                    _(
                        "The round is completed. Its participants that did not withdraw can "
                        "now mentor later rounds."
                    ),
                )
            elif action == "reopen":
                form = ReopenForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=422)
                services.round_reopen(round=self.round, reason=form.cleaned_data["reason"])
                messages.success(request, _("The round is reopened."))
            else:
                return HttpResponseBadRequest(_("Unknown action."))
        return redirect("rounds:round_detail", slug=self.round.slug)


class RoundAuditView(RoundMixin, TemplateView):
    """The round's audit trail, for project leaders."""

    permission_required = "rounds.change_round"
    template_name = "rounds/audit.html"

    def get_context_data(self, **kwargs):
        page_obj, entries = selectors.round_audit_paged(
            round=self.round, page_number=self.request.GET.get("page")
        )
        return super().get_context_data(
            round=self.round, page_obj=page_obj, entries=entries, **kwargs
        )

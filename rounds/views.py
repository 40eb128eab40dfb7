import hashlib

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from modellkoncept.errors import DomainError
from modellkoncept.policy import PolicyRequiredMixin, get_visible_object_or_404, standing, visible
from participants.models import Participation
from rounds import archive, elections, learning_selectors, mentoring, selectors, services
from rounds.calendar import calendar_for
from rounds.forms import (
    GroupForm,
    MeetingForm,
    MentorAddForm,
    MentorSetForm,
    ReopenForm,
    RoundForm,
)
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round

User = get_user_model()


class RoundListView(PolicyRequiredMixin, TemplateView):
    permission_required = "rounds.manage_rounds"
    template_name = "rounds/round_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rounds=selectors.round_list(user=self.request.user), **kwargs
        )


class RoundDetailView(PolicyRequiredMixin, DetailView):
    permission_required = "rounds.view_round"
    model = Round
    template_name = "rounds/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return Round.objects.select_related("checklist_version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The policy's rule alone: Django's model permissions are the admin's business, and
        # asking them costs two queries for everyone else.
        if rules.has_perm("rounds.change_round", self.request.user, self.object):
            context["dashboard"] = selectors.round_dashboard(
                round=self.object,
                page_number=self.request.GET.get("page", 1),
                filters=selectors.DashboardFilters.from_query(self.request.GET),
            )
        else:
            context.update(selectors.round_page(round=self.object, user=self.request.user))
        return context


class GroupDetailView(PolicyRequiredMixin, DetailView):
    permission_required = "rounds.view_group"
    model = BenchmarkingGroup
    template_name = "rounds/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return BenchmarkingGroup.objects.filter(
            round__slug=self.kwargs["round_slug"]
        ).select_related("round")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.group_page(
                group=self.object, user=self.request.user, point=self.request.GET.get("point")
            )
        )
        context["may_change"] = rules.has_perm(
            "rounds.change_group", self.request.user, self.object
        )
        return context


class MeetingDetailView(PolicyRequiredMixin, DetailView):
    permission_required = "rounds.view_meeting"
    model = Meeting
    template_name = "rounds/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return Meeting.objects.filter(round__slug=self.kwargs["round_slug"]).select_related(
            "round", "group", "host"
        )

    def get_context_data(self, **kwargs):
        meeting = self.object
        own = []
        if meeting.assessment_due:
            # The viewer's own organisations that assess before this meeting (not mentors).
            own = [
                p
                for p in Participation.objects.filter(
                    pk__in=standing(self.request.user).participation_ids,
                    round_id=meeting.round_id,
                    role=Participation.Role.PARTICIPANT,
                ).select_related("organisation")
                if meeting.group_id in (None, p.group_id)
            ]
        return super().get_context_data(
            own_participations=own,
            **learning_selectors.meeting_page(meeting=meeting, user=self.request.user),
            **kwargs,
        )


class RoundMixin(PolicyRequiredMixin):
    """Views of something within a round, addressed by the round's slug; the policy is
    checked on the round."""

    policy_queryset = Round.objects.select_related("checklist_version")
    policy_lookup = {"slug": "round_slug"}

    @property
    def round(self) -> Round:
        return self.get_policy_object()


class RoundPagedListView(RoundMixin, TemplateView):
    """A list of the round's, a page at a time, as `selector(round=, user=, page_number=)`
    gives it: (page, page range)."""

    permission_required = "rounds.view_round"
    selector = None

    def get_context_data(self, **kwargs):
        page, page_range = self.selector(
            round=self.round, user=self.request.user, page_number=self.request.GET.get("page", 1)
        )
        return super().get_context_data(
            round=self.round, page_obj=page, page_range=page_range, **kwargs
        )


class RoundGroupListView(RoundPagedListView):
    """The round's benchmarking groups with their members and mentors; a participant or mentor
    sees their own groups."""

    template_name = "rounds/group_list.html"
    selector = staticmethod(selectors.round_groups)


class RoundMeetingListView(RoundPagedListView):
    """The round's whole schedule; a participant or mentor sees the round's own meetings and
    their groups'."""

    template_name = "rounds/meeting_list.html"
    selector = staticmethod(selectors.round_meetings)


class MentorProposalView(RoundMixin, TemplateView):
    """The mentor proposal: each group, its proposed mentor, the distance, the runner-up;
    accept it whole or in part, set or lock pairs by hand, and re-run."""

    permission_required = "rounds.manage_matching"
    template_name = "rounds/mentor_proposal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(round=self.round, **kwargs)
        try:
            context["proposal"] = selectors.mentor_proposal(round=self.round)
        except DomainError as error:
            context["problem"] = error
            context["proposal"] = None
        return context

    def post(self, request, *args, **kwargs):
        group_ids = request.POST.getlist("group")
        if not group_ids and request.POST.get("accept") != "all":
            messages.warning(request, _("Choose at least one group to accept."))
            return redirect("rounds:mentor_proposal", round_slug=self.round.slug)
        try:
            saved = services.mentor_proposal_accept(
                round=self.round,
                group_ids=None if request.POST.get("accept") == "all" else group_ids,
            )
        except (DomainError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                ngettext(
                    "The mentor of %(count)s group was saved.",
                    "The mentors of %(count)s groups were saved.",
                    len(saved),
                )
                % {"count": len(saved)},
            )
        return redirect("rounds:mentor_proposal", round_slug=self.round.slug)


class MentorSetView(RoundMixin, View):
    """Set a group's mentor by hand (the pair is locked), or lock and unlock the pair."""

    permission_required = "rounds.manage_matching"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        group = get_visible_object_or_404(
            BenchmarkingGroup.objects.filter(round=self.round), request.user, pk=kwargs["pk"]
        )
        action = request.POST.get("action")
        try:
            if action == "set":
                form = MentorSetForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_("Choose a mentor organisation."))
                organisation = form.cleaned_data["organisation"]
                services.mentor_set(group=group, organisation=organisation, locked=True)
                messages.success(
                    request,
                    _("%(organisation)s now mentors %(group)s; the pair is locked.")
                    % {"organisation": organisation, "group": group},
                )
            elif action in ("lock", "unlock"):
                services.mentor_lock(group=group, locked=action == "lock")
            else:
                return HttpResponseBadRequest(_("Unknown action."))
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("rounds:mentor_proposal", round_slug=self.round.slug)


class GroupProposalView(RoundMixin, TemplateView):
    """Groups of two or three by proximity; organisations already placed stay."""

    permission_required = "rounds.manage_matching"
    template_name = "rounds/group_proposal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(round=self.round, **kwargs)
        try:
            context["proposal"] = selectors.group_proposal(round=self.round)
        except DomainError as error:
            context["problem"] = error
            context["proposal"] = None
        return context

    def post(self, request, *args, **kwargs):
        try:
            proposal = selectors.group_proposal(round=self.round)
            groups = services.group_proposal_accept(
                round=self.round, groups=[[o.code for o in group] for group in proposal.groups]
            )
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("rounds:group_proposal", round_slug=self.round.slug)
        messages.success(
            request,
            ngettext("%(count)s group saved.", "%(count)s groups saved.", len(groups))
            % {"count": len(groups)},
        )
        return redirect("rounds:round_detail", slug=self.round.slug)


class MentorPoolView(PolicyRequiredMixin, TemplateView):
    permission_required = "rounds.manage_matching"
    template_name = "rounds/mentor_pool.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(pool=selectors.mentor_pool(), **kwargs)


class MentorWorkspaceView(PolicyRequiredMixin, TemplateView):
    permission_required = "rounds.view_mentor_workspace"
    template_name = "rounds/mentor_workspace.html"

    def get_context_data(self, **kwargs):
        page, page_range = selectors.mentor_workspace(
            user=self.request.user, page_number=self.request.GET.get("page", 1)
        )
        return super().get_context_data(
            page_obj=page,
            page_range=page_range,
            mentor_role=mentoring.mentor_role(),
            **kwargs,
        )


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


class RoundImportView(PolicyRequiredMixin, TemplateView):
    """Upload an archive, see what it will create (or every problem, with its JSON path), and
    import it. The checked document waits in the session between the two steps and is checked
    again on import, since the database may have changed in between."""

    permission_required = "rounds.manage_rounds"
    template_name = "rounds/archive_import.html"
    session_key = "rounds:archive_upload"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            max_megabytes=archive.MAX_DOCUMENT_BYTES // (1024 * 1024), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request)
        upload = request.FILES.get("file")
        if upload is None:
            return self.problems([_("Choose a file to upload.")], status=400)
        if upload.size > archive.MAX_DOCUMENT_BYTES:
            return self.problems(
                [
                    _("The file is larger than %(size)s MB.")
                    % {"size": archive.MAX_DOCUMENT_BYTES // (1024 * 1024)}
                ],
                filename=upload.name,
            )
        data = upload.read()
        try:
            document = archive.parse_document(data)
        except archive.ArchiveError as error:
            return self.problems(error.problems, filename=upload.name)
        preview = archive.preview(document)
        if not preview.is_valid:
            return self.problems(preview.problems, filename=upload.name)
        text = archive.document_to_json(document)
        digest = hashlib.sha256(text.encode()).hexdigest()
        request.session[self.session_key] = {
            "digest": digest,
            "filename": upload.name,
            "document": text,
        }
        return self.render_to_response(
            self.get_context_data(preview=preview, filename=upload.name, digest=digest)
        )

    def confirm(self, request):
        held = request.session.get(self.session_key)
        if not held or held.get("digest") != request.POST.get("digest"):
            messages.error(
                request, _("The checked file is no longer at hand; upload it again, please.")
            )
            return redirect("rounds:round_import")
        try:
            summary = archive.import_document(
                archive.parse_document(held["document"]), by=request.user
            )
        except archive.ArchiveError as error:
            request.session.pop(self.session_key, None)
            return self.problems(error.problems, filename=held.get("filename", ""))
        request.session.pop(self.session_key, None)
        messages.success(request, summary.describe())
        return redirect("rounds:round_detail", slug=summary.round.slug)

    def problems(self, problems, *, filename="", status=422):
        context = self.get_context_data(problems=problems, filename=filename)
        return self.render_to_response(context, status=status)


# Round administration: the project leader's work in the browser


class RoundCreateView(PolicyRequiredMixin, FormView):
    permission_required = "rounds.manage_rounds"
    template_name = "rounds/round_form.html"
    form_class = RoundForm

    def get_initial(self):
        return {"reminder_days": [7, 2], "meeting_notice_days": 14, "contacts": [self.request.user]}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                name=data["name"],
                slug=data["slug"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                checklist_version=data["checklist_version"],
                current_year=data["current_year"],
                description=data["description"],
                accepts_applications=data["accepts_applications"],
                reminder_days=data["reminder_days"],
                meeting_notice_days=data["meeting_notice_days"],
                # The creator answers for the round unless other project leaders are named.
                contacts=data["contacts"] or [self.request.user],
            )
        except ValidationError as error:  # a DomainError, or the models' own checks
            form.add_error(None, error.messages)
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
        try:
            services.round_update(
                round=self.round,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
        except ValidationError as error:  # a DomainError, or the models' own checks
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("The round is saved."))
        return redirect("rounds:round_detail", slug=self.round.slug)


def _names(participations) -> str:
    return ", ".join(p.organisation.name for p in participations)


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
        try:
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
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("rounds:round_detail", slug=self.round.slug)


class ScheduleGenerateView(RoundMixin, View):
    permission_required = "rounds.change_round"
    http_method_names = ["post"]

    def post(self, request, round_slug):
        try:
            meetings = services.schedule_generate(round=self.round)
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s meeting is scheduled; move and change them as you need.",
                    "%(count)s meetings are scheduled; move and change them as you need.",
                    len(meetings),
                )
                % {"count": len(meetings)},
            )
        return redirect("rounds:round_detail", slug=self.round.slug)


class MeetingFormMixin(RoundMixin):
    permission_required = "rounds.change_meeting"
    template_name = "rounds/meeting_form.html"

    def meeting(self):
        if "pk" not in self.kwargs:
            return None
        return get_visible_object_or_404(
            Meeting.objects.filter(round=self.round).select_related("group", "host"),
            self.request.user,
            pk=self.kwargs["pk"],
        )

    def get_form(self, form_class=None):
        return MeetingForm(round=self.round, instance=self.meeting(), **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.round, meeting=self.meeting(), **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        meeting = self.meeting()
        try:
            if meeting is None:
                services.meeting_create(round=self.round, **fields)
            else:
                services.meeting_update(meeting=Meeting.objects.get(pk=meeting.pk), **fields)
        except ValidationError as error:  # a DomainError, or the models' own checks
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting is saved."))
        return redirect("rounds:round_detail", slug=self.round.slug)


class MeetingCreateView(MeetingFormMixin, FormView):
    pass


class MeetingUpdateView(MeetingFormMixin, FormView):
    pass


class MeetingDeleteView(MeetingFormMixin, TemplateView):
    """Asks first (GET), then removes the meeting (POST)."""

    template_name = "confirm.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting()
        invited = len(selectors.expected_attendees(meeting))
        consequences = [
            _("%(meeting)s, %(when)s, is removed from the schedule.")
            % {
                "meeting": meeting.title,
                "when": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT"),
            },
            ngettext(
                "It leaves the calendar of the %(count)s person invited.",
                "It leaves the calendars of the %(count)s people invited.",
                invited,
            )
            % {"count": invited},
        ]
        return super().get_context_data(
            heading=_("Remove the meeting"),
            subject=meeting.title,
            consequences=consequences,
            button=_("Remove the meeting"),
            cancel_url=reverse(
                "rounds:meeting_update", kwargs={"round_slug": self.round.slug, "pk": meeting.pk}
            ),
            **kwargs,
        )

    def post(self, request, round_slug, pk):
        meeting = self.meeting()
        try:
            services.meeting_delete(meeting=meeting)
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("rounds:meeting_update", round_slug=self.round.slug, pk=meeting.pk)
        messages.success(request, _("The meeting is removed."))
        return redirect("rounds:round_detail", slug=self.round.slug)


class MeetingCalendarView(PolicyRequiredMixin, DetailView):
    """One meeting as a calendar file (.ics)."""

    permission_required = "rounds.view_meeting"
    model = Meeting

    def get_queryset(self):
        return Meeting.objects.filter(round__slug=self.kwargs["round_slug"]).select_related(
            "round", "group"
        )

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        response = HttpResponse(
            calendar_for([meeting], name=meeting.title), content_type="text/calendar"
        )
        response["Content-Disposition"] = f'attachment; filename="{meeting.key}.ics"'
        return response


class AttendanceView(MeetingFormMixin, TemplateView):
    """Record who of the people expected at a meeting attended."""

    template_name = "rounds/attendance.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            expected=selectors.attendance_sheet(meeting=self.meeting()), **kwargs
        )

    def post(self, request, round_slug, pk):
        meeting = self.meeting()
        try:
            attended = {int(value) for value in request.POST.getlist("attended")}
        except ValueError:
            return HttpResponseBadRequest(_("Unknown person."))
        count = services.attendance_set(meeting=meeting, attended_ids=attended)
        messages.success(
            request,
            ngettext("%(count)s person attended.", "%(count)s people attended.", count)
            % {"count": count},
        )
        return redirect("rounds:meeting_detail", round_slug=self.round.slug, pk=meeting.pk)


class GroupFormMixin(RoundMixin):
    permission_required = "rounds.change_group"
    template_name = "rounds/group_form.html"

    def group(self):
        if "pk" not in self.kwargs:
            return None
        return get_visible_object_or_404(
            BenchmarkingGroup.objects.filter(round=self.round),
            self.request.user,
            pk=self.kwargs["pk"],
        )

    def get_initial(self):
        group = self.group()
        if group is None:
            return {}
        return {"name": group.name, "theme": group.theme, "members": list(group.members.all())}

    def get_form(self, form_class=None):
        return GroupForm(round=self.round, group=self.group(), **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        group = self.group()
        context = {"round": self.round, "group": group}
        if group is not None:
            context["mentorships"] = list(
                group.mentorships.select_related("participation__organisation")
            )
            context["mentor_form"] = MentorAddForm()
            context["size_warning"] = services.group_size_warning(group)
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        group = self.group()
        try:
            if group is None:
                group = services.group_create(
                    round=self.round,
                    name=data["name"],
                    theme=data["theme"],
                    members=list(data["members"]),
                )
            else:
                services.group_update(
                    group=group,
                    name=data["name"],
                    theme=data["theme"],
                    members=list(data["members"]),
                )
        except ValidationError as error:  # a DomainError, or the models' own checks
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        warning = services.group_size_warning(group)
        if warning:
            messages.warning(self.request, warning)
        messages.success(self.request, _("The group is saved."))
        return redirect("rounds:group_update", round_slug=self.round.slug, pk=group.pk)


class GroupCreateView(GroupFormMixin, FormView):
    pass


class GroupUpdateView(GroupFormMixin, FormView):
    pass


class GroupDeleteView(GroupFormMixin, TemplateView):
    """Asks first (GET), then removes the group (POST)."""

    template_name = "confirm.html"

    def get_context_data(self, **kwargs):
        group = self.group()
        members = list(group.members.select_related("organisation").order_by("organisation__name"))
        mentors = list(group.mentorships.select_related("participation__organisation"))
        meetings = list(group.meetings.order_by("starts_at"))
        consequences = [
            _("%(group)s is removed from the round.") % {"group": group.name},
            _("Its members are left without a group and stay in the round: %(names)s.")
            % {"names": _names(members) or "–"},
        ]
        if mentors:
            consequences.append(
                _("Its mentors no longer mentor it: %(names)s.")
                % {"names": ", ".join(m.participation.organisation.name for m in mentors)}
            )
        if meetings:
            consequences.append(
                ngettext(
                    "Its %(count)s meeting is removed: %(titles)s.",
                    "Its %(count)s meetings are removed: %(titles)s.",
                    len(meetings),
                )
                % {"count": len(meetings), "titles": ", ".join(m.title for m in meetings)}
            )
        return super().get_context_data(
            heading=_("Remove the group"),
            subject=group.name,
            consequences=consequences,
            button=_("Remove the group"),
            cancel_url=reverse(
                "rounds:group_update", kwargs={"round_slug": self.round.slug, "pk": group.pk}
            ),
            **kwargs,
        )

    def post(self, request, round_slug, pk):
        try:
            services.group_delete(group=self.group())
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("rounds:group_update", round_slug=self.round.slug, pk=pk)
        messages.success(request, _("The group is removed."))
        return redirect("rounds:round_detail", slug=self.round.slug)


class MentorAddView(GroupFormMixin, View):
    """Attach a mentor to a group by hand, as its primary or a supporting mentor."""

    http_method_names = ["post"]

    def post(self, request, round_slug, pk):
        group = self.group()
        form = MentorAddForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a mentor organisation."))
        else:
            try:
                services.mentor_add(
                    group=group,
                    organisation=form.cleaned_data["organisation"],
                    is_primary=form.cleaned_data["is_primary"],
                )
            except DomainError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The mentor is added."))
        return redirect("rounds:group_update", round_slug=self.round.slug, pk=group.pk)


class MentorRemoveView(GroupFormMixin, View):
    http_method_names = ["post"]

    def post(self, request, round_slug, pk, mentorship_pk):
        group = self.group()
        mentorship = get_object_or_404(GroupMentor, group=group, pk=mentorship_pk)
        services.mentor_remove(mentorship=mentorship)
        messages.success(request, _("The mentor is removed from the group."))
        return redirect("rounds:group_update", round_slug=self.round.slug, pk=group.pk)


@login_not_required
def calendar_feed(request, token):
    """A person's meetings as a calendar feed: a private address, revocable, no sign-in (a
    calendar program cannot sign in)."""
    person = User.objects.filter(calendar_token=token, is_active=True).first()
    if person is None:
        raise Http404(_("No such calendar."))
    meetings = visible(Meeting, person).select_related("round", "group").order_by("starts_at")
    response = HttpResponse(
        calendar_for(meetings, name=_("Modellkoncept meetings")), content_type="text/calendar"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


class RoundAuditView(RoundMixin, TemplateView):
    """The round's audit trail, for project leaders."""

    permission_required = "rounds.change_round"
    template_name = "rounds/audit.html"

    def get_context_data(self, **kwargs):
        paginator = Paginator(selectors.round_audit(round=self.round), 100)
        page_obj = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            round=self.round,
            page_obj=page_obj,
            entries=selectors.round_audit_page(page_obj.object_list),
            **kwargs,
        )

"""A meeting's page; creating, changing and deleting meetings; attendance; the calendar."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from modellkoncept.policy import PolicyRequiredMixin, get_visible_object_or_404, visible
from modellkoncept.service_calls import service_call
from rounds import learning_selectors, selectors, services
from rounds.calendar import calendar_for
from rounds.forms import MeetingForm
from rounds.models import Meeting
from rounds.views.mixins import RoundMixin, RoundPagedListView

User = get_user_model()


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
        return super().get_context_data(
            own_participations=selectors.own_assessing_participations(
                meeting=meeting, user=self.request.user
            ),
            **learning_selectors.meeting_page(meeting=meeting, user=self.request.user),
            **kwargs,
        )


class RoundMeetingListView(RoundPagedListView):
    """The round's whole schedule; a participant or mentor sees the round's own meetings and
    their groups'."""

    template_name = "rounds/meeting_list.html"
    selector = staticmethod(selectors.round_meetings)


class ScheduleGenerateView(RoundMixin, View):
    permission_required = "rounds.change_round"
    http_method_names = ["post"]

    def post(self, request, round_slug):
        with service_call(request) as call:
            meetings = services.schedule_generate(round=self.round)
        if call.succeeded:
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
        with service_call(form=form) as call:
            if meeting is None:
                services.meeting_create(round=self.round, **fields)
            else:
                services.meeting_update(meeting=Meeting.objects.get(pk=meeting.pk), **fields)
        if call.failed:
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
        with service_call(request) as call:
            services.meeting_delete(meeting=meeting)
        if call.failed:
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

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, TemplateView

from modellkoncept.client import client_address
from modellkoncept.mixins import RoundMixin
from modellkoncept.policy import PolicyRequiredMixin, standing
from modellkoncept.service_calls import service_call
from modellkoncept.throttle import throttle_allows
from participants import library, selectors, services
from participants.forms import (
    ApplicationAcceptForm,
    ApplicationDeclineForm,
    ApplicationForm,
    ApprovalForm,
    ImprovementWorkForm,
    LibraryFilterForm,
    OrganisationForm,
    ParticipationFeeForm,
    PersonForm,
    PersonInviteForm,
    ProgressNoteForm,
    SetPasswordForm,
    SharingForm,
    WithdrawForm,
)
from participants.models import Application, ImprovementWork, Invitation, Participation

User = get_user_model()
logger = logging.getLogger(__name__)


class ParticipationMixin(PolicyRequiredMixin):
    """Views of one organisation in one round, addressed by round slug and organisation code."""

    def fetch_policy_object(self):
        return selectors.participation_for(
            self.request.user, round_slug=self.kwargs["round_slug"], code=self.kwargs["code"]
        )

    def get_object(self, queryset=None):
        return self.get_policy_object()


class OrganisationUpdateView(ParticipationMixin, FormView):
    """A project leader edits an organisation's name, county and coordinates."""

    permission_required = "participants.manage_organisations"
    template_name = "participants/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_policy_object().organisation}

    def get_context_data(self, **kwargs):
        participation = self.get_policy_object()
        return super().get_context_data(
            participation=participation, round=participation.round, **kwargs
        )

    def form_valid(self, form):
        participation = self.get_policy_object()
        with service_call(form=form) as call:
            services.organisation_update(
                organisation=participation.organisation,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        if call.failed:
            return self.form_invalid(form)
        messages.success(self.request, _("The organisation is saved."))
        return redirect(
            "participants:participation_detail",
            round_slug=participation.round.slug,
            code=form.cleaned_data.get("code") or participation.organisation.code,
        )


class PersonUpdateView(ParticipationMixin, FormView):
    """A project leader corrects a person's name, e-mail address and functions."""

    permission_required = "participants.invite_people"
    template_name = "participants/person_form.html"
    form_class = PersonForm

    def person(self):
        return get_object_or_404(
            User,
            pk=self.kwargs["person_pk"],
            function_assignments__participation=self.get_policy_object(),
        )

    def get_initial(self):
        person = self.person()
        return {
            "full_name": person.full_name,
            "email": person.email,
            "functions": list(
                person.function_assignments.filter(
                    participation=self.get_policy_object()
                ).values_list("function", flat=True)
            ),
        }

    def get_context_data(self, **kwargs):
        participation = self.get_policy_object()
        return super().get_context_data(
            participation=participation, round=participation.round, person=self.person(), **kwargs
        )

    def form_valid(self, form):
        participation = self.get_policy_object()
        with service_call(form=form, beside_fields=True) as call:
            services.person_update(
                participation=participation, person=self.person(), **form.cleaned_data
            )
        if call.failed:
            return self.form_invalid(form)
        messages.success(self.request, _("The person is saved."))
        return redirect(
            "participants:participation_detail",
            round_slug=participation.round.slug,
            code=participation.organisation.code,
        )


class InvitationActionView(ParticipationMixin, View):
    """Send an invitation again, or revoke it."""

    permission_required = "participants.invite_people"
    http_method_names = ["post"]

    def post(self, request, round_slug, code, pk):
        participation = self.get_policy_object()
        invitation = get_object_or_404(Invitation, participation=participation, pk=pk)
        action = request.POST.get("action")
        with service_call(request):
            if action == "resend":
                services.invitation_resend(invitation=invitation)
                messages.success(
                    request,
                    _("The invitation is sent again to %(email)s.")
                    % {"email": invitation.person.email},
                )
            elif action == "revoke":
                services.invitation_revoke(invitation=invitation)
                messages.success(
                    request,
                    _("The invitation of %(person)s is revoked; its link no longer works.")
                    % {"person": invitation.person},
                )
            else:
                return HttpResponseBadRequest(_("Unknown action."))
        return redirect(
            "participants:participation_detail",
            round_slug=participation.round.slug,
            code=participation.organisation.code,
        )


class ParticipationDetailView(ParticipationMixin, DetailView):
    permission_required = "participants.view_participation"
    template_name = "participants/participation_detail.html"
    context_object_name = "participation"

    def fetch_policy_object(self):
        # The organisation's part in every round, read with this one, for its history.
        participation, self.participations = selectors.participation_with_rounds(
            self.request.user, round_slug=self.kwargs["round_slug"], code=self.kwargs["code"]
        )
        return participation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.participation_page(
                participation=self.object,
                user=self.request.user,
                participations=self.participations,
            )
        )
        return context


class PersonInviteView(ParticipationMixin, FormView):
    permission_required = "participants.invite_people"
    template_name = "participants/person_invite.html"
    form_class = PersonInviteForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(participation=self.get_policy_object(), **kwargs)

    def form_valid(self, form):
        participation = self.get_policy_object()
        with service_call(form=form) as call:
            invitation = services.person_invite(
                participation=participation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                functions=form.cleaned_data["functions"],
                invited_by=self.request.user,
            )
        if call.failed:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("An invitation has been sent to %(email)s.") % {"email": invitation.person.email},
        )
        return redirect(
            "participants:participation_detail",
            round_slug=participation.round.slug,
            code=participation.organisation.code,
        )


@login_not_required
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token):
    """The invitation link: choose a password, then land on one's own start page."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "participants/invitation_invalid.html", status=410)
    form = SetPasswordForm(request.POST or None, person=invitation.person)
    if request.method == "POST" and form.is_valid():
        with service_call(form=form) as call:
            person = services.invitation_accept(
                token=token, password=form.cleaned_data["password2"]
            )
        if call.succeeded:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your password is set."))
            return redirect("home")
    return render(
        request,
        "participants/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


def _work_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


class ImprovementWorkCreateView(ParticipationMixin, FormView):
    permission_required = "participants.change_improvement_work"
    template_name = "participants/improvement_work_form.html"

    def get_policy_object(self):
        participation = super().get_policy_object()
        # The permission is the one for the organisation's improvement work.
        return ImprovementWork(participation=participation)

    @property
    def participation(self):
        return super().get_policy_object()

    def get_form(self, form_class=None):
        return ImprovementWorkForm(participation=self.participation, **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(participation=self.participation, **kwargs)

    def form_valid(self, form):
        with service_call(form=form) as call, transaction.atomic():
            work = services.improvement_work_create(
                participation=self.participation, **_work_fields(form)
            )
            services.improvement_work_set_moments(work=work, moments=form.cleaned_data["moments"])
        if call.failed:
            return self.form_invalid(form)
        messages.success(self.request, _("The improvement work is saved."))
        return redirect("participants:improvement_work", pk=work.pk)


class ImprovementWorkMixin(PolicyRequiredMixin):
    policy_queryset = ImprovementWork.objects.select_related(
        "participation__organisation", "participation__round", "origin_meeting"
    )
    policy_lookup = {"pk": "pk"}


class ImprovementWorkDetailView(ImprovementWorkMixin, DetailView):
    permission_required = "participants.view_improvement_work"
    template_name = "participants/improvement_work_detail.html"
    context_object_name = "work"

    def get_object(self, queryset=None):
        return self.get_policy_object()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**work_page(self.request.user, self.object), **kwargs)


def work_page(user, work, **forms) -> dict:
    """What the improvement work's page shows; `forms` replaces a form that came back with
    errors."""
    own = standing(user)
    may_share = user.has_perm("participants.share_improvement_work", work)
    context = {
        "work": work,
        "notes": list(work.notes.select_related("author")),
        "moments": list(work.moments.order_by("number")),
        "note_form": ProgressNoteForm(initial={"noted_on": timezone.localdate()}),
        "may_change": user.has_perm("participants.change_improvement_work", work),
        "may_share": may_share,
        "sharing_form": SharingForm(initial={"sharing": work.sharing}) if may_share else None,
        "may_approve": user.has_perm("participants.approve_improvement_work", work),
        # A reader from elsewhere in the programme (the library) does not see the round, and
        # a group peer not the organisation's page.
        "in_round": own.is_project_leader
        or work.participation.round_id in own.round_ids
        or work.participation.round_id in own.mentored_group_round_ids,
        "sees_organisation": user.has_perm("participants.view_participation", work.participation),
    }
    context.update(forms)
    return context


class ImprovementWorkUpdateView(ImprovementWorkMixin, FormView):
    permission_required = "participants.change_improvement_work"
    template_name = "participants/improvement_work_form.html"

    def get_form(self, form_class=None):
        work = self.get_policy_object()
        return ImprovementWorkForm(
            participation=work.participation, instance=work, **self.get_form_kwargs()
        )

    def get_context_data(self, **kwargs):
        work = self.get_policy_object()
        return super().get_context_data(participation=work.participation, work=work, **kwargs)

    def form_valid(self, form):
        # The form worked on a copy; the service saves the original with the new values.
        work = ImprovementWork.objects.get(pk=self.get_policy_object().pk)
        with service_call(form=form) as call, transaction.atomic():
            services.improvement_work_update(work=work, **_work_fields(form))
            services.improvement_work_set_moments(work=work, moments=form.cleaned_data["moments"])
        if call.failed:
            return self.form_invalid(form)
        messages.success(self.request, _("The improvement work is saved."))
        return redirect("participants:improvement_work", pk=work.pk)


class ProgressNoteCreateView(ImprovementWorkMixin, FormView):
    permission_required = "participants.change_improvement_work"
    form_class = ProgressNoteForm
    template_name = "participants/improvement_work_detail.html"
    http_method_names = ["post"]

    def form_valid(self, form):
        work = self.get_policy_object()
        services.progress_note_add(
            work=work,
            text=form.cleaned_data["text"],
            noted_on=form.cleaned_data["noted_on"],
            author=self.request.user,
        )
        messages.success(self.request, _("The note is saved."))
        return redirect("participants:improvement_work", pk=work.pk)

    def form_invalid(self, form):
        work = self.get_policy_object()
        return self.render_to_response(
            work_page(self.request.user, work, note_form=form), status=422
        )


class ImprovementWorkShareView(ImprovementWorkMixin, FormView):
    """The organisation chooses how widely the work is shared."""

    permission_required = "participants.share_improvement_work"
    form_class = SharingForm
    template_name = "participants/improvement_work_detail.html"
    http_method_names = ["post"]

    def form_valid(self, form):
        work = self.get_policy_object()
        with service_call(form=form, field="sharing") as call:
            work = services.improvement_work_share(work=work, sharing=form.cleaned_data["sharing"])
        if call.failed:
            return self.form_invalid(form)
        if work.sharing == ImprovementWork.Sharing.PROGRAMME and work.approved_on is None:
            messages.success(
                self.request,
                _(
                    "The work is shared with its group now, and with the whole programme "
                    "once a project leader approves it."
                ),
            )
        else:
            messages.success(
                self.request,
                _("The work is shared with %(sharing)s.") % {"sharing": work.get_sharing_display()},
            )
        return redirect("participants:improvement_work", pk=work.pk)

    def form_invalid(self, form):
        work = self.get_policy_object()
        return self.render_to_response(
            work_page(self.request.user, work, sharing_form=form), status=422
        )


class ImprovementWorkApprovalView(ImprovementWorkMixin, FormView):
    """A project leader approves a work for the programme's library, or withdraws that."""

    permission_required = "participants.approve_improvement_work"
    form_class = ApprovalForm
    http_method_names = ["post"]

    def form_valid(self, form):
        work = self.get_policy_object()
        with service_call(self.request):
            if form.cleaned_data["decision"] == ApprovalForm.APPROVE:
                services.improvement_work_approve(work=work)
                messages.success(
                    self.request,
                    _(
                        "%(title)s is approved: every participant and mentor of the programme "
                        "can find it in the library."
                    )
                    % {"title": work.title},
                )
            else:
                services.improvement_work_withdraw_approval(work=work)
                messages.success(
                    self.request,
                    _("The approval of %(title)s is withdrawn: the library no longer shows it.")
                    % {"title": work.title},
                )
        return redirect(self._next() or reverse("participants:improvement_work", args=[work.pk]))

    def form_invalid(self, form):
        messages.error(self.request, _("Choose whether to approve or to withdraw the approval."))
        work = self.get_policy_object()
        return redirect(self._next() or reverse("participants:improvement_work", args=[work.pk]))

    def _next(self) -> str | None:
        # Back to the queue when the decision was taken there; never to another site.
        return (
            reverse("participants:approval_queue")
            if self.request.POST.get("next") == "queue"
            else None
        )


class LibraryView(PolicyRequiredMixin, TemplateView):
    """The programme's library of good examples: approved improvement work of every round."""

    permission_required = "participants.view_library"
    template_name = "participants/library.html"

    def get_context_data(self, **kwargs):
        form = LibraryFilterForm(self.request.GET or None, choices=library.library_choices())
        # An invalid filter is shown beside its field and left out; the valid ones apply.
        cleaned = {}
        if form.is_bound:
            form.is_valid()  # validates; an invalid field is left out of cleaned_data
            cleaned = form.cleaned_data
        filters = library.LibraryFilters(
            q=cleaned.get("q") or "",
            chain_step=cleaned.get("chain_step") or "",
            moment=cleaned.get("moment"),
            kind=cleaned.get("kind") or "",
            round=cleaned.get("round") or "",
            year=cleaned.get("year"),
        )
        paginator = Paginator(library.library_works(filters=filters), library.PAGE_SIZE)
        page_obj = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form,
            filters=filters,
            page_obj=page_obj,
            works=page_obj.object_list,
            may_approve=self.request.user.has_perm("participants.approve_improvement_work"),
            **kwargs,
        )


class ApprovalQueueView(PolicyRequiredMixin, TemplateView):
    """The project leaders' queue: work shared with the programme, awaiting approval."""

    permission_required = "participants.approve_improvement_work"
    template_name = "participants/approval_queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            waiting=library.approval_queue(),
            approved=list(library.approved_works()),
            form=ApprovalForm(),
            **kwargs,
        )


# Expressions of interest


@login_not_required
def application_rounds(request):
    """The public page: the rounds open for expressions of interest, with the call's dates."""
    today = timezone.localdate()
    rounds = [
        (round_, round_.application_call_closed(today))
        for round_ in selectors.rounds_open_for_applications()
    ]
    return render(request, "participants/application_rounds.html", {"rounds": rounds})


def _application_throttled(request, email: str) -> bool:
    """More applications from this client address, or for this contact address, than a
    person sends: the form must not become a relay for the site's e-mail."""
    address = client_address(request)
    per_address, address_window = settings.APPLICATION_THROTTLE_PER_ADDRESS
    per_email, email_window = settings.APPLICATION_THROTTLE_PER_EMAIL
    if throttle_allows(
        scope="application-address", value=address, limit=per_address, seconds=address_window
    ) and throttle_allows(
        scope="application-email", value=email, limit=per_email, seconds=email_window
    ):
        return False
    logger.warning("Application form throttled for %s", address)
    return True


@login_not_required
def application_create(request, round_slug):
    round_ = selectors.round_open_for_applications(slug=round_slug)
    if round_.application_call_closed(timezone.localdate()):
        # A page that says so, not an error: the link stays in SKR's invitations and newsletters.
        return render(request, "participants/application_closed.html", {"round": round_})
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields.pop("leave_empty")
        if _application_throttled(request, fields["contact_email"]):
            response = render(request, "429.html", {"round": round_}, status=429)
            response["Retry-After"] = str(settings.APPLICATION_THROTTLE_PER_ADDRESS[1])
            return response
        if form.is_from_a_robot:
            # Answered as if accepted: a robot told it was caught tries another way, and no
            # person sees the field. Nothing is saved or sent.
            logger.info("Application form honeypot filled from %s", client_address(request))
            accepted = True
        else:
            with service_call(form=form) as call:
                services.application_submit(round=round_, **fields)
                accepted = True
            if call.failed:
                accepted = False
        if accepted:
            return render(
                request,
                "participants/application_thanks.html",
                {"round": round_, "email": fields["contact_email"]},
            )
    return render(
        request,
        "participants/application_form.html",
        {"round": round_, "form": form},
        status=422 if form.errors else 200,
    )


class ApplicationListView(RoundMixin, TemplateView):
    """The applications of a round with eligibility at a glance, for the project leader."""

    permission_required = "participants.change_participation"
    template_name = "participants/application_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.round,
            applications=selectors.applications(round=self.round),
            call_closed=self.round.application_call_closed(timezone.localdate()),
            **kwargs,
        )


class ApplicationDecideView(RoundMixin, TemplateView):
    """Accept or decline a pending application. Accepting one that meets the round's rules is one
    click from the list (it can be undone by withdrawing); one that does not (no political
    decision, or an organisation of a kind the round does not take) needs a reason, asked for on
    this page beside the problems. Declining asks for the reason the applicant is sent."""

    permission_required = "participants.change_participation"
    template_name = "participants/application_decide.html"

    def get_application(self) -> Application:
        return get_object_or_404(
            Application.objects.select_related("organisation", "round"),
            round=self.round,
            pk=self.kwargs["pk"],
            status=Application.Status.PENDING,
        )

    def get_context_data(self, **kwargs):
        application = kwargs.pop("application", None) or self.get_application()
        problems = application.acceptance_problems()
        return super().get_context_data(
            round=self.round,
            application=application,
            problems=problems,
            accept_form=kwargs.pop("accept_form", None)
            or ApplicationAcceptForm(problems=problems, prefix="accept"),
            decline_form=kwargs.pop("decline_form", None)
            or ApplicationDeclineForm(prefix="decline"),
            **kwargs,
        )

    def post(self, request, round_slug, pk):
        application = get_object_or_404(Application, round=self.round, pk=pk)
        decision = request.POST.get("decision")
        if decision not in ("accept", "decline"):
            return HttpResponseBadRequest(_("Unknown decision."))
        if application.status != Application.Status.PENDING:
            messages.error(request, _("The application has already been decided."))
            return redirect("participants:application_list", round_slug=self.round.slug)
        if decision == "accept":
            form = ApplicationAcceptForm(
                request.POST, problems=application.acceptance_problems(), prefix="accept"
            )
            if not form.is_valid():
                return self._again(application, accept_form=form)
            with service_call(form=form) as call:
                services.application_accept(
                    application=application,
                    by=request.user,
                    override_reason=form.cleaned_data["override_reason"],
                )
            if call.failed:
                return self._again(application, accept_form=form)
            messages.success(
                request,
                _("%(organisation)s is enrolled and its people are invited.")
                % {"organisation": application.applicant_name},
            )
        else:
            form = ApplicationDeclineForm(request.POST, prefix="decline")
            if not form.is_valid():
                return self._again(application, decline_form=form)
            with service_call(form=form) as call:
                services.application_decline(
                    application=application, by=request.user, reason=form.cleaned_data["reason"]
                )
            if call.failed:
                return self._again(application, decline_form=form)
            messages.success(
                request,
                _("The application of %(organisation)s is declined.")
                % {"organisation": application.applicant_name},
            )
        return redirect("participants:application_list", round_slug=self.round.slug)

    def _again(self, application, **forms):
        context = self.get_context_data(application=application, **forms)
        return self.render_to_response(context, status=422)


class ParticipationFeesView(RoundMixin, TemplateView):
    """The fee of each participating organisation and whether it is invoiced, for project
    leaders only: the fee is differentiated and between SKR and the organisation."""

    permission_required = "participants.change_participation"
    template_name = "participants/fees.html"

    def get_context_data(self, **kwargs):
        forms_ = kwargs.pop("forms", None)
        if forms_ is None:
            forms_ = [
                ParticipationFeeForm(participation=participation)
                for participation in selectors.fee_participations(round=self.round)
            ]
        return super().get_context_data(round=self.round, forms=forms_, **kwargs)

    def post(self, request, round_slug):
        participations = selectors.fee_participations(round=self.round)
        forms_ = [
            ParticipationFeeForm(request.POST, participation=participation)
            for participation in participations
        ]
        valid = [form.is_valid() for form in forms_]  # every form, so that each shows its errors
        if not all(valid):
            return self.render_to_response(self.get_context_data(forms=forms_), status=422)
        with service_call(request) as call:
            changed = services.participation_fees_set(
                round=self.round,
                fees={
                    form.participation.pk: (
                        form.cleaned_data["fee"],
                        form.cleaned_data["fee_invoiced"],
                    )
                    for form in forms_
                },
                by=request.user,
            )
        if call.failed:
            return self.render_to_response(self.get_context_data(forms=forms_), status=422)
        if changed:
            messages.success(request, _("The fees are saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("participants:participation_fees", round_slug=self.round.slug)


class ParticipationWithdrawView(ParticipationMixin, FormView):
    """Record that an organisation left the round; its history stays."""

    permission_required = "participants.change_participation"
    template_name = "participants/withdraw.html"
    form_class = WithdrawForm

    def get_initial(self):
        return {"withdrawn_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(participation=self.get_policy_object(), **kwargs)

    def form_valid(self, form):
        participation = self.get_policy_object()
        with service_call(form=form) as call:
            services.participation_withdraw(
                participation=Participation.objects.get(pk=participation.pk),
                on=form.cleaned_data["withdrawn_on"],
                reason=form.cleaned_data["reason"],
            )
        if call.failed:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(organisation)s has withdrawn; it is left out of the round's figures.")
            % {"organisation": participation.organisation},
        )
        return redirect(
            "participants:participation_detail",
            round_slug=participation.round.slug,
            code=participation.organisation.code,
        )

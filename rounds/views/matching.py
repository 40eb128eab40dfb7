"""The mentor and group proposals, the mentor pool and the mentor's workspace."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from modellkoncept.errors import DomainError
from modellkoncept.policy import PolicyRequiredMixin, get_visible_object_or_404
from modellkoncept.service_calls import service_call
from rounds import mentoring, selectors, services
from rounds.forms import MentorSetForm
from rounds.models import BenchmarkingGroup
from rounds.views.mixins import RoundMixin


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
        with service_call(request):
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
        with service_call(request) as call:
            proposal = selectors.group_proposal(round=self.round)
            groups = services.group_proposal_accept(
                round=self.round, groups=[[o.code for o in group] for group in proposal.groups]
            )
        if call.failed:
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

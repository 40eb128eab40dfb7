"""A group's page; creating, changing and deleting groups; adding and removing mentors."""

import rules
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from modellkoncept.policy import PolicyRequiredMixin, get_visible_object_or_404
from modellkoncept.service_calls import service_call
from rounds import selectors, services
from rounds.forms import GroupForm, MentorAddForm
from rounds.models import BenchmarkingGroup, GroupMentor
from rounds.views.mixins import RoundMixin, RoundPagedListView, _names


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
                group=self.object,
                user=self.request.user,
                point=self.request.GET.get("point"),
                level=self.request.GET.get("level"),
            )
        )
        context["may_change"] = rules.has_perm(
            "rounds.change_group", self.request.user, self.object
        )
        return context


class RoundGroupListView(RoundPagedListView):
    """The round's benchmarking groups with their members and mentors; a participant or mentor
    sees their own groups."""

    template_name = "rounds/group_list.html"
    selector = staticmethod(selectors.round_groups)


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
        with service_call(form=form) as call:
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
        if call.failed:
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
        with service_call(request) as call:
            services.group_delete(group=self.group())
        if call.failed:
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
            with service_call(request) as call:
                services.mentor_add(
                    group=group,
                    organisation=form.cleaned_data["organisation"],
                    is_primary=form.cleaned_data["is_primary"],
                )
            if call.succeeded:
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

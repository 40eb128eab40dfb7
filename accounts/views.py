from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import DetailView

from accounts import selectors, services
from accounts.models import User
from modellkoncept.policy import PolicyRequiredMixin
from modellkoncept.service_calls import service_call


@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The person's private calendar feed address: create, show, replace or remove it."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            services.calendar_token_revoke(user=request.user)
            messages.success(request, _("The calendar address is removed; it no longer works."))
        else:
            services.calendar_token_reset(user=request.user)
            messages.success(
                request, _("You have a new calendar address; any earlier one no longer works.")
            )
        return redirect("accounts:calendar")
    token = request.user.calendar_token
    feed_url = (
        request.build_absolute_uri(reverse("rounds:calendar_feed", args=[token])) if token else ""
    )
    return render(request, "accounts/calendar.html", {"feed_url": feed_url})


class PersonDetailView(PolicyRequiredMixin, DetailView):
    """What is held about a person, for a project leader: export it, or erase the person."""

    permission_required = "accounts.manage_people"
    model = User
    template_name = "accounts/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            data=services.person_export(person=self.object),
            assignments=selectors.person_functions(person=self.object),
            **kwargs,
        )


class PersonExportView(PolicyRequiredMixin, DetailView):
    permission_required = "accounts.manage_people"
    model = User

    def get(self, request, *args, **kwargs):
        person = self.get_object()
        response = JsonResponse(
            services.person_export(person=person),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
        return response


class PersonEraseView(PolicyRequiredMixin, DetailView):
    permission_required = "accounts.manage_people"
    model = User
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        person = self.get_object()
        if request.POST.get("confirm") != "erase":
            messages.error(request, _("Tick the box to confirm the erasure."))
            return redirect("accounts:person", pk=person.pk)
        with service_call(request) as call:
            services.person_erase(person=person, by=request.user)
        if call.succeeded:
            messages.success(request, _("The person is erased; their organisation's data stays."))
        return redirect("accounts:person", pk=person.pk)

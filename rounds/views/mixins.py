"""What the views of a round's pages share."""

from django.views.generic import TemplateView

from modellkoncept.policy import PolicyRequiredMixin
from rounds.models import Round


class RoundMixin(PolicyRequiredMixin):
    """Views of something within a round, addressed by the round's slug; the policy is
    checked on the round."""

    policy_queryset = Round.objects.select_related(
        "checklist_version", "committee_checklist_version"
    )
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


def _names(participations) -> str:
    return ", ".join(p.organisation.name for p in participations)

"""What the views of a round's pages share. `RoundMixin` lives in the core
(`modellkoncept.mixins`), below the apps whose views are within a round; it is imported here too
for the views of this app."""

from django.views.generic import TemplateView

from modellkoncept.mixins import RoundMixin


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

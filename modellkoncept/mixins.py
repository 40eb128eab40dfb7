"""View mixins the apps share, below every app that uses them.

The core imports no app, so a mixin names the model it fetches by its label ("rounds.Round"),
as a foreign key does; the access policy fetches it (`PolicyRequiredMixin`)."""

from django.apps import apps

from modellkoncept.policy import PolicyRequiredMixin


class RoundMixin(PolicyRequiredMixin):
    """Views of something within a round, addressed by the round's slug; the policy is
    checked on the round."""

    policy_lookup = {"slug": "round_slug"}

    def get_policy_queryset(self):
        round_model = apps.get_model("rounds", "Round")
        return round_model.objects.select_related(
            "checklist_version", "committee_checklist_version"
        )

    @property
    def round(self):
        """The round of the URL (a `rounds.models.Round`), fetched once through the policy."""
        return self.get_policy_object()

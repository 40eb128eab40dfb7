"""`{% rounds_with_contacts user as rounds %}`: the rounds a person takes part in (or mentors
in) that name SKR contacts, with their contacts, for pages such as the one refusing access."""

from django import template
from django.db.models import Prefetch

from accounts.models import User
from modellkoncept.policy import standing
from rounds.models import Round

register = template.Library()


@register.simple_tag
def rounds_with_contacts(user) -> list[Round]:
    if not getattr(user, "is_authenticated", False):
        return []
    own = standing(user)
    round_ids = own.round_ids | own.mentored_group_round_ids
    if not round_ids:
        return []
    return list(
        Round.objects.filter(pk__in=round_ids, contacts__isnull=False)
        .distinct()
        .order_by("-starts_on", "name")
        .prefetch_related(
            Prefetch("contacts", queryset=User.objects.order_by("full_name", "email"))
        )
    )

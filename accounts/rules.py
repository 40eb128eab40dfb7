"""The accounts' part of the access policy: people's personal data is for project leaders."""

import rules

from accounts.models import User
from modellkoncept.policy import is_project_leader, visibility

rules.add_perm("accounts.manage_people", is_project_leader)


@visibility(User)
def visible_people(user):
    # The person pages (what is held about someone) are for project leaders only.
    if is_project_leader(user):
        return User.objects.all()
    return User.objects.none()

"""How the entries about people's accounts read in the action log."""

from django.utils.translation import gettext as _

from modellkoncept.actions import action

PERSON_ERASED = "accounts.person.erased"


@action(PERSON_ERASED)
def _erased(entry, names):
    # The entry keeps no name: it would undo the erasure.
    return _("A person's name and e-mail address were erased")

"""How the reports' entries read in the action log (see `modellkoncept.actions`)."""

from django.utils.translation import gettext as _

from modellkoncept.actions import action
from modellkoncept.roundvalues import changes_round_values

NEXT_STEPS_SAVED = "reports.summary.next_steps_saved"

# The one-page summary's own text, which none of a round's kept values reads
# (`modellkoncept.roundvalues`).
changes_round_values({NEXT_STEPS_SAVED: []})


@action(NEXT_STEPS_SAVED, refs={"organisation": "participants.Organisation"})
def _next_steps_saved(entry, names):
    changes = entry.data.get("changes") or [{}]
    new = changes[0].get("new") or ""
    if not new:
        return _("The next steps of %(organisation)s's one-page summary were removed") % {
            "organisation": names(entry, "organisation")
        }
    return _("Next steps of %(organisation)s's one-page summary written: “%(text)s”") % {
        "organisation": names(entry, "organisation"),
        "text": new,
    }

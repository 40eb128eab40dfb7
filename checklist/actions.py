"""How the checklist's entries in the action log read (see `modellkoncept.actions`)."""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from modellkoncept.actions import action, value_text
from modellkoncept.roundvalues import ASSESSMENTS, CHECKLISTS, changes_round_values

ASSESSMENT_STARTED = "checklist.assessment.started"
ASSESSMENT_CHANGED = "checklist.assessment.changed"
ASSESSMENT_SUBMITTED = "checklist.assessment.submitted"
ASSESSMENT_CLOSED = "checklist.assessment.closed"
ASSESSMENT_REOPENED = "checklist.assessment.reopened"
ASSESSMENT_RECORDED = "checklist.assessment.recorded"
ASSESSMENT_REMARKED = "checklist.assessment.remarked"
VERSION_CREATED = "checklist.version.created"
ROUND_CHECKLIST_CHOSEN = "checklist.round.checklist_chosen"

# What each action changes of a round's kept values (`modellkoncept.roundvalues`). A round's
# figures count assessments begun (started, recorded), not their answers or states.
changes_round_values(
    {
        ASSESSMENT_STARTED: [ASSESSMENTS],
        ASSESSMENT_RECORDED: [ASSESSMENTS],
        ASSESSMENT_CHANGED: [],
        ASSESSMENT_SUBMITTED: [],
        ASSESSMENT_CLOSED: [],
        ASSESSMENT_REOPENED: [],
        ASSESSMENT_REMARKED: [],
        VERSION_CREATED: [CHECKLISTS],
        ROUND_CHECKLIST_CHOSEN: [CHECKLISTS],
    }
)


def _comment(value) -> str:
    if not value:
        return "–"
    return f"“{Truncator(value).chars(80)}”"


def change_texts(changes) -> list[str]:
    """Each change of an answer as a line: “Score item 3: – → 2”."""
    lines = []
    for change in changes:
        if change["field"] == "score":
            lines.append(
                _("Score item %(item)s: %(old)s → %(new)s")
                % {
                    "item": change["item"],
                    "old": value_text(change["old"]),
                    "new": value_text(change["new"]),
                }
            )
        else:
            lines.append(
                _("Comment item %(item)s: %(old)s → %(new)s")
                % {
                    "item": change["item"],
                    "old": _comment(change["old"]),
                    "new": _comment(change["new"]),
                }
            )
    return lines


def merge_changes(old: dict, new: dict) -> dict | None:
    """Fold a later autosave into the entry of the earlier ones: each answer keeps the value it
    had before the burst and gets the latest; answers back where they started drop out."""
    by_key = {(c["item"], c["field"]): dict(c) for c in old.get("changes", [])}
    for change in new.get("changes", []):
        key = (change["item"], change["field"])
        if key in by_key:
            by_key[key]["new"] = change["new"]
        else:
            by_key[key] = dict(change)
    changes = [c for c in by_key.values() if c["old"] != c["new"]]
    if not changes:
        return None
    changes.sort(key=lambda c: (c["item"], c["field"] != "score"))
    return {**old, **{k: v for k, v in new.items() if k != "changes"}, "changes": changes}


def _who(entry) -> str:
    return str(entry.user) if entry.user else _("the system")


@action(ASSESSMENT_STARTED)
def _started(entry, names):
    if entry.data.get("level") == "committee":
        return _("Self-assessment at committee/department level started")
    return _("Self-assessment started")


@action(ASSESSMENT_CHANGED)
def _changed(entry, names):
    return "; ".join(change_texts(entry.data.get("changes", []))) or _("Answers saved")


@action(ASSESSMENT_SUBMITTED)
def _submitted(entry, names):
    return _("Submitted by %(person)s") % {"person": _who(entry)}


@action(ASSESSMENT_CLOSED)
def _closed(entry, names):
    return _("Closed by %(person)s") % {"person": _who(entry)}


@action(ASSESSMENT_REOPENED)
def _reopened(entry, names):
    return _("Reopened by %(person)s: %(reason)s") % {
        "person": _who(entry),
        "reason": entry.data.get("reason") or "–",
    }


@action(ASSESSMENT_RECORDED)
def _recorded(entry, names):
    text = _("Recorded from earlier data")
    if entry.data.get("submitted_at"):
        text = _("Recorded from earlier data, submitted %(date)s") % {
            "date": entry.data["submitted_at"][:10]
        }
    return text


@action(ASSESSMENT_REMARKED)
def _remarked(entry, names):
    if entry.data.get("item"):
        return _("Comment on item %(item)s by %(person)s") % {
            "item": entry.data["item"],
            "person": _who(entry),
        }
    return _("Comment on the self-assessment by %(person)s") % {"person": _who(entry)}


@action(VERSION_CREATED)
def _version_created(entry, names):
    return _("Checklist version %(name)s created") % {"name": entry.data.get("name", "–")}


@action(ROUND_CHECKLIST_CHOSEN, refs={"version": "checklist.ChecklistVersion"})
def _checklist_chosen(entry, names):
    if entry.data.get("level") == "committee":
        if not entry.data.get("version"):
            return _("Committee/department checklist removed")
        return _("Committee/department checklist chosen: %(version)s") % {
            "version": names(entry, "version")
        }
    return _("Checklist chosen: %(version)s") % {"version": names(entry, "version")}

"""How the entries of rounds, groups, mentors, meetings and attendance read in the action log
(see `modellkoncept.actions`)."""

from django.utils.translation import gettext as _

from modellkoncept.actions import action, changes_text, value_text
from modellkoncept.roundvalues import (
    ATTENDANCE,
    GROUPS,
    MEETINGS,
    PARTICIPANTS,
    PROGRAMME,
    RESULT_REPORTS,
    changes_round_values,
)

ROUND_CREATED = "rounds.round.created"
ROUND_UPDATED = "rounds.round.updated"
ROUND_ACTIVATED = "rounds.round.activated"
ROUND_COMPLETED = "rounds.round.completed"
ROUND_REOPENED = "rounds.round.reopened"
SCHEDULE_GENERATED = "rounds.schedule.generated"
GROUP_CREATED = "rounds.group.created"
GROUP_UPDATED = "rounds.group.updated"
GROUP_DELETED = "rounds.group.deleted"
GROUP_MEMBER_PLACED = "rounds.group.member_placed"
GROUP_MEMBER_REMOVED = "rounds.group.member_removed"
MENTOR_ASSIGNED = "rounds.mentor.assigned"
MENTOR_REMOVED = "rounds.mentor.removed"
MENTOR_LOCKED = "rounds.mentor.locked"
MEETING_CREATED = "rounds.meeting.created"
MEETING_UPDATED = "rounds.meeting.updated"
MEETING_DELETED = "rounds.meeting.deleted"
ATTENDANCE_RECORDED = "rounds.attendance.recorded"

ORG = "participants.Organisation"
GROUP = "rounds.BenchmarkingGroup"
PERSON = "accounts.User"


def _round_model():
    from rounds.models import Round

    return Round


@action(ROUND_CREATED)
def _round_created(entry, names):
    return _("Round %(name)s created") % {"name": entry.data.get("name", "–")}


@action(ROUND_UPDATED, refs={"contacts": PERSON})
def _round_updated(entry, names):
    return _("Round changed: %(changes)s") % {"changes": changes_text(entry, names, _round_model())}


@action(ROUND_ACTIVATED)
def _round_activated(entry, names):
    return _("Round started")


@action(ROUND_COMPLETED, refs={"completed": ORG})
def _round_completed(entry, names):
    return _("Round completed; completed by: %(organisations)s") % {
        "organisations": names.all(entry, "completed")
    }


@action(ROUND_REOPENED, refs={"taken_back": ORG})
def _round_reopened(entry, names):
    return _("Round reopened: %(reason)s; out of the mentor pool again: %(organisations)s") % {
        "reason": entry.data.get("reason") or "–",
        "organisations": names.all(entry, "taken_back") or "–",
    }


@action(SCHEDULE_GENERATED)
def _schedule(entry, names):
    return _("Default schedule created: %(count)s meetings") % {
        "count": entry.data.get("meetings", 0)
    }


@action(GROUP_CREATED, refs={"members": ORG})
def _group_created(entry, names):
    return _("Group %(group)s created with %(members)s") % {
        "group": entry.data.get("name", "–"),
        "members": names.all(entry, "members"),
    }


@action(GROUP_UPDATED)
def _group_updated(entry, names):
    from rounds.models import BenchmarkingGroup

    return _("Group %(group)s changed: %(changes)s") % {
        "group": entry.data.get("name", "–"),
        "changes": changes_text(entry, names, BenchmarkingGroup),
    }


@action(GROUP_DELETED)
def _group_deleted(entry, names):
    return _("Group %(group)s removed") % {"group": entry.data.get("name", "–")}


@action(GROUP_MEMBER_PLACED, refs={"organisation": ORG, "from_group": GROUP})
def _member_placed(entry, names):
    if entry.data.get("from_group"):
        return _("%(organisation)s moved from %(from)s to group %(group)s") % {
            "organisation": names(entry, "organisation"),
            "from": names(entry, "from_group"),
            "group": entry.data.get("group_name", "–"),
        }
    return _("%(organisation)s placed in group %(group)s") % {
        "organisation": names(entry, "organisation"),
        "group": entry.data.get("group_name", "–"),
    }


@action(GROUP_MEMBER_REMOVED, refs={"organisation": ORG})
def _member_removed(entry, names):
    return _("%(organisation)s taken out of group %(group)s") % {
        "organisation": names(entry, "organisation"),
        "group": entry.data.get("group_name", "–"),
    }


@action(MENTOR_ASSIGNED, refs={"organisation": ORG})
def _mentor_assigned(entry, names):
    values = {"organisation": names(entry, "organisation"), "group": entry.data.get("group_name")}
    if entry.data.get("primary"):
        return _("%(organisation)s mentors group %(group)s") % values
    return _("%(organisation)s supports group %(group)s as mentor") % values


@action(MENTOR_REMOVED, refs={"organisation": ORG})
def _mentor_removed(entry, names):
    return _("%(organisation)s no longer mentors group %(group)s") % {
        "organisation": names(entry, "organisation"),
        "group": entry.data.get("group_name", "–"),
    }


@action(MENTOR_LOCKED, refs={"organisation": ORG})
def _mentor_locked(entry, names):
    values = {"organisation": names(entry, "organisation"), "group": entry.data.get("group_name")}
    if entry.data.get("locked"):
        return _("Mentor %(organisation)s locked for group %(group)s") % values
    return _("Mentor %(organisation)s unlocked for group %(group)s") % values


@action(MEETING_CREATED)
def _meeting_created(entry, names):
    return _("Meeting %(meeting)s added, %(when)s") % {
        "meeting": entry.data.get("title", "–"),
        "when": value_text(entry.data.get("starts_at")),
    }


@action(MEETING_UPDATED, refs={"host": ORG, "group": GROUP})
def _meeting_updated(entry, names):
    from rounds.models import Meeting

    return _("Meeting %(meeting)s changed: %(changes)s") % {
        "meeting": entry.data.get("title", "–"),
        "changes": changes_text(entry, names, Meeting),
    }


@action(MEETING_DELETED)
def _meeting_deleted(entry, names):
    return _("Meeting %(meeting)s removed (was %(when)s)") % {
        "meeting": entry.data.get("title", "–"),
        "when": value_text(entry.data.get("starts_at")),
    }


@action(ATTENDANCE_RECORDED, refs={"present": PERSON, "absent": PERSON})
def _attendance(entry, names):
    parts = []
    if entry.data.get("present"):
        parts.append(_("present: %(people)s") % {"people": names.all(entry, "present")})
    if entry.data.get("absent"):
        parts.append(_("absent: %(people)s") % {"people": names.all(entry, "absent")})
    return _("Attendance at %(meeting)s: %(changes)s") % {
        "meeting": entry.data.get("title", "–"),
        "changes": "; ".join(parts) or "–",
    }


# The learning loop: meeting material, the programme library, the mentor's voice and the
# meetings' evaluation statements. (A person's answer to an evaluation is not logged: the log
# would tell who answered, which the evaluation keeps to the figures.)

AGENDA_SET = "rounds.meeting.agenda_set"
MATERIAL_ADDED = "rounds.material.added"
MATERIAL_REMOVED = "rounds.material.removed"
LIBRARY_ADDED = "rounds.library.added"
LIBRARY_REMOVED = "rounds.library.removed"
MENTOR_NOTE_WRITTEN = "rounds.mentor_note.written"
MENTOR_ROLE_SET = "rounds.mentor_role.set"
EVALUATION_STATEMENTS_SET = "rounds.evaluation.statements_set"


@action(AGENDA_SET)
def _agenda_set(entry, names):
    return _("Agenda of %(meeting)s changed") % {"meeting": entry.data.get("meeting", "–")}


@action(MATERIAL_ADDED)
def _material_added(entry, names):
    return _("File %(title)s added to %(meeting)s") % {
        "title": entry.data.get("title", "–"),
        "meeting": entry.data.get("meeting", "–"),
    }


@action(MATERIAL_REMOVED)
def _material_removed(entry, names):
    return _("File %(title)s removed from %(meeting)s") % {
        "title": entry.data.get("title", "–"),
        "meeting": entry.data.get("meeting", "–"),
    }


@action(LIBRARY_ADDED)
def _library_added(entry, names):
    return _("Method material %(title)s added") % {"title": entry.data.get("title", "–")}


@action(LIBRARY_REMOVED)
def _library_removed(entry, names):
    return _("Method material %(title)s removed") % {"title": entry.data.get("title", "–")}


@action(MENTOR_NOTE_WRITTEN)
def _mentor_note(entry, names):
    return _("Mentor's note to %(group)s") % {"group": entry.data.get("group", "–")}


@action(MENTOR_ROLE_SET)
def _mentor_role(entry, names):
    return _("Description of the mentor's role changed")


@action(EVALUATION_STATEMENTS_SET)
def _statements(entry, names):
    return _("Evaluation statements for %(kind)s changed") % {"kind": entry.data.get("kind", "–")}


# The participants' result reports (rounds/services/result_reports.py).

RESULT_REPORT_STARTED = "rounds.result_report.started"
RESULT_REPORT_CHANGED = "rounds.result_report.changed"
RESULT_REPORT_SUBMITTED = "rounds.result_report.submitted"
RESULT_REPORT_REOPENED = "rounds.result_report.reopened"
RESULT_REPORT_COMMENTED = "rounds.result_report.commented"
RESULT_REPORT_RECORDED = "rounds.result_report.recorded"
RESULT_REPORT_DUE_SET = "rounds.result_report.due_set"


def _report_sections(entry) -> str:
    from rounds.services.result_reports import section_labels

    labels = section_labels()
    return ", ".join(labels.get(name, name) for name in entry.data.get("fields", [])) or "–"


@action(RESULT_REPORT_STARTED)
def _result_report_started(entry, names):
    return _("Result report of year %(year)s started") % {"year": entry.data.get("year", "–")}


@action(RESULT_REPORT_CHANGED)
def _result_report_changed(entry, names):
    return _("Result report changed: %(sections)s") % {"sections": _report_sections(entry)}


@action(RESULT_REPORT_SUBMITTED)
def _result_report_submitted(entry, names):
    if entry.data.get("marked_willing"):
        return _(
            "Result report of year %(year)s submitted; the organisation is willing to mentor"
        ) % {"year": entry.data.get("year", "–")}
    return _("Result report of year %(year)s submitted") % {"year": entry.data.get("year", "–")}


@action(RESULT_REPORT_REOPENED)
def _result_report_reopened(entry, names):
    return _("Result report reopened for changes: %(reason)s") % {
        "reason": entry.data.get("reason", "–")
    }


@action(RESULT_REPORT_COMMENTED)
def _result_report_commented(entry, names):
    return _("Comment on the result report")


@action(RESULT_REPORT_RECORDED)
def _result_report_recorded(entry, names):
    return _("Result report of year %(year)s recorded") % {"year": entry.data.get("year", "–")}


@action(RESULT_REPORT_DUE_SET)
def _result_report_due_set(entry, names):
    return _("Result reports of year %(year)s due: %(old)s → %(new)s") % {
        "year": entry.data.get("year", "–"),
        "old": value_text(entry.data.get("old")),
        "new": value_text(entry.data.get("new")),
    }


# What each action changes of a round's kept values (`modellkoncept.roundvalues`). Not declared,
# so renewing every one: the round's own changes (its dates, status, completion, schedule made
# at once) and a group's removal (its meetings and their attendance go with it), rare all.
changes_round_values(
    {
        GROUP_CREATED: [GROUPS],  # its members placed in it too
        GROUP_UPDATED: [GROUPS],
        GROUP_MEMBER_PLACED: [GROUPS],
        GROUP_MEMBER_REMOVED: [GROUPS],
        # A mentor organisation enrols in the round with its first group and leaves it with
        # its last (`rounds.services.mentors`), logged as the mentor's.
        MENTOR_ASSIGNED: [GROUPS, PARTICIPANTS],
        MENTOR_REMOVED: [GROUPS, PARTICIPANTS],
        MENTOR_LOCKED: [GROUPS],
        MENTOR_NOTE_WRITTEN: [GROUPS],
        MEETING_CREATED: [MEETINGS],
        MEETING_UPDATED: [MEETINGS],
        MEETING_DELETED: [MEETINGS, ATTENDANCE],
        AGENDA_SET: [MEETINGS],
        MATERIAL_ADDED: [MEETINGS],
        MATERIAL_REMOVED: [MEETINGS],
        ATTENDANCE_RECORDED: [ATTENDANCE],
        MENTOR_ROLE_SET: [PROGRAMME],
        LIBRARY_ADDED: [PROGRAMME],
        LIBRARY_REMOVED: [PROGRAMME],
        EVALUATION_STATEMENTS_SET: [PROGRAMME],
        RESULT_REPORT_STARTED: [RESULT_REPORTS],
        # A report's text, saved as it is written, and comments on it: no kept value reads them.
        RESULT_REPORT_CHANGED: [],
        RESULT_REPORT_COMMENTED: [],
        # Submitting says whether the organisation is willing to mentor, on its participation.
        RESULT_REPORT_SUBMITTED: [RESULT_REPORTS, PARTICIPANTS],
        RESULT_REPORT_REOPENED: [RESULT_REPORTS],
        RESULT_REPORT_RECORDED: [RESULT_REPORTS],
        RESULT_REPORT_DUE_SET: [RESULT_REPORTS],
    }
)

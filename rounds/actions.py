"""How the entries of rounds, groups, mentors, meetings and attendance read in the action log
(see `modellkoncept.actions`)."""

from django.utils.translation import gettext as _

from modellkoncept.actions import action, changes_text, value_text

ROUND_CREATED = "rounds.round.created"
ROUND_UPDATED = "rounds.round.updated"
ROUND_ACTIVATED = "rounds.round.activated"
ROUND_COMPLETED = "rounds.round.completed"
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


@action(ROUND_UPDATED)
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

"""How the entries of organisations, their parts in rounds, people, invitations, improvement
work and applications read in the action log (see `modellkoncept.actions`)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from modellkoncept.actions import action, value_text
from modellkoncept.roundvalues import IMPROVEMENT_WORK, PARTICIPANTS, PEOPLE, changes_round_values

ORGANISATION_CREATED = "participants.organisation.created"
ORGANISATION_DECISION = "participants.organisation.decision_recorded"
PARTICIPATION_ADDED = "participants.participation.added"
PARTICIPATION_WITHDRAWN = "participants.participation.withdrawn"
FUNCTION_ASSIGNED = "participants.function.assigned"
PERSON_INVITED = "participants.person.invited"
PERSON_UPDATED = "participants.person.updated"
INVITATION_CREATED = "participants.invitation.created"
INVITATION_SENT = "participants.invitation.sent"
INVITATION_ACCEPTED = "participants.invitation.accepted"
INVITATION_RESENT = "participants.invitation.resent"
INVITATION_REVOKED = "participants.invitation.revoked"
ORGANISATION_UPDATED = "participants.organisation.updated"
WORK_CREATED = "participants.improvement_work.created"
WORK_UPDATED = "participants.improvement_work.updated"
PROGRESS_NOTED = "participants.improvement_work.progress_noted"
WORK_SHARED = "participants.improvement_work.shared"
WORK_APPROVED = "participants.improvement_work.approved"
WORK_APPROVAL_WITHDRAWN = "participants.improvement_work.approval_withdrawn"
APPLICATION_SUBMITTED = "participants.application.submitted"
APPLICATION_ACCEPTED = "participants.application.accepted"
APPLICATION_DECLINED = "participants.application.declined"
PARTICIPATION_FEE_SET = "participants.participation.fee_set"

ORG = "participants.Organisation"
PERSON = "accounts.User"

# What each action changes of a round's kept values (`modellkoncept.roundvalues`).
changes_round_values(
    {
        ORGANISATION_CREATED: [PARTICIPANTS],
        ORGANISATION_DECISION: [PARTICIPANTS],
        ORGANISATION_UPDATED: [PARTICIPANTS],
        PARTICIPATION_ADDED: [PARTICIPANTS],
        PARTICIPATION_WITHDRAWN: [PARTICIPANTS],
        PARTICIPATION_FEE_SET: [PARTICIPANTS],
        APPLICATION_SUBMITTED: [PARTICIPANTS],
        # The organisation enrolled and its people invited (each part logs its own too).
        APPLICATION_ACCEPTED: [PARTICIPANTS, PEOPLE],
        APPLICATION_DECLINED: [PARTICIPANTS],
        FUNCTION_ASSIGNED: [PEOPLE],
        PERSON_INVITED: [PEOPLE],
        PERSON_UPDATED: [PEOPLE],
        INVITATION_CREATED: [PEOPLE],
        INVITATION_SENT: [PEOPLE],
        INVITATION_ACCEPTED: [PEOPLE],
        INVITATION_RESENT: [PEOPLE],
        INVITATION_REVOKED: [PEOPLE],
        # A title, a step on the result chain, the sharing: whatever shows the work reads it.
        WORK_CREATED: [IMPROVEMENT_WORK],
        WORK_UPDATED: [IMPROVEMENT_WORK],
        PROGRESS_NOTED: [IMPROVEMENT_WORK],
        WORK_SHARED: [IMPROVEMENT_WORK],
        WORK_APPROVED: [IMPROVEMENT_WORK],
        WORK_APPROVAL_WITHDRAWN: [IMPROVEMENT_WORK],
    }
)


def _functions(keys) -> str:
    from participants.models import Function

    return ", ".join(str(Function(key).label) for key in keys or [] if key in Function.values)


@action(ORGANISATION_CREATED)
def _organisation_created(entry, names):
    return _("Organisation %(name)s created") % {"name": entry.data.get("name", "–")}


@action(ORGANISATION_DECISION, refs={"organisation": ORG})
def _decision(entry, names):
    return _("Political decision of %(organisation)s recorded: %(date)s") % {
        "organisation": names(entry, "organisation"),
        "date": value_text(entry.data.get("decided_on")),
    }


@action(PARTICIPATION_ADDED, refs={"organisation": ORG})
def _added(entry, names):
    if entry.data.get("role") == "mentor":
        return _("%(organisation)s enrolled as a mentor") % {
            "organisation": names(entry, "organisation")
        }
    return _("%(organisation)s enrolled as a participant") % {
        "organisation": names(entry, "organisation")
    }


@action(PARTICIPATION_WITHDRAWN, refs={"organisation": ORG})
def _withdrawn(entry, names):
    return _("%(organisation)s withdrew %(date)s: %(reason)s") % {
        "organisation": names(entry, "organisation"),
        "date": value_text(entry.data.get("on")),
        "reason": entry.data.get("reason") or "–",
    }


@action(FUNCTION_ASSIGNED, refs={"organisation": ORG, "person": PERSON})
def _function(entry, names):
    return _("%(person)s is %(function)s for %(organisation)s") % {
        "person": names(entry, "person"),
        "function": _functions([entry.data.get("function")]),
        "organisation": names(entry, "organisation"),
    }


@action(PERSON_UPDATED, refs={"organisation": ORG, "person": PERSON})
def _person_updated(entry, names):
    return _("Details of %(person)s for %(organisation)s corrected; functions: %(functions)s") % {
        "person": names(entry, "person"),
        "organisation": names(entry, "organisation"),
        "functions": _functions(entry.data.get("functions")) or "–",
    }


@action(PERSON_INVITED, refs={"organisation": ORG, "person": PERSON})
def _invited(entry, names):
    return _("%(person)s invited as %(functions)s for %(organisation)s") % {
        "person": names(entry, "person"),
        "functions": _functions(entry.data.get("functions")),
        "organisation": names(entry, "organisation"),
    }


@action(INVITATION_CREATED, refs={"organisation": ORG, "person": PERSON})
def _invitation_created(entry, names):
    return _("Invitation for %(person)s to %(organisation)s") % {
        "person": names(entry, "person"),
        "organisation": names(entry, "organisation"),
    }


@action(INVITATION_SENT, refs={"person": PERSON})
def _invitation_sent(entry, names):
    return _("Invitation e-mailed to %(person)s") % {"person": names(entry, "person")}


@action(INVITATION_ACCEPTED, refs={"person": PERSON})
def _invitation_accepted(entry, names):
    return _("%(person)s accepted the invitation") % {"person": names(entry, "person")}


@action(WORK_CREATED)
def _work_created(entry, names):
    return _("Improvement work %(title)s added") % {"title": entry.data.get("title", "–")}


@action(WORK_UPDATED)
def _work_updated(entry, names):
    from modellkoncept.actions import changes_text
    from participants.models import ImprovementWork

    return _("Improvement work %(title)s changed: %(changes)s") % {
        "title": entry.data.get("title", "–"),
        "changes": changes_text(entry, names, ImprovementWork),
    }


@action(PROGRESS_NOTED)
def _progress(entry, names):
    return _("Progress noted on %(title)s") % {"title": entry.data.get("title", "–")}


def _sharing(key) -> str:
    from participants.models import ImprovementWork

    choices = ImprovementWork.Sharing
    return str(choices(key).label) if key in choices.values else value_text(key)


@action(WORK_SHARED)
def _work_shared(entry, names):
    data = entry.data
    if data.get("approval_withdrawn"):
        return _(
            "Sharing of improvement work %(title)s changed from %(old)s to %(new)s; "
            "its approval for the programme is withdrawn"
        ) % {
            "title": data.get("title", "–"),
            "new": _sharing(data.get("new")),
            "old": _sharing(data.get("old")),
        }
    return _("Sharing of improvement work %(title)s changed from %(old)s to %(new)s") % {
        "title": data.get("title", "–"),
        "new": _sharing(data.get("new")),
        "old": _sharing(data.get("old")),
    }


@action(WORK_APPROVED)
def _work_approved(entry, names):
    return _("Improvement work %(title)s approved for the programme's library") % {
        "title": entry.data.get("title", "–")
    }


@action(WORK_APPROVAL_WITHDRAWN)
def _work_approval_withdrawn(entry, names):
    return _("Approval of improvement work %(title)s for the programme withdrawn") % {
        "title": entry.data.get("title", "–")
    }


@action(APPLICATION_SUBMITTED)
def _application_submitted(entry, names):
    return _("Expression of interest from %(organisation)s") % {
        "organisation": entry.data.get("organisation_name", "–")
    }


def _problem_text(code: str, data: dict) -> str:
    from participants.models import Application, Organisation

    if code == Application.PROBLEM_NO_DECISION:
        return _("no political decision given")
    kind = data.get("organisation_kind")
    label = Organisation.Kind(kind).label if kind in Organisation.Kind.values else "–"
    return _("a %(kind)s, which the round does not take") % {"kind": label}


@action(APPLICATION_ACCEPTED, refs={"organisation": ORG})
def _application_accepted(entry, names):
    if entry.data.get("override_reason"):
        # Accepted although it broke the round's rules: what was overridden, and why.
        return _(
            "Expression of interest from %(organisation)s accepted despite: %(problems)s. "
            "Reason: %(reason)s"
        ) % {
            "organisation": names(entry, "organisation"),
            "problems": "; ".join(
                _problem_text(code, entry.data) for code in entry.data.get("problems", [])
            ),
            "reason": entry.data["override_reason"],
        }
    return _("Expression of interest from %(organisation)s accepted") % {
        "organisation": names(entry, "organisation")
    }


@action(APPLICATION_DECLINED)
def _application_declined(entry, names):
    if entry.data.get("reason"):
        return _("Expression of interest from %(organisation)s declined: %(reason)s") % {
            "organisation": entry.data.get("organisation_name", "–"),
            "reason": entry.data["reason"],
        }
    return _("Expression of interest from %(organisation)s declined") % {
        "organisation": entry.data.get("organisation_name", "–")
    }


def _fee_text(fee, invoiced) -> str:
    if fee is None:
        return _("no fee")
    amount = _("%(amount)s kr") % {"amount": number_format(fee, force_grouping=True)}
    return _("%(amount)s, invoiced") % {"amount": amount} if invoiced else amount


@action(PARTICIPATION_FEE_SET, refs={"organisation": ORG})
def _fee_set(entry, names):
    return _("Fee of %(organisation)s: %(old)s → %(new)s") % {
        "organisation": names(entry, "organisation"),
        "old": _fee_text(entry.data.get("old_fee"), entry.data.get("old_invoiced")),
        "new": _fee_text(entry.data.get("fee"), entry.data.get("invoiced")),
    }


@action(INVITATION_RESENT, refs={"person": PERSON})
def _invitation_resent(entry, names):
    return _("Invitation sent again to %(person)s") % {"person": names(entry, "person")}


@action(INVITATION_REVOKED, refs={"person": PERSON})
def _invitation_revoked(entry, names):
    return _("Invitation to %(person)s revoked") % {"person": names(entry, "person")}


@action(ORGANISATION_UPDATED, refs={"organisation": ORG})
def _organisation_updated(entry, names):
    from modellkoncept.actions import changes_text
    from participants.models import Organisation

    return _("%(organisation)s changed: %(changes)s") % {
        "organisation": names(entry, "organisation"),
        "changes": changes_text(entry, names, Organisation),
    }

"""A round from its creation to its completion: create, activate, update, complete, reopen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion
from modellkoncept.actions import field_changes, log_action
from modellkoncept.errors import DomainError
from participants.models import Participation
from rounds import actions
from rounds.models import Round


def _require_open(round_: Round) -> None:
    """A completed round is an archive: its groups, mentors and meetings no longer change."""
    if round_.status == Round.Status.COMPLETED:
        raise DomainError(_("%(round)s is completed and cannot be changed.") % {"round": round_})


# Rounds


@transaction.atomic
def round_create(
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    kind: str = Round.Kind.MUNICIPAL,
    slug: str = "",
    checklist_version: ChecklistVersion | None = None,
    committee_checklist_version: ChecklistVersion | None = None,
    current_year: int = Round.Year.ONE,
    year_two_themes: list[str] | None = None,
    description: str = "",
    accepts_applications: bool = False,
    reminder_days: list[int] | None = None,
    meeting_notice_days: int | None = None,
    contacts: Iterable = (),
    application_deadline: date | None = None,
    decision_by: date | None = None,
) -> Round:
    """Create a round in planning. Reminders and meeting notice take the model's defaults
    unless given (an empty list of reminder days means no reminders). `contacts` are the
    project leaders who are the round's SKR contacts. `checklist_version` is the
    organisation-wide checklist (SKR's classic one by default); `committee_checklist_version`
    the committee/department one that year two also uses (none by default)."""
    round_ = Round(
        name=name.strip(),
        # "2026–2027" becomes "2026-2027", not "20262027".
        slug=slug or slugify(name.replace("–", "-").replace("—", "-")),
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        checklist_version=checklist_version
        or ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG),
        committee_checklist_version=committee_checklist_version,
        current_year=current_year,
        year_two_themes=list(year_two_themes or []),
        description=description,
        accepts_applications=accepts_applications,
        application_deadline=application_deadline,
        decision_by=decision_by,
    )
    if reminder_days is not None:
        round_.reminder_days = reminder_days
    if meeting_notice_days is not None:
        round_.meeting_notice_days = meeting_notice_days
    round_.full_clean()
    round_.save()
    _contacts_set(round_, contacts)
    log_action(round_, actions.ROUND_CREATED, round_id=round_.pk, data={"name": round_.name})
    return round_


def _contacts_set(round_: Round, contacts: Iterable) -> None:
    contacts = list(contacts)
    not_leaders = sorted(str(user) for user in contacts if not user.is_project_leader)
    if not_leaders:
        raise DomainError(
            _("Only SKR project leaders can be a round's contacts, not %(people)s.")
            % {"people": ", ".join(not_leaders)}
        )
    round_.contacts.set(contacts)


@transaction.atomic
def round_activate(*, round: Round) -> Round:
    """Planning → active."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status != Round.Status.PLANNING:
        raise DomainError(_("Only a round in planning can be started."))
    round_.status = Round.Status.ACTIVE
    round_.save(update_fields=["status", "updated_at"])
    log_action(round_, actions.ROUND_ACTIVATED, round_id=round_.pk)
    return round_


@transaction.atomic
def round_complete(*, round: Round, on: date | None = None) -> Round:
    """Active → completed. Every participant that did not withdraw has then completed the
    round and enters the pool of possible mentors for later rounds."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status != Round.Status.ACTIVE:
        raise DomainError(_("Only an active round can be completed."))
    round_.status = Round.Status.COMPLETED
    round_.save(update_fields=["status", "updated_at"])
    completing = list(
        round_.participations.filter(
            role=Participation.Role.PARTICIPANT,
            withdrawn_on__isnull=True,
            completed_on__isnull=True,
        )
    )
    now = timezone.now()
    for participation in completing:
        participation.completed_on = on or round_.ends_on
        participation.completed_with_round = True
        participation.updated_at = now
    bulk_update_with_history(
        completing, Participation, ["completed_on", "completed_with_round", "updated_at"]
    )
    log_action(
        round_,
        actions.ROUND_COMPLETED,
        round_id=round_.pk,
        data={"completed": [p.organisation_id for p in completing]},
    )
    return round_


@transaction.atomic
def round_reopen(*, round: Round, reason: str) -> Round:
    """Completed → active, with a reason: the completion is taken back, and with it the
    entries in the mentor pool that it created (completions recorded otherwise stay)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for reopening the round."))
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status != Round.Status.COMPLETED:
        raise DomainError(_("Only a completed round can be reopened."))
    round_.status = Round.Status.ACTIVE
    round_.reopen_reason = reason
    round_.full_clean()
    round_.save(update_fields=["status", "reopen_reason", "updated_at"])
    taken_back = list(round_.participations.filter(completed_with_round=True))
    now = timezone.now()
    for participation in taken_back:
        participation.completed_on = None
        participation.completed_with_round = False
        participation.updated_at = now
    bulk_update_with_history(
        taken_back, Participation, ["completed_on", "completed_with_round", "updated_at"]
    )
    log_action(
        round_,
        actions.ROUND_REOPENED,
        round_id=round_.pk,
        data={"reason": reason, "taken_back": [p.organisation_id for p in taken_back]},
    )
    return round_


# Rounds, groups and meetings: changes the project leader makes in the browser


ROUND_FIELDS = (
    "name",
    "kind",
    "starts_on",
    "ends_on",
    "current_year",
    "year_two_themes",
    "description",
    "accepts_applications",
    "application_deadline",
    "decision_by",
    "reminder_days",
    "meeting_notice_days",
    "contacts",
)


@transaction.atomic
def round_update(*, round: Round, **fields) -> Round:
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status == Round.Status.COMPLETED:
        raise DomainError(_("A completed round is archived and cannot be changed."))
    contacts = fields.pop("contacts", None)
    changes = field_changes(round_, fields)
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.full_clean()
    round_.save()
    if contacts is not None:
        contacts = list(contacts)
        old = sorted(round_.contacts.values_list("pk", flat=True))
        _contacts_set(round_, contacts)
        new = sorted({person.pk for person in contacts})
        if old != new:
            changes.append({"field": "contacts", "old": old, "new": new})
    if changes:
        log_action(round_, actions.ROUND_UPDATED, round_id=round_.pk, data={"changes": changes})
    return round_

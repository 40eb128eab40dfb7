"""An organisation's participation in a round: adding, withdrawing, its improvement works and their
progress notes."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modellkoncept.actions import field_changes, log_action
from modellkoncept.errors import DomainError
from participants import actions
from participants.models import ImprovementWork, Organisation, Participation, ProgressNote

User = get_user_model()


# Parts in rounds


@transaction.atomic
def participation_add(
    *,
    round,
    organisation: Organisation,
    role: str = Participation.Role.PARTICIPANT,
    willing_to_mentor: bool = False,
    mentor_capacity: int = 1,
) -> Participation:
    """Enrol an organisation in a round, as a participant or as a mentor."""
    if Participation.objects.filter(round=round, organisation=organisation).exists():
        raise DomainError(
            _("%(organisation)s already takes part in %(round)s.")
            % {"organisation": organisation, "round": round}
        )
    participation = Participation(
        round=round,
        organisation=organisation,
        role=role,
        willing_to_mentor=willing_to_mentor,
        mentor_capacity=mentor_capacity,
    )
    participation.full_clean()
    participation.save()
    log_action(
        participation,
        actions.PARTICIPATION_ADDED,
        data={"organisation": organisation.pk, "role": role},
    )
    return participation


@transaction.atomic
def participation_withdraw(*, participation: Participation, on: date, reason: str) -> Participation:
    """Record that an organisation left the round. Its history stays; statistics leave it out
    from then on."""
    if participation.completed_on:
        raise DomainError(_("The organisation has already completed the round."))
    participation.withdrawn_on = on
    participation.withdrawal_reason = reason.strip()
    participation.full_clean()
    participation.save(update_fields=["withdrawn_on", "withdrawal_reason", "updated_at"])
    log_action(
        participation,
        actions.PARTICIPATION_WITHDRAWN,
        data={
            "organisation": participation.organisation_id,
            "on": on,
            "reason": participation.withdrawal_reason,
        },
    )
    return participation


# Improvement work at home


IMPROVEMENT_WORK_FIELDS = ("title", "description", "phase", "chain_step", "level", "origin_meeting")


@transaction.atomic
def improvement_work_create(*, participation: Participation, **fields) -> ImprovementWork:
    """Record an improvement (förbättringsarbete) the organisation runs at home; its level
    defaults to the round's year's (`Round.default_level`)."""
    unknown = set(fields) - set(IMPROVEMENT_WORK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    # Without a level, new work starts at the level of the round's year: committee/department
    # level in year two (seed 001), organisation-wide in year one.
    if not fields.get("level"):
        fields["level"] = participation.round.default_level
    work = ImprovementWork(participation=participation, **fields)
    work.full_clean()
    work.save()
    log_action(
        work,
        actions.WORK_CREATED,
        round_id=participation.round_id,
        data={"title": work.title, "organisation": participation.organisation_id},
    )
    return work


@transaction.atomic
def improvement_work_update(*, work: ImprovementWork, **fields) -> ImprovementWork:
    unknown = set(fields) - set(IMPROVEMENT_WORK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    changes = field_changes(work, fields)
    for name, value in fields.items():
        setattr(work, name, value)
    work.full_clean()
    work.save()
    if changes:
        log_action(
            work,
            actions.WORK_UPDATED,
            round_id=work.participation.round_id,
            data={"title": work.title, "changes": changes},
        )
    return work


@transaction.atomic
def progress_note_add(
    *, work: ImprovementWork, text: str, author: User | None = None, noted_on: date | None = None
) -> ProgressNote:
    """A dated note of how the work is going."""
    note = ProgressNote(
        work=work, text=text.strip(), author=author, noted_on=noted_on or timezone.localdate()
    )
    note.full_clean()
    note.save()
    log_action(
        work,
        actions.PROGRESS_NOTED,
        user=author,
        round_id=work.participation.round_id,
        data={"title": work.title, "note": note.pk},
    )
    return note


@transaction.atomic
def participation_fees_set(
    *, round, fees: dict[int, tuple[int | None, bool]], by: User | None = None
) -> int:
    """Record the fee (whole kronor, or None) of each participating organisation of the round
    and whether it is invoiced, as {participation id: (fee, invoiced)}; logs each change and
    returns how many changed. The fee is differentiated per organisation (SKR, 2024)."""
    participations = {
        p.pk: p
        for p in Participation.objects.select_for_update()
        .filter(round=round, role=Participation.Role.PARTICIPANT, pk__in=list(fees))
        .select_related("organisation")
    }
    unknown = set(fees) - set(participations)
    if unknown:
        raise DomainError(_("Only the organisations taking part in the round have a fee."))
    changed = 0
    for pk, (fee, invoiced) in sorted(fees.items()):
        participation = participations[pk]
        if (participation.fee, participation.fee_invoiced) == (fee, invoiced):
            continue
        old = (participation.fee, participation.fee_invoiced)
        participation.fee, participation.fee_invoiced = fee, invoiced
        participation.full_clean()
        participation.save(update_fields=["fee", "fee_invoiced", "updated_at"])
        log_action(
            participation,
            actions.PARTICIPATION_FEE_SET,
            user=by,
            round_id=participation.round_id,
            data={
                "organisation": participation.organisation_id,
                "old_fee": old[0],
                "old_invoiced": old[1],
                "fee": fee,
                "invoiced": invoiced,
            },
        )
        changed += 1
    return changed

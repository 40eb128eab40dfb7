"""Everything that writes how widely an improvement work is shared, and its approval for the
programme's library of good examples.

An organisation (its strategists) chooses the sharing: its own people, also its benchmarking
group and the group's mentors, or the whole programme. The programme sees a work only once a
project leader has approved it; lowering the sharing takes effect at once and takes any approval
back, so that raising it again asks for a new one.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from participants import actions
from participants.models import ImprovementWork

Sharing = ImprovementWork.Sharing


def _locked(work: ImprovementWork) -> ImprovementWork:
    """The work's row, locked, so that two project leaders (or a leader and the organisation)
    acting at once are told what the other did instead of overwriting it."""
    return (
        ImprovementWork.objects.select_for_update().select_related("participation").get(pk=work.pk)
    )


@transaction.atomic
def improvement_work_share(*, work: ImprovementWork, sharing: str) -> ImprovementWork:
    """Share the work with the organisation only, its group, or the programme."""
    if sharing not in Sharing.values:
        raise DomainError(_("Choose how widely the work is shared."))
    locked = _locked(work)
    old = locked.sharing
    if sharing == old:
        return locked
    approved_on = locked.approved_on
    locked.sharing = sharing
    if sharing != Sharing.PROGRAMME:
        # Taking a work out of the library takes effect at once, approval and all.
        locked.approved_on = None
    locked.full_clean()
    locked.save(update_fields=["sharing", "approved_on", "updated_at"])
    log_action(
        locked,
        actions.WORK_SHARED,
        round_id=locked.participation.round_id,
        data={
            "title": locked.title,
            "old": old,
            "new": sharing,
            "approval_withdrawn": approved_on is not None and locked.approved_on is None,
        },
    )
    return locked


@transaction.atomic
def improvement_work_approve(*, work: ImprovementWork, on: date | None = None) -> ImprovementWork:
    """A project leader lets every participant and mentor of the programme see the work."""
    locked = _locked(work)
    if locked.sharing != Sharing.PROGRAMME:
        raise DomainError(
            _("%(title)s is not shared with the whole programme, so it cannot be approved for it.")
            % {"title": locked.title}
        )
    if locked.approved_on is not None:
        raise DomainError(_("%(title)s is already approved.") % {"title": locked.title})
    locked.approved_on = on or timezone.localdate()
    locked.full_clean()
    locked.save(update_fields=["approved_on", "updated_at"])
    log_action(
        locked,
        actions.WORK_APPROVED,
        round_id=locked.participation.round_id,
        data={"title": locked.title, "approved_on": locked.approved_on.isoformat()},
    )
    return locked


@transaction.atomic
def improvement_work_withdraw_approval(*, work: ImprovementWork) -> ImprovementWork:
    """A project leader takes the work out of the programme's library again; the organisation's
    choice to share it stays, and the work waits in the queue for a new approval."""
    locked = _locked(work)
    if locked.approved_on is None:
        raise DomainError(_("%(title)s is not approved.") % {"title": locked.title})
    approved_on = locked.approved_on
    locked.approved_on = None
    locked.full_clean()
    locked.save(update_fields=["approved_on", "updated_at"])
    log_action(
        locked,
        actions.WORK_APPROVAL_WITHDRAWN,
        round_id=locked.participation.round_id,
        data={"title": locked.title, "approved_on": approved_on.isoformat()},
    )
    return locked


@transaction.atomic
def improvement_work_set_moments(*, work: ImprovementWork, moments) -> ImprovementWork:
    """The checklist moments the work is meant to move (the library filters by them): moments
    of the round's own checklist version."""
    moments = list(moments)
    version_id = work.participation.round.checklist_version_id
    if any(moment.version_id != version_id for moment in moments):
        raise DomainError(_("Choose moments of the round's own checklist."))
    old = sorted(work.moments.values_list("number", flat=True))
    new = sorted(moment.number for moment in moments)
    if old == new:
        return work
    work.moments.set(moments)
    log_action(
        work,
        actions.WORK_UPDATED,
        round_id=work.participation.round_id,
        data={
            "title": work.title,
            # As text: the log shows a list of numbers as it is.
            "changes": [{"field": "moments", "old": _numbers(old), "new": _numbers(new)}],
        },
    )
    return work


def _numbers(numbers: list[int]) -> str | None:
    return ", ".join(str(n) for n in numbers) or None

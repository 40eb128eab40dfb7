"""Benchmarking groups: create, place participants, change the members, update, delete."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from checklist.models import SelfAssessment
from modellkoncept.actions import field_changes, log_action
from modellkoncept.errors import DomainError
from participants.models import Participation
from rounds import actions
from rounds.models import BenchmarkingGroup, Round
from rounds.services.lifecycle import _require_open

GROUP_SIZES = (2, 3)


# Groups and mentors


def _check_members(round_: Round, members: Iterable[Participation]) -> list[Participation]:
    members = list(members)
    for member in members:
        if member.round_id != round_.pk:
            raise DomainError(
                _("%(organisation)s does not take part in %(round)s.")
                % {"organisation": member.organisation, "round": round_}
            )
        if member.role != Participation.Role.PARTICIPANT:
            raise DomainError(
                _("%(organisation)s is a mentor in this round and cannot be a group member.")
                % {"organisation": member.organisation}
            )
    return members


@transaction.atomic
def group_create(
    *,
    round: Round,
    name: str,
    theme: str = "",
    members: Iterable[Participation] = (),
) -> BenchmarkingGroup:
    """Create a benchmarking group and place participants in it. A group of one is refused;
    sizes other than two or three are allowed but warned about (`group_size_warning`)."""
    _require_open(round)
    members = _check_members(round, members)
    if len(members) == 1:
        raise DomainError(_("A benchmarking group needs at least two organisations."))
    group = BenchmarkingGroup(round=round, name=name.strip(), theme=theme.strip())
    group.full_clean()
    group.save()
    now = timezone.now()
    for member in members:
        member.group = group
        member.updated_at = now
    bulk_update_with_history(members, Participation, ["group", "updated_at"])
    log_action(
        group,
        actions.GROUP_CREATED,
        data={"name": group.name, "members": [m.organisation_id for m in members]},
    )
    return group


def _has_assessments_in_its_group(participation: Participation) -> bool:
    """Whether the organisation has self-assessments for its group's meetings: they compare
    it with that group, so it cannot leave the group any more."""
    return (
        participation.group_id is not None
        and SelfAssessment.objects.filter(
            participation=participation, meeting__group_id=participation.group_id
        ).exists()
    )


@transaction.atomic
def group_place(*, group: BenchmarkingGroup, participation: Participation) -> Participation:
    """Place a participant in a group (moving it from another group if need be). An
    organisation with self-assessments for its present group's meetings is not moved."""
    _require_open(group.round)
    (participation,) = _check_members(group.round, [participation])
    if participation.group_id not in (None, group.pk) and _has_assessments_in_its_group(
        participation
    ):
        raise DomainError(
            _(
                "%(organisation)s has self-assessments for the meetings of %(group)s and "
                "cannot move to another group."
            )
            % {"organisation": participation.organisation, "group": participation.group}
        )
    from_group = participation.group_id
    participation.group = group
    participation.full_clean()
    participation.save(update_fields=["group", "updated_at"])
    if from_group != group.pk:
        log_action(
            group,
            actions.GROUP_MEMBER_PLACED,
            data={
                "organisation": participation.organisation_id,
                "from_group": from_group,
                "group_name": group.name,
            },
        )
    return participation


def group_size_warning(group: BenchmarkingGroup, size: int | None = None) -> str | None:
    """The warning to show when a group is not of two or three organisations."""
    size = group.members.count() if size is None else size
    if size in GROUP_SIZES:
        return None
    return _("%(group)s has %(size)s organisations; groups have two or three.") % {
        "group": group,
        "size": size,
    }


@transaction.atomic
def group_proposal_accept(*, round: Round, groups: list[list[str]]) -> list[BenchmarkingGroup]:
    """Form groups from lists of organisation codes: a list holding members of an existing
    group fills that group up; any other list becomes a new group “Grupp N”."""
    participations = {
        p.organisation.code: p
        for p in round.participations.filter(role=Participation.Role.PARTICIPANT).select_related(
            "organisation", "group"
        )
    }
    unknown = sorted({c for codes in groups for c in codes if c not in participations})
    if unknown:
        raise DomainError(
            _("Not participants of the round: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    listed = [c for codes in groups for c in codes]
    twice = sorted({c for c in listed if listed.count(c) > 1})
    if twice:
        raise DomainError(
            _("Each organisation belongs to one group; listed more than once: %(codes)s.")
            % {"codes": ", ".join(twice)}
        )
    sizes = dict(round.groups.annotate(n=Count("members")).values_list("pk", "n"))
    taken = set(round.groups.values_list("name", flat=True))
    number = 1
    result = []
    for codes in groups:
        members = [participations[c] for c in codes]
        existing = {m.group_id: m.group for m in members if m.group_id}
        if len(existing) > 1:
            raise DomainError(
                _("%(codes)s would join two existing groups.") % {"codes": ", ".join(codes)}
            )
        # The size that counts is the group's after the list fills it.
        joining = [m for m in members if m.group_id is None]
        size = len(joining) + (sizes[next(iter(existing))] if existing else 0)
        if size not in GROUP_SIZES:
            raise DomainError(
                _("A group must have two or three organisations: %(codes)s.")
                % {"codes": ", ".join(codes)}
            )
        if existing:
            group = next(iter(existing.values()))
            for member in members:
                if member.group_id != group.pk:
                    group_place(group=group, participation=member)
        else:
            # Group names are data, written in the programme's own language whatever the
            # language of the page that saved them.
            with translation.override(settings.LANGUAGE_CODE):
                while _("Group %(number)s") % {"number": number} in taken:
                    number += 1
                name = _("Group %(number)s") % {"number": number}
            taken.add(name)
            group = group_create(round=round, name=name, members=members)
        result.append(group)
    return result


@transaction.atomic
def group_update(
    *,
    group: BenchmarkingGroup,
    name: str,
    theme: str = "",
    members: Iterable[Participation] | None = None,
) -> BenchmarkingGroup:
    """Rename a group and, when `members` is given, make exactly those its members
    (`group_set_members`); a refusal of either changes nothing."""
    _require_open(group.round)
    changes = field_changes(group, {"name": name.strip(), "theme": theme.strip()})
    group.name = name.strip()
    group.theme = theme.strip()
    group.full_clean()
    group.save()
    if changes:
        log_action(group, actions.GROUP_UPDATED, data={"name": group.name, "changes": changes})
    if members is not None:
        group_set_members(group=group, members=list(members))
    return group


@transaction.atomic
def group_remove_member(*, participation: Participation) -> Participation:
    """Take an organisation out of its group (it stays in the round)."""
    _require_open(participation.round)
    if _has_assessments_in_its_group(participation):
        raise DomainError(
            _("%(organisation)s has self-assessments for the group's meetings; it stays.")
            % {"organisation": participation.organisation}
        )
    group = participation.group
    participation.group = None
    participation.save(update_fields=["group", "updated_at"])
    if group is not None:
        log_action(
            group,
            actions.GROUP_MEMBER_REMOVED,
            data={"organisation": participation.organisation_id, "group_name": group.name},
        )
    return participation


@transaction.atomic
def group_delete(*, group: BenchmarkingGroup) -> None:
    _require_open(group.round)
    if group.meetings.filter(assessments__isnull=False).exists():
        raise DomainError(
            _("%(group)s has self-assessments for its meetings and cannot be removed.")
            % {"group": group}
        )
    log_action(
        group,
        actions.GROUP_DELETED,
        data={
            "name": group.name,
            "members": list(group.members.values_list("organisation_id", flat=True)),
        },
    )
    group.delete()


@transaction.atomic
def group_set_members(
    *, group: BenchmarkingGroup, members: list[Participation]
) -> BenchmarkingGroup:
    """Make exactly these participants the group's members (moving them from other groups);
    refused for a group of one."""
    _require_open(group.round)
    members = _check_members(group.round, members)
    if len(members) == 1:
        raise DomainError(_("A benchmarking group needs at least two organisations."))
    wanted = {m.pk for m in members}
    for leaving in group.members.exclude(pk__in=wanted):
        group_remove_member(participation=leaving)
    for member in members:
        if member.group_id != group.pk:
            group_place(group=group, participation=member)
    return group

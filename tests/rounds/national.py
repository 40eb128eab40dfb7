"""Rounds of the reference list's organisations, built through the services, for the tests
that compare what the pages show with what was recorded.

A round of the first organisations of Sweden's 290 municipalities and 21 regions
(`data/sweden_orgs.csv`), in groups of two or three, with a politician, a manager and a
strategist each; a handful of federations mentor the groups; the default schedule is
generated; the first two learning meetings are over, with self-assessments recorded
(submitted, drafts and missing) and attendance taken at the first. Everything goes through
the services, as it would in the browser, except that people are made directly with
`create_user` (no invitation e-mails). `plan` records what each organisation did.

The round of national size is the benchmark's (`bench/build.py`, imported as round archives):
the tests that hold the pages to as many queries for 311 organisations as for ten build it with
`bench.build.national_and_small`.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from bench.build import in_groups_of_three
from checklist import services as checklist_services
from participants import services as participant_services
from participants.models import Organisation
from rounds import services as round_services
from rounds.models import Meeting, Round

User = get_user_model()

FUNCTIONS = ("politiker", "chef", "strateg")
MENTOR_ORGANISATIONS = 12


@cache
def _reference_file_codes() -> tuple[str, ...]:
    with participant_services.REFERENCE_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(sorted(row["code"] for row in csv.DictReader(handle)))


def reference_codes(count: int | None = None) -> list[str]:
    """The codes of the reference list (the first `count` of them), loaded into the database:
    a smaller round of the same make takes the first ones."""
    codes = list(_reference_file_codes())
    if Organisation.objects.filter(code__in=codes).count() < len(codes):
        participant_services.organisations_load()
    return codes if count is None else codes[:count]


def build_round(
    *,
    slug: str,
    codes: list[str] | None = None,
    today: dt.date | None = None,
) -> SimpleNamespace:
    """A round of the organisations with the given codes (all 311 by default), built through
    the services. Returns the round, its participations by code, groups, meetings and people."""
    today = today or timezone.localdate()
    every_code = reference_codes()
    organisations = list(
        Organisation.objects.filter(code__in=every_code if codes is None else codes).order_by(
            "code"
        )
    )

    # The round started eight and a half months ago, so its first two learning meetings are over.
    starts_on = today - dt.timedelta(days=260)
    round_ = round_services.round_create(
        name=f"Modellkoncept {slug}",
        slug=slug,
        kind=Round.Kind.MIXED,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=730),
    )
    participations = {
        o.code: participant_services.participation_add(round=round_, organisation=o)
        for o in organisations
    }
    groups = round_services.group_proposal_accept(
        round=round_, groups=in_groups_of_three(sorted(participations))
    )

    # Federations outside the reference list mentor the groups, a few groups each.
    mentors = [
        participant_services.organisation_create(code=f"F{slug[:6]}{i:02d}", name=f"Förbund {i}")
        for i in range(min(MENTOR_ORGANISATIONS, len(groups)))
    ]
    for number, group in enumerate(groups):
        round_services.mentor_add(group=group, organisation=mentors[number % len(mentors)])

    people: dict[str, dict[str, object]] = {}
    for code, participation in participations.items():
        people[code] = {}
        for function in FUNCTIONS:
            person = User.objects.create_user(
                email=f"{function}.{code}@{slug}.example.se",
                full_name=f"{function.capitalize()} {participation.organisation.name}",
            )
            participant_services.function_assign(
                participation=participation, person=person, function=function
            )
            people[code][function] = person
    for participation in participations.values():
        participation.refresh_from_db()

    round_services.schedule_generate(round=round_)
    round_services.round_activate(round=round_)
    meetings = list(
        Meeting.objects.filter(round=round_, kind=Meeting.Kind.LEARNING_MEETING)
        .select_related("group")
        .order_by("number", "group__name")
    )
    by_group_and_number = {(m.group_id, m.number): m for m in meetings}

    # Learning meeting 1: everyone submitted. Learning meeting 2: a third submitted, a third
    # left a draft, a third nothing. At the first meeting the first member of each group came
    # with all three functions, the second with its strategist only, the third not at all.
    # `plan` records this per organisation, for the tests to compare the pages with.
    full = dict.fromkeys(range(1, 11), 2)
    plan = {}
    for index, (code, participation) in enumerate(sorted(participations.items())):
        plan[code] = SimpleNamespace(
            first="submitted", second=("submitted", "draft", "missing")[index % 3]
        )
        first = by_group_and_number[participation.group_id, 1]
        second = by_group_and_number[participation.group_id, 2]
        checklist_services.assessment_record(
            participation=participation,
            meeting=first,
            scores={n: 1 + (n + index) % 3 for n in range(1, 11)},
            submitted_at=first.starts_at - dt.timedelta(days=3),
            by=people[code]["strateg"],
        )
        if index % 3 != 2:
            checklist_services.assessment_record(
                participation=participation,
                meeting=second,
                scores=full if index % 3 == 0 else {1: 3},
                submitted_at=second.starts_at - dt.timedelta(days=3) if index % 3 == 0 else None,
                by=people[code]["strateg"],
            )
    for group in groups:
        members = [p for p in participations.values() if p.group_id == group.pk]
        attended = set()
        for position, member in enumerate(members):
            own = people[member.organisation.code]
            if position == 0:
                attended |= {person.pk for person in own.values()}
            elif position == 1:
                attended.add(own["strateg"].pk)
            plan[member.organisation.code].attended = ("all", "partial", "none")[min(position, 2)]
        round_services.attendance_set(
            meeting=by_group_and_number[group.pk, 1], attended_ids=attended
        )
    return SimpleNamespace(
        round=Round.objects.get(pk=round_.pk),
        participations=participations,
        groups=groups,
        mentors=mentors,
        people=people,
        meetings=meetings,
        plan=plan,
    )

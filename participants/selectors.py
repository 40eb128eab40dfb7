"""Reads for the participants' pages; each runs a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from checklist.models import ChecklistVersion, SelfAssessment
from modellkoncept.links import url_maker
from modellkoncept.policy import get_visible_object_or_404, standing, visible, visible_or_404
from modellkoncept.roundvalues import GROUPS, PARTICIPANTS, round_value
from participants.models import (
    REQUIRED_FUNCTIONS,
    Application,
    Function,
    FunctionAssignment,
    ImprovementWork,
    Invitation,
    Participation,
)
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round


@dataclass
class PeopleByFunction:
    """The people of an organisation in a round, grouped by function, with the gaps."""

    rows: list[tuple[str, list]] = field(default_factory=list)  # (function label, people)
    missing: list[str] = field(default_factory=list)  # required functions nobody holds
    single: list[str] = field(default_factory=list)  # required functions one person holds


def people_by_function(assignments) -> PeopleByFunction:
    by_function: dict[str, list] = {}
    for assignment in assignments:
        by_function.setdefault(assignment.function, []).append(assignment.person)
    result = PeopleByFunction()
    for function in Function:
        people = by_function.get(function.value, [])
        if people or function in REQUIRED_FUNCTIONS:
            result.rows.append((function.label, people))
        if function in REQUIRED_FUNCTIONS:
            if not people:
                result.missing.append(function.label)
            elif len(people) == 1:
                result.single.append(function.label)
    return result


# Parts of the organisation's page in a round that the apps above participants add (the
# checklist: the organisation's history of scores), by the name the template reads. Each app
# registers its part from its AppConfig.ready(), so participants imports none of them. A part
# is called with the participation, the user and the organisation's participations in every
# round, or None where the page has not read them.
PARTICIPATION_PAGE_PARTS: dict[str, Callable[..., object]] = {}


def participation_page(
    *, participation: Participation, user, participations: list[Participation] | None = None
) -> dict:
    """What the organisation's page in a round shows, in five queries of its own (the parts
    the apps above add aside). What the page only names (its group's members and mentors) is
    read as names, and the organisation's improvement work and what its group shares with it
    come in one query. `participations`, the organisation's part in every round where the
    caller has read them (`participation_with_rounds`), go to the parts."""
    assignments = [
        Holder(function, PersonLine(pk, full_name, email))
        for function, pk, full_name, email in (
            # An erased person (whose account is closed) no longer holds the function.
            FunctionAssignment.objects.filter(participation=participation, person__is_active=True)
            .order_by("person__full_name", "person__email")
            .values_list("function", "person_id", "person__full_name", "person__email")
        )
    ]
    own = standing(user)
    assessments = SelfAssessment.objects.filter(participation=participation)
    if not (own.is_project_leader or participation.pk in own.participation_ids):
        assessments = assessments.filter(status=SelfAssessment.Status.SUBMITTED)
    statuses = dict(SelfAssessment.Status.choices)
    invitations = (
        Invitation.objects.filter(participation=participation).select_related("person")
        if own.is_project_leader
        else Invitation.objects.none()
    )
    members, mentors = group_names(participation)
    works, group_works = improvement_works(participation=participation, user=user)
    assessment_url = url_maker("checklist:assessment")
    return {
        "participation": participation,
        "people": people_by_function(assignments),
        "assessments": [
            AssessmentLine(
                pk,
                title,
                level == ChecklistVersion.Level.COMMITTEE,
                statuses.get(status, status),
                assessment_url(pk),
            )
            for pk, title, level, status in assessments.order_by("meeting__starts_at").values_list(
                "pk", "meeting__title", "level", "status"
            )
        ],
        "mentors": mentors,
        "members": members,
        "invitations": list(invitations),
        "works": works,
        "group_works": group_works,
        "spread": chain_spread(works),
        **{
            name: part(participation=participation, user=user, participations=participations)
            for name, part in PARTICIPATION_PAGE_PARTS.items()
        },
        "may_add_work": user.has_perm(
            "participants.change_improvement_work", ImprovementWork(participation=participation)
        ),
    }


def group_names(participation: Participation) -> tuple[list[str], list[str]]:
    """The names of the other members of the organisation's group and of its mentors (the
    primary mentor first); none without a group. The same for everyone who sees the page:
    kept until a service changes the round (`modellkoncept.roundvalues`), read in one query."""
    if participation.group_id is None:
        return [], []
    return round_value(
        f"group-names-{participation.pk}",
        participation.round,
        lambda: _group_names(participation),
        reads=(GROUPS, PARTICIPANTS),
    )


def _group_names(participation: Participation) -> tuple[list[str], list[str]]:
    group_id = participation.group_id
    rows = (
        Participation.objects.filter(
            (Q(group_id=group_id) & ~Q(pk=participation.pk)) | Q(mentorships__group_id=group_id)
        )
        .order_by("organisation__name", "pk")
        .values_list(
            "pk",
            "organisation__name",
            "group_id",
            "mentorships__group_id",
            "mentorships__is_primary",
        )
    )
    members, mentors, seen = [], [], set()
    for pk, name, member_of, mentor_of, primary in rows:
        if mentor_of == group_id:
            mentors.append((not primary, name))
        if member_of == group_id and pk != participation.pk and pk not in seen:
            members.append(name)
        seen.add(pk)  # one row per mentorship: a member that mentors elsewhere is named once
    return members, [name for _, name in sorted(mentors, key=lambda m: m[0])]


@dataclass(frozen=True)
class PersonLine:
    """A person as the organisation's page names them (as `User.__str__` does)."""

    pk: int
    full_name: str
    email: str

    def __str__(self):
        return self.full_name or self.email


@dataclass(frozen=True)
class Holder:
    """A function and the person who holds it, for `people_by_function`."""

    function: str
    person: PersonLine


@dataclass(frozen=True)
class AssessmentLine:
    """A self-assessment as the organisation's page lists it."""

    pk: int
    meeting_title: str
    is_committee_level: bool
    status_label: str
    url: str


@dataclass(frozen=True)
class WorkLine:
    """An improvement work as the organisation's page lists it."""

    pk: int
    title: str
    organisation_name: str
    chain_step: str
    chain_step_label: str
    phase_label: str
    sharing_label: str
    url: str


def improvement_works(*, participation: Participation, user) -> tuple[list, list]:
    """The organisation's improvement work (by title), and what the other members of its group
    share with the group (by organisation, then title), as the policy lets `user` see each
    (a mentor sees what the organisation shares with its group): one query."""
    wanted = Q(participation_id=participation.pk)
    if participation.group_id is not None:
        wanted |= Q(
            participation__group_id=participation.group_id,
            sharing__in=(ImprovementWork.Sharing.GROUP, ImprovementWork.Sharing.PROGRAMME),
        )
    rows = (
        visible(ImprovementWork, user)
        .filter(wanted)
        .order_by("participation__organisation__name", "title", "pk")
        .values_list(
            "pk",
            "participation_id",
            "title",
            "participation__organisation__name",
            "chain_step",
            "phase",
            "sharing",
        )
    )
    steps = dict(ImprovementWork.ChainStep.choices)
    phases = dict(ImprovementWork.Phase.choices)
    sharings = dict(ImprovementWork.Sharing.choices)
    work_url = url_maker("participants:improvement_work")
    own, shared = [], []
    for pk, participation_id, title, organisation, step, phase, sharing in rows:
        work = WorkLine(
            pk=pk,
            title=title,
            organisation_name=organisation,
            chain_step=step,
            chain_step_label=steps.get(step, step),
            phase_label=phases.get(phase, phase),
            sharing_label=sharings.get(sharing, sharing),
            url=work_url(pk),
        )
        (own if participation_id == participation.pk else shared).append(work)
    return own, shared


def participation_for(user, *, round_slug: str, code: str) -> Participation:
    """One organisation's part in a round as the URLs address it (round slug, organisation
    code), through the access policy: 404 when it is missing or not the user's to see."""
    return get_visible_object_or_404(
        Participation.objects.select_related("organisation", "round", "group"),
        user,
        round__slug=round_slug,
        organisation__code=code,
    )


def participation_with_rounds(
    user, *, round_slug: str, code: str
) -> tuple[Participation, list[Participation]]:
    """`participation_for`, with the organisation's part in every round (this one included)
    read in the same query, for its page, whose history goes through them: each with its
    round, the round's organisation-wide checklist version and its group, and the one
    organisation. Where this round has a committee/department checklist too, that version is
    read once, for every round that uses it."""
    rows = list(
        Participation.objects.filter(organisation__code=code).select_related(
            "organisation", "round__checklist_version", "group"
        )
    )
    participation = next((p for p in rows if p.round.slug == round_slug), None)
    visible_or_404(user, participation)
    committee_id = participation.round.committee_checklist_version_id
    committee = participation.round.committee_checklist_version if committee_id else None
    for own in rows:
        own.organisation = participation.organisation
        if committee is not None and own.round.committee_checklist_version_id == committee_id:
            own.round.committee_checklist_version = committee
    return participation, rows


def meetings_for(participation: Participation) -> QuerySet[Meeting]:
    """The meetings of an organisation: the round's own and its group's, in time order."""
    return Meeting.objects.filter(round_id=participation.round_id).filter(
        Q(group__isnull=True) | Q(group_id=participation.group_id)
    )


@dataclass
class StartPage:
    participations: list
    mentored_groups: list
    next_meetings: list
    due_assessments: list  # (participation, meeting, level, assessment or None)
    # Submitted lately by the organisation of a politician or manager, not yet commented on
    # by them: for them to read and comment.
    to_read: list = ()


# How long a submitted self-assessment counts as new on a reader's start page.
NEW_ASSESSMENT_DAYS = 30


def start_page(*, user) -> StartPage:
    """A participant's or mentor's start page: my organisation, my group, next meeting, what
    is due. The number of queries does not depend on how many rounds the person is in."""
    own = standing(user)
    participations = list(
        Participation.objects.filter(pk__in=own.participation_ids)
        .select_related("organisation", "round", "group")
        .prefetch_related(
            Prefetch(
                "group__mentorships",
                queryset=GroupMentor.objects.select_related("participation__organisation"),
            )
        )
        .order_by("-round__starts_on")
    )
    mentored_groups = list(
        BenchmarkingGroup.objects.filter(pk__in=own.mentored_group_ids)
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Participation.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            )
        )
    )
    now = timezone.now()
    upcoming = list(
        visible(Meeting, user)
        .filter(ends_at__gte=now)
        .select_related("round", "group", "host")
        .order_by("starts_at")[:5]
    )
    strategist_of = [p for p in participations if p.pk in own.strategist_participation_ids]
    due_meetings = [m for m in upcoming if m.assessment_due]
    existing = {
        (a.participation_id, a.meeting_id, a.level): a
        for a in SelfAssessment.objects.filter(
            participation__in=strategist_of, meeting__in=due_meetings
        )
    }
    # What is still to do, at each level due (year two: also committee/department level): an
    # assessment submitted (and not reopened) is done.
    due = [
        (p, m, level, assessment)
        for p in strategist_of
        for m in due_meetings
        if m.round_id == p.round_id and m.group_id in (None, p.group_id) and not p.is_withdrawn
        for level in m.assessment_levels
        for assessment in [existing.get((p.pk, m.pk, level))]
        if assessment is None or not assessment.is_submitted
    ]
    # Only a person with a function besides the strategist's reads others' work here; the
    # rest are spared the query.
    reads = any(
        p.is_participant and p.pk not in own.strategist_participation_ids for p in participations
    )
    readers_of = FunctionAssignment.objects.filter(
        person=user,
        function__in=[Function.POLITICIAN, Function.MANAGER],
        participation__in=[p for p in participations if not p.is_withdrawn],
    ).values("participation_id")
    to_read = (
        list(
            SelfAssessment.objects.filter(
                participation_id__in=readers_of,
                status=SelfAssessment.Status.SUBMITTED,
                submitted_at__gte=now - timedelta(days=NEW_ASSESSMENT_DAYS),
            )
            .exclude(remarks__author=user)
            .select_related("meeting", "participation__organisation")
            .order_by("-submitted_at")[:5]
        )
        if reads
        else []
    )
    return StartPage(
        participations=participations,
        mentored_groups=mentored_groups,
        next_meetings=upcoming,
        due_assessments=due,
        to_read=to_read,
    )


@dataclass(frozen=True)
class ChainSpread:
    """How improvement works spread over the result chain, from activity to effect."""

    counts: list[tuple[str, str, int]]  # (step value, label, count), in chain order
    total: int

    @property
    def chart_rows(self):
        top = max((c for _, _, c in self.counts), default=0) or 1
        return [
            (value, label, count, round(100 * count / top)) for value, label, count in self.counts
        ]


def chain_spread(works) -> ChainSpread:
    """The spread of improvement works over the result chain: of a queryset, counted by the
    database, or of works a page has read already, counted here."""
    if isinstance(works, QuerySet):
        counted = dict(
            works.values_list("chain_step").annotate(n=Count("pk")).values_list("chain_step", "n")
        )
    else:
        counted = Counter(work.chain_step for work in works)
    counts = [
        (step.value, step.label, counted.get(step.value, 0)) for step in ImprovementWork.ChainStep
    ]
    return ChainSpread(counts=counts, total=sum(c for _, _, c in counts))


def applications(*, round) -> list:
    """A round's expressions of interest, pending first, with the organisation."""
    pending_first = Case(When(status=Application.Status.PENDING, then=0), default=1)
    return list(
        round.applications.select_related("organisation", "decided_by").order_by(
            pending_first, "organisation__name", "organisation_name"
        )
    )


def fee_participations(*, round) -> list[Participation]:
    """The organisations taking part in a round (withdrawn ones too: a fee may have been
    invoiced before they left), for the project leader's fee page and the exports."""
    return list(
        round.participations.filter(role=Participation.Role.PARTICIPANT)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def _contacts() -> Prefetch:
    """A round's SKR contacts, as the public pages name them."""
    return Prefetch("contacts", queryset=User.objects.order_by("full_name", "email"))


def rounds_open_for_applications() -> QuerySet[Round]:
    """The rounds that take expressions of interest: being planned, and open for them (the
    call of one may be over: the page says so), with their SKR contacts."""
    return (
        Round.objects.filter(accepts_applications=True, status=Round.Status.PLANNING)
        .prefetch_related(_contacts())
        .order_by("starts_on")
    )


def round_open_for_applications(*, slug: str) -> Round:
    """The round of the public form, with its SKR contacts; 404 unless it takes applications."""
    return get_object_or_404(rounds_open_for_applications(), slug=slug)

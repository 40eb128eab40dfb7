"""The round's dashboard: its figures and a row per participant, filtered and paged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from checklist.models import ChecklistVersion, SelfAssessment
from checklist.statistics import group_assessment_points
from modellkoncept.links import url_maker
from modellkoncept.roundvalues import (
    ASSESSMENTS,
    ATTENDANCE,
    CHECKLISTS,
    GROUPS,
    IMPROVEMENT_WORK,
    MEETINGS,
    PARTICIPANTS,
    PEOPLE,
    RESULT_REPORTS,
    round_values,
)
from participants.models import (
    REQUIRED_FUNCTIONS,
    Function,
    FunctionAssignment,
    ImprovementWork,
    Participation,
)
from participants.selectors import ChainSpread, PersonLine
from rounds.models import Attendance, Meeting, ResultReport, Round
from rounds.selectors.lists import _MEETING_LIST_FIELDS, _page
from rounds.selectors.meetings import _complete_attendance

# The project leader's round dashboard


DASHBOARD_PAGE_SIZE = 25
# The meetings to come kept for the next meeting: more than end within the few minutes a value
# is kept, as a rule (when all of them have, the next one is read from the database).
UPCOMING = 10
# The groups' meetings are kept with their times as microseconds since then: a national round's
# five hundred read back at a fraction of the cost of as many datetimes.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The years a result report is written for: the round's years.
YEARS = tuple(Round.Year.values)


# Named tuples: a page makes some two hundred of these, and a tuple is made at a fraction of
# the cost of a frozen dataclass.
class PointMeeting(NamedTuple):
    """A meeting at an assessment point, with what the dashboard's cells read of it."""

    pk: int
    group_id: int | None
    starts_at: datetime
    expected_functions: tuple[str, ...]  # whose attendance counts (`Meeting`'s property)
    assessment_due: bool = True
    year: int | None = None

    @classmethod
    def of(cls, meeting: Meeting) -> PointMeeting:
        return cls(
            meeting.pk,
            meeting.group_id,
            meeting.starts_at,
            tuple(meeting.expected_required_functions),
            meeting.assessment_due,
            meeting.year,
        )


class NextMeeting(NamedTuple):
    """The first meeting of the round (its groups' too) not over, as the dashboard shows it."""

    pk: int
    title: str
    starts_at: datetime
    group_name: str  # "" for a meeting of the whole round

    @classmethod
    def of(cls, meeting: Meeting) -> NextMeeting:
        group = meeting.group.name if meeting.group_id is not None else ""
        return cls(meeting.pk, meeting.title, meeting.starts_at, group)


class PointCell(NamedTuple):
    meeting: PointMeeting | None
    # "submitted", "draft", "missing" (none by a meeting held), "due" (none yet, the meeting
    # ahead) or "" (no such meeting)
    status: str
    assessment_id: int | None
    attendance: str  # "all", "partial", "none" or "" (the meeting has not been held)
    url: str = ""  # the assessment's page


class DashboardRow(NamedTuple):
    """An organisation of the round, read as the few values its row shows."""

    participation_id: int
    organisation_code: str
    organisation_name: str
    group_id: int | None
    group_name: str  # "" in no group
    withdrawn: bool
    url: str  # the organisation's page in the round
    coverage: list[tuple[str, int]]  # (function label, people) for the three required
    missing: list[str]
    cells: list[PointCell]


@dataclass(frozen=True)
class RoundFigures:
    participants: int  # participant organisations, those that withdrew included
    withdrawn: int
    mentors: int  # mentor organisations
    groups: int
    groups_without_mentor: int  # without a primary mentor
    ungrouped: int  # participants (not withdrawn) in no group
    meetings: int  # the whole schedule, the groups' meetings included
    assessed: bool  # a self-assessment exists: the checklist version is fixed

    @property
    def counted(self) -> int:
        """The participants that have not withdrawn."""
        return self.participants - self.withdrawn


@dataclass(frozen=True)
class RoundDashboard:
    round: Round
    figures: RoundFigures
    next_meeting: NextMeeting | None
    points: list[int]
    page: object  # a Page of DashboardRow
    page_range: object
    round_meetings: list[Meeting]  # the round's common meetings (of no group), in time order
    attendance: list[tuple[Meeting, int, int]]  # held common meetings: (meeting, complete, of)
    mentor_organisations: list[tuple[str, str]]  # (their page in the round, name), by name
    spread: object  # participants.selectors.ChainSpread
    checklist_versions: list[ChecklistVersion]  # to choose from while the checklist is not fixed
    # The committee/department level's, to choose from while that level has no assessment.
    committee_checklist_versions: list[ChecklistVersion] = ()
    filters: DashboardFilters = None  # as asked for in the page's address
    groups: list[tuple[int, str]] = ()  # (id, name) to filter by
    # (year, submitted, expected) for each year of the round so far
    result_reports: list[tuple[int, int, int]] = ()
    contacts: list[PersonLine] = ()  # the round's SKR contacts, by name


DASHBOARD_STATUSES = ("missing", "draft", "submitted")


@dataclass(frozen=True)
class DashboardFilters:
    group: str = ""  # a group's id, "none" (in no group) or "" (all)
    status: str = ""  # one of DASHBOARD_STATUSES, or "" (all)
    q: str = ""  # part of the organisation's name

    @classmethod
    def from_query(cls, query) -> DashboardFilters:
        group = (query.get("group") or "").strip()
        if group != "none" and not group.isdigit():
            group = ""
        status = (query.get("status") or "").strip()
        return cls(
            group=group,
            status=status if status in DASHBOARD_STATUSES else "",
            q=(query.get("q") or "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.group or self.status or self.q)

    def apply(self, participations, *, round: Round, now):
        if self.group == "none":
            participations = participations.filter(group__isnull=True)
        elif self.group:
            participations = participations.filter(group_id=int(self.group))
        if self.q:
            participations = participations.filter(organisation__name__icontains=self.q)
        if self.status == "missing":
            # A meeting held that needed a self-assessment of it, and none exists.
            held = Meeting.objects.filter(
                round=round, assessment_due=True, starts_at__lte=now
            ).filter(Q(group__isnull=True) | Q(group_id=OuterRef("group_id")))
            unassessed = held.exclude(
                Exists(
                    SelfAssessment.objects.filter(
                        meeting=OuterRef("pk"), participation=OuterRef(OuterRef("pk"))
                    )
                )
            )
            participations = participations.filter(Exists(unassessed))
        elif self.status in ("draft", "submitted"):
            participations = participations.filter(
                Exists(
                    SelfAssessment.objects.filter(participation=OuterRef("pk"), status=self.status)
                )
            )
        return participations


def round_figures(*, round: Round) -> RoundFigures:
    """The round's key figures (read with the rest of what the dashboard shows alike to every
    project leader, `round_wide`)."""
    return round_wide(round=round).figures


def round_dashboard(
    *, round: Round, page_number=1, now=None, filters: DashboardFilters | None = None
) -> RoundDashboard:
    """Everything a project leader follows in a round on one page: its key figures, the next
    meeting, and per organisation and assessment point whether the self-assessment is missing,
    a draft or submitted, whether its three functions attended, and its function coverage; the
    attendance at the round's common meetings, its mentor organisations and the spread of
    improvement work. Groups and the whole schedule have pages of their own (`round_groups`,
    `round_meetings`).

    Organisations come a page at a time, ordered by group, so the page stays readable for a
    national round; the number of queries does not grow with the round."""
    now = now or timezone.now()
    kept = round_values(
        round,
        {
            ROUND_WIDE_KEY: (lambda: round_wide(round=round, now=now), ROUND_WIDE_READS),
            SPREAD_KEY: (lambda: work_spread(round=round), SPREAD_READS),
        },
    )
    wide, spread = kept[ROUND_WIDE_KEY], kept[SPREAD_KEY]
    figures = wide.figures
    next_meeting = _next_meeting(round, wide, now)
    # The round's checklists, as kept (read from the database when not, as any foreign key).
    for field in ("checklist_version", "committee_checklist_version"):
        version = wide.versions.get(getattr(round, f"{field}_id"))
        if version is not None:
            setattr(round, field, version)
    round_meetings = wide.round_meetings
    for meeting in round_meetings:
        meeting.round = round
    filters = filters or DashboardFilters()
    # Every organisation, as kept, or those the filters let through, read now.
    participations = wide.participants
    if filters.active:
        participations = _participant_rows(
            filters.apply(_participants(round), round=round, now=now)
        )
    page, page_range = _page(participations, per_page=DASHBOARD_PAGE_SIZE, number=page_number)
    on_page = list(page.object_list)
    ids = [pk for pk, *_ in on_page]
    # The schedules of the organisations on the page: the round's meetings and their groups'.
    group_ids = {group_id for *_, group_id, _withdrawn in on_page if group_id is not None}
    # The groups' meetings that need a self-assessment, kept with the round's values.
    meetings = [PointMeeting.of(m) for m in round_meetings if m.assessment_due]
    for group_id in group_ids:
        for pk, microseconds, expected, year in wide.group_meetings.get(group_id, ()):
            starts_at = _EPOCH + timedelta(microseconds=microseconds)
            meetings.append(PointMeeting(pk, group_id, starts_at, expected, True, year))
    # An organisation's schedule is its group's (or the round's alone, in no group).
    schedules = {  # group id → {point: meeting id}
        group_id: {n: mid for mid, n in own.items()}
        for group_id, own in group_assessment_points(
            meetings, {group_id for *_, group_id, _withdrawn in on_page}
        ).items()
    }
    points = sorted({n for own in schedules.values() for n in own})
    statuses = {
        (participation_id, meeting_id): (pk, status)
        for pk, participation_id, meeting_id, status in _statuses(ids)
    }

    # Per meeting: the meeting, whether it is held by now, the functions expected there.
    schedule = {m.pk: (m, m.starts_at <= now, m.expected_functions) for m in meetings}
    labels = {f: Function(f).label for f in REQUIRED_FUNCTIONS}
    assessment_url = url_maker("checklist:assessment")
    organisation_url = url_maker("participants:participation_detail", "code", round_slug=round.slug)
    no_meeting = PointCell(None, "", None, "")
    no_one, nowhere = (0,) * len(REQUIRED_FUNCTIONS), {}
    # Function counts → (function label, people) and the labels of those nobody holds: the
    # same few for most rows.
    coverages = {}
    rows = []
    group_names = dict(wide.groups)
    for pk, code, name, group_id, withdrawn_on in on_page:
        held_by = wide.coverage.get(pk, no_one)
        if held_by not in coverages:
            coverage = tuple(zip((labels[f] for f in REQUIRED_FUNCTIONS), held_by, strict=True))
            coverages[held_by] = coverage, tuple(label for label, n in coverage if not n)
        coverage, missing = coverages[held_by]
        attended = wide.attendance.get(pk, nowhere)
        by_point = schedules[group_id]
        cells = []
        for point in points:
            meeting_id = by_point.get(point)
            if meeting_id is None:
                cells.append(no_meeting)
                continue
            meeting, held, expected = schedule[meeting_id]
            # Missing only once the meeting is held; before it, it is still to be done.
            assessment_id, status = statuses.get(
                (pk, meeting_id), (None, "missing" if held else "due")
            )
            if not held:
                attendance = ""
            else:  # as kept, where somebody attended; nobody did elsewhere
                attendance = attended.get(meeting_id) or ("none" if expected else "all")
            url = assessment_url(assessment_id) if assessment_id else ""
            # Positional: some two hundred cells a page, made at a fraction of the cost.
            cells.append(PointCell(meeting, status, assessment_id, attendance, url))
        rows.append(
            DashboardRow(
                pk,
                code,
                name,
                group_id,
                group_names.get(group_id, ""),
                withdrawn_on is not None,
                organisation_url(code),
                list(coverage),
                list(missing),
                cells,
            )
        )
    page.object_list = rows
    held = [m for m in round_meetings if m.starts_at <= now]
    complete = wide.complete_attendance
    return RoundDashboard(
        round=round,
        figures=figures,
        next_meeting=next_meeting,
        points=points,
        page=page,
        page_range=page_range,
        round_meetings=round_meetings,
        attendance=[(m, complete.get(m.pk, 0), figures.counted) for m in held],
        mentor_organisations=[
            (organisation_url(code), name) for code, name in wide.mentor_organisations
        ],
        spread=ChainSpread(
            counts=[(step, ImprovementWork.ChainStep(step).label, count) for step, count in spread],
            total=sum(count for _step, count in spread),
        ),
        checklist_versions=wide.checklist_versions,
        committee_checklist_versions=wide.committee_checklist_versions,
        filters=filters,
        groups=wide.groups,
        result_reports=[
            (year, wide.result_reports[year], figures.counted)
            for year in YEARS
            if year <= round.current_year
        ],
        contacts=wide.contacts,
    )


def _statuses(ids: list[int]) -> list[tuple[int, int, int, str]]:
    """(id, participation id, meeting id, status) of the organisation-wide self-assessments of
    these participants (the dashboard's points are that level's): the one query the dashboard
    runs for its page on every request, as the ORM would write it. Written out, as the ORM
    takes longer to build and compile it (an IN of 25 ids) than the database to answer it."""
    if not ids:
        return []
    organisation = ChecklistVersion.Level.ORGANISATION.value
    with connection.cursor() as cursor:
        cursor.execute(_statuses_sql(len(ids), connection.vendor), [organisation, *ids])
        return cursor.fetchall()


@lru_cache(maxsize=2 * DASHBOARD_PAGE_SIZE)
def _statuses_sql(count: int, vendor: str) -> str:
    """`_statuses`' SQL for `count` ids, its names from the model's options (`vendor`, whose
    quoting it uses, is part of the key only)."""
    opts, name = SelfAssessment._meta, connection.ops.quote_name

    def column(field: str) -> str:
        return name(opts.get_field(field).column)

    selected = ", ".join(column(field) for field in ("id", "participation", "meeting", "status"))
    ids = ", ".join(["%s"] * count)
    # Names from the model, quoted; the values are the query's parameters.
    return (
        f"SELECT {selected} FROM {name(opts.db_table)} "  # noqa: S608
        f"WHERE {column('level')} = %s AND {column('participation')} IN ({ids})"
    )


def _participants(round: Round):
    """The round's participants in the dashboard's order: by group, then name."""
    return round.participations.filter(role=Participation.Role.PARTICIPANT).order_by(
        F("group__name").asc(nulls_last=True), "organisation__name", "pk"
    )


def _participant_rows(participations):
    """What a row of the dashboard shows of each organisation, as values: model instances
    would cost more to make than the rest of the row."""
    return participations.values_list(
        "id", "organisation__code", "organisation__name", "group_id", "withdrawn_on"
    )


def _people(
    round: Round, expected: dict[int, tuple[str, ...]]
) -> tuple[dict[int, tuple[int, ...]], dict[int, dict[int, str]]]:
    """For each participant of the round: how many people hold each of the three required
    functions (an erased person, whose account is closed, holds none), and at each meeting
    that needs a self-assessment (`expected`: its id → the functions whose attendance counts)
    where somebody of it attended, whether all of those functions did ("all") or not
    ("partial"), as its row shows them: two queries."""
    held_by = defaultdict(lambda: {function: set() for function in REQUIRED_FUNCTIONS})
    for participation_id, function, person_id in (
        FunctionAssignment.objects.filter(
            participation__round=round,
            participation__role=Participation.Role.PARTICIPANT,
            function__in=REQUIRED_FUNCTIONS,
            person__is_active=True,
        )
        .order_by()
        .values_list("participation_id", "function", "person_id")
    ):
        held_by[participation_id][function].add(person_id)
    present = defaultdict(set)  # (participation, meeting) → the people who attended
    for participation_id, meeting_id, person_id in (
        Attendance.objects.filter(
            meeting__round=round,
            meeting__assessment_due=True,
            participation__role=Participation.Role.PARTICIPANT,
            attended=True,
        )
        .order_by()
        .values_list("participation_id", "meeting_id", "person_id")
    ):
        present[participation_id, meeting_id].add(person_id)
    attendance = defaultdict(dict)
    for (participation_id, meeting_id), people in present.items():
        if meeting_id in expected:
            held = held_by[participation_id]
            complete = all(held[f] & people for f in expected[meeting_id])
            attendance[participation_id][meeting_id] = "all" if complete else "partial"
    # Most participants have the same counts: one tuple of each, which pickling keeps once.
    alike, coverage = {}, {}
    for participation_id, held in held_by.items():
        counts = tuple(len(held[f]) for f in REQUIRED_FUNCTIONS)
        coverage[participation_id] = alike.setdefault(counts, counts)
    return coverage, dict(attendance)


def _upcoming(round: Round, since: datetime, limit: int | None = None) -> list[Meeting]:
    """The round's meetings (its groups' too) not over at `since`, in time order."""
    meetings = (
        round.meetings.filter(ends_at__gte=since)
        .select_related("group")
        .only("id", "round_id", "group_id", "title", "starts_at", "ends_at", "group__name")
        .order_by("starts_at", "pk")
    )
    return list(meetings[:limit])


def _next_meeting(round: Round, wide: RoundWide, now: datetime) -> NextMeeting | None:
    """The first meeting not over by `now`, found among the first few that were not over when
    `wide` was read: a meeting over then is over now, so the first of those still to come is
    the first of all. Read from the database when every one of them is over by now, or when
    `now` is earlier than the reading."""
    if now >= wide.upcoming_since:
        since = _microseconds(now)
        for pk, title, starts_at, ends_at, group_name in wide.upcoming:
            if ends_at >= since:
                return NextMeeting(
                    pk, title, _EPOCH + timedelta(microseconds=starts_at), group_name
                )
        if len(wide.upcoming) < UPCOMING:
            return None  # every meeting the round had to come is over
    return next((NextMeeting.of(m) for m in _upcoming(round, now, 1)), None)


def _microseconds(moment: datetime) -> int:
    """A time as kept: microseconds since `_EPOCH`."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


# The names `RoundWide` and the spread are kept under: a new name with each change of their
# fields, so that a process of the new code never reads a value kept by one of the old (they
# share the cache for a while during a deployment). Each is read afresh after an action that
# changes what it reads (`modellkoncept.roundvalues`): the spread apart, so that a strategist
# editing their improvement work leaves the rest kept.
ROUND_WIDE_KEY = "dashboard-11"
ROUND_WIDE_READS = (
    PARTICIPANTS,
    GROUPS,
    MEETINGS,
    PEOPLE,  # the functions whose attendance counts
    ATTENDANCE,
    ASSESSMENTS,
    CHECKLISTS,
    RESULT_REPORTS,
)
SPREAD_KEY = "dashboard-spread-1"
SPREAD_READS = (IMPROVEMENT_WORK, PARTICIPANTS)  # the work of those that have not withdrawn


@dataclass(frozen=True)
class RoundWide:
    """What the round dashboard shows alike to every project leader, whatever the page of
    organisations, the spread of improvement work aside (`work_spread`): kept by
    `modellkoncept.roundvalues` until a service changes what it reads (an autosave, a remark or
    a submission does not, nor improvement work). Plain values where the page shows a few
    fields of many rows (groups, mentor organisations), so that reading it back is cheap too."""

    figures: RoundFigures
    round_meetings: list[Meeting]  # the round's common meetings, in time order
    complete_attendance: dict[int, int]  # common meeting id → organisations complete there
    # The first `UPCOMING` meetings (the groups' too) not over at `upcoming_since`, in time
    # order, for the next meeting (`_next_meeting`): (id, title, start, end, group's name or
    # ""), the times in microseconds since `_EPOCH` (model instances cost ten times as much to
    # read back)
    upcoming: list[tuple[int, str, int, int, str]]
    upcoming_since: datetime
    # group id → its meetings that need a self-assessment: (id, start in microseconds since
    # `_EPOCH`, the functions whose attendance counts, year), the page's groups' read of them
    group_meetings: dict[int, list[tuple[int, int, tuple[str, ...], int | None]]]
    mentor_organisations: list[tuple[str, str]]  # (code, name) by name
    versions: dict[int, ChecklistVersion]  # every one, by id
    # Each level's versions to choose from while that level has no assessment in the round.
    checklist_versions: list[ChecklistVersion]
    committee_checklist_versions: list[ChecklistVersion]
    groups: list[tuple[int, str]]  # (id, name) by name, to filter by
    # year → result reports submitted by participants that have not withdrawn
    result_reports: dict[int, int]
    contacts: list[PersonLine]  # the round's SKR contacts, by name
    # Every participant, as a row of the dashboard shows it, in its order (`_participant_rows`;
    # its group named in `groups`)
    participants: list[tuple[int, str, str, int | None, date | None]]
    # participation id → how many active people hold each of the three required functions
    # (none: no key)
    coverage: dict[int, tuple[int, ...]]
    # participation id → {meeting id: "all" or "partial"} at the meetings that need a
    # self-assessment where somebody of it attended (`_people`)
    attendance: dict[int, dict[int, str]]


def round_wide(*, round: Round, now: datetime | None = None) -> RoundWide:
    """The round's figures and lists that every project leader sees alike: twelve queries when
    read afresh (`round_dashboard` keeps them), each asking only for the columns shown."""
    submitted = Q(withdrawn_on__isnull=True, result_reports__status=ResultReport.Status.SUBMITTED)
    # The participants' figures and the result reports they submitted, in one query: the join
    # to the reports repeats a participation once per report, so each count is of distinct rows.
    counts = round.participations.filter(role=Participation.Role.PARTICIPANT).aggregate(
        n=Count("pk", distinct=True),
        withdrawn=Count("pk", filter=Q(withdrawn_on__isnull=False), distinct=True),
        ungrouped=Count(
            "pk", filter=Q(withdrawn_on__isnull=True, group__isnull=True), distinct=True
        ),
        **{
            f"year_{year}": Count(
                "result_reports", filter=submitted & Q(result_reports__year=year), distinct=True
            )
            for year in YEARS
        },
    )
    # The groups with whether each has a primary mentor (at most one, a constraint) and how
    # many meetings of its own it has: with the common meetings, the round's whole schedule (a
    # group's meetings are of its round, `Meeting.clean`).
    groups = list(
        round.groups.order_by("name", "pk")
        .values_list("id", "name")
        .annotate(
            primary=Count("mentorships", filter=Q(mentorships__is_primary=True), distinct=True),
            meetings=Count("meetings", distinct=True),
        )
    )
    round_meetings = list(
        round.meetings.filter(group__isnull=True)
        .only(*_MEETING_LIST_FIELDS)
        .order_by("starts_at", "pk")
    )
    # Every version, marked whether its level has assessments in the round already (then that
    # level's checklist is fixed, nothing to choose from): one query. Starting or recording an
    # assessment goes through a service, which renews the kept value.
    versions = list(
        ChecklistVersion.objects.annotate(
            fixed=Exists(
                SelfAssessment.objects.filter(meeting__round=round, level=OuterRef("level"))
            )
        )
        .only("id", "slug", "name_sv", "name_en", "level")
        .order_by("slug")
    )
    mentor_organisations = list(
        round.participations.filter(role=Participation.Role.MENTOR)
        .order_by("organisation__name", "pk")
        .values_list("organisation__code", "organisation__name")
    )
    figures = RoundFigures(
        participants=counts["n"],
        withdrawn=counts["withdrawn"],
        mentors=len(mentor_organisations),
        groups=len(groups),
        groups_without_mentor=sum(1 for *_, primary, _meetings in groups if not primary),
        ungrouped=counts["ungrouped"],
        meetings=len(round_meetings) + sum(meetings for *_, meetings in groups),
        # An assessment is of one level, and that level's version is fixed by it.
        assessed=any(v.fixed for v in versions),
    )
    choosable = [v for v in versions if not v.fixed]
    # Whose attendance counts is the `Meeting`'s to say, asked once for each kind and audience.
    expected, group_meetings = {}, defaultdict(list)
    for pk, group_id, starts_at, kind, audience, year in (
        round.meetings.filter(group__isnull=False, assessment_due=True)
        .order_by()
        .values_list("id", "group_id", "starts_at", "kind", "audience", "year")
    ):
        key = (kind, tuple(audience))
        if key not in expected:
            expected[key] = tuple(Meeting(kind=kind, audience=audience).expected_required_functions)
        group_meetings[group_id].append((pk, _microseconds(starts_at), expected[key], year))
    # Whose attendance counts at each meeting that needs a self-assessment.
    expected_at = {
        m.pk: tuple(m.expected_required_functions) for m in round_meetings if m.assessment_due
    }
    for own in group_meetings.values():
        expected_at.update((pk, functions) for pk, _starts, functions, _year in own)
    coverage, attendance = _people(round, expected_at)
    now = now or timezone.now()
    return RoundWide(
        figures=figures,
        round_meetings=round_meetings,
        # Of the common meetings held by now; attendance recorded later goes through a
        # service, which renews the value.
        complete_attendance=dict(
            _complete_attendance([m for m in round_meetings if m.starts_at <= now])
        ),
        upcoming=[
            (
                m.pk,
                m.title,
                _microseconds(m.starts_at),
                _microseconds(m.ends_at),
                m.group.name if m.group_id is not None else "",
            )
            for m in _upcoming(round, now, UPCOMING)
        ],
        upcoming_since=now,
        group_meetings=dict(group_meetings),
        participants=list(_participant_rows(_participants(round))),
        coverage=coverage,
        attendance=attendance,
        mentor_organisations=mentor_organisations,
        versions={v.pk: v for v in versions},
        checklist_versions=[v for v in choosable if v.level == ChecklistVersion.Level.ORGANISATION],
        committee_checklist_versions=[
            v for v in choosable if v.level == ChecklistVersion.Level.COMMITTEE
        ],
        groups=[(pk, name) for pk, name, _primary, _meetings in groups],
        result_reports={year: counts[f"year_{year}"] for year in YEARS},
        contacts=[
            PersonLine(*person)
            for person in round.contacts.order_by("full_name", "email", "pk").values_list(
                "pk", "full_name", "email"
            )
        ],
    )


def work_spread(*, round: Round) -> list[tuple[str, int]]:
    """The spread of the round's improvement work over the result chain, of the participants
    that have not withdrawn: (step, count) in chain order, one query. The counts alone: the
    labels in the reader's language come with the page (lazy labels cost to read back)."""
    counted = dict(
        ImprovementWork.objects.filter(
            participation__round=round, participation__withdrawn_on__isnull=True
        )
        .order_by()
        .values_list("chain_step")
        .annotate(n=Count("pk"))
    )
    return [(step, counted.get(step, 0)) for step in ImprovementWork.ChainStep.values]

"""Reads for the reports: what each PDF report shows, and the progress of a batch.

Every figure of a self-assessment comes from `checklist.statistics` (means, totals, movement,
comparisons) and every chart from `checklist.charts`, through the selectors the pages use
(`organisation_history`, `group_overviews`, `people_by_function`, `chain_spread`), so a report
shows what the pages show. Nothing here rounds or averages a score itself. Each function runs a
fixed number of queries, whatever the size of the round.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklist.charts import Series, horizontal_bar_chart, line_chart
from checklist.models import AssessmentComment, ChecklistVersion, ScaleStep, SelfAssessment
from checklist.selectors import organisation_history
from checklist.statistics import ItemMean, Summary, assessment_points, round_scores
from modellkoncept.policy import visible
from participants.models import (
    REQUIRED_FUNCTIONS,
    Function,
    FunctionAssignment,
    ImprovementWork,
    Organisation,
    Participation,
    ProgressNote,
)
from participants.selectors import ChainSpread, chain_spread, people_by_function
from reports.models import ReportBatch, ReportJob
from reports.summary.selectors import organisation_summary
from rounds.evaluations import round_results as evaluation_results
from rounds.models import Attendance, BenchmarkingGroup, GroupMentor, Meeting, Round
from rounds.selectors import group_overviews
from rounds.selectors.result_reports import round_chapters as result_report_chapters

TEMPLATES = {
    ReportJob.Kind.ORGANISATION: "reports/pdf/organisation.html",
    ReportJob.Kind.GROUP: "reports/pdf/group.html",
    ReportJob.Kind.ROUND: "reports/pdf/round.html",
    ReportJob.Kind.SUMMARY: "reports/summary/pdf.html",
}


# Batches and jobs, for the pages.

# A job whose worker died is "stalled" (named `lost` in the code): still waiting long after it
# was queued (the message was lost with a worker that had reserved it, or with a broker that
# keeps nothing on disk), or "running" while its worker has said nothing for a while (it beats
# every REPORT_HEARTBEAT_SECONDS while rendering). The sweep queues such jobs again
# (`services.report_jobs_requeue_stalled`, every minute), and the pages offer to run one again
# at once; rendering is idempotent, so neither makes a second file.


def _stalled_cutoffs(now=None):
    now = now or timezone.now()
    return (
        now - timedelta(seconds=settings.REPORT_PENDING_STALLED_AFTER),
        now - timedelta(seconds=settings.REPORT_RUNNING_STALLED_AFTER),
    )


def lost_jobs(prefix: str = "", *, now=None) -> Q:
    """Jobs that have stalled (`prefix` reaches the jobs from a batch)."""
    waiting_since, silent_since = _stalled_cutoffs(now)

    def q(**lookups):
        return Q(**{prefix + name: value for name, value in lookups.items()})

    pending = q(status=ReportJob.Status.PENDING) & (
        q(queued_at__lt=waiting_since) | q(queued_at__isnull=True, created_at__lt=waiting_since)
    )
    running = q(status=ReportJob.Status.RUNNING) & (
        q(heartbeat_at__lt=silent_since)
        | q(heartbeat_at__isnull=True, started_at__lt=silent_since)
        | q(heartbeat_at__isnull=True, started_at__isnull=True)
    )
    return pending | running


def is_lost(job: ReportJob, *, now=None) -> bool:
    """Whether the job has stalled (see above): it may be run again at once."""
    waiting_since, silent_since = _stalled_cutoffs(now)
    if job.status == ReportJob.Status.RUNNING:
        last = job.heartbeat_at or job.started_at
        return last is None or last < silent_since
    if job.status == ReportJob.Status.PENDING:
        last = job.queued_at or job.created_at
        return last is not None and last < waiting_since
    return False


@dataclass(frozen=True)
class BatchProgress:
    total: int
    done: int
    failed: int
    running: int
    pending: int
    lost: int = 0  # waiting or running so long that the task is surely lost

    @property
    def finished(self) -> int:
        """Jobs nothing more will happen to unless someone runs them again."""
        return self.done + self.failed + self.lost

    @property
    def percent(self) -> int:
        """Share of the jobs that have finished (floor, so 100 means all)."""
        return 100 * self.finished // self.total if self.total else 100

    @property
    def is_complete(self) -> bool:
        return self.finished == self.total

    @property
    def state(self) -> str:
        """The counts in one word. The polling page sends back the state it shows and hears
        nothing (204) until it changes, so its live region announces changes, not repeats."""
        return f"{self.done}-{self.failed}-{self.running}-{self.pending}-{self.lost}"


def _progress_counts(prefix: str = "") -> dict:
    lost = lost_jobs(prefix)
    status = f"{prefix}status"
    return {
        "total": Count(f"{prefix}pk"),
        "done": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.DONE})),
        "failed": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.FAILED})),
        "running": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.RUNNING}) & ~lost),
        "pending": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.PENDING}) & ~lost),
        "lost": Count(f"{prefix}pk", filter=lost),
    }


def batch_progress(*, batch: ReportBatch) -> BatchProgress:
    """How many of the batch's jobs are done, failed, running, waiting or lost: one query."""
    return BatchProgress(**batch.jobs.order_by().aggregate(**_progress_counts()))


def batch_jobs_to_rerun(*, batch: ReportBatch):
    """The batch's jobs that failed or lost their task: the page offers to run them again."""
    return jobs_with_subjects(
        batch.jobs.filter(Q(status=ReportJob.Status.FAILED) | lost_jobs())
    ).order_by("kind", "pk")


def jobs_with_subjects(queryset):
    return queryset.select_related("participation__organisation", "group", "meeting", "round")


def round_jobs(*, round: Round):
    """The round's own reports (not those of its organisations and groups), newest first."""
    return jobs_with_subjects(
        ReportJob.objects.filter(round=round, kind=ReportJob.Kind.ROUND, batch__isnull=True)
    ).order_by("-created_at")


def round_batches(*, round: Round) -> list[tuple[ReportBatch, BatchProgress]]:
    """The round's batches with their progress, newest first: one query."""
    counts = _progress_counts("jobs__")
    batches = (
        round.report_batches.select_related("requested_by")
        .annotate(**{f"n_{name}": aggregate for name, aggregate in counts.items()})
        .order_by("-created_at")
    )
    return [
        (batch, BatchProgress(**{name: getattr(batch, f"n_{name}") for name in counts}))
        for batch in batches
    ]


def with_lost(jobs) -> list[ReportJob]:
    """The jobs, each marked `lost` when its task is surely lost (the page offers a re-run)."""
    jobs = list(jobs)
    for job in jobs:
        job.lost = is_lost(job)
    return jobs


def jobs_state(jobs) -> str:
    """The state of a list of jobs (marked by `with_lost`) in one word, as `BatchProgress.state`."""
    shown = ",".join(f"{job.pk}:{job.status}:{int(job.lost)}" for job in jobs)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def any_unfinished(jobs) -> bool:
    """Whether any job is still waiting or being produced (and not lost): keep polling."""
    return any(
        job.status in (ReportJob.Status.PENDING, ReportJob.Status.RUNNING) and not is_lost(job)
        for job in jobs
    )


# What the reports show.


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    produced_on: object  # a date
    facts: list[tuple[str, str]] = field(default_factory=list)


def signed(delta: int) -> str:
    """A change with its sign: +3, -2, 0."""
    return f"{delta:+d}" if delta else "0"


def short_date(value) -> str:
    """A date or a time as a date in the active language (2026-02-05 in Swedish)."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _scale(version) -> dict:
    """The checklist's scale for a report: its steps, and the same as one phrase for a
    sentence (1 = “…”, 2 = “…”, 3 = “…”)."""
    steps = list(ScaleStep.objects.filter(version=version).order_by("value"))
    return {
        "scale": steps,
        "scale_text": ", ".join(f"{step.value} = “{step.label}”" for step in steps),
    }


def _point_meetings(
    participation: Participation, level: str = ChecklistVersion.Level.ORGANISATION
) -> dict[int, Meeting]:
    """point → meeting: which meeting each of the organisation's assessment points at `level`
    was (only the round's and its group's meetings are read, not every group's)."""
    meetings = list(
        Meeting.objects.filter(round_id=participation.round_id, assessment_due=True).filter(
            Q(group__isnull=True) | Q(group_id=participation.group_id)
        )
    )
    by_id = {m.pk: m for m in meetings}
    mapping = assessment_points([participation], meetings, level=level)[participation.pk]
    return {point: by_id[mid] for mid, point in mapping.items()}


def committee_level_figures(participation: Participation) -> dict | None:
    """The organisation's self-assessments at committee/department level in its round, with
    that level's checklist, apart from the organisation-wide ones; None when the round has no
    checklist for that level."""
    round_ = participation.round
    version = round_.committee_checklist_version
    if version is None:
        return None
    level = ChecklistVersion.Level.COMMITTEE
    histories = organisation_history(participation=participation, level=level)
    current = next((h for h in histories if h.round.pk == round_.pk), None)
    point_meetings = _point_meetings(participation, level) if current else {}
    return {
        "version": version,
        **_scale(version),
        "history": current,
        "rows": current.rows if current else [],
        "point_meetings": [(p, point_meetings.get(p)) for p in (current.points if current else [])],
    }


def _chain_chart(spread: ChainSpread, *, key: str) -> str:
    return horizontal_bar_chart(
        title=_("Improvement work on the result chain"),
        description=_("Number of improvement works at each step of the result chain."),
        labels=[capfirst(str(label)) for _value, label, _count in spread.counts],
        values=[count for _value, _label, count in spread.counts],
        scale_max=max([count for _v, _l, count in spread.counts] + [1]),
        label_width=190,
        key=key,
    )


def _works_by_step(works) -> list[tuple[str, list[ImprovementWork]]]:
    by_step = defaultdict(list)
    for work in works:
        by_step[work.chain_step].append(work)
    return [
        (step.label, by_step[step.value])
        for step in ImprovementWork.ChainStep
        if by_step[step.value]
    ]


def organisation_report(*, participation: Participation) -> dict:
    """The organisation in its round: people by function, group and mentors, its
    self-assessments (scores per item and meeting, totals, movement, the first against the
    latest per item), the comments, and its improvement work by place on the result chain."""
    participation = Participation.objects.select_related(
        "organisation", "round__checklist_version", "round__committee_checklist_version", "group"
    ).get(pk=participation.pk)
    round_ = participation.round
    assignments = (
        FunctionAssignment.objects.filter(participation=participation)
        .select_related("person")
        .order_by("person__full_name", "person__email")
    )
    # Every round the organisation took part in: an organisation report is read only by the
    # organisation's own people and project leaders (reports.rules), who see its whole history.
    histories = organisation_history(participation=participation)
    current = next((h for h in histories if h.round.pk == round_.pk), None)
    earlier = [h for h in histories if h.round.pk != round_.pk]
    point_meetings = _point_meetings(participation)
    comments = []
    if current is not None:
        texts = {item.number: item.text for item, _scores in current.rows}
        for point in current.points:
            by_item = current.organisation.comments.get(point, {})
            if by_item:
                comments.append(
                    (
                        point,
                        point_meetings.get(point),
                        [(number, texts.get(number, ""), text) for number, text in by_item.items()],
                    )
                )
    remarks = list(
        AssessmentComment.objects.filter(
            assessment__participation=participation,
            assessment__status=SelfAssessment.Status.SUBMITTED,
        )
        .select_related("assessment__meeting", "item", "author")
        .order_by("assessment__meeting__starts_at", "created_at")
    )
    works = list(
        participation.improvement_works.select_related("origin_meeting")
        .prefetch_related(
            Prefetch("notes", queryset=ProgressNote.objects.order_by("-noted_on", "-id"))
        )
        .order_by("title")
    )
    mentors = (
        list(
            GroupMentor.objects.filter(group_id=participation.group_id)
            .select_related("participation__organisation")
            .order_by("-is_primary", "participation__organisation__name")
        )
        if participation.group_id
        else []
    )
    members = (
        list(
            Participation.objects.filter(group_id=participation.group_id)
            .exclude(pk=participation.pk)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        if participation.group_id
        else []
    )
    version = round_.checklist_version
    return {
        "cover": Cover(
            title=_("Organisation report"),
            subtitle=participation.organisation.name,
            produced_on=timezone.localdate(),
            facts=[
                (_("Round"), round_.name),
                (_("Benchmarking group"), participation.group.name if participation.group else "–"),
                (_("Checklist"), version.name),
            ],
        ),
        "participation": participation,
        "organisation": participation.organisation,
        "round": round_,
        "version": version,
        **_scale(version),
        "max_total": version.scale_max * (len(current.rows) if current else 0),
        "people": people_by_function(assignments),
        "mentors": mentors,
        "members": members,
        "history": current,
        "movement_delta": signed(current.movement.delta) if current and current.movement else "",
        # (item, score at each point, change from the first to the latest)
        "rows": [
            (item, scores, movement[3])
            for (item, scores), movement in zip(
                current.rows,
                current.item_movement or [(None,) * 4] * len(current.rows),
                strict=True,
            )
        ]
        if current
        else [],
        "point_meetings": [(p, point_meetings.get(p)) for p in (current.points if current else [])],
        "earlier": earlier,
        "comments": comments,
        "remarks": remarks,
        "works_by_step": _works_by_step(works),
        "committee": committee_level_figures(participation),
    }


def group_totals_chart(overview, *, scale_min: int, scale_max: int, items: int) -> str:
    """The members' totals over the assessments of the round, a line each (the group page
    can show the same chart)."""
    return line_chart(
        title=_("Total score per assessment"),
        description=_("Total score of each member of %(group)s at each assessment.")
        % {"group": overview.group.name},
        x_labels=[_("Assessment %(point)s") % {"point": p} for p in overview.points],
        series=[Series(org.name, totals) for org, totals in overview.history],
        y_min=scale_min * items,
        y_max=scale_max * items,
        key=f"group-totals-{overview.group.pk}",
    )


def group_report(*, group: BenchmarkingGroup, meeting: Meeting | None = None) -> dict:
    """The group's members side by side per item at a chosen meeting (the latest assessed when
    none is chosen) and over time, the group mean, and its mentors."""
    group = BenchmarkingGroup.objects.select_related("round__checklist_version").get(pk=group.pk)
    round_ = group.round
    version = round_.checklist_version
    overview = group_overviews(groups=[group])[0]
    mentors = list(
        group.mentorships.select_related("participation__organisation").order_by(
            "-is_primary", "participation__organisation__name"
        )
    )
    assessment_meetings = [m for m in overview.meetings if m.assessment_due]
    counted = [m for m in overview.members if not m.is_withdrawn]
    withdrawn = [m for m in overview.members if m.is_withdrawn]
    point_of_meeting = {}
    if counted:
        point_of_meeting = assessment_points(counted[:1], assessment_meetings)[counted[0].pk]
    meeting_of_point = {point: mid for mid, point in point_of_meeting.items()}
    meetings_by_id = {m.pk: m for m in assessment_meetings}
    if meeting is not None:
        chosen_point = point_of_meeting.get(meeting.pk)
    else:
        chosen_point = overview.points[-1] if overview.points else None
        meeting = meetings_by_id.get(meeting_of_point.get(chosen_point))
    chosen = next((c for c in overview.comparisons if c.point == chosen_point), None)
    in_order = sorted(overview.comparisons, key=lambda c: c.point)
    # The group mean of each item at each assessment: the items over time in one table.
    mean_rows = (
        [
            (row.number, row.text, [c.rows[index].mean.display for c in in_order])
            for index, row in enumerate(in_order[0].rows)
        ]
        if in_order
        else []
    )
    items = len(chosen.rows) if chosen else version.items.count()
    return {
        "cover": Cover(
            title=_("Group report"),
            subtitle=group.name,
            produced_on=timezone.localdate(),
            facts=[
                (_("Round"), round_.name),
                (
                    _("Members"),
                    ", ".join(m.organisation.name for m in overview.members) or "–",
                ),
                (
                    _("Mentor"),
                    ", ".join(m.participation.organisation.name for m in mentors) or _("none"),
                ),
                (
                    _("Compared at"),
                    f"{meeting.title} ({short_date(meeting.starts_at)})" if meeting else "–",
                ),
            ],
        ),
        "group": group,
        "round": round_,
        "version": version,
        **_scale(version),
        "max_total": version.scale_max * items,
        "overview": overview,
        "members": overview.members,
        "withdrawn": withdrawn,
        "mentors": mentors,
        "meeting": meeting,
        "comparison": chosen,
        "mean_rows": mean_rows,
        "mean_totals": [c.mean_total_display for c in in_order],
        "point_meetings": [
            (p, meetings_by_id.get(meeting_of_point.get(p))) for p in overview.points
        ],
        "totals_chart": group_totals_chart(
            overview, scale_min=version.scale_min, scale_max=version.scale_max, items=items
        )
        if overview.points
        else None,
    }


@dataclass(frozen=True)
class KindFigures:
    """The round's figures for one kind of organisation (municipalities, regions …), as the
    2018–2020 report gives them in separate tables."""

    label: str
    summary: Summary
    first: Summary | None
    rows: list[tuple[ItemMean, str]]  # each item's mean at the latest point, and at the first
    chart: str


@dataclass(frozen=True)
class MeetingAttendance:
    label: str
    starts_at: object
    expected: int
    recorded: bool
    present: dict[str, int]  # function → organisations where someone of it attended
    complete: int  # organisations where all the functions expected (of the three) attended
    invited: tuple[str, ...] = tuple(REQUIRED_FUNCTIONS)  # of the three, those invited

    @property
    def cells(self) -> list[int | None]:
        """Per function of the three: the count, or None where it was not invited."""
        return [
            self.present[function] if function in self.invited else None
            for function in REQUIRED_FUNCTIONS
        ]


def _round_attendance(round_: Round, counted: list[Participation], now) -> list[MeetingAttendance]:
    """Per meeting held so far: how many of the counted (not withdrawn) organisations had each
    of the three functions present, and all three. A group's meetings are taken together by
    kind and number (“learning meeting 1” of every group)."""
    counted_ids = {p.pk for p in counted}
    by_group = defaultdict(set)
    for p in counted:
        if p.group_id:
            by_group[p.group_id].add(p.pk)
    holders = defaultdict(lambda: defaultdict(set))  # participation → function → people
    for pid, function, person_id in FunctionAssignment.objects.filter(
        participation_id__in=counted_ids, function__in=REQUIRED_FUNCTIONS
    ).values_list("participation_id", "function", "person_id"):
        holders[pid][function].add(person_id)
    meetings = list(
        Meeting.objects.filter(round=round_, starts_at__lte=now).order_by("starts_at", "pk")
    )
    present = defaultdict(set)  # (meeting, participation) → people
    recorded_meetings = set()
    for meeting_id, pid, person_id, attended in Attendance.objects.filter(
        meeting__in=meetings
    ).values_list("meeting_id", "participation_id", "person_id", "attended"):
        recorded_meetings.add(meeting_id)
        if attended and pid in counted_ids:
            present[meeting_id, pid].add(person_id)

    rows: dict[tuple, dict] = {}
    for meeting in meetings:
        if meeting.group_id is None:
            key = ("round", meeting.pk)
            label = meeting.title
            expected = counted_ids
        else:
            key = ("group", meeting.kind, meeting.number)
            label = (
                f"{meeting.get_kind_display().capitalize()} {meeting.number or ''}".strip()
                + " "
                + _("(every group)")
            )
            expected = by_group.get(meeting.group_id, set())
        row = rows.setdefault(
            key,
            {
                "label": label,
                "starts_at": meeting.starts_at,
                "expected": 0,
                "recorded": False,
                "present": dict.fromkeys(REQUIRED_FUNCTIONS, 0),
                "complete": 0,
                "invited": tuple(meeting.expected_required_functions),
            },
        )
        invited = row["invited"]
        row["expected"] += len(expected)
        row["recorded"] = row["recorded"] or meeting.pk in recorded_meetings
        for pid in expected:
            people = present.get((meeting.pk, pid), set())
            there = [f for f in REQUIRED_FUNCTIONS if holders[pid][f] & people]
            for function in there:
                row["present"][function] += 1
            if invited and set(invited) <= set(there):
                row["complete"] += 1
    return [MeetingAttendance(**row) for row in rows.values()]


def _coverage(counted: list[Participation]) -> list[tuple[str, int, int]]:
    """Per required function: organisations with at least one person in it, and with two or
    more (the participants' advice)."""
    people = defaultdict(lambda: defaultdict(set))
    for pid, function, person_id in FunctionAssignment.objects.filter(
        participation__in=counted, function__in=REQUIRED_FUNCTIONS
    ).values_list("participation_id", "function", "person_id"):
        people[function][pid].add(person_id)
    return [
        (
            Function(function).label,
            sum(1 for holders in people[function].values() if holders),
            sum(1 for holders in people[function].values() if len(holders) >= 2),
        )
        for function in REQUIRED_FUNCTIONS
    ]


KIND_LABELS = {
    Organisation.Kind.MUNICIPALITY: gettext_lazy("Municipalities"),
    Organisation.Kind.REGION: gettext_lazy("Regions"),
    Organisation.Kind.OTHER: gettext_lazy("Other organisations"),
}


def round_committee_figures(round_: Round) -> dict | None:
    """The round's figures at committee/department level, with that level's checklist and
    apart from the organisation-wide ones: the mean per item in the checklist's order under
    its parts, the totals' range and the movement. None when the round has no checklist for
    that level."""
    version = round_.committee_checklist_version
    if version is None:
        return None
    scores = round_scores(round=round_, level=ChecklistVersion.Level.COMMITTEE)
    points = scores.points
    latest = points[-1] if points else None
    first = points[0] if points else None
    summary = scores.summary(latest) if latest else None
    at_first = scores.summary(first) if latest and first != latest else None
    rows = []
    if summary:
        means = {m.number: m for m in summary.items}
        first_means = {m.number: m.display for m in at_first.items} if at_first else {}
        rows = [(means[item.number], first_means.get(item.number, "–")) for item in scores.items]
    names = {o.code: o.name for o in scores.organisations}
    return {
        "version": version,
        **_scale(version),
        "max_total": version.scale_max * len(scores.items),
        "points": points,
        "latest": latest,
        "first": first if at_first else None,
        "summary": summary,
        "rows": rows,
        "movement_rows": sorted(
            ((names[code], m) for code, m in summary.movement.items()), key=lambda row: row[0]
        )
        if summary
        else [],
    }


def round_report(*, round: Round, now=None) -> dict:
    """The round in the manner of SKR's 2018–2020 report: the groups and their mentors, the
    mean per item from highest to lowest (per kind of organisation), the range of totals after
    the last meeting, movement per organisation, attendance and function coverage per
    meeting, and the spread of improvement work over the result chain. Organisations that
    withdrew are named in a note and left out of every figure."""
    now = now or timezone.now()
    round_ = Round.objects.select_related("checklist_version", "committee_checklist_version").get(
        pk=round.pk
    )
    version = round_.checklist_version
    participations = list(
        Participation.objects.filter(round=round_)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    participants = [p for p in participations if p.role == Participation.Role.PARTICIPANT]
    counted = [p for p in participants if not p.is_withdrawn]
    withdrawn = [p for p in participants if p.is_withdrawn]
    groups = list(
        round_.groups.prefetch_related(
            Prefetch(
                "members",
                queryset=Participation.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch(
                "mentorships",
                queryset=GroupMentor.objects.select_related("participation__organisation").order_by(
                    "-is_primary", "participation__organisation__name"
                ),
            ),
        ).order_by("name")
    )
    ungrouped = [p for p in counted if p.group_id is None]

    scores = round_scores(round=round_)
    points = scores.points
    latest = points[-1] if points else None
    first = points[0] if points else None
    summary = scores.summary(latest) if latest else None
    kind_of = {p.organisation.code: p.organisation.kind for p in counted}
    kinds = sorted({kind_of[o.code] for o in scores.organisations if o.points})
    kind_figures = []
    if latest is not None:
        for kind in kinds:
            codes = [code for code, k in kind_of.items() if k == kind]
            at_latest = scores.summary(latest, codes=codes)
            at_first = scores.summary(first, codes=codes) if first != latest else None
            label = str(KIND_LABELS.get(kind, kind)) if len(kinds) > 1 else ""
            first_means = {m.number: m.display for m in at_first.items} if at_first else {}
            kind_figures.append(
                KindFigures(
                    label=str(label),
                    summary=at_latest,
                    first=at_first,
                    rows=[(mean, first_means.get(mean.number, "–")) for mean in at_latest.items],
                    chart=horizontal_bar_chart(
                        title=_("Mean per item, highest first") + (f" – {label}" if label else ""),
                        description=_(
                            "The mean score of each item at assessment %(point)s, from the "
                            "highest to the lowest."
                        )
                        % {"point": latest},
                        labels=[str(m.number) for m in at_latest.items],
                        values=[
                            None if m.rounded is None else float(m.rounded) for m in at_latest.items
                        ],
                        value_labels=[m.display for m in at_latest.items],
                        scale_max=version.scale_max,
                        key=f"means-{round_.pk}-{kind}",
                    ),
                )
            )
    names = {o.code: o.name for o in scores.organisations}
    movement_rows = (
        sorted(
            ((names[code], m) for code, m in summary.movement.items()),
            key=lambda row: row[0],
        )
        if summary
        else []
    )
    works = ImprovementWork.objects.filter(participation__in=counted)
    spread = chain_spread(works)
    return {
        "cover": Cover(
            title=_("Round report"),
            subtitle=round_.name,
            produced_on=timezone.localdate(),
            facts=[
                (_("Period"), f"{short_date(round_.starts_on)} – {short_date(round_.ends_on)}"),
                (_("Participants"), str(len(counted))),
                (_("Benchmarking groups"), str(len(groups))),
                (_("Checklist"), version.name),
                *(
                    [(_("Committee/department checklist"), round_.committee_checklist_version.name)]
                    if round_.committee_checklist_version
                    else []
                ),
            ],
        ),
        "round": round_,
        "version": version,
        **_scale(version),
        "item_count": len(scores.items),
        "max_total": version.scale_max * len(scores.items),
        "groups": groups,
        "ungrouped": ungrouped,
        "withdrawn": withdrawn,
        "withdrawn_ids": {p.pk for p in withdrawn},
        "counted": counted,
        "points": points,
        "latest": latest,
        "first": first,
        "summary": summary,
        "kind_figures": kind_figures,
        "movement_rows": movement_rows,
        "without_movement": sorted(
            o.name for o in scores.organisations if o.points and o.code not in summary.movement
        )
        if summary
        else [],
        "attendance": _round_attendance(round_, counted, now),
        "coverage": _coverage(counted),
        "spread": spread,
        "spread_chart": _chain_chart(spread, key=f"chain-round-{round_.pk}")
        if spread.total
        else None,
        # Figures only: the comments stay with the project leaders' page.
        "evaluations": evaluation_results(round=round_, now=now, with_comments=False),
        "committee": round_committee_figures(round_),
        # The submitted result reports only: a draft never leaves its organisation.
        "result_report_chapters": result_report_chapters(round=round_),
    }


def report_context(job: ReportJob) -> tuple[str, dict]:
    """The template and context of a job's report (called in the job's language)."""
    if job.kind == ReportJob.Kind.ORGANISATION:
        context = organisation_report(participation=job.participation)
    elif job.kind == ReportJob.Kind.GROUP:
        context = group_report(group=job.group, meeting=job.meeting)
    elif job.kind == ReportJob.Kind.SUMMARY:
        context = {"summary": organisation_summary(participation=job.participation)}
    else:
        context = round_report(round=job.round)
    return TEMPLATES[job.kind], context


def visible_jobs(*, user, **filters):
    """The report jobs the user may see, with the given filters, newest first."""
    return jobs_with_subjects(visible(ReportJob, user).filter(**filters)).order_by("-created_at")


def group_meetings(group: BenchmarkingGroup):
    """The meetings a group report can compare at: the group's own schedule's assessments."""
    return (
        Meeting.objects.filter(round_id=group.round_id, assessment_due=True)
        .filter(Q(group__isnull=True) | Q(group=group))
        .order_by("starts_at", "pk")
    )

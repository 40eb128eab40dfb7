"""The report of a whole round."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklist.charts import horizontal_bar_chart
from checklist.models import ChecklistVersion
from checklist.statistics import ItemMean, Summary, round_scores
from participants.models import (
    REQUIRED_FUNCTIONS,
    Function,
    FunctionAssignment,
    ImprovementWork,
    Organisation,
    Participation,
)
from participants.selectors import chain_spread
from reports.selectors.common import (
    Cover,
    chain_chart,
    scale_of,
    short_date,
)
from rounds.evaluations import round_results as evaluation_results
from rounds.models import Attendance, GroupMentor, Meeting, Round
from rounds.selectors.result_reports import round_chapters as result_report_chapters


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
        **scale_of(version),
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
        **scale_of(version),
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
        "spread_chart": chain_chart(spread, key=f"chain-round-{round_.pk}")
        if spread.total
        else None,
        # Figures only: the comments stay with the project leaders' page.
        "evaluations": evaluation_results(round=round_, now=now, with_comments=False),
        "committee": round_committee_figures(round_),
        # The submitted result reports only: a draft never leaves its organisation.
        "result_report_chapters": result_report_chapters(round=round_),
    }

"""The round's figures, computed once and used everywhere: pages, PDF reports, exports.

An *assessment point* is the n-th meeting that needs a self-assessment in an organisation's own
schedule (the round's meetings plus its group's, in time order). Groups hold their learning
meetings on different dates, so the figures at point n combine each organisation's assessment
for its own n-th such meeting.

Means are exact fractions (no binary floating point) and shown to one decimal rounded half up
(2,65 → 2,7; 2,25 → 2,3), as SKR's reports do. Only participants that have not withdrawn count;
drafts never count. Figures never mix checklist versions: a round uses one version per level
(organisation-wide; from year two also committee/department), and the figures are of one level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import floor

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.formats import number_format

from checklist.models import Answer, ChecklistItem, ChecklistVersion, SelfAssessment
from participants.models import Participation
from rounds.models import Meeting, Round

ONE_DECIMAL = Decimal("0.1")
# How long a checklist version's items are kept (`version_items`).
ITEMS_SECONDS = 300


def version_items(version_id: int | None) -> list[ChecklistItem]:
    """A checklist version's items in order, with their parts: read once and kept in the cache
    for every page of every round that uses the version (a version is never changed once rounds
    use it: `checklist.services.checklist_version_create` makes a new one, with a new id). An
    edit in the admin shows after `ITEMS_SECONDS` at most. Kept by the version's id alone, so
    each level's version (`Round.checklist_id_for(level)`) has its own; none (a round without
    a committee/department checklist) has no items."""
    if version_id is None:
        return []
    key = f"checklist:version-items:{version_id}"
    items = cache.get(key)
    if items is None:
        items = list(
            ChecklistItem.objects.filter(version_id=version_id)
            .select_related("part")
            .order_by("number")
        )
        if items:  # a version being made has none yet
            cache.set(key, items, timeout=ITEMS_SECONDS)
    return items


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    """Round an exact, non-negative value half up: 2.65 → 2.7, 2.25 → 2.3, 2.24 → 2.2."""
    if value < 0:
        raise ValueError("Means of scores are never negative.")
    scale = 10**places
    # Quantized, so a whole number keeps its decimals: 2 is "2.0", as the report writes it.
    return (Decimal(floor(value * scale + Fraction(1, 2))) / scale).quantize(
        Decimal(1).scaleb(-places)
    )


def format_mean(value: Decimal) -> str:
    """A rounded mean in the active language: “2,7” in Swedish, “2.7” in English."""
    return number_format(value, 1)


@dataclass(frozen=True)
class ItemMean:
    number: int
    text: str
    mean: Fraction | None  # None when nobody has scored the item at this point
    n: int
    part: object = None  # the item's ChecklistPart, if the version has parts

    @property
    def rounded(self) -> Decimal | None:
        return None if self.mean is None else round_half_up(self.mean)

    @property
    def display(self) -> str:
        return "–" if self.mean is None else format_mean(self.rounded)

    @property
    def exact(self) -> str:
        """The reduced fraction, always as numerator/denominator: “27/10”, “2/1”."""
        if self.mean is None:
            return ""
        return f"{self.mean.numerator}/{self.mean.denominator}"


@dataclass(frozen=True)
class Movement:
    first: int
    latest: int

    @property
    def delta(self) -> int:
        return self.latest - self.first

    @property
    def direction(self) -> str:
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"

    @property
    def delta_display(self) -> str:
        """Signed: “+9”, “0”, “-2” (a minus sign, U+2212, reads better but copies worse)."""
        return f"{self.delta:+d}" if self.delta else "0"


@dataclass(frozen=True)
class OrganisationScores:
    """One organisation's submitted assessments, by point."""

    participation_id: int
    code: str
    name: str
    # point → {item number → score}; only submitted assessments with every item scored
    points: dict[int, dict[int, int]] = field(default_factory=dict)
    comments: dict[int, dict[int, str]] = field(default_factory=dict)

    def total(self, point: int) -> int | None:
        scores = self.points.get(point)
        return None if scores is None else sum(scores.values())

    def movement(self, up_to: int | None = None) -> Movement | None:
        """From the first to the latest submitted assessment (up to a point), if there are two."""
        points = sorted(p for p in self.points if up_to is None or p <= up_to)
        if len(points) < 2:
            return None
        return Movement(first=self.total(points[0]), latest=self.total(points[-1]))


@dataclass(frozen=True)
class Summary:
    point: int
    n: int
    items: list[ItemMean]  # sorted by mean, highest first, ties by item number
    totals: dict[str, int]  # organisation code → total at this point
    movement: dict[str, Movement]
    moved: dict[str, int]  # up / same / down

    @property
    def total_min(self) -> int | None:
        return min(self.totals.values(), default=None)

    @property
    def total_max(self) -> int | None:
        return max(self.totals.values(), default=None)

    def as_json(self) -> dict:
        """The `round_summary` document (decimal point, not comma)."""
        return {
            "point": self.point,
            "n": self.n,
            "items": [
                {
                    "item": item.number,
                    "text": item.text,
                    "mean": None if item.mean is None else str(item.rounded),
                    "mean_exact": None if item.mean is None else item.exact,
                }
                for item in self.items
            ],
            "totals": dict(sorted(self.totals.items())),
            "total_min": self.total_min,
            "total_max": self.total_max,
            "movement": {
                code: {"first": m.first, "latest": m.latest, "delta": m.delta}
                for code, m in sorted(self.movement.items())
            },
            "moved": self.moved,
        }


@dataclass
class RoundScores:
    """Everything the figures of a round are made of, read in a fixed number of queries."""

    items: list[ChecklistItem]
    organisations: list[OrganisationScores]

    @property
    def points(self) -> list[int]:
        """Points at which at least one organisation has a submitted assessment."""
        return sorted({p for org in self.organisations for p in org.points})

    def latest_point(self) -> int | None:
        return max(self.points, default=None)

    def summary(self, point: int | None = None, codes: Iterable[str] | None = None) -> Summary:
        """The figures at a point for all organisations or a subset (a group, say)."""
        point = self.latest_point() if point is None else point
        wanted = None if codes is None else set(codes)
        orgs = [o for o in self.organisations if wanted is None or o.code in wanted]
        at_point = [o for o in orgs if point is not None and point in o.points]
        item_means = []
        for item in self.items:
            scores = [
                o.points[point][item.number] for o in at_point if item.number in o.points[point]
            ]
            mean = Fraction(sum(scores), len(scores)) if scores else None
            item_means.append(ItemMean(item.number, item.text, mean, len(scores), item.part))
        item_means.sort(key=lambda m: (m.mean is None, -(m.mean or 0), m.number))
        movement = {}
        for org in orgs:
            moved = org.movement(up_to=point)
            if moved is not None:
                movement[org.code] = moved
        counts = {"up": 0, "same": 0, "down": 0}
        for moved in movement.values():
            counts[moved.direction] += 1
        return Summary(
            point=point or 0,
            n=len(at_point),
            items=item_means,
            totals={o.code: o.total(point) for o in at_point},
            movement=movement,
            moved=counts,
        )


def schedule_of(meetings: QuerySet[Meeting], *, group_ids: Iterable[int | None]):
    """The meetings on the schedules of organisations in these groups: the round's own
    meetings and those of the groups (an organisation not yet in a group has only the round's)."""
    return meetings.filter(
        Q(group__isnull=True) | Q(group_id__in=[pk for pk in group_ids if pk is not None])
    )


ORGANISATION = ChecklistVersion.Level.ORGANISATION
COMMITTEE = ChecklistVersion.Level.COMMITTEE


def due_at_level(meeting: Meeting, level: str) -> bool:
    """Whether the meeting's self-assessment at `level` is due, reading only the meeting's
    own fields: the organisation-wide one whenever one is due, the committee/department one
    at year two's meetings (the caller knows that the round has that level's checklist)."""
    if not meeting.assessment_due:
        return False
    return level != COMMITTEE or meeting.year == Round.Year.TWO


def assessment_points(
    participations: Iterable[Participation],
    meetings: Iterable[Meeting],
    *,
    level: str = ORGANISATION,
):
    """meeting id → point, per participation id: the n-th assessment meeting of its schedule
    at that level (the committee/department level counts year two's meetings only)."""
    meetings = sorted(
        (m for m in meetings if due_at_level(m, level)), key=lambda m: (m.starts_at, m.pk)
    )
    points: dict[int, dict[int, int]] = {}
    for participation in participations:
        own = [m for m in meetings if m.group_id is None or m.group_id == participation.group_id]
        points[participation.pk] = {m.pk: n for n, m in enumerate(own, start=1)}
    return points


def group_assessment_points(
    meetings: Iterable[Meeting],
    group_ids: Iterable[int | None],
    *,
    level: str = ORGANISATION,
) -> dict[int | None, dict[int, int]]:
    """meeting id → point, per group id (None: in no group), as `assessment_points` gives them
    per participation: a group's members share its schedule, so a page of organisations reads
    it once per group, in one pass over the meetings."""
    points: dict[int | None, dict[int, int]] = {group_id: {} for group_id in group_ids}
    for meeting in sorted(
        (m for m in meetings if due_at_level(m, level)), key=lambda m: (m.starts_at, m.pk)
    ):
        group_id = meeting.group_id
        if group_id is None:  # the round's own: every group's
            for own in points.values():
                own[meeting.pk] = len(own) + 1
        elif group_id in points:
            own = points[group_id]
            own[meeting.pk] = len(own) + 1
    return points


def round_scores(
    *,
    round,
    participations=None,
    include_withdrawn: bool = False,
    level: str = ORGANISATION,
) -> RoundScores:
    """Read a round's submitted assessments at one level (organisation-wide by default, or
    committee/department) of the participants that count, with that level's checklist: the
    levels' figures are never mixed. A round without a checklist for the level has none.

    Withdrawn organisations are left out of a round's figures; an organisation's own history
    (`include_withdrawn`) still shows them. Three queries, whatever the size of the round (the
    version's items are kept: `version_items`).
    """
    whole_round = participations is None
    if whole_round:
        participations = Participation.objects.filter(round=round)
    participations = participations.filter(role=Participation.Role.PARTICIPANT)
    if not include_withdrawn:
        participations = participations.filter(withdrawn_on__isnull=True)
    counted = list(participations.select_related("organisation"))
    items = version_items(round.checklist_id_for(level))
    meetings = Meeting.objects.filter(round=round, assessment_due=True)
    if not whole_round:  # only the schedules of the organisations asked for
        meetings = schedule_of(meetings, group_ids={p.group_id for p in counted})
    meetings = list(meetings.only("id", "starts_at", "group_id", "assessment_due", "year"))
    scores = submitted_scores(
        counted,
        points=assessment_points(counted, meetings, level=level),
        items=items,
        level=level,
    )
    return RoundScores(items=items, organisations=sorted(scores.values(), key=lambda o: o.name))


def submitted_scores(
    participations: list[Participation],
    *,
    points: dict[int, dict[int, int]],
    items: list[ChecklistItem],
    level: str = ORGANISATION,
) -> dict[int, OrganisationScores]:
    """participation id → its submitted scores and comments by point, in one query; the
    participations may be of several rounds (of one checklist version), `points` maps each
    one's meetings to its points (`assessment_points`). Only assessments at `level`, which
    are the ones made with `items`' version."""
    scores_by_org = {
        p.pk: OrganisationScores(p.pk, p.organisation.code, p.organisation.name)
        for p in participations
    }
    answers = (
        Answer.objects.filter(
            Q(assessment__participation__in=[p.pk for p in participations])
            & Q(assessment__status=SelfAssessment.Status.SUBMITTED)
            & Q(assessment__level=level)
        )
        .values_list(
            "assessment__participation_id",
            "assessment__meeting_id",
            "item__number",
            "score",
            "comment",
        )
        # Put in order below: the answers' own ordering would join three tables more.
        .order_by()
    )
    scored: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    commented: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for participation_id, meeting_id, number, score, comment in answers:
        point = points[participation_id].get(meeting_id)
        if point is None:  # a meeting outside the organisation's own schedule
            continue
        if score is not None:
            scored[participation_id, point][number] = score
        if comment:
            commented[participation_id, point][number] = comment
    item_count = len(items)
    for (participation_id, point), scores in sorted(scored.items()):
        if len(scores) == item_count:  # a submitted assessment has every item; be sure
            scores_by_org[participation_id].points[point] = dict(sorted(scores.items()))
            scores_by_org[participation_id].comments[point] = dict(
                sorted(commented.get((participation_id, point), {}).items())
            )
    return scores_by_org


@dataclass(frozen=True)
class ComparisonRow:
    number: int
    text: str
    scores: list[int | None]  # one per organisation, in the comparison's order
    mean: ItemMean
    part: object = None  # the item's ChecklistPart, if the version has parts


@dataclass(frozen=True)
class Comparison:
    """A group's members side by side per item at one point, with the group mean."""

    point: int
    organisations: list[OrganisationScores]
    rows: list[ComparisonRow]  # in item order
    totals: list[int | None]
    mean_total: Fraction | None
    counted: int = 0  # the organisations with a submitted assessment: what the mean is of

    @property
    def mean_total_display(self) -> str:
        return "–" if self.mean_total is None else format_mean(round_half_up(self.mean_total))


def comparison(scores: RoundScores, *, codes: Iterable[str], point: int) -> Comparison:
    """Side-by-side scores of the given organisations at a point (benchmarking)."""
    wanted = set(codes)
    orgs = [o for o in scores.organisations if o.code in wanted]
    summary = scores.summary(point, codes=wanted)
    means = {m.number: m for m in summary.items}
    rows = [
        ComparisonRow(
            number=item.number,
            text=item.text,
            scores=[o.points.get(point, {}).get(item.number) for o in orgs],
            mean=means[item.number],
            part=item.part,
        )
        for item in scores.items
    ]
    totals = [o.total(point) for o in orgs]
    present = [t for t in totals if t is not None]
    return Comparison(
        point=point,
        organisations=orgs,
        rows=rows,
        totals=totals,
        mean_total=Fraction(sum(present), len(present)) if present else None,
        counted=len(present),
    )

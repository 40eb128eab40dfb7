"""What the one-page summary shows: read in a fixed number of queries, with every list cut to
what the page has room for (see the package's description)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from checklist.charts import Series, line_chart
from checklist.selectors import organisation_history
from checklist.statistics import comparison, format_mean, round_half_up, round_scores
from participants.models import ImprovementWork, Participation
from participants.selectors import chain_spread
from reports.models import NEXT_STEPS_MAX_LENGTH, NEXT_STEPS_MAX_LINES, OrganisationSummary

# What the page has room for. The limits hold for any history: more assessments, items, works
# or earlier rounds than these are counted, not shown.
MAX_POINTS_IN_TABLE = 6  # the latest assessments (a round has about six); the chart shows all
MAX_MOVED_ITEMS = 10
ITEM_TEXT_CHARS = 120  # two lines of the table
MAX_WORKS = 4
WORK_TITLE_CHARS = 60  # one line with its place on the chain and its phase
MAX_EARLIER_ROUNDS = 1
ROUND_NAME_CHARS = 30
NAME_CHARS = 50  # the organisation's name in the heading: one line
GROUP_NAME_CHARS = 60
LEGEND_CHARS = 20  # a line's name in the chart's legend

CHAIN_ORDER = {step.value: n for n, step in enumerate(ImprovementWork.ChainStep)}


@dataclass(frozen=True)
class TotalsRow:
    """One assessment in the table beside the chart: the organisation's total, its group's and
    the round's means, as shown ("21", "18,5", "–")."""

    point: int
    total: str
    group_mean: str
    round_mean: str


@dataclass(frozen=True)
class MovedItem:
    number: int
    text: str
    first: int | None
    latest: int | None
    delta: int
    group_mean: str
    round_mean: str

    @property
    def delta_display(self) -> str:
        return f"{self.delta:+d}"


@dataclass(frozen=True)
class EarlierRound:
    name: str
    first: int | None
    latest: int | None


@dataclass(frozen=True)
class Summary:
    participation: Participation
    organisation_name: str
    group_name: str
    round_name: str
    checklist_name: str
    scale_min: int
    scale_max: int
    max_total: int
    produced_on: object
    points: list[int]  # every point the organisation has a submitted assessment at
    points_left_out: int  # earlier points the table leaves out (the chart shows them)
    totals: list[TotalsRow]  # the latest MAX_POINTS_IN_TABLE points
    chart: str | None
    latest_point: int | None
    first_total: int | None
    latest_total: int | None
    movement_delta: str  # "+7", "0", "-2"; "" with fewer than two assessments
    group_mean_total: str  # at the latest point
    round_mean_total: str
    moved: list[MovedItem]
    moved_left_out: int
    unchanged: int
    chain: list[tuple[str, int]]  # (step label, number of works), in chain order
    works: list[tuple[str, str, str]]  # (title, step label, phase label)
    works_total: int
    works_left_out: int
    earlier: list[EarlierRound]
    earlier_left_out: int
    next_steps: list[str] = field(default_factory=list)  # its lines
    next_steps_changed: object = None  # when the strategist last saved them


def _mean(values: list[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def _shown(mean: Fraction | None) -> str:
    return "–" if mean is None else format_mean(round_half_up(mean))


def next_steps_lines(text: str) -> list[str]:
    """The next steps as the page shows them: no more characters and lines than the page has
    room for (the form refuses more; this guards the page against what came another way)."""
    text = Truncator(text.strip()).chars(NEXT_STEPS_MAX_LENGTH)
    lines = [line.rstrip() for line in text.splitlines()]
    if len(lines) > NEXT_STEPS_MAX_LINES:
        lines = [*lines[: NEXT_STEPS_MAX_LINES - 1], " ".join(lines[NEXT_STEPS_MAX_LINES - 1 :])]
    return lines


def organisation_summary(*, participation: Participation) -> Summary:
    """The one-page summary of an organisation in its round."""
    participation = Participation.objects.select_related(
        "organisation", "round__checklist_version", "group"
    ).get(pk=participation.pk)
    round_ = participation.round
    version = round_.checklist_version
    name = Truncator(participation.organisation.name).chars(NAME_CHARS)
    group_name = (
        Truncator(participation.group.name).chars(GROUP_NAME_CHARS) if participation.group else ""
    )

    # Every round of the organisation with the same checklist: its own people and project
    # leaders, who alone read the summary (reports.rules), see its whole history.
    histories = organisation_history(participation=participation)
    current = next((h for h in histories if h.round.pk == round_.pk), None)
    earlier_all = [
        EarlierRound(Truncator(h.round.name).chars(ROUND_NAME_CHARS), h.totals[0], h.totals[-1])
        for h in histories
        if h.round.pk != round_.pk
    ]
    items = current.rows if current else []
    item_count = len(items) or version.items.count()
    scores = round_scores(round=round_)
    group_codes = (
        set(
            Participation.objects.filter(
                group_id=participation.group_id, role=Participation.Role.PARTICIPANT
            ).values_list("organisation__code", flat=True)
        )
        if participation.group_id
        else set()
    )
    all_codes = {org.code for org in scores.organisations}

    points = current.points if current else []
    own_totals = current.totals if current else []
    group_means: list[Fraction | None] = []
    round_means: list[Fraction | None] = []
    group_at: dict[int, object] = {}
    round_at: dict[int, object] = {}
    for point in points:
        round_at[point] = comparison(scores, codes=all_codes, point=point)
        round_means.append(round_at[point].mean_total)
        if group_codes:
            group_at[point] = comparison(scores, codes=group_codes, point=point)
            group_means.append(group_at[point].mean_total)
        else:
            group_means.append(None)

    shown_from = max(len(points) - MAX_POINTS_IN_TABLE, 0)
    totals = [
        TotalsRow(point, "–" if total is None else str(total), _shown(group), _shown(whole))
        for point, total, group, whole in list(
            zip(points, own_totals, group_means, round_means, strict=True)
        )[shown_from:]
    ]
    chart = None
    if points:
        as_float = [
            [None if v is None else float(v) for v in values]
            for values in (
                own_totals,
                group_means,
                round_means,
            )
        ]
        described = ", ".join(
            _("assessment %(point)s: %(total)s") % {"point": p, "total": t}
            for p, t in zip(points, own_totals, strict=True)
        )
        chart = line_chart(
            title=_("Total score per assessment"),
            description=_(
                "Total score of %(organisation)s at each assessment (%(totals)s), with its "
                "group's mean and the round's mean; the figures are in the table beside it."
            )
            % {"organisation": name, "totals": described},
            x_labels=[str(p) for p in points],
            series=[
                Series(Truncator(name).chars(LEGEND_CHARS), as_float[0]),
                Series(_("Group mean"), as_float[1]),
                Series(_("Round mean"), as_float[2]),
            ],
            y_min=version.scale_min * item_count,
            y_max=version.scale_max * item_count,
            # Narrow, so that its text stays legible beside the table at half the page's width.
            width=400,
            height=190,
            key=f"summary-{participation.pk}",
        )

    latest_point = points[-1] if points else None
    moved_all: list[MovedItem] = []
    unchanged = 0
    if current and current.item_movement:
        group_rows = (
            {row.number: row.mean.display for row in group_at[latest_point].rows}
            if latest_point in group_at
            else {}
        )
        round_rows = {row.number: row.mean.display for row in round_at[latest_point].rows}
        for item, first, latest, delta in current.item_movement:
            if not delta:
                unchanged += 1
                continue
            moved_all.append(
                MovedItem(
                    number=item.number,
                    text=Truncator(item.text).chars(ITEM_TEXT_CHARS),
                    first=first,
                    latest=latest,
                    delta=delta,
                    group_mean=group_rows.get(item.number, "–"),
                    round_mean=round_rows.get(item.number, "–"),
                )
            )
    # The largest movements when not all fit, shown in the checklist's order.
    kept = sorted(moved_all, key=lambda m: (-abs(m.delta), m.number))[:MAX_MOVED_ITEMS]
    moved = sorted(kept, key=lambda m: m.number)

    works = list(
        participation.improvement_works.only(
            "participation_id", "title", "chain_step", "phase"
        ).order_by("title")
    )
    spread = chain_spread(works)
    furthest_first = sorted(works, key=lambda w: (-CHAIN_ORDER.get(w.chain_step, 0), w.title))
    own_summary = OrganisationSummary.objects.filter(participation=participation).first()
    movement = current.movement if current else None
    return Summary(
        participation=participation,
        organisation_name=name,
        group_name=group_name,
        round_name=round_.name,
        checklist_name=version.name,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        max_total=version.scale_max * item_count,
        produced_on=timezone.localdate(),
        points=points,
        points_left_out=shown_from,
        totals=totals,
        chart=chart,
        latest_point=latest_point,
        first_total=own_totals[0] if own_totals else None,
        latest_total=own_totals[-1] if own_totals else None,
        movement_delta=movement.delta_display if movement else "",
        group_mean_total=_shown(group_means[-1]) if group_means else "–",
        round_mean_total=_shown(round_means[-1]) if round_means else "–",
        moved=moved,
        moved_left_out=len(moved_all) - len(moved),
        unchanged=unchanged,
        chain=[(capfirst(str(label)), count) for _value, label, count in spread.counts],
        works=[
            (
                Truncator(work.title).chars(WORK_TITLE_CHARS),
                capfirst(work.get_chain_step_display()),
                work.get_phase_display(),
            )
            for work in furthest_first[:MAX_WORKS]
        ],
        works_total=len(works),
        works_left_out=max(len(works) - MAX_WORKS, 0),
        earlier=earlier_all[:MAX_EARLIER_ROUNDS],
        earlier_left_out=max(len(earlier_all) - MAX_EARLIER_ROUNDS, 0),
        next_steps=next_steps_lines(own_summary.next_steps) if own_summary else [],
        next_steps_changed=own_summary.updated_at if own_summary else None,
    )

"""The round's figures (checklist/statistics.py): exact means rounded half up, items sorted by
mean, totals and their range, movement, and the assessment-point rule. Only submitted
assessments of participants that have not withdrawn count."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.utils import translation

from checklist import services
from checklist.statistics import (
    ItemMean,
    Movement,
    assessment_points,
    comparison,
    round_half_up,
    round_scores,
)
from participants import services as participant_services
from rounds import services as round_services
from rounds.models import Meeting
from tests.participants.factories import OrganisationFactory


def _scores(values) -> dict[int, int]:
    return dict(enumerate(values, start=1))


def _submit(participation, meeting, values, by=None):
    """Fill in and submit an organisation's assessment as its strategist would."""
    assessment = services.assessment_start(participation=participation, meeting=meeting)
    if assessment.is_submitted:  # read-only until reopened
        assessment = services.assessment_reopen(assessment=assessment, by=by, reason="Nya poäng")
    assessment = services.assessment_save(assessment=assessment, scores=_scores(values), by=by)
    return services.assessment_submit(assessment=assessment, by=by)


def _means(summary) -> list[tuple[int, Fraction]]:
    return [(item.number, item.mean) for item in summary.items]


# Rounding half up, on exact values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(53, 20), "2.7"),  # 2.65
        (Fraction(9, 4), "2.3"),  # 2.25: banker's rounding would give 2.2
        (Fraction(56, 25), "2.2"),  # 2.24
        (Fraction(47, 20), "2.4"),  # 2.35
        (Fraction(21, 20), "1.1"),  # 1.05
        (Fraction(1, 20), "0.1"),  # 0.05
        (Fraction(27, 10), "2.7"),  # exact already
        (Fraction(8, 3), "2.7"),  # 2.666…
        (Fraction(49, 20), "2.5"),  # 2.45
        (Fraction(5, 4), "1.3"),  # 1.25
        (Fraction(3), "3.0"),
        (Fraction(0), "0.0"),
    ],
)
def test_round_half_up_rounds_exact_values_half_up(value, expected):
    assert round_half_up(value) == Decimal(expected)


def test_round_half_up_to_two_places():
    # 2.675 is 2.67499… as a binary float; as an exact value it rounds up.
    assert round_half_up(Fraction(2675, 1000), places=2) == Decimal("2.68")


@pytest.mark.parametrize(("value", "expected"), [(Fraction(3), "3.0"), (Fraction(24, 12), "2.0")])
def test_round_half_up_keeps_one_decimal_for_whole_numbers(value, expected):
    assert str(round_half_up(value)) == expected


def test_round_half_up_refuses_a_negative_value():
    with pytest.raises(ValueError, match="never negative"):
        round_half_up(Fraction(-1, 20))


@pytest.mark.parametrize(
    ("mean", "exact"),
    [
        (Fraction(27, 10), "27/10"),
        (Fraction(32, 12), "8/3"),
        (Fraction(24, 12), "2/1"),
        (Fraction(3), "3/1"),
    ],
)
def test_item_mean_exact_is_the_reduced_fraction(mean, exact):
    assert ItemMean(1, "Moment", mean, 12).exact == exact


@pytest.mark.parametrize(
    ("mean", "swedish", "english"),
    [
        (Fraction(53, 20), "2,7", "2.7"),
        (Fraction(9, 4), "2,3", "2.3"),
        (Fraction(2), "2,0", "2.0"),
        (Fraction(4, 3), "1,3", "1.3"),
    ],
)
def test_item_mean_display_has_one_decimal_in_the_pages_language(mean, swedish, english):
    mean = ItemMean(1, "Moment", mean, 4)
    with translation.override("sv"):
        assert mean.display == swedish
    with translation.override("en"):
        assert mean.display == english


def test_item_mean_without_scores_shows_a_dash():
    mean = ItemMean(1, "Moment", None, 0)
    assert (mean.display, mean.exact, mean.rounded) == ("–", "", None)


def test_movement_direction():
    assert (Movement(18, 21).delta, Movement(18, 21).direction) == (3, "up")
    assert (Movement(18, 18).delta, Movement(18, 18).direction) == (0, "same")
    assert (Movement(18, 16).delta, Movement(18, 16).direction) == (-2, "down")


# The figures of a round at a point

# Four organisations at their first learning meeting (GA1 and GA2 meet on different dates).
# Item means: 1: 9/4, 2: 5/4, 3: 11/4, 4: 3, 5: 2, 6: 5/4, 7: 1, 8: 3/2, 9: 7/4, 10: 9/4.
AWKWARD = {
    "a1": (3, 2, 3, 3, 2, 1, 1, 2, 3, 2),  # 22
    "a2": (2, 1, 3, 3, 2, 1, 1, 2, 2, 2),  # 19
    "a3": (2, 1, 3, 3, 2, 1, 1, 1, 1, 2),  # 17
    "a4": (2, 1, 2, 3, 2, 2, 1, 1, 1, 3),  # 18
}


@pytest.fixture
def awkward(world):
    _submit(world.a1, world.meeting_ga1, AWKWARD["a1"], by=world.strategist_a1)
    _submit(world.a2, world.meeting_ga1, AWKWARD["a2"], by=world.strategist_a2)
    _submit(world.a3, world.meeting_ga2, AWKWARD["a3"], by=world.strategist_a3)
    _submit(world.a4, world.meeting_ga2, AWKWARD["a4"])
    return world


@pytest.fixture
def schedule(world):
    """Each group's second learning meeting on its own date, and a round-wide mid-term
    conference that needs an assessment between them:

    GA1: LT1 (day 30), LT2 (day 40), mid-term (day 50) → points 1, 2, 3
    GA2: LT1 (day 32), mid-term (day 50), LT2 (day 60) → points 1, 2, 3
    The start-up conference (day 0) needs none and is no point.
    """
    day0 = world.startup.starts_at

    def meeting(days, **kwargs):
        return round_services.meeting_create(
            round=world.round_a,
            starts_at=day0 + dt.timedelta(days=days),
            ends_at=day0 + dt.timedelta(days=days, hours=6),
            assessment_due=True,
            **kwargs,
        )

    return SimpleNamespace(
        ga1_lt1=world.meeting_ga1,
        ga2_lt1=world.meeting_ga2,
        ga1_lt2=meeting(
            40, group=world.ga1, kind=Meeting.Kind.LEARNING_MEETING, number=2, title="LT2 GA1"
        ),
        midterm=meeting(50, kind=Meeting.Kind.MIDTERM_CONFERENCE, title="Halvtidskonferens"),
        ga2_lt2=meeting(
            60, group=world.ga2, kind=Meeting.Kind.LEARNING_MEETING, number=2, title="LT2 GA2"
        ),
    )


def test_item_means_are_exact_and_sorted_high_to_low_ties_by_item_number(awkward):
    summary = round_scores(round=awkward.round_a).summary(1)
    assert summary.point == 1
    assert summary.n == 4
    assert _means(summary) == [
        (4, Fraction(3)),
        (3, Fraction(11, 4)),
        (1, Fraction(9, 4)),  # tie with item 10: the lower number first
        (10, Fraction(9, 4)),
        (5, Fraction(2)),
        (9, Fraction(7, 4)),
        (8, Fraction(3, 2)),
        (2, Fraction(5, 4)),  # tie with item 6
        (6, Fraction(5, 4)),
        (7, Fraction(1)),
    ]
    assert [item.n for item in summary.items] == [4] * 10
    with translation.override("sv"):
        assert [item.display for item in summary.items] == [
            "3,0", "2,8", "2,3", "2,3", "2,0", "1,8", "1,5", "1,3", "1,3", "1,0",
        ]  # fmt: skip
    assert summary.items[2].exact == "9/4"
    assert summary.items[4].exact == "2/1"


def test_totals_and_their_range(awkward):
    summary = round_scores(round=awkward.round_a).summary(1)
    assert summary.totals == {"9101": 22, "9102": 19, "9103": 17, "9104": 18}
    assert (summary.total_min, summary.total_max) == (17, 22)


def test_figures_of_a_single_organisation_are_its_own_scores(world):
    values = (3, 3, 2, 2, 2, 1, 1, 1, 1, 1)
    _submit(world.b1, world.meeting_gb, values, by=world.strategist_b1)
    summary = round_scores(round=world.round_b).summary()
    assert summary.n == 1
    assert summary.point == 1
    assert _means(summary) == [
        (1, 3), (2, 3), (3, 2), (4, 2), (5, 2), (6, 1), (7, 1), (8, 1), (9, 1), (10, 1),
    ]  # fmt: skip
    assert [item.exact for item in summary.items][:3] == ["3/1", "3/1", "2/1"]
    assert summary.totals == {"9301": 17}
    assert (summary.total_min, summary.total_max) == (17, 17)
    assert summary.movement == {}
    assert summary.moved == {"up": 0, "same": 0, "down": 0}


def test_drafts_never_count(world):
    # Aby's draft is complete but not submitted; Bby and Cby submitted all twos.
    services.assessment_save(assessment=world.draft_a1, scores=_scores([3] * 10))
    summary = round_scores(round=world.round_a).summary()
    assert summary.n == 2
    assert summary.totals == {"9102": 20, "9103": 20}
    assert {item.mean for item in summary.items} == {Fraction(2)}


def test_withdrawn_organisations_do_not_count(awkward):
    participant_services.participation_withdraw(
        participation=awkward.a4, on=dt.date(2026, 3, 1), reason="Omorganisation"
    )
    summary = round_scores(round=awkward.round_a).summary(1)
    assert summary.n == 3
    assert "9104" not in summary.totals
    means = dict(_means(summary))
    assert means[10] == Fraction(6, 3)  # without Dby's 3
    assert means[6] == Fraction(3, 3)  # without Dby's 2
    assert means[1] == Fraction(7, 3)
    # The organisation's own history still shows what it submitted.
    own = round_scores(round=awkward.round_a, include_withdrawn=True).summary(1)
    assert own.n == 4
    assert own.totals["9104"] == 18


def test_mentors_do_not_count(world, schedule):
    _submit(world.m1, schedule.midterm, [3] * 10, by=world.mentor_m1)
    _submit(world.a2, schedule.midterm, [1] * 10, by=world.strategist_a2)
    scores = round_scores(round=world.round_a)
    assert "9201" not in {org.code for org in scores.organisations}
    summary = scores.summary(3)  # the mid-term conference is GA1's third point
    assert summary.n == 1
    assert summary.totals == {"9102": 10}


def test_assessment_points_follow_each_organisations_own_schedule(world, schedule):
    meetings = Meeting.objects.filter(round=world.round_a)
    points = assessment_points([world.a1, world.a2, world.a3, world.a4], meetings)
    ga1 = {schedule.ga1_lt1.pk: 1, schedule.ga1_lt2.pk: 2, schedule.midterm.pk: 3}
    ga2 = {schedule.ga2_lt1.pk: 1, schedule.midterm.pk: 2, schedule.ga2_lt2.pk: 3}
    assert points[world.a1.pk] == points[world.a2.pk] == ga1
    assert points[world.a3.pk] == points[world.a4.pk] == ga2
    assert world.startup.pk not in points[world.a1.pk]


def test_figures_at_a_point_combine_each_organisations_own_nth_meeting(world, schedule):
    _submit(world.a2, schedule.ga1_lt2, [3] * 10)  # Bby's 2nd: its LT2 (day 40)
    _submit(world.a3, schedule.midterm, [1] * 10)  # Cby's 2nd: the mid-term (day 50)
    _submit(world.a1, schedule.midterm, [2] * 10)  # Aby's 3rd: the mid-term (day 50)
    scores = round_scores(round=world.round_a)
    assert scores.points == [1, 2, 3]
    second = scores.summary(2)
    assert second.totals == {"9102": 30, "9103": 10}
    assert second.items[0].mean == Fraction(2)
    third = scores.summary(3)
    assert third.totals == {"9101": 20}
    # The default point is the latest with any submitted assessment.
    assert scores.summary().point == 3


def test_movement_from_first_to_latest_submitted_assessment(world, schedule):
    _submit(world.a1, schedule.ga1_lt1, [3] * 10)  # Aby: 30 …
    _submit(world.a1, schedule.ga1_lt2, [2] * 10)  # … then 20: down
    _submit(world.a2, schedule.midterm, [3] * 10)  # Bby: 20 at 1, nothing at 2, 30 at 3: up
    _submit(world.a3, schedule.midterm, [2] * 10)  # Cby: 20, then 20: same
    _submit(world.a4, schedule.ga2_lt1, [1] * 10)  # Dby: only one assessment, no movement
    scores = round_scores(round=world.round_a)

    latest = scores.summary()
    assert latest.point == 3
    assert {code: (m.first, m.latest, m.delta) for code, m in latest.movement.items()} == {
        "9101": (30, 20, -10),
        "9102": (20, 30, 10),
        "9103": (20, 20, 0),
    }
    assert latest.moved == {"up": 1, "same": 1, "down": 1}
    # Movement is counted up to the point asked for.
    second = scores.summary(2)
    assert set(second.movement) == {"9101", "9103"}
    assert second.moved == {"up": 0, "same": 1, "down": 1}
    assert scores.summary(1).moved == {"up": 0, "same": 0, "down": 0}


def test_summary_at_a_point_nobody_reached(awkward):
    summary = round_scores(round=awkward.round_a).summary(5)
    assert (summary.n, summary.totals, summary.total_min, summary.total_max) == (0, {}, None, None)
    assert [item.display for item in summary.items] == ["–"] * 10
    assert [item.number for item in summary.items] == list(range(1, 11))


def test_as_json_has_exactly_the_documented_keys(awkward):
    document = round_scores(round=awkward.round_a).summary(1).as_json()
    assert list(document) == [
        "point", "n", "items", "totals", "total_min", "total_max", "movement", "moved",
    ]  # fmt: skip
    assert set(document["items"][0]) == {"item", "text", "mean", "mean_exact"}
    assert document["items"][1] == {
        "item": 3,
        "text": "De högsta cheferna säkerställer att politikernas beslut om "
        "jämställdhetsintegrering genomförs i organisationen",
        "mean": "2.8",
        "mean_exact": "11/4",
    }
    assert document["totals"] == {"9101": 22, "9102": 19, "9103": 17, "9104": 18}


def test_comparison_puts_the_groups_members_side_by_side(awkward):
    scores = round_scores(round=awkward.round_a)
    side_by_side = comparison(scores, codes={"9101", "9102"}, point=1)
    assert [org.name for org in side_by_side.organisations] == ["Aby", "Bby"]
    assert [row.number for row in side_by_side.rows] == list(range(1, 11))
    assert [row.scores for row in side_by_side.rows][:3] == [[3, 2], [2, 1], [3, 3]]
    assert side_by_side.rows[0].mean.mean == Fraction(5, 2)
    assert side_by_side.rows[1].mean.mean == Fraction(3, 2)
    assert side_by_side.totals == [22, 19]
    assert side_by_side.mean_total == Fraction(41, 2)
    with translation.override("sv"):
        assert side_by_side.mean_total_display == "20,5"
        assert side_by_side.rows[0].mean.display == "2,5"


def test_comparison_leaves_a_member_without_a_submitted_assessment_empty(world):
    # Aby has only a draft (item 1 scored 3); Bby submitted all twos.
    side_by_side = comparison(round_scores(round=world.round_a), codes={"9101", "9102"}, point=1)
    assert side_by_side.rows[0].scores == [None, 2]
    assert side_by_side.rows[0].mean.mean == Fraction(2)
    assert side_by_side.totals == [None, 20]
    assert side_by_side.mean_total == Fraction(20)


def test_a_round_with_another_checklist_version_uses_its_own_items_and_scale(db):
    version = services.checklist_version_create(
        slug="skr-3-1-4",
        name_sv="Tre moment, skala 1–4",
        scale_min=1,
        scale_max=4,
        steps=[services.StepSpec(v, f"Steg {v}") for v in range(1, 5)],
        items=[services.ItemSpec(f"Moment {n}") for n in range(1, 4)],
    )
    round_ = round_services.round_create(
        name="Omgång 1–4",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        checklist_version=version,
    )
    one, two = (
        participant_services.participation_add(round=round_, organisation=OrganisationFactory())
        for _ in range(2)
    )
    meeting = round_services.meeting_create(
        round=round_,
        kind=Meeting.Kind.STARTUP_CONFERENCE,
        title="Uppstart",
        starts_at=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 2, 1, 15, tzinfo=dt.UTC),
        assessment_due=True,
    )
    services.assessment_record(
        participation=one, meeting=meeting, scores={1: 4, 2: 3, 3: 1}, submitted_at=meeting.ends_at
    )
    services.assessment_record(
        participation=two, meeting=meeting, scores={1: 3, 2: 3, 3: 2}, submitted_at=meeting.ends_at
    )
    summary = round_scores(round=round_).summary()
    assert _means(summary) == [(1, Fraction(7, 2)), (2, Fraction(3)), (3, Fraction(3, 2))]
    assert sorted(summary.totals.values()) == [8, 8]


def test_round_scores_reads_in_four_queries(awkward, schedule, django_assert_num_queries):
    _submit(awkward.a1, schedule.ga1_lt2, [3] * 10)
    _submit(awkward.a3, schedule.midterm, [3] * 10)
    with django_assert_num_queries(4):
        scores = round_scores(round=awkward.round_a)
    assert scores.points == [1, 2]

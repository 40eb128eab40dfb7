"""`manage.py round_summary`: the round's figures as JSON, and the reproduction of Table 2 of
SKR's report “Modellkommuner och Modellregioner 2018–2020” from a constructed data set."""

import datetime as dt
import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from checklist import services
from checklist.statistics import round_scores
from participants import services as participant_services
from participants.models import Organisation, Participation
from rounds import services as round_services
from rounds.models import Meeting
from tests.conftest import module_data

pytestmark = pytest.mark.django_db

KEYS = [
    "point",
    "n",
    "items",
    "totals",
    "total_min",
    "total_max",
    "movement",
    "moved",
    "level",
    "checklist",
]

# Table 1: the municipalities of 2018–2020 by benchmarking group, with their mentors. Botkyrka
# and Askersund (in parentheses in the report) withdrew.
GROUPS = [
    (["1287", "1060", "1256"], ["1290", "1280"]),  # Trelleborg, Olofström, Östra Göinge
    (["0127", "1980"], ["0380"]),  # (Botkyrka), Västerås
    (["0181", "0880"], ["0188"]),  # Södertälje, Kalmar
    (["1982", "1882"], ["2083"]),  # Fagersta, (Askersund)
    (["2401", "2284", "2409"], ["2460", "2480"]),  # Nordmaling, Örnsköldsvik, Robertsfors
    (["2514", "2518"], ["2582", "2580", "2581"]),  # Kalix, Övertorneå
]
WITHDRAWN = ["0127", "1882"]

# Scores after the last learning meeting, one row per municipality that stayed. The item sums
# over the twelve are 32, 25, 22, 24, 24, 23, 20, 17, 17, 16 (means 2,7 2,1 1,8 2 2 1,9 1,7
# 1,4 1,4 1,3), the totals lie between 16 and 23 as in the report.
LAST = {
    "1287": (3, 3, 2, 2, 2, 2, 2, 3, 2, 2),  # Trelleborg 23
    "1060": (2, 2, 2, 2, 2, 2, 2, 2, 2, 1),  # Olofström 19
    "1256": (2, 2, 2, 2, 2, 2, 2, 2, 1, 1),  # Östra Göinge 18
    "1980": (2, 2, 2, 2, 2, 2, 2, 2, 1, 1),  # Västerås 18
    "0181": (3, 2, 2, 2, 2, 2, 1, 1, 1, 1),  # Södertälje 17
    "0880": (3, 2, 2, 2, 2, 2, 2, 1, 1, 1),  # Kalmar 18
    "1982": (3, 2, 2, 2, 2, 1, 1, 1, 1, 1),  # Fagersta 16
    "2401": (3, 2, 2, 2, 2, 2, 2, 1, 1, 1),  # Nordmaling 18
    "2284": (3, 2, 2, 2, 2, 2, 2, 1, 1, 1),  # Örnsköldsvik 18
    "2409": (3, 2, 2, 2, 2, 2, 2, 1, 1, 1),  # Robertsfors 18
    "2514": (3, 2, 1, 2, 2, 2, 1, 1, 2, 2),  # Kalix 18
    "2518": (2, 2, 1, 2, 2, 2, 1, 1, 3, 3),  # Övertorneå 19
}
# How many points lower each stood at the first learning meeting. All but one moved, as the
# report says; Fagersta did not.
RISE = {code: 1 + i % 3 for i, code in enumerate(LAST)} | {"1982": 0}


def _first(code: str) -> tuple[int, ...]:
    """The first assessment: the latest with the first RISE items above 1 one step lower."""
    values, left = list(LAST[code]), RISE[code]
    for i, value in enumerate(values):
        if left and value > 1:
            values[i], left = value - 1, left - 1
    return tuple(values)


def _summary(*args) -> dict:
    out = StringIO()
    call_command("round_summary", *args, stdout=out)
    return json.loads(out.getvalue())


def _report_round():
    """The 2018–2020 municipal round: six groups meeting on their own dates, learning meetings
    1 and 3 with a self-assessment before them, the two that withdrew with full marks recorded
    (they must not count), then the round completed."""
    participant_services.organisations_load()
    orgs = {o.code: o for o in Organisation.objects.all()}
    round_ = round_services.round_create(
        name="Modellkommuner 2018–2020",
        slug="modellkommuner-2018-2020",
        starts_on=dt.date(2018, 11, 1),
        ends_on=dt.date(2020, 6, 30),
    )
    round_ = round_services.round_activate(round=round_)
    add = participant_services.participation_add
    participations, meetings = {}, {}
    for number, (members, mentors) in enumerate(GROUPS, start=1):
        joined = [add(round=round_, organisation=orgs[code]) for code in members]
        group = round_services.group_create(round=round_, name=f"Grupp {number}", members=joined)
        for primary, code in zip([True] + [False] * 2, mentors, strict=False):
            mentor = add(round=round_, organisation=orgs[code], role=Participation.Role.MENTOR)
            round_services.mentor_assign(group=group, participation=mentor, is_primary=primary)
        for nth, month in ((1, 2), (2, 9), (3, 2)):
            year = 2019 if nth < 3 else 2020
            starts = dt.datetime(year, month, 1 + 3 * number, 9, tzinfo=dt.UTC)
            meetings[number, nth] = round_services.meeting_create(
                round=round_,
                group=group,
                kind=Meeting.Kind.LEARNING_MEETING,
                number=nth,
                title=f"Lärandeträff {nth}, grupp {number}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=6),
                assessment_due=nth != 2,
            )
        for participation in joined:
            participation.refresh_from_db()
            participations[participation.organisation.code] = (participation, number)
    for code, (participation, number) in participations.items():
        first, last = (_first(code), LAST[code]) if code in LAST else ((3,) * 10, (3,) * 10)
        for nth, values in ((1, first), (3, last)):
            meeting = meetings[number, nth]
            services.assessment_record(
                participation=participation,
                meeting=meeting,
                scores=dict(enumerate(values, start=1)),
                submitted_at=meeting.starts_at - dt.timedelta(days=7),
            )
    for code in WITHDRAWN:
        participant_services.participation_withdraw(
            participation=participations[code][0], on=dt.date(2020, 3, 1), reason="Egna skäl"
        )
    round_services.round_complete(round=round_, on=dt.date(2020, 6, 30))
    return SimpleNamespace(round=round_, participations=participations)


# Built once for the module's tests (tests/conftest.py, `module_data`).
report_round = module_data("report_round", _report_round)


def test_the_constructed_data_matches_the_report():
    """The data set itself: twelve rows, the report's item sums, totals from 16 to 23."""
    assert len(LAST) == 12
    assert [sum(column) for column in zip(*LAST.values(), strict=True)] == [
        32, 25, 22, 24, 24, 23, 20, 17, 17, 16,
    ]  # fmt: skip
    totals = [sum(row) for row in LAST.values()]
    assert (min(totals), max(totals)) == (16, 23)
    assert all(1 <= score <= 3 for row in LAST.values() for score in row)
    assert sum(sum(_first(code)) < sum(LAST[code]) for code in LAST) == 11


def test_round_summary_reproduces_table_2(report_round):
    document = _summary("modellkommuner-2018-2020")
    assert list(document) == KEYS
    assert document["point"] == 2  # learning meeting 3 is the second with an assessment
    assert document["n"] == 12
    assert [item["item"] for item in document["items"]] == [1, 2, 4, 5, 6, 3, 7, 8, 9, 10]
    assert [item["mean_exact"] for item in document["items"]] == [
        "8/3", "25/12", "2/1", "2/1", "23/12", "11/6", "5/3", "17/12", "17/12", "4/3",
    ]  # fmt: skip
    assert (document["total_min"], document["total_max"]) == (16, 23)
    assert document["totals"] == {code: sum(values) for code, values in sorted(LAST.items())}
    assert document["items"][0]["text"] == (
        "Den politiska församlingen har tagit beslut om jämställdhetsintegrering"
    )
    assert set(document["items"][0]) == {"item", "text", "mean", "mean_exact"}


def test_round_summary_means_are_the_reports_to_one_decimal(report_round):
    document = _summary("modellkommuner-2018-2020")
    assert [item["mean"] for item in document["items"]] == [
        "2.7", "2.1", "2.0", "2.0", "1.9", "1.8", "1.7", "1.4", "1.4", "1.3",
    ]  # fmt: skip


def test_round_summary_means_other_than_whole_numbers_match_the_report(report_round):
    # The same figures as the test above, without the two whole means that it shows broken.
    document = _summary("modellkommuner-2018-2020")
    means = {item["item"]: item["mean"] for item in document["items"]}
    assert [means[n] for n in (1, 2, 6, 3, 7, 8, 9, 10)] == [
        "2.7", "2.1", "1.9", "1.8", "1.7", "1.4", "1.4", "1.3",
    ]  # fmt: skip
    assert float(means[4]) == float(means[5]) == 2.0


def test_table_2_reads_with_a_decimal_comma_in_swedish(report_round):
    summary = round_scores(round=report_round.round).summary()
    with translation.override("sv"):
        assert [item.display for item in summary.items] == [
            "2,7", "2,1", "2,0", "2,0", "1,9", "1,8", "1,7", "1,4", "1,4", "1,3",
        ]  # fmt: skip
    with translation.override("en"):
        assert summary.items[0].display == "2.7"


def test_round_summary_movement_all_but_one_moved(report_round):
    document = _summary("modellkommuner-2018-2020")
    assert document["moved"] == {"up": 11, "same": 1, "down": 0}
    assert set(document["movement"]) == set(LAST)
    assert document["movement"]["1287"] == {"first": 22, "latest": 23, "delta": 1}
    assert document["movement"]["1982"] == {"first": 16, "latest": 16, "delta": 0}
    assert document["movement"]["1256"] == {"first": 15, "latest": 18, "delta": 3}


def test_round_summary_at_an_explicit_point(report_round):
    document = _summary("modellkommuner-2018-2020", "--point", "1")
    assert document["point"] == 1
    assert document["n"] == 12
    assert document["totals"] == {code: sum(_first(code)) for code in sorted(LAST)}
    assert "0127" not in document["totals"]
    assert "1882" not in document["totals"]
    # Nobody has two assessments up to point 1.
    assert document["movement"] == {}
    assert document["moved"] == {"up": 0, "same": 0, "down": 0}
    assert _summary("modellkommuner-2018-2020", "--point=2")["totals"] == {
        code: sum(values) for code, values in sorted(LAST.items())
    }


def test_round_summary_defaults_to_the_latest_point_with_a_submitted_assessment(world):
    # Round A: Bby and Cby submitted before their first learning meetings (different dates).
    document = _summary("omgang-a")
    assert document["point"] == 1
    assert document["n"] == 2
    assert document["totals"] == {"9102": 20, "9103": 20}
    # All twos: every mean is 2, so the items keep their order.
    assert [item["item"] for item in document["items"]] == list(range(1, 11))
    assert {item["mean_exact"] for item in document["items"]} == {"2/1"}
    assert (document["total_min"], document["total_max"]) == (20, 20)


def test_round_summary_refuses_an_unknown_round(db):
    with pytest.raises(CommandError, match="no-such-round"):
        _summary("no-such-round")


@pytest.mark.parametrize("point", ["0", "-1"])
def test_round_summary_refuses_a_point_below_one(world, point):
    with pytest.raises(CommandError, match="--point counts from 1"):
        _summary("omgang-a", f"--point={point}")


def test_round_summary_refuses_a_round_without_submitted_assessments(world):
    # Round B has a meeting that needs an assessment, but nothing submitted.
    with pytest.raises(CommandError, match="No submitted self-assessment in omgang-b"):
        _summary("omgang-b")


def test_round_summary_leaves_drafts_out(world):
    # Aby's draft (item 1 scored 3) is not in the figures.
    document = _summary("omgang-a")
    assert "9101" not in document["totals"]
    assert document["items"][0]["mean_exact"] == "2/1"

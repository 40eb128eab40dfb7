"""The default schedule's years (issue 16): year two's learning meetings come after the
mid-term conference and take their themes from the round, never from text the site invents."""

import datetime as dt

from django.utils import translation

from rounds.models import Meeting
from rounds.schedule import default_schedule

STARTS, ENDS = dt.date(2027, 1, 1), dt.date(2028, 12, 31)


def _learning(meetings):
    return [m for m in meetings if m.kind == Meeting.Kind.LEARNING_MEETING]


def test_year_two_learning_meetings_have_no_theme_the_round_has_not_given():
    with translation.override("sv"):
        learning = _learning(default_schedule(STARTS, ENDS))

    assert [(m.number, m.year) for m in learning] == [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2)]
    assert [m.theme for m in learning[3:]] == ["", ""]
    assert [m.title for m in learning[3:]] == ["Lärandeträff 4", "Lärandeträff 5"]
    # Year one's three classic themes are SKR's (report 004).
    assert learning[0].theme == "Styrning och ledning"


def test_year_two_learning_meetings_take_the_rounds_themes():
    themes = ["Jämställd biståndsbedömning", "Jämställd planering i nämnderna"]
    with translation.override("sv"):
        learning = _learning(default_schedule(STARTS, ENDS, themes))

    assert [m.theme for m in learning[3:]] == themes
    assert learning[3].title == "Lärandeträff 4: Jämställd biståndsbedömning"


def test_a_one_year_round_is_all_year_one():
    meetings = default_schedule(dt.date(2027, 1, 1), dt.date(2027, 12, 31))

    assert {m.year for m in meetings} == {1}
    assert len(_learning(meetings)) == 3


def test_the_mid_term_and_result_conferences_years():
    meetings = default_schedule(STARTS, ENDS)
    by_kind = {m.kind: m.year for m in meetings}

    assert by_kind[Meeting.Kind.STARTUP_CONFERENCE] == 1
    assert by_kind[Meeting.Kind.RESULT_CONFERENCE] == 2

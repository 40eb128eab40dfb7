"""The page benchmark's change to a round (bench/pages.py): it must reach the round's kept
values, or the figures `make bench` reports "after a change" are those of a page kept warm."""

import pytest

from bench.pages import RoundChange, RoundWideChange
from modellkoncept.models import LogEntry
from modellkoncept.roundvalues import GROUPS, IMPROVEMENT_WORK, round_value
from participants import actions as participant_actions
from participants.services import improvement_work_create
from rounds import actions as round_actions

pytestmark = pytest.mark.django_db


class Reads:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return self.count


def _work(participation, title):
    return improvement_work_create(
        participation=participation, title=title, description="Könsuppdelad uppföljning."
    )


def test_the_change_renews_the_rounds_kept_values_on_commit(
    world, django_capture_on_commit_callbacks
):
    _work(world.a1, "Jämställd resursfördelning i A")
    other = _work(world.a2, "Jämställd resursfördelning i B")
    reads = Reads()
    assert round_value("figures", world.round_a, reads) == 1
    assert round_value("figures", world.round_a, reads) == 1  # kept
    change = RoundChange(world.round_a, besides=world.a1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        change()

    assert callbacks  # the round's stamp is renewed again once the change commits
    assert round_value("figures", world.round_a, reads) == 2  # read afresh
    assert round_value("figures", world.round_b, Reads()) == 1  # another round's: its own
    # A change of another organisation than the measured one, by its strategist, logged.
    assert change.work.pk == other.pk
    other.refresh_from_db()
    assert other.title == "Jämställd resursfördelning i B (reviderad)"
    entry = LogEntry.objects.filter(action_type=participant_actions.WORK_UPDATED).latest("id")
    assert entry.user == world.strategist_a2
    assert entry.round_id == world.round_a.pk


def test_each_change_toggles_the_title_and_renews_the_values_again(world):
    work = _work(world.a2, "Lönekartläggning")
    change = RoundChange(world.round_a, besides=world.a1)
    reads = Reads()
    titles = []
    for expected in (1, 2, 3):
        assert round_value("figures", world.round_a, reads) == expected
        change()
        work.refresh_from_db()
        titles.append(work.title)

    assert titles == [
        "Lönekartläggning (reviderad)",
        "Lönekartläggning",
        "Lönekartläggning (reviderad)",
    ]
    assert round_value("figures", world.round_a, reads) == 4


def test_a_round_without_improvement_work_of_another_organisation_is_refused(world):
    _work(world.a1, "Jämställd resursfördelning i A")

    with pytest.raises(LookupError):
        RoundChange(world.round_a, besides=world.a1)


def test_the_round_wide_change_renews_every_kept_value_of_the_round(world):
    leader = world.leader
    every, groups, work = Reads(), Reads(), Reads()

    def read():
        return (
            round_value("every", world.round_a, every),
            round_value("groups", world.round_a, groups, reads=[GROUPS]),
            round_value("work", world.round_a, work, reads=[IMPROVEMENT_WORK]),
        )

    assert read() == (1, 1, 1)
    assert read() == (1, 1, 1)  # kept
    change = RoundWideChange(world.round_a, by=leader)
    name = world.round_a.name

    change()

    assert read() == (2, 2, 2)  # each read afresh, whatever it reads
    assert round_value("every", world.round_b, Reads()) == 1  # another round's: its own
    assert change.round.name == f"{name} (reviderad)"
    change()
    assert change.round.name == name
    entry = LogEntry.objects.filter(action_type=round_actions.ROUND_UPDATED).latest("id")
    assert entry.user == leader
    assert entry.round_id == world.round_a.pk

"""The page benchmark's change to a round (bench/pages.py): it must reach the round's kept
values, or the figures `make bench` reports "after a change" are those of a page kept warm."""

import pytest

from bench.pages import RoundChange
from modellkoncept.models import LogEntry
from modellkoncept.roundvalues import round_value
from participants import actions as participant_actions
from participants.services import improvement_work_create

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

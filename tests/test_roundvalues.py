"""A round's values kept for every viewer (modellkoncept.roundvalues): read once, read afresh
after a service changes the round, kept through the actions that change none of them."""

import pytest
from django.db import transaction

from checklist import actions as checklist_actions
from modellkoncept.actions import log_action
from modellkoncept.roundvalues import round_value
from rounds import actions as round_actions

pytestmark = pytest.mark.django_db


class Reads:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return self.count


def test_a_value_is_computed_once_until_a_service_changes_the_round(world):
    reads = Reads()
    assert round_value("figures", world.round_a, reads) == 1
    assert round_value("figures", world.round_a, reads) == 1
    assert round_value("figures", world.round_b, reads) == 2  # another round, its own value

    log_action(world.round_a, round_actions.ROUND_UPDATED, data={}, round_id=world.round_a.pk)

    assert round_value("figures", world.round_a, reads) == 3  # read afresh
    assert round_value("figures", world.round_b, reads) == 2  # the other round keeps its own


def test_an_action_of_no_round_renews_every_round(world):
    reads = Reads()
    round_value("figures", world.round_a, reads)
    round_value("figures", world.round_b, reads)

    log_action(world.leader, "accounts.person.updated", data={})

    assert round_value("figures", world.round_a, reads) == 3
    assert round_value("figures", world.round_b, reads) == 4


def test_an_autosave_keeps_the_rounds_values(world):
    reads = Reads()
    round_value("figures", world.round_a, reads)

    log_action(
        world.draft_a1,
        checklist_actions.ASSESSMENT_CHANGED,
        data={"changes": []},
        round_id=world.round_a.pk,
    )

    assert round_value("figures", world.round_a, reads) == 1


@pytest.mark.django_db(transaction=True)
def test_a_value_read_before_the_commit_is_not_kept_after_it(world):
    """Another request may read (and keep) the round's values while a change is not committed;
    the commit renews the key again, so what it kept is not read after."""
    reads = Reads()
    with transaction.atomic():
        log_action(world.round_a, round_actions.ROUND_UPDATED, data={}, round_id=world.round_a.pk)
        assert round_value("figures", world.round_a, reads) == 1  # as if before the commit
    assert round_value("figures", world.round_a, reads) == 2


def test_the_mentors_role_is_read_once_until_it_is_set(world, django_assert_num_queries):
    from rounds import mentoring

    mentoring.mentor_role_set(text="<p>Stötta gruppen</p>", by=world.leader)
    assert "Stötta gruppen" in mentoring.mentor_role().text
    with django_assert_num_queries(0):
        assert "Stötta gruppen" in mentoring.mentor_role().text

    mentoring.mentor_role_set(text="<p>Leda samtalet</p>", by=world.leader)

    assert "Leda samtalet" in mentoring.mentor_role().text

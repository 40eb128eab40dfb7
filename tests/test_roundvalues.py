"""A round's values kept for every viewer (modellkoncept.roundvalues): read once, read afresh
after a service changes the round, kept through the actions that change none of them."""

import re

import pytest
from django.db import transaction

from checklist import actions as checklist_actions
from modellkoncept import roundvalues
from modellkoncept.actions import ACTION_TYPES, log_action
from modellkoncept.roundvalues import round_value, round_values
from participants import actions as participant_actions
from participants.services import improvement_work_create, improvement_work_update
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


# Aspects: a value is read afresh after an action that changes what it reads, and only then


def test_a_value_is_kept_through_an_action_that_changes_nothing_it_reads(world):
    reads = Reads()
    spread = Reads()
    assert round_value("figures", world.round_a, reads, reads=[roundvalues.MEETINGS]) == 1
    assert round_value("spread", world.round_a, spread, reads=[roundvalues.IMPROVEMENT_WORK]) == 1

    log_action(world.a1, participant_actions.WORK_UPDATED, data={}, round_id=world.round_a.pk)

    assert round_value("figures", world.round_a, reads, reads=[roundvalues.MEETINGS]) == 1
    assert round_value("spread", world.round_a, spread, reads=[roundvalues.IMPROVEMENT_WORK]) == 2


def test_values_read_together_are_kept_and_renewed_each_by_what_it_reads(world, monkeypatch):
    figures, spread = Reads(), Reads()

    def together():
        return round_values(
            world.round_a,
            {
                "figures": (figures, [roundvalues.MEETINGS]),
                "spread": (spread, [roundvalues.IMPROVEMENT_WORK, roundvalues.PARTICIPANTS]),
            },
        )

    assert together() == {"figures": 1, "spread": 1}
    # Kept as each is alone, and read back in two requests to the cache.
    assert round_value("figures", world.round_a, figures, reads=[roundvalues.MEETINGS]) == 1
    requests = []
    monkeypatch.setattr(roundvalues.cache, "get_many", _counted(roundvalues.cache, requests))
    assert together() == {"figures": 1, "spread": 1}
    assert len(requests) == 2

    log_action(world.a1, participant_actions.WORK_UPDATED, data={}, round_id=world.round_a.pk)

    assert together() == {"figures": 1, "spread": 2}
    log_action(world.round_a, round_actions.MEETING_CREATED, data={}, round_id=world.round_a.pk)
    assert together() == {"figures": 2, "spread": 2}


def _counted(cache, requests):
    get_many = cache.get_many

    def counted(keys):
        requests.append(list(keys))
        return get_many(keys)

    return counted


def test_an_action_type_nobody_declared_renews_every_aspect(world):
    reads = Reads()
    for aspect in sorted(roundvalues.ASPECTS):
        round_value(f"figures-{aspect}", world.round_a, reads, reads=[aspect])

    log_action(world.round_a, "tests.undeclared", data={}, round_id=world.round_a.pk)

    for aspect in sorted(roundvalues.ASPECTS):
        before = reads.count
        round_value(f"figures-{aspect}", world.round_a, reads, reads=[aspect])
        assert reads.count == before + 1, aspect


def test_an_action_of_no_round_renews_what_every_round_reads_of_its_aspects(world):
    names = Reads()
    meetings = Reads()
    for round_ in (world.round_a, world.round_b):
        round_value("names", round_, names, reads=[roundvalues.PARTICIPANTS])
        round_value("meetings", round_, meetings, reads=[roundvalues.MEETINGS])

    log_action(world.a1.organisation, participant_actions.ORGANISATION_UPDATED, data={})

    assert round_value("names", world.round_a, names, reads=[roundvalues.PARTICIPANTS]) == 3
    assert round_value("names", world.round_b, names, reads=[roundvalues.PARTICIPANTS]) == 4
    assert round_value("meetings", world.round_a, meetings, reads=[roundvalues.MEETINGS]) == 1
    assert round_value("meetings", world.round_b, meetings, reads=[roundvalues.MEETINGS]) == 2


def test_an_unknown_aspect_is_refused(world):
    with pytest.raises(ValueError, match="Unknown aspects"):
        roundvalues.changes_round_values({"tests.action": ["improvement_works"]})
    with pytest.raises(ValueError, match="Unknown aspects"):
        round_value("figures", world.round_a, Reads(), reads=["meeting"])
    with pytest.raises(ValueError, match="declared twice"):
        roundvalues.changes_round_values({participant_actions.WORK_UPDATED: [roundvalues.MEETINGS]})


# Every action type against every kept value: what the service that logs it changes of what
# the round's pages keep, as its code says (the declarations of aspects must renew at least
# this). Written out by hand, action type by action type: a new action type fails
# `test_every_action_type_is_listed` until it is listed here.

WIDE = "dashboard"  # the dashboard's figures, groups, meetings, mentors, checklists, reports
SPREAD = "dashboard-spread"  # the dashboard's spread of improvement work
NAMES = "group-names"  # the organisation page's names of its group's members and mentors
GROUP = "group"  # the group page's members, their people by function, mentors and meetings
DUES = "result-report-dues"  # the organisation page's due dates of result reports
ROLE = "mentor-role"  # the mentor's role (kept for the whole site)
OF_THE_ROUND = {WIDE, SPREAD, NAMES, GROUP, DUES}

CHANGES = {
    # People erased lose their names (GROUP shows people by function).
    "accounts.person.erased": {GROUP},
    "checklist.assessment.started": {WIDE},  # its level's checklist is fixed from then on
    "checklist.assessment.changed": set(),  # answers: nothing kept shows them
    "checklist.assessment.submitted": set(),
    "checklist.assessment.closed": set(),
    "checklist.assessment.reopened": set(),
    "checklist.assessment.remarked": set(),
    "checklist.assessment.recorded": {WIDE},
    "checklist.version.created": {WIDE},  # a version to choose
    "checklist.round.checklist_chosen": {WIDE},
    "participants.organisation.created": set(),  # in no round yet
    "participants.organisation.decision_recorded": set(),
    "participants.organisation.updated": {WIDE, NAMES, GROUP},  # its name
    "participants.participation.added": {WIDE},
    "participants.participation.withdrawn": {WIDE, SPREAD, GROUP},
    "participants.participation.fee_set": set(),
    "participants.function.assigned": {WIDE, GROUP},  # attendance counts by function
    "participants.person.invited": {WIDE, GROUP},  # with functions
    "participants.person.updated": {WIDE, GROUP},  # a name corrected, a function taken away
    "participants.invitation.created": set(),
    "participants.invitation.sent": set(),
    "participants.invitation.accepted": set(),
    "participants.invitation.resent": set(),
    "participants.invitation.revoked": set(),
    "participants.improvement_work.created": {SPREAD},
    "participants.improvement_work.updated": {SPREAD},  # its step on the result chain
    "participants.improvement_work.progress_noted": set(),
    "participants.improvement_work.shared": set(),
    "participants.improvement_work.approved": set(),
    "participants.improvement_work.approval_withdrawn": set(),
    "participants.application.submitted": set(),
    "participants.application.accepted": {WIDE},  # an organisation enrolled
    "participants.application.declined": set(),
    # The round itself: its dates, status, the mentor pool its completion fills.
    "rounds.round.created": set(),
    "rounds.round.updated": OF_THE_ROUND,
    "rounds.round.activated": OF_THE_ROUND,
    "rounds.round.completed": OF_THE_ROUND,
    "rounds.round.reopened": OF_THE_ROUND,
    "rounds.schedule.generated": {WIDE, GROUP},
    "rounds.group.created": {WIDE, NAMES, GROUP},
    "rounds.group.updated": {WIDE},  # its name
    "rounds.group.deleted": {WIDE, NAMES, GROUP},
    "rounds.group.member_placed": {WIDE, NAMES, GROUP},
    "rounds.group.member_removed": {WIDE, NAMES, GROUP},
    "rounds.mentor.assigned": {WIDE, NAMES, GROUP},
    "rounds.mentor.removed": {WIDE, NAMES, GROUP},
    "rounds.mentor.locked": set(),
    "rounds.meeting.created": {WIDE, GROUP},
    "rounds.meeting.updated": {WIDE, GROUP},
    "rounds.meeting.deleted": {WIDE, GROUP},
    "rounds.attendance.recorded": {WIDE},
    "rounds.meeting.agenda_set": set(),
    "rounds.material.added": set(),
    "rounds.material.removed": set(),
    "rounds.library.added": set(),
    "rounds.library.removed": set(),
    "rounds.mentor_note.written": set(),
    "rounds.mentor_role.set": {ROLE},
    "rounds.evaluation.statements_set": set(),
    "rounds.result_report.started": set(),  # a draft: the figures count those submitted
    "rounds.result_report.changed": set(),
    "rounds.result_report.submitted": {WIDE},
    "rounds.result_report.reopened": {WIDE},
    "rounds.result_report.commented": set(),
    "rounds.result_report.recorded": {WIDE},
    "rounds.result_report.due_set": {DUES},
    "reports.summary.next_steps_saved": set(),
}
# Actions of no round (of the programme, an organisation or a person): they reach every round.
OF_NO_ROUND = {
    "accounts.person.erased",
    "checklist.version.created",
    "participants.organisation.created",
    "participants.organisation.decision_recorded",
    "participants.organisation.updated",
    "rounds.library.added",
    "rounds.library.removed",
    "rounds.mentor_role.set",
    "rounds.evaluation.statements_set",
}
# What the frequent actions of a busy round must leave kept, or the finer stamps buy nothing.
KEEPS = {
    "participants.improvement_work.updated": OF_THE_ROUND - {SPREAD},
    "participants.improvement_work.created": OF_THE_ROUND - {SPREAD},
    "checklist.assessment.changed": OF_THE_ROUND,
    "checklist.assessment.submitted": OF_THE_ROUND,
    "rounds.result_report.changed": OF_THE_ROUND,
    "rounds.attendance.recorded": OF_THE_ROUND - {WIDE},
    "rounds.meeting.agenda_set": {SPREAD, NAMES, DUES},
}


def _read_kept_values(world):
    """Every kept value, read through the code that keeps it."""
    from participants.selectors import group_names
    from rounds.mentoring import mentor_role
    from rounds.selectors import round_dashboard
    from rounds.selectors.groups import group_page
    from rounds.selectors.result_reports import organisation_reports

    round_dashboard(round=world.round_a)
    group_names(world.a1)
    group_page(group=world.ga1, user=world.leader)
    organisation_reports(participation=world.a1, user=world.leader)
    mentor_role()


@pytest.fixture
def computed(monkeypatch):
    """The kept values read afresh (by name, without an object's id) since the last clear."""
    names = set()
    keep = roundvalues._kept

    def counted(key, compute):
        def computing():
            name = key.removeprefix(f"{roundvalues._prefix()}:").split(":", 1)[0]
            names.add(re.sub(r"-\d+$", "", name))
            return compute()

        return computing

    def spy(values):  # {key: compute}, a key `<prefix>:<name>:…`
        return keep({key: counted(key, compute) for key, compute in values.items()})

    monkeypatch.setattr(roundvalues, "_kept", spy)
    return names


def test_every_action_type_is_listed():
    assert set(CHANGES) == set(ACTION_TYPES)
    assert set(CHANGES) >= OF_NO_ROUND
    assert set(roundvalues._changes) <= set(ACTION_TYPES)  # no declaration of a misspelt type


@pytest.mark.parametrize("action_type", sorted(CHANGES))
def test_an_action_renews_the_kept_values_it_changes(world, computed, action_type):
    _read_kept_values(world)
    computed.clear()
    _read_kept_values(world)
    assert computed == set()  # every one kept

    if action_type in OF_NO_ROUND:
        log_action(world.leader, action_type, data={})
    else:
        log_action(world.round_a, action_type, data={}, round_id=world.round_a.pk)
    _read_kept_values(world)

    assert CHANGES[action_type] <= computed, f"{action_type} leaves a changed value kept"
    assert not KEEPS.get(action_type, set()) & computed


def test_an_improvement_work_renamed_renews_the_spread_alone(world, computed):
    work = improvement_work_create(participation=world.a1, title="Lönekartläggning")
    _read_kept_values(world)
    computed.clear()

    improvement_work_update(work=work, title="Lönekartläggning 2026")
    _read_kept_values(world)

    assert computed == {SPREAD}


def test_a_function_taken_away_renews_the_dashboards_people(world):
    from participants.services import function_assign, person_update
    from rounds.selectors import round_dashboard

    def coverage():
        rows = round_dashboard(round=world.round_a).page.object_list
        (row,) = [row for row in rows if row.participation_id == world.a1.pk]
        return [count for _label, count in row.coverage]

    function_assign(participation=world.a1, person=world.manager_a1, function="strateg")
    assert coverage() == [1, 1, 2]
    person_update(
        participation=world.a1,
        person=world.manager_a1,
        full_name="Cecilia Chef",
        email="chef@aby.se",
        functions=["chef"],
    )

    assert coverage() == [1, 1, 1]


def test_a_transaction_rolled_back_leaves_nothing_for_a_later_commit_to_renew(
    world, django_capture_on_commit_callbacks
):
    """Its stamps were renewed at once; a commit that follows renews its own alone (renewals
    left over from rolled-back transactions once piled up in a test process, and one commit
    wrote them all to the cache, pushing other entries out of a bounded cache)."""
    reads = Reads()
    with transaction.atomic():
        roundvalues.renew_on_commit(world.round_a.pk, "tests.undeclared")
        transaction.set_rollback(True)
    assert round_value("figures", world.round_a, reads) == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        roundvalues.renew_on_commit(world.round_b.pk, "tests.undeclared")

    assert len(callbacks) == 1
    assert round_value("figures", world.round_a, reads) == 1  # still kept

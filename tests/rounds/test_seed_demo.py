import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from checklist.models import Answer, SelfAssessment
from participants.models import REQUIRED_FUNCTIONS, ImprovementWork, Organisation, Participation
from rounds.demo import (
    ACTIVE_SLUG,
    DEMO_PASSWORD,
    EARLIER_SLUG,
    PROJECT_LEADER_EMAIL,
    SECOND_SLUG,
)
from rounds.models import GroupMentor, Meeting, Round

# The day the demo was written for: the active round has meetings on both sides of it.
DEMO_TODAY = dt.date(2026, 11, 24)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker, demo_day_module):
    """The demo, built once for the module (a build takes about a second) inside a transaction
    that is rolled back when the module is done; each test runs in a savepoint within it."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _seed()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db):
    """What the first run of seed_demo printed; the database holds the demo."""
    return _seeded


def test_loads_reference_organisations_and_both_rounds_with_their_statuses(demo):
    assert Organisation.objects.count() >= 311
    assert Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).count() == 290
    assert Organisation.objects.filter(kind=Organisation.Kind.REGION).count() == 21
    assert Round.objects.get(slug=EARLIER_SLUG).status == Round.Status.COMPLETED
    assert Round.objects.get(slug=SECOND_SLUG).status == Round.Status.COMPLETED
    active = Round.objects.get(slug=ACTIVE_SLUG)
    assert active.status == Round.Status.ACTIVE
    assert (active.starts_on, active.ends_on) == (dt.date(2025, 9, 1), dt.date(2027, 6, 30))


def test_every_active_participant_is_in_a_group_of_two_or_three(demo):
    participants = Participation.objects.filter(
        round__slug=ACTIVE_SLUG, role=Participation.Role.PARTICIPANT
    )
    assert 6 <= participants.count() <= 7
    assert not participants.filter(group__isnull=True).exists()
    sizes = Round.objects.get(slug=ACTIVE_SLUG).groups.annotate(size=Count("members"))
    assert len(sizes) == 3
    assert all(group.size in (2, 3) for group in sizes)


def _names(participations) -> set[str]:
    return set(participations.values_list("organisation__name", flat=True))


def test_the_history_is_the_documented_rounds(demo):
    """Seeds 001 and 002: November 2020 to May 2022, Karlstad, Karlskrona, Kramfors and
    Vaxholm with Kalmar and Örnsköldsvik as mentors. Seed 000 and report 004 (Table 1): the
    2019–2020 municipalities, their mentors, Botkyrka and Askersund withdrawing, the call."""
    second = Round.objects.get(slug=SECOND_SLUG)
    assert second.name == "Modellkommuner 2020–2022"
    assert (second.starts_on.year, second.starts_on.month) == (2020, 11)
    assert (second.ends_on.year, second.ends_on.month) == (2022, 5)
    assert _names(second.participations.filter(role="participant")) == {
        "Karlstad",
        "Karlskrona",
        "Kramfors",
        "Vaxholm",
    }
    assert _names(second.participations.filter(role="mentor")) == {"Kalmar", "Örnsköldsvik"}

    earlier = Round.objects.get(slug=EARLIER_SLUG)
    assert earlier.name == "Modellkommuner 2019–2020"
    assert earlier.starts_on == dt.date(2019, 2, 7)  # the start-up in Stockholm (seed 000)
    assert (earlier.application_deadline, earlier.decision_by) == (
        dt.date(2018, 10, 30),
        dt.date(2018, 11, 20),
    )
    participants = earlier.participations.filter(role="participant")
    assert _names(participants) == {
        "Trelleborg",
        "Olofström",
        "Östra Göinge",
        "Botkyrka",
        "Västerås",
        "Södertälje",
        "Kalmar",
        "Fagersta",
        "Askersund",
        "Nordmaling",
        "Örnsköldsvik",
        "Robertsfors",
        "Kalix",
        "Övertorneå",
    }
    assert _names(participants.filter(withdrawn_on__isnull=False)) == {"Botkyrka", "Askersund"}
    assert _names(earlier.participations.filter(role="mentor")) == {
        "Kristianstad",
        "Malmö",
        "Uppsala",
        "Norrtälje",
        "Hedemora",
        "Vännäs",
        "Umeå",
        "Boden",
        "Luleå",
        "Piteå",
    }


def test_the_active_round_is_named_for_its_years_and_said_to_be_invented(demo):
    active = Round.objects.get(slug=ACTIVE_SLUG)
    assert f"{active.starts_on.year}–{active.ends_on.year}" in active.name
    assert "demo" in active.name
    assert "påhittad" in active.description
    # The fees are set for each organisation (seed 001): invented here, and differentiated.
    fees = active.participations.filter(role="participant").values_list("fee", flat=True)
    assert None not in fees
    assert len(set(fees)) > 1


def test_every_active_group_has_a_primary_mentor_that_completed_an_earlier_round(demo):
    active = Round.objects.get(slug=ACTIVE_SLUG)
    participant_orgs = set(
        active.participations.filter(role=Participation.Role.PARTICIPANT).values_list(
            "organisation_id", flat=True
        )
    )
    completed_earlier = set(
        Participation.objects.filter(
            round__slug__in=[EARLIER_SLUG, SECOND_SLUG], completed_on__isnull=False
        ).values_list("organisation_id", flat=True)
    )
    for group in active.groups.all():
        primary = GroupMentor.objects.select_related("participation").get(
            group=group, is_primary=True
        )
        organisation_id = primary.participation.organisation_id
        assert primary.participation.role == Participation.Role.MENTOR
        assert organisation_id in completed_earlier, group.name
        assert organisation_id not in participant_orgs, group.name
    # "Olofström med stöd av Östra Göinge": one group has a supporting mentor as well.
    supporting = GroupMentor.objects.filter(group__round=active, is_primary=False)
    assert [m.participation.organisation.name for m in supporting] == ["Östra Göinge"]


def test_every_participant_of_both_rounds_has_the_three_required_functions(demo):
    participants = Participation.objects.filter(role=Participation.Role.PARTICIPANT)
    assert participants.count() >= 15
    for participation in participants:
        functions = set(participation.function_assignments.values_list("function", flat=True))
        assert set(REQUIRED_FUNCTIONS) <= functions, participation
    strategists = Count("function_assignments", filter=Q(function_assignments__function="strateg"))
    assert participants.annotate(n=strategists).filter(n__gte=2).exists()
    mentors = Participation.objects.filter(round__slug=ACTIVE_SLUG, role="mentor")
    assert not mentors.filter(function_assignments__isnull=True).exists()


def test_submitted_assessments_have_every_score_and_one_draft_is_under_way(demo):
    submitted = SelfAssessment.objects.filter(status=SelfAssessment.Status.SUBMITTED)
    assert submitted.count() > 20
    for assessment in submitted.annotate(
        scored=Count("answers", filter=Q(answers__score__isnull=False))
    ):
        assert assessment.scored == 10, assessment
    assert submitted.filter(submitted_by__isnull=True).count() == 0
    # Written as it happened: each one submitted before its meeting, not on the day of seeding.
    for assessment in submitted.select_related("meeting"):
        assert assessment.submitted_at < assessment.meeting.starts_at, assessment
    # Every member assessed learning meetings 1 and 2 of the active round.
    for meeting in Meeting.objects.filter(
        round__slug=ACTIVE_SLUG, kind=Meeting.Kind.LEARNING_MEETING, number__in=(1, 2)
    ):
        members = set(meeting.group.members.values_list("pk", flat=True))
        assessed = set(submitted.filter(meeting=meeting).values_list("participation", flat=True))
        assert assessed == members, meeting.key
    draft = SelfAssessment.objects.get(status=SelfAssessment.Status.DRAFT)
    assert draft.meeting.number == 3
    assert draft.meeting.starts_at.date() > DEMO_TODAY
    assert Answer.objects.filter(assessment=draft, score__isnull=True).exists()


def test_the_withdrawn_organisations_did_not_complete_and_the_others_did(demo):
    earlier = Participation.objects.filter(round__slug=EARLIER_SLUG, role="participant")
    withdrawn = earlier.filter(withdrawn_on__isnull=False)
    assert withdrawn.count() == 2
    for participation in withdrawn:
        assert participation.completed_on is None
        assert participation.withdrawal_reason
    stayed = earlier.filter(withdrawn_on__isnull=True)
    assert stayed.count() == 12
    assert set(stayed.values_list("completed_on", flat=True)) == {dt.date(2020, 2, 28)}


def test_active_round_meetings_are_aware_and_lie_on_both_sides_of_today(demo):
    meetings = Meeting.objects.filter(round__slug=ACTIVE_SLUG)
    assert {Meeting.Kind.WEB_TRAINING, Meeting.Kind.RESULT_CONFERENCE} <= set(
        meetings.values_list("kind", flat=True)
    )
    for meeting in meetings:
        assert timezone.is_aware(meeting.starts_at)
        assert dt.date(2025, 9, 1) <= meeting.starts_at.date() <= dt.date(2027, 6, 30)
    learning = meetings.filter(kind=Meeting.Kind.LEARNING_MEETING, assessment_due=True)
    assert learning.filter(starts_at__date__lt=DEMO_TODAY).count() == 6
    assert learning.filter(starts_at__date__gt=DEMO_TODAY).count() == 3
    first = meetings.get(key="learning-meeting-1-grupp-syd")
    assert timezone.localtime(first.starts_at).hour == 9  # 09:00 in Stockholm, not in UTC


def test_running_it_twice_changes_no_row_counts(demo):
    def counts():
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    before = counts()
    output = _seed()
    assert counts() == before
    assert "already loaded" in output


def test_refuses_to_build_when_only_one_demo_round_exists(demo):
    Round.objects.get(slug=EARLIER_SLUG).delete()
    people = User.objects.count()
    with pytest.raises(CommandError, match=ACTIVE_SLUG):
        _seed()
    assert not Round.objects.filter(slug=EARLIER_SLUG).exists()
    assert User.objects.count() == people


def test_output_lists_the_sign_ins_and_the_password_once(demo):
    assert PROJECT_LEADER_EMAIL in demo
    assert "sara.lindgren@ronneby.se" in demo
    assert "anna.lindqvist@olofstrom.se" in demo
    assert demo.count(DEMO_PASSWORD) == 1


def test_demo_accounts_can_sign_in_with_the_demo_password(demo, client):
    leader = User.objects.get(email=PROJECT_LEADER_EMAIL)
    assert leader.is_project_leader
    assert client.login(username=PROJECT_LEADER_EMAIL, password=DEMO_PASSWORD)
    client.logout()
    assert client.login(username="sara.lindgren@ronneby.se", password=DEMO_PASSWORD)
    assert not client.login(username=PROJECT_LEADER_EMAIL, password="wrong-password")


def test_the_active_round_shows_work_shared_with_a_group_and_work_in_the_library(demo):
    """The demo shows both kinds of sharing: a work its group's other members read, and an
    approved good example in the library."""
    works = ImprovementWork.objects.filter(participation__round__slug=ACTIVE_SLUG)
    for_group = works.get(sharing=ImprovementWork.Sharing.GROUP)
    peers = Participation.objects.filter(group=for_group.participation.group).exclude(
        pk=for_group.participation.pk
    )
    assert for_group.participation.group is not None
    assert peers.exists()
    example = works.get(sharing=ImprovementWork.Sharing.PROGRAMME)
    assert example.approved_on is not None

"""Organisations, participations, functions and invitations: the invariants hold in
`full_clean()` and in the database itself."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from participants.models import (
    FunctionAssignment,
    ImprovementWork,
    Invitation,
    Organisation,
    Participation,
)
from tests.accounts.factories import UserFactory
from tests.participants.factories import OrganisationFactory, ParticipationFactory
from tests.rounds.factories import GroupFactory, MeetingFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the Swedish catalogue is the translators' to word."""
    with translation.override("en"):
        yield


SWEDISH_MO = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.mo"


def _saved_without_clean(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


# Organisation


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("59.3"), None), (None, Decimal("18.1"))],
)
def test_organisation_needs_both_coordinates_or_neither(latitude, longitude):
    organisation = Organisation(
        code="9901", name="Halvby", kind="kommun", latitude=latitude, longitude=longitude
    )

    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert "Give both latitude and longitude, or neither." in excinfo.value.messages
    _saved_without_clean(organisation)
    assert not Organisation.objects.filter(code="9901").exists()


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("59.3"), None), (Decimal("91"), Decimal("18.1"))],
    ids=["half-a-coordinate", "beyond-the-pole"],
)
def test_organisation_errors_are_written_for_people(latitude, longitude):
    organisation = Organisation(
        code="9901", name="Halvby", kind="kommun", latitude=latitude, longitude=longitude
    )

    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert not [m for m in excinfo.value.messages if "organisation_" in m]
    assert len(excinfo.value.messages) == 1


def test_organisation_without_coordinates_is_valid():
    organisation = Organisation(code="9902", name="Förbundet", kind="other")

    organisation.full_clean()
    organisation.save()

    assert Organisation.objects.get(code="9902").latitude is None


def test_database_refuses_a_latitude_beyond_the_pole():
    _saved_without_clean(
        Organisation(
            code="9903", name="Nordpolen", kind="other", latitude=Decimal("91"), longitude=0
        )
    )


def test_political_decision_needs_its_kind():
    organisation = OrganisationFactory(code="9904")
    organisation.political_decision_on = dt.date(2024, 3, 1)

    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert "political_decision_kind" in excinfo.value.message_dict
    _saved_without_clean(organisation)


def test_organisation_code_is_unique():
    OrganisationFactory(code="0114", name="Upplands Väsby")

    _saved_without_clean(Organisation(code="0114", name="Kopia", kind="kommun"))


# Participation


def test_a_withdrawal_may_have_no_recorded_reason():
    """SKR's history often records that an organisation withdrew and not why."""
    participation = ParticipationFactory()
    participation.withdrawn_on = dt.date(2026, 5, 1)
    participation.withdrawal_reason = ""

    participation.full_clean()
    participation.save()
    participation.refresh_from_db()
    assert (participation.withdrawn_on, participation.withdrawal_reason) == (
        dt.date(2026, 5, 1),
        "",
    )


def test_participation_cannot_be_both_withdrawn_and_completed():
    participation = ParticipationFactory(
        withdrawn_on=dt.date(2026, 5, 1), withdrawal_reason="Omorganisation"
    )
    participation.completed_on = dt.date(2027, 12, 31)

    with pytest.raises(ValidationError) as excinfo:
        participation.full_clean()
    assert "completed_on" in excinfo.value.message_dict
    _saved_without_clean(participation)


def test_mentor_does_not_complete_a_round():
    mentor = ParticipationFactory(role=Participation.Role.MENTOR)
    mentor.completed_on = dt.date(2027, 12, 31)

    with pytest.raises(ValidationError) as excinfo:
        mentor.full_clean()
    assert "completed_on" in excinfo.value.message_dict
    _saved_without_clean(mentor)


def test_only_participants_belong_to_groups():
    round_ = RoundFactory()
    group = GroupFactory(round=round_)
    mentor = ParticipationFactory(round=round_, role=Participation.Role.MENTOR)
    mentor.group = group

    with pytest.raises(ValidationError) as excinfo:
        mentor.full_clean()
    assert excinfo.value.message_dict == {
        "group": ["Only participants belong to a benchmarking group."]
    }
    _saved_without_clean(mentor)
    assert not group.members.exists()


def test_participant_in_a_group_of_another_round_is_refused_by_full_clean():
    participation = ParticipationFactory(round=RoundFactory(slug="omgang-1"))
    participation.group = GroupFactory(round=RoundFactory(slug="omgang-2"))

    with pytest.raises(ValidationError) as excinfo:
        participation.full_clean()
    assert excinfo.value.message_dict == {"group": ["The group belongs to another round."]}


def test_organisation_takes_part_once_per_round():
    participation = ParticipationFactory()

    _saved_without_clean(
        Participation(round=participation.round, organisation=participation.organisation)
    )
    assert Participation.objects.count() == 1


def test_mentor_capacity_must_be_positive():
    _saved_without_clean(
        Participation(
            round=RoundFactory(),
            organisation=OrganisationFactory(),
            role=Participation.Role.MENTOR,
            mentor_capacity=0,
        )
    )


# Functions, invitations, improvement work


def test_person_holds_a_function_once():
    participation = ParticipationFactory()
    person = UserFactory()
    FunctionAssignment.objects.create(participation=participation, person=person, function="chef")

    duplicate = FunctionAssignment(participation=participation, person=person, function="chef")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "The person already holds this function." in excinfo.value.messages
    _saved_without_clean(duplicate)
    assert FunctionAssignment.objects.count() == 1


def test_invitation_must_expire_after_it_was_sent():
    now = timezone.now()
    invitation = Invitation(
        participation=ParticipationFactory(),
        person=UserFactory(),
        token_hash="0" * 64,
        created_at=now,
        expires_at=now,
    )

    _saved_without_clean(invitation)


def test_improvement_work_cannot_come_from_a_meeting_of_another_round():
    participation = ParticipationFactory(round=RoundFactory(slug="omgang-1"))
    other_meeting = MeetingFactory(round=RoundFactory(slug="omgang-2"))
    work = ImprovementWork(
        participation=participation, title="Jämställd hemtjänst", origin_meeting=other_meeting
    )

    with pytest.raises(ValidationError) as excinfo:
        work.full_clean()
    assert "origin_meeting" in excinfo.value.message_dict


def test_invitation_is_usable_until_accepted_or_expired():
    now = timezone.now()
    invitation = Invitation(created_at=now, expires_at=now + dt.timedelta(days=1))
    assert invitation.is_usable
    invitation.accepted_at = now
    assert not invitation.is_usable
    invitation.accepted_at = None
    invitation.expires_at = now - dt.timedelta(seconds=1)
    assert not invitation.is_usable


# How the objects read


def test_str_reads_well_in_english():
    round_ = RoundFactory(name="Modellkommuner 2026–2027", slug="mk-2026")
    organisation = OrganisationFactory(code="0180", name="Stockholm")
    participation = ParticipationFactory(round=round_, organisation=organisation)
    person = UserFactory(full_name="Sara Strateg")
    assignment = FunctionAssignment.objects.create(
        participation=participation, person=person, function="strateg"
    )

    assert str(organisation) == "Stockholm"
    assert str(participation) == "Stockholm in Modellkommuner 2026–2027"
    assert str(assignment) == "Sara Strateg, strategist/key person, Stockholm"


@pytest.mark.skipif(not SWEDISH_MO.exists(), reason="the Swedish catalogue is not compiled yet")
def test_str_reads_well_in_swedish():
    round_ = RoundFactory(name="Modellkommuner 2026–2027", slug="mk-2026")
    organisation = OrganisationFactory(code="0180", name="Stockholm")
    participation = ParticipationFactory(round=round_, organisation=organisation)

    with translation.override("sv"):
        text = str(participation)
    assert text.startswith("Stockholm")
    assert text.endswith("Modellkommuner 2026–2027")
    assert " i " in text
    assert " in " not in text

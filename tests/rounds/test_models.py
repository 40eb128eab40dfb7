"""Rounds, groups, mentors and meetings: the invariants hold in `full_clean()` and in the
database itself."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from participants.models import Participation
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round
from tests.participants.factories import OrganisationFactory, ParticipationFactory
from tests.rounds.factories import GroupFactory, MeetingFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the Swedish catalogue is the translators' to word."""
    with translation.override("en"):
        yield


def _saved_without_clean(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


# Round


def test_round_cannot_end_before_it_starts():
    round_ = RoundFactory.build(
        slug="baklanges", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 5, 31)
    )

    with pytest.raises(ValidationError) as excinfo:
        round_.full_clean()
    assert excinfo.value.message_dict["ends_on"] == ["A round cannot end before it starts."]
    _saved_without_clean(round_)
    assert not Round.objects.filter(slug="baklanges").exists()


def test_round_of_one_day_is_allowed():
    round_ = RoundFactory.build(
        slug="en-dag", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 1)
    )

    round_.full_clean()
    round_.save()

    assert Round.objects.get(slug="en-dag").ends_on == dt.date(2026, 6, 1)


def test_round_slug_is_unique():
    RoundFactory(slug="omgang-2026")

    _saved_without_clean(RoundFactory.build(slug="omgang-2026", name="Kopia"))


def test_group_name_is_unique_in_its_round_only():
    first, second = RoundFactory(slug="r1"), RoundFactory(slug="r2")
    GroupFactory(round=first, name="Grupp Norr")
    GroupFactory(round=second, name="Grupp Norr")  # another round: fine

    duplicate = BenchmarkingGroup(round=first, name="Grupp Norr")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "The round already has a group with this name." in excinfo.value.messages
    _saved_without_clean(duplicate)


# Mentors


def _mentor(round_, code):
    return ParticipationFactory(
        round=round_, organisation=OrganisationFactory(code=code), role="mentor"
    )


def test_group_has_one_primary_mentor():
    round_ = RoundFactory()
    group = GroupFactory(round=round_)
    GroupMentor.objects.create(group=group, participation=_mentor(round_, "1280"))
    second = GroupMentor(group=group, participation=_mentor(round_, "1290"), is_primary=True)

    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert excinfo.value.message_dict[NON_FIELD_ERRORS] == [
        "The group already has a primary mentor."
    ]
    _saved_without_clean(second)
    assert group.mentorships.count() == 1


def test_group_may_have_supporting_mentors_beside_the_primary():
    round_ = RoundFactory()
    group = GroupFactory(round=round_)
    GroupMentor.objects.create(group=group, participation=_mentor(round_, "1280"))

    support = GroupMentor(group=group, participation=_mentor(round_, "1290"), is_primary=False)
    support.full_clean()
    support.save()

    assert list(group.mentorships.values_list("is_primary", flat=True)) == [True, False]


def test_mentor_must_take_part_in_the_groups_round_as_mentor():
    round_ = RoundFactory(slug="r1")
    group = GroupFactory(round=round_)
    participant = ParticipationFactory(round=round_, organisation=OrganisationFactory(name="Aby"))
    other_round_mentor = _mentor(RoundFactory(slug="r2"), "1280")

    with pytest.raises(ValidationError) as excinfo:
        GroupMentor(group=group, participation=participant).full_clean()
    assert excinfo.value.messages == ["Aby is a participant of this round and cannot mentor in it."]
    with pytest.raises(ValidationError) as excinfo:
        GroupMentor(group=group, participation=other_round_mentor).full_clean()
    assert excinfo.value.messages == ["The mentor takes part in another round."]


def test_group_mentor_reads_well():
    round_ = RoundFactory()
    group = GroupFactory(round=round_, name="GA1")
    mentorship = GroupMentor.objects.create(
        group=group,
        participation=ParticipationFactory(
            round=round_,
            organisation=OrganisationFactory(code="1290", name="Kristianstad"),
            role=Participation.Role.MENTOR,
        ),
    )

    assert str(mentorship) == "Kristianstad mentors GA1"


# Meetings


@pytest.mark.parametrize("length", [dt.timedelta(0), dt.timedelta(hours=-1)])
def test_meeting_ends_after_it_starts(length):
    start = timezone.now() + dt.timedelta(days=3)
    meeting = MeetingFactory.build(
        round=RoundFactory(), key="fel", starts_at=start, ends_at=start + length
    )

    with pytest.raises(ValidationError) as excinfo:
        meeting.full_clean()
    assert excinfo.value.message_dict["ends_at"] == ["A meeting must end after it starts."]
    _saved_without_clean(meeting)
    assert not Meeting.objects.filter(key="fel").exists()


def test_meeting_key_is_unique_within_its_round_only():
    first, second = RoundFactory(slug="r1"), RoundFactory(slug="r2")
    MeetingFactory(round=first, key="larandetraff-1")
    MeetingFactory(round=second, key="larandetraff-1")  # another round: fine

    duplicate = MeetingFactory.build(round=first, key="larandetraff-1")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "The round already has a meeting with this key." in excinfo.value.messages
    _saved_without_clean(duplicate)
    assert Meeting.objects.filter(key="larandetraff-1").count() == 2


def test_group_meeting_belongs_to_the_groups_round():
    meeting = MeetingFactory.build(
        round=RoundFactory(slug="r1"), group=GroupFactory(round=RoundFactory(slug="r2"))
    )

    with pytest.raises(ValidationError) as excinfo:
        meeting.full_clean()
    assert "group" in excinfo.value.message_dict


def test_round_and_meeting_read_as_their_names():
    round_ = RoundFactory(name="Modellregioner 2026", slug="mr-2026")
    meeting = MeetingFactory(round=round_, title="Lärandeträff 2")

    assert str(round_) == "Modellregioner 2026"
    assert str(meeting) == "Lärandeträff 2"
    assert round_.is_open_for_changes
    round_.status = Round.Status.COMPLETED
    assert not round_.is_open_for_changes

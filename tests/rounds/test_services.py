"""Rounds, groups, mentors and meetings: the rounds' services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from checklist import services as checklist_services
from checklist.models import ChecklistVersion
from modellkoncept.errors import DomainError
from participants import services as participant_services
from participants.models import Participation
from rounds import services
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _round(name="Omgång A", **kwargs):
    return services.round_create(
        name=name, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31), **kwargs
    )


def _add(round_, code, name, role=Participation.Role.PARTICIPANT):
    return participant_services.participation_add(
        round=round_, organisation=OrganisationFactory(code=code, name=name), role=role
    )


@pytest.fixture
def round_a():
    return _round()


@pytest.fixture
def members(round_a):
    return [
        _add(round_a, code, name)
        for code, name in [("9101", "Aby"), ("9102", "Bby"), ("9103", "Cby"), ("9104", "Dby")]
    ]


@pytest.fixture
def mentor(round_a):
    return _add(round_a, "9201", "Mentorstad", Participation.Role.MENTOR)


def _reload(participations):
    return [Participation.objects.get(pk=p.pk) for p in participations]


# Rounds


def test_round_create_defaults_to_the_classic_checklist():
    round_ = _round(name="  Modellkommuner Norr 2026 ")

    assert round_.checklist_version.slug == "skr-10-1-3"
    assert round_.name == "Modellkommuner Norr 2026"
    assert round_.slug == "modellkommuner-norr-2026"
    assert round_.status == Round.Status.PLANNING
    assert Round.objects.get(pk=round_.pk).checklist_version.items.count() == 10


def test_round_create_takes_another_checklist_version():
    version = ChecklistVersion.objects.create(
        slug="skr-2024-1-4", name_sv="Checklista 2024", scale_min=1, scale_max=4
    )

    _round(checklist_version=version, slug="mr-2026")

    assert Round.objects.get(slug="mr-2026").checklist_version == version


def test_round_create_refuses_an_end_before_the_start():
    with pytest.raises(ValidationError) as excinfo:
        services.round_create(
            name="Baklänges", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 1, 1)
        )
    assert "ends_on" in excinfo.value.message_dict
    assert not Round.objects.exists()


def test_round_create_takes_reminders_notice_and_applications():
    round_ = _round(reminder_days=[10, 3], meeting_notice_days=21, accepts_applications=True)

    saved = Round.objects.get(pk=round_.pk)
    assert (saved.reminder_days, saved.meeting_notice_days) == ([10, 3], 21)
    assert saved.accepts_applications is True


def test_round_create_without_reminders_sends_none():
    round_ = _round(reminder_days=[])

    assert Round.objects.get(pk=round_.pk).reminder_days == []


def test_round_create_refuses_bad_reminders_and_creates_nothing():
    with pytest.raises(ValidationError) as excinfo:
        _round(reminder_days=[0, 90])

    assert excinfo.value.message_dict == {
        "reminder_days": ["Give whole numbers of days between 1 and 60."]
    }
    assert not Round.objects.exists()


def test_round_goes_from_planning_to_active_to_completed(round_a):
    active = services.round_activate(round=round_a)
    assert Round.objects.get(pk=round_a.pk).status == Round.Status.ACTIVE
    assert active.status == Round.Status.ACTIVE

    services.round_complete(round=round_a, on=dt.date(2027, 12, 15))
    assert Round.objects.get(pk=round_a.pk).status == Round.Status.COMPLETED


def test_round_activate_refuses_a_round_not_in_planning(round_a):
    services.round_activate(round=round_a)

    with pytest.raises(DomainError, match="Only a round in planning can be started"):
        services.round_activate(round=round_a)
    assert Round.objects.get(pk=round_a.pk).status == Round.Status.ACTIVE


def test_round_complete_refuses_a_round_in_planning(round_a, members):
    with pytest.raises(DomainError, match="Only an active round can be completed"):
        services.round_complete(round=round_a)

    assert Round.objects.get(pk=round_a.pk).status == Round.Status.PLANNING
    assert not Participation.objects.filter(completed_on__isnull=False).exists()


def test_round_complete_marks_who_completed(round_a, members, mentor):
    _aby, _bby, cby, _dby = members
    participant_services.participation_withdraw(
        participation=cby, on=dt.date(2026, 10, 1), reason="Ny politisk majoritet"
    )
    services.round_activate(round=round_a)

    services.round_complete(round=round_a)

    completed = dict(Participation.objects.values_list("organisation__name", "completed_on"))
    assert completed == {
        "Aby": dt.date(2027, 12, 31),  # the round's end
        "Bby": dt.date(2027, 12, 31),
        "Cby": None,  # withdrew
        "Dby": dt.date(2027, 12, 31),
        "Mentorstad": None,  # mentors do not complete
    }
    with pytest.raises(DomainError):
        services.round_complete(round=round_a)


def test_round_complete_on_a_given_date(round_a, members):
    services.round_activate(round=round_a)
    services.round_complete(round=round_a, on=dt.date(2027, 11, 20))

    assert set(Participation.objects.values_list("completed_on", flat=True)) == {
        dt.date(2027, 11, 20)
    }


# Groups


def test_group_create_places_the_members(round_a, members):
    aby, bby, *_ = members

    group = services.group_create(round=round_a, name=" GA1 ", theme="Styrning", members=[aby, bby])

    assert group.name == "GA1"
    assert sorted(group.members.values_list("organisation__name", flat=True)) == ["Aby", "Bby"]
    assert services.group_size_warning(group) is None


def test_group_create_refuses_a_group_of_one(round_a, members):
    with pytest.raises(DomainError, match="at least two organisations"):
        services.group_create(round=round_a, name="Ensam", members=members[:1])
    assert not BenchmarkingGroup.objects.exists()
    assert Participation.objects.filter(group__isnull=False).count() == 0


def test_group_create_refuses_a_mentor_as_member(round_a, members, mentor):
    with pytest.raises(DomainError) as excinfo:
        services.group_create(round=round_a, name="GA1", members=[members[0], mentor])

    assert excinfo.value.messages == [
        "Mentorstad is a mentor in this round and cannot be a group member."
    ]
    assert not BenchmarkingGroup.objects.exists()


def test_group_create_refuses_a_participation_of_another_round(round_a, members):
    other = _add(_round(name="Omgång B"), "9301", "Eby")

    with pytest.raises(DomainError) as excinfo:
        services.group_create(round=round_a, name="GA1", members=[members[0], other])

    assert excinfo.value.messages == ["Eby does not take part in Omgång A."]
    assert not BenchmarkingGroup.objects.exists()
    assert Participation.objects.get(pk=other.pk).group_id is None


def test_group_create_refuses_a_duplicate_name(round_a, members):
    services.group_create(round=round_a, name="GA1", members=members[:2])

    with pytest.raises(ValidationError, match="already has a group with this name"):
        services.group_create(round=round_a, name="GA1", members=members[2:])
    assert [p.group_id for p in _reload(members[2:])] == [None, None]


def test_group_size_warning_for_four(round_a, members):
    group = services.group_create(round=round_a, name="Stor", members=members)

    assert services.group_size_warning(group) == (
        "Stor has 4 organisations; groups have two or three."
    )


@pytest.mark.parametrize("size", [2, 3])
def test_group_size_warning_none_for_two_or_three(round_a, members, size):
    group = services.group_create(round=round_a, name="Lagom", members=members[:size])

    assert group.members.count() == size
    assert services.group_size_warning(group) is None


def test_group_size_warning_for_an_empty_group(round_a):
    group = services.group_create(round=round_a, name="Tom")

    assert services.group_size_warning(group) == (
        "Tom has 0 organisations; groups have two or three."
    )


def test_group_place_moves_a_participant(round_a, members):
    first = services.group_create(round=round_a, name="G1", members=members[:2])
    second = services.group_create(round=round_a, name="G2", members=members[2:])

    services.group_place(group=second, participation=_reload(members[:1])[0])

    assert first.members.count() == 1
    assert sorted(second.members.values_list("organisation__name", flat=True)) == [
        "Aby",
        "Cby",
        "Dby",
    ]


# Mentors


@pytest.fixture
def ga1(round_a, members):
    return services.group_create(round=round_a, name="GA1", members=members[:2])


@pytest.fixture
def assessed_in_ga1(round_a, ga1, members):
    """Aby has started a self-assessment for GA1's learning meeting."""
    meeting = services.meeting_create(
        round=round_a,
        kind=Meeting.Kind.LEARNING_MEETING,
        title="Lärandeträff 1",
        starts_at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 3, 1, 15, tzinfo=dt.UTC),
        group=ga1,
        assessment_due=True,
    )
    return checklist_services.assessment_start(participation=members[0], meeting=meeting)


def test_group_place_refuses_to_move_an_organisation_with_assessments_in_its_group(
    round_a, ga1, members, assessed_in_ga1
):
    ga2 = services.group_create(round=round_a, name="GA2", members=members[2:])
    aby = _reload(members[:1])[0]

    with pytest.raises(DomainError) as excinfo:
        services.group_place(group=ga2, participation=aby)

    assert excinfo.value.messages == [
        "Aby has self-assessments for the meetings of GA1 and cannot move to another group."
    ]
    assert Participation.objects.get(pk=aby.pk).group == ga1


def test_group_set_members_refuses_to_take_in_an_organisation_assessed_in_another_group(
    round_a, ga1, members, assessed_in_ga1
):
    ga2 = services.group_create(round=round_a, name="GA2", members=members[2:])

    with pytest.raises(DomainError, match="Aby has self-assessments for the meetings of GA1"):
        services.group_set_members(group=ga2, members=_reload([members[0], *members[2:]]))

    assert [p.group for p in _reload(members)] == [ga1, ga1, ga2, ga2]


def test_group_update_renames_and_sets_the_members(round_a, ga1, members):
    services.group_update(group=ga1, name=" GA1 ny ", theme="Statistik", members=members[:3])

    ga1.refresh_from_db()
    assert (ga1.name, ga1.theme) == ("GA1 ny", "Statistik")
    assert set(ga1.members.values_list("organisation__name", flat=True)) == {"Aby", "Bby", "Cby"}


def test_group_update_changes_nothing_when_the_members_are_refused(
    round_a, ga1, members, assessed_in_ga1
):
    with pytest.raises(DomainError, match="Aby has self-assessments for the group's meetings"):
        services.group_update(group=ga1, name="GA1 ny", members=_reload(members[1:3]))

    assert BenchmarkingGroup.objects.get(pk=ga1.pk).name == "GA1"
    assert [p.group for p in _reload(members)] == [ga1, ga1, None, None]


def test_mentor_assign_attaches_a_primary_and_a_supporting_mentor(round_a, ga1, mentor):
    support = _add(round_a, "9202", "Stödstad", Participation.Role.MENTOR)

    services.mentor_assign(group=ga1, participation=mentor)
    services.mentor_assign(group=ga1, participation=support, is_primary=False)

    assert list(
        ga1.mentorships.order_by("-is_primary").values_list(
            "participation__organisation__name", "is_primary"
        )
    ) == [("Mentorstad", True), ("Stödstad", False)]


def test_mentor_assign_refuses_a_participant_naming_it(ga1, members):
    with pytest.raises(DomainError) as excinfo:
        services.mentor_assign(group=ga1, participation=members[2])

    assert excinfo.value.messages == ["Cby is a participant of this round and cannot mentor in it."]
    assert not GroupMentor.objects.exists()


def test_mentor_assign_refuses_a_second_primary(round_a, ga1, mentor):
    services.mentor_assign(group=ga1, participation=mentor)
    other = _add(round_a, "9202", "Stödstad", Participation.Role.MENTOR)

    with pytest.raises(DomainError, match="GA1 already has a primary mentor"):
        services.mentor_assign(group=ga1, participation=other, is_primary=True)
    assert list(ga1.mentorships.values_list("participation__organisation__name", flat=True)) == [
        "Mentorstad"
    ]


def test_mentor_assign_refuses_the_same_mentor_twice(ga1, mentor):
    services.mentor_assign(group=ga1, participation=mentor)

    with pytest.raises(DomainError, match="Mentorstad already mentors GA1"):
        services.mentor_assign(group=ga1, participation=mentor, is_primary=False)
    assert ga1.mentorships.count() == 1


def test_mentor_assign_refuses_a_mentor_of_another_round(ga1):
    other_round_mentor = _add(_round(name="Omgång B"), "9202", "Stödstad", "mentor")

    with pytest.raises(DomainError) as excinfo:
        services.mentor_assign(group=ga1, participation=other_round_mentor)

    assert excinfo.value.messages == ["Stödstad does not take part in this round."]
    assert not GroupMentor.objects.exists()


# Meetings


def _meeting(round_, **kwargs):
    start = kwargs.pop("starts_at", timezone.now() + dt.timedelta(days=30))
    kwargs.setdefault("kind", Meeting.Kind.LEARNING_MEETING)
    kwargs.setdefault("title", "Lärandeträff")
    return services.meeting_create(
        round=round_, starts_at=start, ends_at=start + dt.timedelta(hours=6), **kwargs
    )


def test_meeting_create_generates_unique_keys(round_a, ga1, members):
    ga2 = services.group_create(round=round_a, name="GA2", members=members[2:])

    keys = [
        _meeting(round_a, kind=Meeting.Kind.STARTUP_CONFERENCE).key,
        _meeting(round_a, kind=Meeting.Kind.STARTUP_CONFERENCE).key,
        _meeting(round_a, number=1, group=ga1).key,
        _meeting(round_a, number=1, group=ga2).key,
        _meeting(round_a, number=1, group=ga1).key,
        _meeting(round_a, number=1, group=ga1).key,
    ]

    assert keys == [
        "startup-conference",
        "startup-conference-2",
        "learning-meeting-1-ga1",
        "learning-meeting-1-ga2",
        "learning-meeting-1-ga1-2",
        "learning-meeting-1-ga1-3",
    ]
    assert Meeting.objects.filter(round=round_a).count() == 6


def test_meeting_keys_repeat_across_rounds(round_a):
    other = _round(name="Omgång B")

    assert _meeting(round_a, number=1).key == _meeting(other, number=1).key == "learning-meeting-1"


def test_meeting_create_keeps_a_given_key(round_a):
    assert _meeting(round_a, key="lt1-vasteras").key == "lt1-vasteras"
    with pytest.raises(ValidationError, match="already has a meeting with this key"):
        _meeting(round_a, key="lt1-vasteras")
    assert Meeting.objects.count() == 1


def test_meeting_create_generates_unique_keys_for_long_group_names(round_a, members):
    common = "Folkhälsa och social hållbarhet i kommunerna längs norrlandskusten, grupp "
    north = services.group_create(round=round_a, name=common + "norr", members=members[:2])
    south = services.group_create(round=round_a, name=common + "söder", members=members[2:])

    first = _meeting(round_a, number=1, group=north)
    second = _meeting(round_a, number=1, group=south)

    assert first.key != second.key
    assert max(len(first.key), len(second.key)) <= 80


def test_meeting_create_refuses_a_group_of_another_round(round_a, members):
    other = _round(name="Omgång B")
    other_group = services.group_create(
        round=other,
        name="GB",
        members=[_add(other, "9301", "Eby"), _add(other, "9302", "Fby")],
    )

    with pytest.raises(DomainError, match="The group belongs to another round"):
        _meeting(round_a, group=other_group)
    assert not Meeting.objects.exists()


def test_meeting_create_refuses_an_end_before_the_start(round_a):
    start = timezone.now() + dt.timedelta(days=3)

    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(
            round=round_a, kind="seminar", title="Seminarium", starts_at=start, ends_at=start
        )
    assert "ends_at" in excinfo.value.message_dict
    assert not Meeting.objects.exists()


# Attendance


def test_attendance_record_needs_a_function_and_updates_in_place(round_a, members):
    from tests.accounts.factories import UserFactory

    aby = members[0]
    meeting = _meeting(round_a)
    person = UserFactory(full_name="Sara Strateg")
    with pytest.raises(DomainError, match="Sara Strateg holds no function for Aby"):
        services.attendance_record(meeting=meeting, participation=aby, person=person)

    participant_services.function_assign(participation=aby, person=person, function="strateg")
    services.attendance_record(meeting=meeting, participation=aby, person=person)
    services.attendance_record(meeting=meeting, participation=aby, person=person, attended=False)

    assert list(meeting.attendances.values_list("person_id", "attended")) == [(person.pk, False)]


def test_placing_and_completing_record_when_the_participation_changed(round_a, members):
    def stamps():
        return dict(Participation.objects.values_list("organisation__name", "updated_at"))

    created = stamps()
    services.group_create(round=round_a, name="GA1", members=members[:2])
    placed = stamps()
    services.round_activate(round=round_a)
    services.round_complete(round=round_a)
    completed = stamps()

    assert placed["Aby"] > created["Aby"]
    assert completed["Dby"] > placed["Dby"]

"""The project leader's work on a round in the browser: create and edit it, generate and change
the schedule, meetings, groups and mentors, withdrawals and attendance. The whole journey from
applications to completion is in `test_admin_journey.py`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from checklist.statistics import round_scores
from participants import services as participant_services
from rounds import services
from rounds.models import Attendance, BenchmarkingGroup, GroupMentor, Meeting, Round
from tests.participants.factories import OrganisationFactory
from tests.rounds.admin_forms import LOCAL, STOCKHOLM, _meeting_data, _messages, _post, _round_data

pytestmark = pytest.mark.django_db


# Rounds


def test_round_form_refuses_bad_dates_and_days_beside_the_fields(en, leader):
    en.force_login(leader)

    response = _post(
        en,
        reverse("rounds:round_create"),
        _round_data(ends_on="2027-08-31", reminder_days="sju"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ends_on"] == ["A round cannot end before it starts."]
    assert errors["reminder_days"] == [
        "Write whole numbers of days separated by commas, like “7, 2”."
    ]
    assert 'id="error_1_id_reminder_days"' in response.content.decode()
    assert not Round.objects.filter(slug="mk-2027").exists()


def test_a_round_without_reminders_is_created_with_none(en, leader):
    en.force_login(leader)

    response = _post(
        en, reverse("rounds:round_create"), _round_data(reminder_days="", meeting_notice_days="7")
    )

    assert response.status_code == 302
    round_ = Round.objects.get(slug="mk-2027")
    assert (round_.reminder_days, round_.meeting_notice_days) == ([], 7)
    assert round_.accepts_applications is True


def test_a_round_outside_the_programme_years_is_refused_beside_the_field(en, leader):
    en.force_login(leader)

    response = _post(
        en,
        reverse("rounds:round_create"),
        _round_data(starts_on="0001-01-01", ends_on="9999-12-31"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["starts_on"] == errors["ends_on"] == ["Give a date in the years 2000 to 2100."]
    assert not Round.objects.filter(slug="mk-2027").exists()


def test_round_edit_saves_the_changes(en, world):
    en.force_login(world.leader)
    edit = reverse("rounds:round_update", args=["omgang-a"])
    form = en.get(edit)
    assert form.status_code == 200
    assert "slug" not in form.context["form"].fields  # the address is fixed

    response = _post(
        en,
        edit,
        _round_data(
            name="Omgång A (ny)",
            starts_on="2026-01-01",
            ends_on="2027-12-31",
            reminder_days="3, 10",
            meeting_notice_days="21",
            slug=None,
            checklist_version=None,
            accepts_applications=None,
        ),
    )

    assert response.status_code == 302
    world.round_a.refresh_from_db()
    assert (world.round_a.name, world.round_a.reminder_days) == ("Omgång A (ny)", [10, 3])
    assert (world.round_a.meeting_notice_days, world.round_a.slug) == (21, "omgang-a")


def test_status_moves_only_forward_one_step(en, world):
    en.force_login(world.leader)
    status = reverse("rounds:round_status", args=["omgang-a"])

    too_early = _post(en, status, {"action": "complete"})
    assert _messages(too_early) == ["Only an active round can be completed."]
    _post(en, status, {"action": "activate"})
    again = _post(en, status, {"action": "activate"})
    assert _messages(again) == ["Only a round in planning can be started."]
    assert _post(en, status, {"action": "archive"}).status_code == 400

    world.round_a.refresh_from_db()
    assert world.round_a.status == Round.Status.ACTIVE


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "rounds:round_update", []),
        ("post", "rounds:round_status", []),
        ("post", "rounds:schedule_generate", []),
        ("get", "rounds:group_create", []),
        ("get", "rounds:meeting_create", []),
        ("get", "rounds:meeting_update", ["meeting"]),
        ("get", "rounds:attendance", ["meeting"]),
        ("post", "rounds:meeting_delete", ["meeting"]),
        ("post", "rounds:mentor_add", ["group"]),
        ("get", "participants:participation_withdraw", ["code"]),
    ],
)
def test_administration_is_for_project_leaders(client, world, method, name, args):
    values = {"meeting": world.startup.pk, "group": world.ga1.pk, "code": "9101"}
    url = reverse(name, args=["omgang-a", *[values[a] for a in args]])
    meetings = Meeting.objects.count()

    client.force_login(world.strategist_a1)  # takes part in the round: forbidden
    assert getattr(client, method)(url, {"action": "activate"}).status_code == 403
    client.force_login(world.strategist_b1)  # another round's: the round does not exist
    assert getattr(client, method)(url, {"action": "activate"}).status_code == 404

    world.round_a.refresh_from_db()
    assert world.round_a.status == Round.Status.PLANNING
    assert Meeting.objects.count() == meetings


# The schedule


def _schedule_round(starts_on, ends_on, slug="schema"):
    return services.round_create(
        name=f"Schema {slug}", slug=slug, starts_on=starts_on, ends_on=ends_on
    )


def test_two_year_schedule_has_fourteen_meetings(en, leader):
    round_ = _schedule_round(dt.date(2027, 9, 1), dt.date(2029, 8, 31))
    en.force_login(leader)

    _post(en, reverse("rounds:schedule_generate", args=[round_.slug]))

    kinds = list(round_.meetings.order_by("starts_at").values_list("kind", "number"))
    assert len(kinds) == 14
    assert kinds[:2] == [("web_training", None), ("startup_conference", None)]
    assert kinds[-1] == ("result_conference", None)
    learning = [n for k, n in kinds if k == "learning_meeting"]
    assert learning == [1, 2, 3, 4, 5]
    assert [k for k, _n in kinds].count("midterm_conference") == 1
    # A strategist meeting comes right before each learning meeting.
    for number in learning:
        position = kinds.index(("learning_meeting", number))
        assert kinds[position - 1] == ("strategist_meeting", number)
    themes = list(
        round_.meetings.filter(kind="learning_meeting")
        .order_by("number")
        .values_list("theme", flat=True)
    )
    # Year one's three classic themes; year two's are the round's, and this round has none:
    # the site invents no theme for them (issue 16).
    assert len(set(themes[:3])) == 3
    assert themes[3:] == ["", ""]


def test_the_schedule_is_written_in_swedish_whatever_the_page_language(en, leader):
    round_ = _schedule_round(dt.date(2027, 9, 1), dt.date(2029, 8, 31))
    en.force_login(leader)

    _post(en, reverse("rounds:schedule_generate", args=[round_.slug]))

    learning = round_.meetings.filter(kind="learning_meeting").order_by("number")
    themes = [m.theme.lower() for m in learning[:3]]
    assert themes == [
        "styrning och ledning",
        "systematiskt förbättringsarbete",
        "följa upp och analysera resultaten",
    ]
    assert all(m.title.lower().startswith("lärandeträff") for m in learning)


def test_one_year_schedule_has_three_learning_meetings_and_no_mid_term(en, leader):
    round_ = _schedule_round(dt.date(2027, 9, 1), dt.date(2028, 8, 31))
    en.force_login(leader)

    _post(en, reverse("rounds:schedule_generate", args=[round_.slug]))

    kinds = list(round_.meetings.values_list("kind", flat=True))
    assert kinds.count("learning_meeting") == 3
    assert kinds.count("strategist_meeting") == 3
    assert "midterm_conference" not in kinds
    assert len(kinds) == 9


def test_schedule_with_groups_has_learning_meetings_per_group_hosted_in_turn(en, world):
    en.force_login(world.leader)
    round_ = services.round_create(
        name="Med grupper",
        slug="med-grupper",
        starts_on=dt.date(2027, 9, 1),
        ends_on=dt.date(2029, 8, 31),
    )
    members = [
        participant_services.participation_add(
            round=round_, organisation=OrganisationFactory(code=code, name=name)
        )
        for code, name in [("8801", "Alby"), ("8802", "Bålby"), ("8803", "Cedby")]
    ]
    services.group_create(round=round_, name="Trio", members=members)

    _post(en, reverse("rounds:schedule_generate", args=[round_.slug]))

    meetings = list(round_.meetings.select_related("group", "host"))
    learning = sorted(
        (m for m in meetings if m.kind == Meeting.Kind.LEARNING_MEETING), key=lambda m: m.number
    )
    assert len(meetings) == 14
    assert {m.group.name for m in learning} == {"Trio"}
    assert [m.host.name for m in learning] == ["Alby", "Bålby", "Cedby", "Alby", "Bålby"]
    assert all(m.group is None for m in meetings if m.kind != Meeting.Kind.LEARNING_MEETING)
    assert {m.kind for m in meetings if m.assessment_due} == {Meeting.Kind.LEARNING_MEETING}
    for meeting in learning:
        day = timezone.localtime(meeting.starts_at).date()
        assert meeting.assessment_opens_on == day - dt.timedelta(weeks=4)
    assert all(m.assessment_opens_on is None for m in meetings if not m.assessment_due)


def test_a_round_with_meetings_is_not_given_the_schedule_twice(en, world):
    en.force_login(world.leader)
    meetings = world.round_a.meetings.count()

    response = _post(en, reverse("rounds:schedule_generate", args=["omgang-a"]))

    assert _messages(response) == ["Omgång A already has meetings; add or move them one by one."]
    assert world.round_a.meetings.count() == meetings


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
        (dt.date(2024, 10, 1), dt.date(2026, 9, 30)),
    ],
)
def test_no_meeting_is_scheduled_in_july_or_over_christmas(en, leader, starts_on, ends_on):
    round_ = _schedule_round(starts_on, ends_on)
    en.force_login(leader)

    _post(en, reverse("rounds:schedule_generate", args=[round_.slug]))

    days = [timezone.localtime(m.starts_at).date() for m in round_.meetings.all()]
    assert len(days) == 14
    in_holidays = [
        d
        for d in days
        if d.month == 7 or (d.month == 12 and d.day >= 21) or (d.month == 1 and d.day <= 7)
    ]
    assert in_holidays == []


# Meetings


def test_a_new_meeting_is_added_to_the_round(en, world):
    en.force_login(world.leader)
    starts = dt.datetime(2027, 3, 10, 13, 0, tzinfo=STOCKHOLM)

    response = _post(
        en,
        reverse("rounds:meeting_create", args=["omgang-a"]),
        {
            "kind": Meeting.Kind.SEMINAR,
            "title": "Fördjupningsseminarium: statistik",
            "starts_at": starts.strftime(LOCAL),
            "ends_at": (starts + dt.timedelta(hours=3)).strftime(LOCAL),
            "group": world.ga1.pk,
            "host": world.a1.organisation_id,
        },
    )

    assert response.status_code == 302
    seminar = Meeting.objects.get(title="Fördjupningsseminarium: statistik")
    assert (seminar.starts_at, seminar.group, seminar.host) == (
        starts,
        world.ga1,
        world.a1.organisation,
    )
    assert seminar.assessment_due is False


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:30", "1999-12-31T10:00", "2101-01-01T10:00"])
def test_a_meeting_outside_the_programme_years_is_refused_beside_the_field(en, world, starts_at):
    en.force_login(world.leader)

    response = _post(
        en,
        reverse("rounds:meeting_create", args=["omgang-a"]),
        {
            "kind": Meeting.Kind.SEMINAR,
            "title": "Seminarium",
            "starts_at": starts_at,
            "ends_at": "2027-03-10T16:00",
            "assessment_opens_on": "0001-01-01",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (
        errors["starts_at"]
        == errors["assessment_opens_on"]
        == ["Give a date in the years 2000 to 2100."]
    )
    assert "ends_at" not in errors
    assert not Meeting.objects.filter(title="Seminarium").exists()


def test_a_meeting_with_assessments_keeps_its_self_assessment(en, world):
    en.force_login(world.leader)
    meeting = world.meeting_ga1
    edit = reverse("rounds:meeting_update", args=["omgang-a", meeting.pk])

    response = _post(en, edit, _meeting_data(meeting, assessment_due=None))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The meeting has self-assessments; it keeps its group and its self-assessment."
    ]
    meeting.refresh_from_db()
    assert meeting.assessment_due is True


def test_a_meeting_can_be_marked_as_needing_a_self_assessment(en, world):
    en.force_login(world.leader)
    meeting = world.startup

    _post(
        en,
        reverse("rounds:meeting_update", args=["omgang-a", meeting.pk]),
        _meeting_data(meeting, assessment_due="on", assessment_opens_on="2026-12-01"),
    )

    meeting.refresh_from_db()
    assert (meeting.assessment_due, meeting.assessment_opens_on) == (True, dt.date(2026, 12, 1))


# Groups and mentors


def test_group_members_are_changed_on_the_group_page(en, world):
    en.force_login(world.leader)
    edit = reverse("rounds:group_update", args=["omgang-a", world.ga2.pk])
    assert en.get(edit).context["size_warning"] is None

    response = _post(en, edit, {"name": "GA2", "theme": "Folkhälsa", "members": [world.a3.pk]})
    assert response.context["form"].errors["members"] == [
        "A benchmarking group needs at least two organisations."
    ]

    newcomer = participant_services.participation_add(
        round=world.round_a, organisation=OrganisationFactory(code="9105", name="Eby")
    )
    _post(
        en,
        edit,
        {"name": "GA2", "theme": "Folkhälsa", "members": [world.a3.pk, world.a4.pk, newcomer.pk]},
    )
    world.ga2.refresh_from_db()
    assert world.ga2.theme == "Folkhälsa"
    assert set(world.ga2.members.values_list("organisation__code", flat=True)) == {
        "9103",
        "9104",
        "9105",
    }


def test_a_member_with_assessments_stays_in_its_group(en, world):
    en.force_login(world.leader)

    response = _post(
        en,
        reverse("rounds:group_update", args=["omgang-a", world.ga1.pk]),
        {"name": "GA1", "theme": "", "members": [world.a2.pk, world.a3.pk]},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Aby has self-assessments for the group's meetings; it stays."
    ]
    assert set(world.ga1.members.values_list("pk", flat=True)) == {world.a1.pk, world.a2.pk}


def test_a_member_with_assessments_is_not_taken_into_another_group(en, world):
    en.force_login(world.leader)
    ga3 = services.group_create(round=world.round_a, name="GA3")

    response = _post(
        en,
        reverse("rounds:group_update", args=["omgang-a", ga3.pk]),
        {"name": "GA3 ny", "theme": "", "members": [world.a1.pk, world.a4.pk]},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Aby has self-assessments for the meetings of GA1 and cannot move to another group."
    ]
    ga3.refresh_from_db()
    assert (ga3.name, ga3.members.count()) == ("GA3", 0)
    assert set(world.ga1.members.values_list("pk", flat=True)) == {world.a1.pk, world.a2.pk}


def test_a_member_number_beyond_the_column_is_an_invalid_choice(en, world):
    en.force_login(world.leader)

    response = _post(
        en,
        reverse("rounds:group_create", args=["omgang-a"]),
        {"name": "GA3", "members": [str(2**63), str(world.a4.pk)]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["members"] == [
        f"Select a valid choice. {2**63} is not one of the available choices."
    ]
    assert not BenchmarkingGroup.objects.filter(name="GA3").exists()


def test_a_mentor_is_removed_from_a_group(en, world):
    en.force_login(world.leader)
    mentorship = GroupMentor.objects.get(group=world.ga1)

    response = _post(
        en, reverse("rounds:mentor_remove", args=["omgang-a", world.ga1.pk, mentorship.pk])
    )

    assert _messages(response) == ["The mentor is removed from the group."]
    assert not GroupMentor.objects.filter(group=world.ga1).exists()


def test_a_second_primary_mentor_is_refused(en, world):
    en.force_login(world.leader)
    other = OrganisationFactory(code="9203", name="Tredjestad")

    response = _post(
        en,
        reverse("rounds:mentor_add", args=["omgang-a", world.ga1.pk]),
        {"organisation": other.pk, "is_primary": "1"},
    )

    assert _messages(response) == ["GA1 already has a primary mentor."]
    assert list(
        world.ga1.mentorships.values_list("participation__organisation__name", flat=True)
    ) == ["Mentorstad"]


# Withdrawal


def test_withdrawal_needs_a_date_and_a_reason_beside_the_fields(en, world):
    en.force_login(world.leader)
    url = reverse("participants:participation_withdraw", args=["omgang-a", "9102"])

    response = _post(en, url, {"withdrawn_on": "", "reason": ""})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["withdrawn_on"] == ["This field is required."]
    assert errors["reason"] == ["This field is required."]
    html = response.content.decode()
    assert 'id="error_1_id_withdrawn_on"' in html
    assert 'id="error_1_id_reason"' in html
    world.a2.refresh_from_db()
    assert world.a2.withdrawn_on is None


def test_withdrawal_leaves_the_figures_but_keeps_the_history(en, world):
    en.force_login(world.leader)
    before = round_scores(round=world.round_a)
    assert "9102" in [o.code for o in before.organisations if o.points]

    response = _post(
        en,
        reverse("participants:participation_withdraw", args=["omgang-a", "9102"]),
        {"withdrawn_on": "2026-11-01", "reason": "Ny politisk majoritet"},
    )

    assert _messages(response) == ["Bby has withdrawn; it is left out of the round's figures."]
    world.a2.refresh_from_db()
    assert (world.a2.withdrawn_on, world.a2.withdrawal_reason) == (
        dt.date(2026, 11, 1),
        "Ny politisk majoritet",
    )
    after = round_scores(round=world.round_a)
    assert "9102" not in [o.code for o in after.organisations]
    assert after.summary().n == before.summary().n - 1

    page = en.get(reverse("participants:participation_detail", args=["omgang-a", "9102"]))
    assert page.status_code == 200
    assert [h.round.slug for h in page.context["histories"]] == ["omgang-a"]
    html = page.content.decode()
    assert "Withdrew from the round" in html
    assert "Ny politisk majoritet" in html
    assert "Lärandeträff 1 GA1" in html  # its submitted self-assessment is still listed


# Attendance


def test_attendance_sheet_lists_the_people_expected_and_records_who_came(en, world):
    en.force_login(world.leader)
    url = reverse("rounds:attendance", args=["omgang-a", world.meeting_ga1.pk])

    sheet = en.get(url)
    expected = {person.email: functions for _p, person, functions, _ in sheet.context["expected"]}
    assert expected == {
        "politiker@aby.se": ["politician"],
        "chef@aby.se": ["manager"],
        "strateg@aby.se": ["strategist/key person"],
        "strateg@bby.se": ["strategist/key person"],
        "mentor@mentorstad.se": ["strategist/key person"],
    }
    _post(en, url, {"attended": [world.strategist_a1.pk, world.mentor_m1.pk]})
    again = _post(en, url, {"attended": [world.strategist_a1.pk]})

    assert _messages(again) == ["1 person attended."]
    present = dict(
        Attendance.objects.filter(meeting=world.meeting_ga1).values_list(
            "person__email", "attended"
        )
    )
    assert present["strateg@aby.se"] is True
    assert present["mentor@mentorstad.se"] is False
    assert Attendance.objects.filter(meeting=world.meeting_ga1).count() == 5
    assert _post(en, url, {"attended": ["x"]}).status_code == 400


def test_a_completed_round_keeps_its_schedule_and_groups(en, world):
    en.force_login(world.leader)
    services.round_activate(round=world.round_a)
    services.round_complete(round=world.round_a)
    starts = dt.datetime(2027, 3, 10, 13, 0, tzinfo=STOCKHOLM)

    _post(
        en,
        reverse("rounds:meeting_create", args=["omgang-a"]),
        {
            "kind": Meeting.Kind.SEMINAR,
            "title": "Efteråt",
            "starts_at": starts.strftime(LOCAL),
            "ends_at": (starts + dt.timedelta(hours=3)).strftime(LOCAL),
        },
    )
    _post(en, reverse("rounds:meeting_delete", args=["omgang-a", world.startup.pk]))
    _post(
        en,
        reverse("rounds:group_update", args=["omgang-a", world.ga2.pk]),
        {"name": "Omdöpt", "members": [world.a3.pk, world.a4.pk]},
    )

    assert not Meeting.objects.filter(title="Efteråt").exists()
    assert Meeting.objects.filter(pk=world.startup.pk).exists()
    assert BenchmarkingGroup.objects.get(pk=world.ga2.pk).name == "GA2"


def test_a_group_name_already_used_in_the_round_is_refused_with_the_message(en, world):
    en.force_login(world.leader)
    en.raise_request_exception = False
    rename = reverse("rounds:group_update", args=["omgang-a", world.ga2.pk])

    response = _post(en, rename, {"name": "GA1", "members": [world.a3.pk, world.a4.pk]})

    assert response.status_code == 200
    assert "The round already has a group with this name." in response.content.decode()
    world.ga2.refresh_from_db()
    assert world.ga2.name == "GA2"

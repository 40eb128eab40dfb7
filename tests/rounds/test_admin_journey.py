"""The project leader's whole journey with a round in the browser: take in applications, form
groups, match mentors, generate the schedule, take attendance, record withdrawals, and move the
round from planning to completed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from checklist import services as checklist_services
from participants import services as participant_services
from participants.models import Application, Invitation, Organisation, Participation
from rounds.models import Attendance, BenchmarkingGroup, Meeting, Round
from tests.participants.factories import OrganisationFactory
from tests.rounds.admin_forms import (
    _application_data,
    _badges,
    _local,
    _meeting_data,
    _messages,
    _post,
    _round_data,
    _row_of,
)

pytestmark = pytest.mark.django_db


# The whole journey


def _organisations() -> dict[str, Organisation]:
    return {
        code: OrganisationFactory(code=code, name=name)
        for code, name in [
            ("1281", "Lund"),
            ("1267", "Höör"),
            ("1285", "Eslöv"),
            ("1266", "Hörby"),
            ("1265", "Sjöbo"),
            ("1264", "Skurup"),
            ("1286", "Ystad"),
            ("1280", "Malmö"),
            ("1290", "Kristianstad"),
        ]
    }


def _from_enrolment_to_completion(client, round_, lund, orgs):
    """The journey from the first participant enrolled to the completed round, in the
    browser: groups, mentors, the schedule, meetings, attendance, status and withdrawal."""
    # More participants, enrolled directly.
    others = {
        code: participant_services.participation_add(round=round_, organisation=orgs[code])
        for code in ("1285", "1266", "1265", "1264", "1286")
    }
    eslov, horby, sjobo, skurup, ystad = others.values()

    # Groups: one of one is refused, one of two is saved, one of four is saved with a warning.
    new_group = reverse("rounds:group_create", args=["mk-2027"])
    alone = _post(client, new_group, {"name": "Ensam", "members": [eslov.pk]})
    assert alone.status_code == 200
    assert alone.context["form"].errors["members"] == [
        "A benchmarking group needs at least two organisations."
    ]
    assert "A benchmarking group needs at least two organisations." in alone.content.decode()
    assert not BenchmarkingGroup.objects.filter(name="Ensam").exists()

    two = _post(client, new_group, {"name": "Södra", "theme": "", "members": [lund.pk, eslov.pk]})
    sodra = BenchmarkingGroup.objects.get(round=round_, name="Södra")
    assert two["Location"] == reverse("rounds:group_update", args=["mk-2027", sodra.pk])
    assert _messages(two) == ["The group is saved."]
    assert set(sodra.members.values_list("pk", flat=True)) == {lund.pk, eslov.pk}

    four = _post(
        client,
        new_group,
        {"name": "Östra", "members": [horby.pk, sjobo.pk, skurup.pk, ystad.pk]},
        follow=True,
    )
    ostra = BenchmarkingGroup.objects.get(round=round_, name="Östra")
    assert ostra.members.count() == 4
    warning = "Östra has 4 organisations; groups have two or three."
    assert warning in [str(m) for m in four.context["messages"]]
    assert four.context["size_warning"] == warning
    assert "Warning:" in four.content.decode()

    # Mentors: a supporting one, then the primary; a participant cannot mentor.
    add_mentor = reverse("rounds:mentor_add", args=["mk-2027", sodra.pk])
    _post(client, add_mentor, {"organisation": orgs["1290"].pk, "is_primary": "0"})
    _post(client, add_mentor, {"organisation": orgs["1280"].pk, "is_primary": "1"})
    refused = _post(client, add_mentor, {"organisation": orgs["1266"].pk, "is_primary": "1"})
    assert _messages(refused) == ["Hörby is a participant of this round and cannot mentor in it."]
    assert sorted(
        sodra.mentorships.values_list("participation__organisation__name", "is_primary")
    ) == [("Kristianstad", False), ("Malmö", True)]

    # The default schedule: the round's meetings, and five learning meetings per group.
    generated = _post(client, reverse("rounds:schedule_generate", args=["mk-2027"]))
    assert _messages(generated) == ["19 meetings are scheduled; move and change them as you need."]
    assert round_.meetings.count() == 19
    hosts = dict(
        sodra.meetings.filter(kind=Meeting.Kind.LEARNING_MEETING).values_list(
            "number", "host__name"
        )
    )
    assert hosts == {1: "Eslöv", 2: "Lund", 3: "Eslöv", 4: "Lund", 5: "Eslöv"}

    # Move a meeting; one that would end before it starts is refused beside the field.
    first = sodra.meetings.get(number=1)
    edit = reverse("rounds:meeting_update", args=["mk-2027", first.pk])
    assert client.get(edit).status_code == 200
    moved_start = first.starts_at + dt.timedelta(days=7, hours=1)
    response = _post(
        client,
        edit,
        _meeting_data(
            first,
            starts_at=_local(moved_start),
            ends_at=_local(moved_start + dt.timedelta(hours=5)),
            place="Lunds stadshus",
        ),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.starts_at, first.ends_at - first.starts_at, first.place) == (
        moved_start,
        dt.timedelta(hours=5),
        "Lunds stadshus",
    )
    backwards = _post(
        client,
        edit,
        _meeting_data(
            first,
            starts_at=_local(moved_start),
            ends_at=_local(moved_start - dt.timedelta(hours=2)),
            place="Någon annanstans",
        ),
    )
    assert backwards.status_code == 200
    assert backwards.context["form"].errors["ends_at"][0] == "A meeting must end after it starts."
    html = backwards.content.decode()
    field_at = html.index('id="id_ends_at"')
    error_at = html.index("A meeting must end after it starts.")
    assert field_at < error_at < html.index('id="id_place"')  # beside the field
    first.refresh_from_db()
    assert (first.ends_at, first.place) == (moved_start + dt.timedelta(hours=5), "Lunds stadshus")

    # A host from the group; one from outside it is refused.
    assert _post(client, edit, _meeting_data(first, host=lund.organisation_id)).status_code == 302
    outsider_host = _post(client, edit, _meeting_data(first, host=horby.organisation_id))
    assert outsider_host.status_code == 200
    assert outsider_host.context["form"].non_field_errors() == [
        "Hörby is not a member of Södra and cannot host its meeting."
    ]
    first.refresh_from_db()
    assert first.host == orgs["1281"]

    # Remove a meeting; one with a self-assessment stays.
    last = sodra.meetings.get(number=5)
    removed = _post(client, reverse("rounds:meeting_delete", args=["mk-2027", last.pk]))
    assert _messages(removed) == ["The meeting is removed."]
    assert not Meeting.objects.filter(pk=last.pk).exists()
    lund.refresh_from_db()
    checklist_services.assessment_start(participation=lund, meeting=first)
    kept = _post(client, reverse("rounds:meeting_delete", args=["mk-2027", first.pk]))
    assert _messages(kept) == [f"{first.title} has self-assessments and cannot be removed."]
    assert Meeting.objects.filter(pk=first.pk).exists()

    # Attendance at the first learning meeting: Lund's politician and manager came.
    people = {a.function: a.person for a in lund.function_assignments.select_related("person")}
    sheet = client.get(reverse("rounds:attendance", args=["mk-2027", first.pk]))
    assert {person.email for _p, person, _f, _present in sheet.context["expected"]} == {
        "politiker@lund.se",
        "chef@lund.se",
        "strateg@lund.se",
    }
    taken = _post(
        client,
        reverse("rounds:attendance", args=["mk-2027", first.pk]),
        {"attended": [people["politiker"].pk, people["chef"].pk]},
    )
    assert _messages(taken) == ["2 people attended."]
    assert dict(
        Attendance.objects.filter(meeting=first).values_list("person__email", "attended")
    ) == {
        "politiker@lund.se": True,
        "chef@lund.se": True,
        "strateg@lund.se": False,
    }

    # Start the round; Ystad withdraws; complete the round.
    status = reverse("rounds:round_status", args=["mk-2027"])
    assert _messages(_post(client, status, {"action": "activate"})) == ["The round is active."]
    withdraw = reverse("participants:participation_withdraw", args=["mk-2027", "1286"])
    _post(client, withdraw, {"withdrawn_on": "2028-03-01", "reason": "Budgetskäl"})
    _post(client, status, {"action": "complete"})
    round_.refresh_from_db()
    assert round_.status == Round.Status.COMPLETED
    completed = dict(
        round_.participations.filter(role="participant").values_list(
            "organisation__name", "completed_on"
        )
    )
    assert completed == {
        "Lund": dt.date(2029, 8, 31),
        "Eslöv": dt.date(2029, 8, 31),
        "Hörby": dt.date(2029, 8, 31),
        "Sjöbo": dt.date(2029, 8, 31),
        "Skurup": dt.date(2029, 8, 31),
        "Ystad": None,
    }

    # A completed round is archived: its settings cannot be changed.
    refused = _post(
        client,
        reverse("rounds:round_update", args=["mk-2027"]),
        _round_data(name="Ett nytt namn", slug=None, checklist_version=None),
    )
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "A completed round is archived and cannot be changed."
    ]
    round_.refresh_from_db()
    assert round_.name == "Modellkoncept 2027–2029"


def test_a_round_from_applications_to_completion_in_the_browser(
    client, en, leader, eager, django_capture_on_commit_callbacks
):
    orgs = _organisations()

    # The project leader creates the round, open for expressions of interest.
    client.force_login(leader)
    response = _post(client, reverse("rounds:round_create"), _round_data())
    round_ = Round.objects.get(slug="mk-2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:round_detail", args=["mk-2027"])
    assert (round_.status, round_.accepts_applications) == (Round.Status.PLANNING, True)
    assert round_.reminder_days == [7, 2]

    # Two organisations apply, signed out: Lund with everything, Höör without a manager.
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    form_url = reverse("participants:application_create", args=["mk-2027"])
    assert anonymous.get(form_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        thanks = _post(anonymous, form_url, _application_data(orgs["1281"], "lund.se"))
        _post(
            anonymous,
            form_url,
            _application_data(orgs["1267"], "hoor.se", manager_name="", manager_email=""),
        )
    assert thanks.status_code == 200
    assert "kontakt@lund.se" in thanks.content.decode()
    assert Application.objects.filter(round=round_, status="pending").count() == 2
    assert {m.to[0] for m in mail.outbox} == {"kontakt@lund.se", "kontakt@hoor.se"}

    # The list shows at a glance who is eligible.
    listing = client.get(reverse("participants:application_list", args=["mk-2027"]))
    html = listing.content.decode()
    assert _badges(_row_of(html, "Lund")) == [("success", "Yes"), ("success", "Yes")]
    assert _badges(_row_of(html, "Höör")) == [("success", "Yes"), ("danger", "No")]
    eligible = {a.applicant_name: a.is_eligible for a in listing.context["applications"]}
    assert eligible == {"Lund": True, "Höör": False}

    # Accepting Lund enrols it and invites its three people; Höör is declined.
    lund_application = Application.objects.get(organisation=orgs["1281"])
    hoor_application = Application.objects.get(organisation=orgs["1267"])
    decide = "participants:application_decide"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = _post(
            client, reverse(decide, args=["mk-2027", lund_application.pk]), {"decision": "accept"}
        )
    assert accepted.status_code == 302
    assert _messages(accepted) == ["Lund is enrolled and its people are invited."]
    lund = Participation.objects.get(round=round_, organisation=orgs["1281"])
    assert (lund.role, lund.willing_to_mentor) == ("participant", True)
    assert sorted(lund.function_assignments.values_list("person__email", "function")) == [
        ("chef@lund.se", "chef"),
        ("politiker@lund.se", "politiker"),
        ("strateg@lund.se", "strateg"),
    ]
    assert Invitation.objects.filter(participation=lund).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chef@lund.se",
        "kontakt@lund.se",
        "politiker@lund.se",
        "strateg@lund.se",
    ]
    orgs["1281"].refresh_from_db()
    assert orgs["1281"].political_decision_on == dt.date(2025, 3, 1)

    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            reverse(decide, args=["mk-2027", hoor_application.pk]),
            {"decision": "decline", "decline-reason": "Alla tre funktioner behöver delta."},
        )
    hoor_application.refresh_from_db()
    assert hoor_application.status == Application.Status.DECLINED
    assert hoor_application.decided_by == leader
    assert not Participation.objects.filter(organisation=orgs["1267"]).exists()
    assert mail.outbox[-1].to == ["kontakt@hoor.se"]

    _from_enrolment_to_completion(client, round_, lund, orgs)


def test_a_round_from_enrolment_to_completion_in_the_browser(client, en, leader, eager):
    """The same journey, with the first participant enrolled and invited directly rather
    than through its application, so that each step is tested on its own."""
    orgs = _organisations()
    client.force_login(leader)
    _post(client, reverse("rounds:round_create"), _round_data())
    round_ = Round.objects.get(slug="mk-2027")
    lund = participant_services.participation_add(round=round_, organisation=orgs["1281"])
    for function, email, name in [
        ("politiker", "politiker@lund.se", "Pia Politiker"),
        ("chef", "chef@lund.se", "Carl Chef"),
        ("strateg", "strateg@lund.se", "Stella Strateg"),
    ]:
        participant_services.person_invite(
            participation=lund, email=email, full_name=name, functions=[function]
        )

    _from_enrolment_to_completion(client, round_, lund, orgs)

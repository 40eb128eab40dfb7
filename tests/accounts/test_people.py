"""People: an organisation's people by function and their invitations; what is held about a
person, exported or erased by a project leader; a person's own calendar address."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from checklist.models import SelfAssessment
from checklist.statistics import round_scores
from participants import services as participant_services
from participants.models import Application, FunctionAssignment, Invitation
from rounds import services as round_services
from rounds.models import Attendance
from tests.accounts.factories import PASSWORD, UserFactory
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _post(client, url, data=None):
    client.cookies.pop("messages", None)
    return client.post(url, data or {})


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _person_url(name: str, person) -> str:
    return reverse(f"accounts:{name}", args=[person.pk])


# An organisation's people


def _participation_page(client, code: str):
    return client.get(reverse("participants:participation_detail", args=["omgang-a", code]))


def test_organisation_page_warns_of_missing_functions_and_single_holders(en, world):
    en.force_login(world.leader)

    bby = _participation_page(en, "9102")  # a strategist only
    aby = _participation_page(en, "9101")  # one person in each function

    assert bby.context["people"].missing == ["politician", "manager"]
    assert bby.context["people"].single == ["strategist/key person"]
    assert "Missing functions:" in bby.content.decode()
    assert aby.context["people"].missing == []
    assert aby.context["people"].single == ["politician", "manager", "strategist/key person"]
    assert "Functions held by one person only:" in aby.content.decode()
    assert "Missing functions:" not in aby.content.decode()

    participant_services.function_assign(
        participation=world.a1, person=UserFactory(full_name="Sune Strateg"), function="strateg"
    )
    again = _participation_page(en, "9101")
    assert again.context["people"].single == ["politician", "manager"]
    people = dict(again.context["people"].rows)
    assert sorted(p.full_name for p in people["strategist/key person"]) == [
        "Sara Strateg",
        "Sune Strateg",
    ]


def test_organisation_page_shows_invitations_sent_and_accepted(en, world):
    waiting = participant_services.person_invite(
        participation=world.a1, email="ny@aby.se", full_name="Nora Ny", functions=["chef"]
    )
    accepted = participant_services.person_invite(
        participation=world.a1, email="ekonom@aby.se", full_name="Erik Ekonom", functions=["ekonom"]
    )
    token = participant_services.invitation_send(invitation=accepted)
    participant_services.invitation_accept(token=token, password="Ett-bra-lösen-2026")
    en.force_login(world.leader)

    response = _participation_page(en, "9101")

    states = {i.person.email: (i.accepted_at is not None) for i in response.context["invitations"]}
    assert states == {"ny@aby.se": False, "ekonom@aby.se": True}
    html = response.content.decode()
    assert "Sent" in html
    assert "Accepted" in html
    assert waiting.person.full_name in html


def test_a_person_invited_twice_to_the_same_function_is_refused(en, world):
    en.force_login(world.leader)
    invitations = Invitation.objects.count()

    response = _post(
        en,
        reverse("participants:person_invite", args=["omgang-a", "9101"]),
        {"full_name": "Sara Strateg", "email": "Strateg@Aby.se", "functions": ["strateg"]},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Sara Strateg is already strategist/key person for Aby."
    ]
    assert Invitation.objects.count() == invitations
    assert FunctionAssignment.objects.filter(person=world.strategist_a1).count() == 1


# Export


def test_export_holds_the_persons_functions_invitations_and_attendance(en, world):
    participant_services.person_invite(
        participation=world.a1,
        email="strateg@aby.se",
        full_name="Sara Strateg",
        functions=["controller"],
    )
    round_services.attendance_record(
        meeting=world.meeting_ga1, participation=world.a1, person=world.strategist_a1
    )
    en.force_login(world.leader)

    response = en.get(_person_url("person_export", world.strategist_a1))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="person-{world.strategist_a1.pk}.json"'
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == "strateg@aby.se"
    assert data["account"]["name"] == "Sara Strateg"
    assert sorted((f["round"], f["organisation"], f["function"]) for f in data["functions"]) == [
        ("omgang-a", "9101", "controller"),
        ("omgang-a", "9101", "strateg"),
    ]
    assert [(i["round"], i["organisation"], i["accepted"]) for i in data["invitations"]] == [
        ("omgang-a", "9101", None)
    ]
    assert data["attendance"] == [
        {"meeting": world.meeting_ga1.key, "round": "omgang-a", "attended": True}
    ]
    assert data["assessments_submitted"] == []
    text = response.content.decode()
    assert "strateg@bby.se" not in text
    assert "Per Politiker" not in text


def test_export_holds_the_assessments_the_person_submitted(en, world):
    en.force_login(world.leader)

    data = en.get(_person_url("person_export", world.strategist_a2)).json()

    assert [(s["organisation"], s["meeting"]) for s in data["assessments_submitted"]] == [
        ("9102", world.meeting_ga1.key)
    ]


def test_person_page_summarises_what_is_held(en, world):
    en.force_login(world.leader)

    response = en.get(_person_url("person", world.strategist_a1))

    assert response.status_code == 200
    html = response.content.decode()
    assert "strateg@aby.se" in html
    assert "Aby · Omgång A · Strategist/key person" in html
    assert _person_url("person_export", world.strategist_a1) in html


# Erasure


def test_erasure_replaces_name_and_email_and_closes_the_account(en, world):
    person = world.strategist_a2
    signed_in = Client()
    signed_in.force_login(person)
    assert signed_in.get("/").status_code == 200
    en.force_login(world.leader)

    response = _post(en, _person_url("person_erase", person), {"confirm": "erase"})

    assert _messages(response) == ["The person is erased; their organisation's data stays."]
    person.refresh_from_db()
    assert person.full_name == "Erased person"
    assert person.email == f"erased-{person.pk}@invalid.example"
    assert (person.is_active, person.has_usable_password(), person.calendar_token) == (
        False,
        False,
        None,
    )
    # Cannot sign in, under the old address or the new; a session open elsewhere has ended.
    assert Client().login(username="strateg@bby.se", password=PASSWORD) is False
    assert Client().login(username=person.email, password=PASSWORD) is False
    refused = Client().post(
        reverse("accounts:login"), {"username": "strateg@bby.se", "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert signed_in.get("/").status_code == 302
    assert not User.objects.filter(email="strateg@bby.se").exists()


def test_erasure_keeps_the_organisations_functions_and_assessments(en, world):
    person = world.strategist_a2
    round_services.attendance_record(
        meeting=world.meeting_ga1, participation=world.a2, person=person
    )
    before = round_scores(round=world.round_a).summary()
    en.force_login(world.leader)

    _post(en, _person_url("person_erase", person), {"confirm": "erase"})

    assert list(
        FunctionAssignment.objects.filter(participation=world.a2).values_list("person", "function")
    ) == [(person.pk, "strateg")]
    assessment = SelfAssessment.objects.get(pk=world.submitted_a2.pk)
    assert (assessment.status, assessment.submitted_by_id) == ("submitted", person.pk)
    assert assessment.answers.filter(score=2).count() == 10
    assert Attendance.objects.filter(person=person, attended=True).count() == 1
    after = round_scores(round=world.round_a).summary()
    assert (after.n, after.totals) == (before.n, before.totals) == (2, {"9102": 20, "9103": 20})
    assert en.get(_person_url("person", person)).context["data"]["functions"] == [
        {
            "round": "omgang-a",
            "organisation": "9102",
            "organisation_name": "Bby",
            "function": "strateg",
        }
    ]


def test_erasure_leaves_the_name_and_email_nowhere(en, world):
    """Greta, Aby's new politician, is also named in Gby's expression of interest."""
    greta = UserFactory(email="greta@gby.se", full_name="Greta Gbysson")
    participant_services.function_assign(participation=world.a1, person=greta, function="politiker")
    open_round = round_services.round_update(
        round=round_services.round_create(
            name="Omgång C",
            slug="omgang-c",
            starts_on=world.round_a.starts_on,
            ends_on=world.round_a.ends_on,
        ),
        accepts_applications=True,
    )
    participant_services.application_submit(
        round=open_round,
        organisation=OrganisationFactory(code="9401", name="Gby"),
        contact_name="Greta Gbysson",
        contact_email="greta@gby.se",
        decision_on="2024-05-14",
        decision_kind="cemr",
        politician_name="Greta Gbysson",
        politician_email="greta@gby.se",
    )
    en.force_login(world.leader)

    _post(en, _person_url("person_erase", greta), {"confirm": "erase"})

    greta.refresh_from_db()
    assert greta.email == f"erased-{greta.pk}@invalid.example"
    held = json.dumps(list(Application.objects.values()), default=str)
    assert "greta@gby.se" not in held
    assert "Greta Gbysson" not in held


def test_erasure_needs_the_confirmation(en, world):
    en.force_login(world.leader)

    response = _post(en, _person_url("person_erase", world.strategist_a2))

    assert _messages(response) == ["Tick the box to confirm the erasure."]
    world.strategist_a2.refresh_from_db()
    assert (world.strategist_a2.email, world.strategist_a2.is_active) == ("strateg@bby.se", True)


def test_a_project_leader_cannot_erase_themselves(en, world):
    en.force_login(world.leader)

    response = _post(en, _person_url("person_erase", world.leader), {"confirm": "erase"})

    assert _messages(response) == ["You cannot erase yourself."]
    world.leader.refresh_from_db()
    assert (world.leader.email, world.leader.is_active) == ("pl@skr.se", True)


@pytest.mark.parametrize("page", ["person", "person_export", "person_erase"])
def test_person_pages_are_for_project_leaders(client, world, page):
    method = client.post if page == "person_erase" else client.get
    client.force_login(world.strategist_a1)

    own = method(_person_url(page, world.strategist_a1), {"confirm": "erase"})
    other = method(_person_url(page, world.strategist_a2), {"confirm": "erase"})

    # Person pages exist only for project leaders: even one's own is hidden (404).
    assert own.status_code == 404
    assert other.status_code == 404
    assert b"strateg@bby.se" not in other.content
    for person in (world.strategist_a1, world.strategist_a2):
        person.refresh_from_db()
        assert person.is_active
        assert not person.email.startswith("erased-")


# The person's own calendar address


def test_calendar_address_is_created_replaced_and_removed(en, world):
    en.force_login(world.strategist_a1)
    settings_url = reverse("accounts:calendar")
    assert en.get(settings_url).context["feed_url"] == ""

    _post(en, settings_url, {"action": "reset"})
    world.strategist_a1.refresh_from_db()
    first = world.strategist_a1.calendar_token
    page = en.get(settings_url)
    feed = reverse("rounds:calendar_feed", args=[first])
    assert page.context["feed_url"] == f"http://testserver{feed}"
    assert f"http://testserver{feed}" in page.content.decode()
    assert Client().get(feed).status_code == 200

    _post(en, settings_url, {"action": "reset"})
    world.strategist_a1.refresh_from_db()
    second = world.strategist_a1.calendar_token
    assert second != first
    assert Client().get(feed).status_code == 404
    assert Client().get(reverse("rounds:calendar_feed", args=[second])).status_code == 200

    response = _post(en, settings_url, {"action": "revoke"})
    assert _messages(response) == ["The calendar address is removed; it no longer works."]
    world.strategist_a1.refresh_from_db()
    assert world.strategist_a1.calendar_token is None
    assert en.get(settings_url).context["feed_url"] == ""
    assert Client().get(reverse("rounds:calendar_feed", args=[second])).status_code == 404


def test_calendar_settings_need_a_sign_in(client, world):
    response = client.post(reverse("accounts:calendar"), {"action": "reset"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not User.objects.filter(calendar_token__isnull=False).exists()


# Erasure and export reach sign-in records, changes and report files (issue #13).

OFFICE = "192.0.2.10"


def _sign_in(email: str, password: str, browser: str = "Firefox/128.0") -> Client:
    client = Client(REMOTE_ADDR=OFFICE, HTTP_USER_AGENT=browser)
    client.post("/accounts/sign-in/", {"username": email, "password": password})
    return client


def _axes_rows(email: str) -> dict[str, int]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return {
        model.__name__: model.objects.filter(username__iexact=email).count()
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    }


@pytest.fixture
def failure_log(settings):
    """django-axes keeps each failed sign-in in its own log too (off by default)."""
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True


def test_erasure_deletes_the_persons_sign_in_records_and_only_theirs(en, world, failure_log):
    person = world.strategist_a2
    _sign_in("strateg@bby.se", "fel-losenord")
    _sign_in("STRATEG@bby.se", "fel-igen")
    _sign_in("strateg@bby.se", PASSWORD)
    _sign_in("strateg@cby.se", "fel-losenord")
    assert _axes_rows("strateg@bby.se") == {
        "AccessAttempt": 0,  # a successful sign-in clears the count of failures
        "AccessFailureLog": 2,
        "AccessLog": 1,
    }
    _sign_in("strateg@bby.se", "fel-tredje")
    assert _axes_rows("strateg@bby.se")["AccessAttempt"] == 1
    en.force_login(world.leader)

    _post(en, _person_url("person_erase", person), {"confirm": "erase"})

    assert _axes_rows("strateg@bby.se") == {
        "AccessAttempt": 0,
        "AccessFailureLog": 0,
        "AccessLog": 0,
    }
    assert _axes_rows("strateg@cby.se")["AccessFailureLog"] == 1  # another person's stay
    assert _axes_rows(f"erased-{person.pk}@invalid.example") == {
        "AccessAttempt": 0,
        "AccessFailureLog": 0,
        "AccessLog": 0,
    }


def test_export_holds_the_persons_sign_ins_with_address_and_browser(en, world, failure_log):
    _sign_in("strateg@bby.se", "fel-losenord", browser="Edge/131.0")
    _sign_in("strateg@bby.se", PASSWORD, browser="Firefox/128.0")
    _sign_in("strateg@cby.se", "fel-losenord", browser="Opera/1.0")
    en.force_login(world.leader)

    data = en.get(_person_url("person_export", world.strategist_a2)).json()

    signed_in = data["sign_ins"]["signed_in"]
    assert [(s["ip_address"], s["browser"], s["path"]) for s in signed_in] == [
        (OFFICE, "Firefox/128.0", "/accounts/sign-in/")
    ]
    assert signed_in[0]["time"]
    assert signed_in[0]["signed_out"] is None
    assert [
        (f["ip_address"], f["browser"], f["locked_out"]) for f in data["sign_ins"]["failed"]
    ] == [(OFFICE, "Edge/131.0", False)]
    assert "Opera/1.0" not in json.dumps(data)


def test_export_holds_every_change_the_person_made_with_its_fields(en, world):
    """Sven (Bby's strategist) submitted Bby's self-assessment in the world: the assessment's
    and its answers' history rows name him; each is in his export with what it changed."""
    from checklist.models import Answer

    person = world.strategist_a2
    recorded = SelfAssessment.history.filter(history_user=person).count() + sum(
        1 for _ in Answer.history.filter(history_user=person)
    )
    assert recorded > 0
    en.force_login(world.leader)

    data = en.get(_person_url("person_export", person)).json()

    changes = data["changes"]
    assert len(changes) == recorded
    submitted = [
        c for c in changes if c["model"] == "checklist.SelfAssessment" and "status" in c["fields"]
    ]
    assert submitted[-1]["object"] == world.submitted_a2.pk
    assert submitted[-1]["fields"]["status"]["after"] == "submitted"
    assert submitted[-1]["date"]
    assert {c["change"] for c in changes} <= {"created", "changed", "deleted"}
    # Only his: Siv's submission of Cby's is not there.
    assert world.submitted_a3.pk not in {
        c["object"] for c in changes if c["model"] == "checklist.SelfAssessment"
    }


def test_the_person_page_reads_as_much_whatever_the_persons_history(
    en, world, django_assert_num_queries, django_assert_max_num_queries
):
    import datetime as dt

    from checklist import services as checklist_services
    from rounds.models import Meeting

    en.force_login(world.leader)
    url = _person_url("person", world.strategist_a2)
    en.get(url)
    with django_assert_max_num_queries(60) as first:
        assert en.get(url).status_code == 200
    read = len(first.captured_queries)
    starts = world.meeting_ga1.starts_at + dt.timedelta(days=60)
    meeting = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        assessment_due=True,
    )
    draft = checklist_services.assessment_start(participation=world.a2, meeting=meeting)
    for score in (1, 2, 3):
        checklist_services.assessment_save(
            assessment=draft, scores={1: score, 2: score}, by=world.strategist_a2
        )
    assert len(en.get(_person_url("person_export", world.strategist_a2)).json()["changes"]) > 3

    with django_assert_num_queries(read):
        en.get(url)


def test_erasure_rebuilds_the_reports_that_name_the_person_without_them(
    en, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from reports import services as report_services
    from reports.models import ReportJob
    from tests.reports.factories import pdf_text

    settings.MEDIA_ROOT = tmp_path / "media"
    aby = report_services.report_job_request(
        kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.a1, language="en"
    )
    bby = report_services.report_job_request(
        kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.a2, language="en"
    )
    for job in (aby, bby):
        report_services.report_job_render(job_id=job.pk)
        job.refresh_from_db()
    old_file = aby.file.name
    with aby.file.open("rb") as pdf:
        assert "Sara Strateg" in pdf_text(pdf.read())
    bby_file = bby.file.name
    en.force_login(world.leader)

    with django_capture_on_commit_callbacks(execute=True):
        _post(en, _person_url("person_erase", world.strategist_a1), {"confirm": "erase"})
    # The worker's turn: with tasks run in-process it has rendered already (then this does
    # nothing); with a broker, the job waits in the queue and is rendered here.
    report_services.report_job_render(job_id=aby.pk)

    aby.refresh_from_db()
    bby.refresh_from_db()
    storage = aby.file.storage
    assert not storage.exists(old_file)  # the file that named her is gone
    assert aby.status == ReportJob.Status.DONE  # made again
    assert aby.file.name != old_file
    with aby.file.open("rb") as pdf:
        text = pdf_text(pdf.read())
    assert "Sara Strateg" not in text
    assert "strateg@aby.se" not in text
    assert "Erased person" in text
    assert "Per Politiker" in text  # the rest of Aby's people stay
    assert bby.file.name == bby_file  # Bby's report never named her


def test_erasure_marks_a_report_naming_the_person_to_be_made_again(en, world, settings, tmp_path):
    """Without a worker at hand: the file is removed at commit and the job waits."""
    from reports import services as report_services
    from reports.models import ReportJob

    settings.MEDIA_ROOT = tmp_path / "media"
    job = report_services.report_job_request(
        kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.a1
    )
    report_services.report_job_render(job_id=job.pk)
    en.force_login(world.leader)

    _post(en, _person_url("person_erase", world.manager_a1), {"confirm": "erase"})

    job.refresh_from_db()
    assert (job.status, job.file.name, job.attempts) == (ReportJob.Status.PENDING, "", 0)

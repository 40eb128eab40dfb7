"""The organisation's page, inviting people, the error pages, and what each person may open."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from checklist import services as checklist_services
from modellkoncept.celery import app as celery_app
from participants import services as participant_services
from participants.models import ImprovementWork, Invitation
from rounds import services as round_services
from rounds.models import Meeting
from tests.accounts.factories import UserFactory
from tests.pages import assert_not_shown
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Jämställdhet-är-styrning-7"
SWEDISH_MO = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.mo"


@pytest.fixture(autouse=True)
def _eager_celery():
    """The invitation e-mail is sent in-process, even when a broker is configured."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


def main_of(html: str) -> str:
    """The page's own content, without the layout around it."""
    return html[html.index("<main") : html.index("</main>")]


def _in_swedish(text: str) -> str:
    with translation.override("sv"):
        return translation.gettext(text)


def _participation_url(round_slug, code):
    return reverse(
        "participants:participation_detail", kwargs={"round_slug": round_slug, "code": code}
    )


def _invite_url(round_slug, code):
    return reverse("participants:person_invite", kwargs={"round_slug": round_slug, "code": code})


def grow_world(w, tag: int = 1):
    """More of everything the pages list, through the services: members, a second and bigger
    group that M1 also mentors, a supporting mentor, people, meetings, submitted assessments,
    improvement work and invitations."""
    add = participant_services.participation_add
    new = [
        add(
            round=w.round_a,
            organisation=OrganisationFactory(code=f"96{tag}{i}", name=f"Växby {tag}-{i}"),
        )
        for i in range(5)
    ]
    for participation in new[:2]:
        round_services.group_place(group=w.ga1, participation=participation)
    big = round_services.group_create(round=w.round_a, name=f"GA3-{tag}", members=new[2:])
    round_services.mentor_assign(group=big, participation=w.m1)
    supporter = add(
        round=w.round_a,
        organisation=OrganisationFactory(code=f"97{tag}0", name=f"Stödby {tag}"),
        role="mentor",
    )
    round_services.mentor_assign(group=w.ga1, participation=supporter, is_primary=False)
    for function in ("politiker", "chef", "controller"):
        participant_services.function_assign(
            participation=w.a1, person=UserFactory(), function=function
        )
    for participation in new:
        participant_services.function_assign(
            participation=participation, person=UserFactory(), function="strateg"
        )
    for i in range(2):
        participant_services.person_invite(
            participation=w.a1,
            email=f"inbjuden-{tag}-{i}@aby.se",
            full_name=f"Inbjuden {tag}-{i}",
            functions=["analytiker"],
        )
        ImprovementWork.objects.create(participation=w.a1, title=f"Förbättring {tag}-{i}")
    start = timezone.now() + dt.timedelta(days=90)
    all_twos = dict.fromkeys(range(1, 11), 2)
    for number in (2, 3, 4):
        for group in (w.ga1, big):
            meeting = round_services.meeting_create(
                round=w.round_a,
                group=group,
                kind=Meeting.Kind.LEARNING_MEETING,
                number=number + 10 * tag,
                title=f"Lärandeträff {number} {group.name}",
                starts_at=start + dt.timedelta(days=number),
                ends_at=start + dt.timedelta(days=number, hours=6),
                assessment_due=True,
            )
            for participation in group.members.all():
                assessment = checklist_services.assessment_start(
                    participation=participation, meeting=meeting
                )
                checklist_services.assessment_save(assessment=assessment, scores=all_twos)
                checklist_services.assessment_submit(assessment=assessment, by=None)
        round_services.meeting_create(
            round=w.round_a,
            kind=Meeting.Kind.SEMINAR,
            title=f"Fördjupningsseminarium {tag}-{number}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
        )
    return big


# Who may open what


def test_own_organisation_page_shows_people_group_and_own_draft(client, world):
    client.force_login(world.strategist_a1)

    response = client.get(_participation_url("omgang-a", "9101"))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("Aby", "Per Politiker", "Cecilia Chef", "Sara Strateg", "GA1", "Bby"):
        assert shown in html
    assert "Mentorstad" in html
    assert [a.pk for a in response.context["assessments"]] == [world.draft_a1.pk]
    assert "chef@aby.se" not in html  # addresses are for project leaders
    assert _invite_url("omgang-a", "9101") not in html


def test_project_leader_sees_addresses_and_may_invite(client, world):
    client.force_login(world.leader)

    html = client.get(_participation_url("omgang-a", "9101")).content.decode()

    assert "chef@aby.se" in html
    assert _invite_url("omgang-a", "9101") in html


def test_mentor_sees_a_member_page_without_its_draft(client, world):
    client.force_login(world.mentor_m1)

    response = client.get(_participation_url("omgang-a", "9101"))

    assert response.status_code == 200
    assert response.context["assessments"] == []
    assert _in_swedish("No self-assessments yet.") in response.content.decode()


def test_group_member_sees_anothers_submitted_assessment_on_its_group_but_not_its_page(
    client, world
):
    client.force_login(world.strategist_a1)

    group = client.get(reverse("rounds:group_detail", args=["omgang-a", world.ga1.pk]))

    assert {a.pk for a in group.context["assessments"]} == {
        world.draft_a1.pk,
        world.submitted_a2.pk,
    }
    assert client.get(_participation_url("omgang-a", "9102")).status_code == 404


def _hidden_pages(world):
    """Pages of other organisations, groups and rounds than Aby's, with a name each shows."""
    return [
        (_participation_url("omgang-a", "9102"), "Bby"),  # same group
        (_participation_url("omgang-a", "9103"), "Cby"),  # same round, other group
        (_participation_url("omgang-b", "9301"), "Eby"),  # other round
        (_participation_url("omgang-a", "9301"), "Eby"),  # an organisation of another round
        (reverse("rounds:group_detail", args=["omgang-a", world.ga2.pk]), "GA2"),
        (reverse("rounds:group_detail", args=["omgang-a", world.gb.pk]), "GB"),
        (reverse("rounds:group_detail", args=["omgang-b", world.ga1.pk]), "GA1"),
        (reverse("rounds:round_detail", args=["omgang-b"]), "Omgång B"),
        (reverse("rounds:meeting_detail", args=["omgang-a", world.meeting_ga2.pk]), "GA2"),
        (reverse("rounds:meeting_detail", args=["omgang-b", world.meeting_gb.pk]), "GB"),
        (_invite_url("omgang-a", "9102"), "Bby"),
    ]


def test_person_cannot_open_another_organisations_pages(client, world):
    client.force_login(world.strategist_a1)
    not_found = main_of(client.get(_participation_url("omgang-a", "0000")).content.decode())

    for url, hidden_name in _hidden_pages(world):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404, url
        # The name as a word of the page, not letters inside a token or nonce of its <head>.
        assert_not_shown(html, hidden_name, where=url)
        assert 'class="navbar-brand"' in html
        assert "Modellkoncept" in html
        assert _in_swedish("The page does not exist or is not yours to see.") in html
        assert main_of(html) == not_found  # hidden looks exactly like missing


def test_person_opens_own_pages(client, world):
    client.force_login(world.strategist_a1)

    for url in (
        _participation_url("omgang-a", "9101"),
        reverse("rounds:round_detail", args=["omgang-a"]),
        reverse("rounds:group_detail", args=["omgang-a", world.ga1.pk]),
        reverse("rounds:meeting_detail", args=["omgang-a", world.meeting_ga1.pk]),
        reverse("rounds:meeting_detail", args=["omgang-a", world.startup.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_politician_may_see_but_not_invite(client, world):
    client.force_login(world.politician_a1)

    assert client.get(_participation_url("omgang-a", "9101")).status_code == 200
    response = client.post(
        _invite_url("omgang-a", "9101"),
        {"full_name": "Smygare", "email": "smyg@aby.se", "functions": ["strateg"]},
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="navbar-brand"' in html
    assert _in_swedish("You do not have permission to see this page.") in html
    assert client.get(_invite_url("omgang-a", "9101")).status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.skipif(
    not SWEDISH_MO.exists(), reason="the Swedish catalogue is not compiled: make translations"
)
def test_error_pages_are_in_swedish_by_default(client, world):
    client.force_login(world.politician_a1)

    forbidden = client.get(_invite_url("omgang-a", "9101")).content.decode()
    missing = client.get(_participation_url("omgang-a", "9102")).content.decode()

    assert '<html lang="sv"' in forbidden
    assert "Du har inte behörighet att se den här sidan." in main_of(forbidden)
    assert '<html lang="sv"' in missing
    assert "<h1>Sidan finns inte</h1>" in main_of(missing)


# Inviting a person, end to end


def test_invitation_from_form_to_start_page(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.leader)
    invite = _invite_url("omgang-a", "9101")
    assert client.get(invite).status_code == 200

    bad = client.post(invite, {"full_name": "Nora Ny", "email": "inte-en-adress"})

    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"email", "functions"}
    html = bad.content.decode()
    email_error = html[html.index('id="id_email_error"') :][:300]
    assert "Fyll i en giltig e-postadress." in email_error
    functions_error = html[html.index('id="id_functions_error"', html.index("fieldset")) :]
    assert "Detta fält måste fyllas i." in functions_error[:1000]
    assert not Invitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            invite,
            {"full_name": "Nora Ny", "email": "Nora.Ny@Aby.se", "functions": ["politiker", "chef"]},
        )

    assert sent.status_code == 302
    assert sent["Location"] == _participation_url("omgang-a", "9101")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora.ny@aby.se"]
    path = re.search(r"https?://[^/\s]+(/invitation/[A-Za-z0-9_-]+/)", mail.outbox[0].body)
    assert path, mail.outbox[0].body
    link = path.group(1)

    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200
    assert "Aby" in page.content.decode()
    assert "nora.ny@aby.se" in page.content.decode()

    mismatch = invitee.post(link, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"})
    assert mismatch.status_code == 200
    assert mismatch.context["form"].errors["password2"] == [
        _in_swedish("The two passwords differ.")
    ]
    assert _in_swedish("The two passwords differ.") in mismatch.content.decode()
    assert "_auth_user_id" not in invitee.session

    accepted = invitee.post(link, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert accepted.status_code == 302
    assert accepted["Location"] == "/"
    start = invitee.get("/")
    assert start.context["user"].email == "nora.ny@aby.se"
    assert "Aby" in start.content.decode()
    assert "GA1" in start.content.decode()

    spent = Client().get(link)
    assert spent.status_code == 410
    assert _in_swedish("The link does not work") in spent.content.decode()
    assert_not_shown(spent.content.decode(), "Aby")


def test_inviting_a_person_to_a_function_they_hold_shows_why(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _invite_url("omgang-a", "9101"),
            {"full_name": "Sara Strateg", "email": "STRATEG@aby.se", "functions": ["strateg"]},
        )

    assert response.status_code == 200
    with translation.override("sv"):
        expected = translation.gettext(
            "%(person)s is already %(function)s for %(organisation)s."
        ) % {
            "person": "Sara Strateg",
            "function": translation.gettext("strategist/key person"),
            "organisation": "Aby",
        }
    assert response.context["form"].non_field_errors() == [expected]
    assert expected in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_unknown_invitation_link_is_gone(client):
    response = client.get(reverse("participants:invitation_accept", args=["gissad-token"]))

    assert response.status_code == 410
    assert (
        _in_swedish(
            "The invitation link has expired or has already been used. Ask your project leader "
            "for a new invitation, or reset your password if you already have one."
        )
        in response.content.decode()
    )


def test_invitation_with_a_weak_password_is_not_accepted(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        participant_services.person_invite(
            participation=world.a1, email="svag@aby.se", full_name="Svag", functions=["chef"]
        )
    link = re.search(r"(/invitation/[A-Za-z0-9_-]+/)", mail.outbox[0].body).group(1)
    client = Client()

    response = client.post(link, {"password1": "1234567890", "password2": "1234567890"})

    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert Invitation.objects.get().accepted_at is None
    assert client.get(link).status_code == 200  # still usable


# Query counts do not grow with the data

QUERY_BOUNDS = {
    # (user, page): most queries, session and user included
    ("leader", "start"): 3,
    # The start page of a participant or mentor also lists meetings to evaluate: one query.
    ("strategist_a1", "start"): 8,
    ("mentor_m1", "start"): 9,
    ("leader", "participation"): 15,
    ("strategist_a1", "participation"): 17,
    ("mentor_m1", "participation"): 18,
}


@pytest.mark.parametrize("user_name", ["leader", "strategist_a1", "mentor_m1"])
def test_start_and_participation_pages_run_a_bounded_number_of_queries(
    client, world, user_name, django_assert_max_num_queries
):
    client.force_login(getattr(world, user_name))
    pages = {"start": "/", "participation": _participation_url("omgang-a", "9101")}

    for page, url in pages.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[user_name, page]):
            assert client.get(url).status_code == 200
    grow_world(world)
    for page, url in pages.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[user_name, page]):
            response = client.get(url)
        assert response.status_code == 200
    html = client.get(pages["participation"]).content.decode()
    assert "Växby 1-0" in html  # the page does show the new data

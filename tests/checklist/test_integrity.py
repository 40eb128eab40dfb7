"""Self-assessment integrity: a submitted assessment is read-only until it is reopened with a
reason; while reopened the group sees the version last submitted; a conflicting save is shown
at once; what is due and where to find it.

Pages are read in Swedish; wording is translated with the catalogue (`_sv`)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from checklist import services
from checklist.models import Answer, SelfAssessment
from checklist.statistics import submitted_scores
from modellkoncept.models import LogEntry
from rounds import services as round_services
from rounds.models import Meeting
from tests.checklist.assessment_pages import _post_data, _tables

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _sv(text: str, **params) -> str:
    with translation.override("sv"):
        translated = translation.gettext(text)
    return escape(translated % params if params else translated)


def _url(name: str, assessment) -> str:
    return reverse(f"checklist:{name}", args=[assessment.pk])


def _stored(assessment) -> dict[int, int | None]:
    return dict(
        Answer.objects.filter(assessment_id=assessment.pk).values_list("item__number", "score")
    )


# Read-only once submitted


@pytest.mark.parametrize("htmx", [True, False])
def test_a_submitted_assessment_refuses_changes_and_saves_nothing(world, as_user, htmx):
    submitted = world.submitted_a2  # all twos, submitted by Sven
    before = LogEntry.objects.count()
    client = as_user(world.strategist_a2)

    response = client.post(
        _url("assessment_save", submitted),
        _post_data(dict.fromkeys(range(1, 11), 2) | {3: 3}, revision=submitted.revision),
        **(HTMX if htmx else {}),
    )

    assert response.status_code == 409
    assert (
        _sv(
            "The self-assessment is submitted and can no longer be changed. To change it, ask for "
            "it to be reopened."
        )
        in response.content.decode()
    )
    assert _stored(submitted) == dict.fromkeys(range(1, 11), 2)
    assert LogEntry.objects.count() == before
    submitted.refresh_from_db()
    assert submitted.status == SelfAssessment.Status.SUBMITTED


def test_submit_again_on_a_submitted_assessment_with_other_answers_is_refused(world, as_user):
    submitted = world.submitted_a2
    response = as_user(world.strategist_a2).post(
        _url("assessment_submit", submitted),
        _post_data(dict.fromkeys(range(1, 11), 1), revision=submitted.revision),
    )

    assert response.status_code == 409
    assert _stored(submitted) == dict.fromkeys(range(1, 11), 2)


def test_the_submitted_page_is_read_only_and_offers_reopening(world, as_user):
    html = as_user(world.strategist_a2).get(_url("assessment", world.submitted_a2)).content
    html = html.decode()

    assert 'id="assessment-form"' not in html
    assert 'type="radio"' not in html
    assert _sv("Draft saved %(time)s", time="")[:10] not in html
    assert _url("assessment_reopen", world.submitted_a2) in html
    assert _sv("Reopen for changes") in html


# Reopening


def test_a_strategist_reopens_with_a_reason_and_the_group_keeps_the_submitted_version(
    world, as_user, client
):
    submitted = world.submitted_a2
    sven = as_user(world.strategist_a2)

    refused = sven.post(_url("assessment_reopen", submitted), {"reason": "  "})
    assert refused.status_code == 422
    assert _sv("This field is required.") in refused.content.decode()
    submitted.refresh_from_db()
    assert not submitted.is_reopened

    response = sven.post(_url("assessment_reopen", submitted), {"reason": "Fel på moment 3"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.is_reopened
    assert submitted.reopened_by == world.strategist_a2

    # A draft again for Sven: the form, with the answers as submitted; saved to the copy.
    page = sven.get(_url("assessment", submitted)).content.decode()
    assert 'id="assessment-form"' in page
    saved = sven.post(
        _url("assessment_save", submitted),
        _post_data(dict.fromkeys(range(1, 11), 2) | {3: 3}, revision=submitted.revision),
        **HTMX,
    )
    assert saved.status_code == 200
    assert _sv("%(scored)s of %(total)s items have a score", scored=10, total=10) in (
        saved.content.decode()
    )
    submitted.refresh_from_db()
    assert submitted.draft_answers["3"] == {"score": 3, "comment": ""}

    # The group (Aby, same group) and the statistics still see the version last submitted.
    assert _stored(submitted)[3] == 2
    items = list(world.round_a.checklist_version.items.all())
    scores = submitted_scores(
        [world.a2], points={world.a2.pk: {world.meeting_ga1.pk: 1}}, items=items
    )
    assert scores[world.a2.pk].points[1][3] == 2
    client.force_login(world.strategist_a1)
    peer_page = client.get(_url("assessment", submitted))
    assert peer_page.status_code == 200
    rows = {row[0].split(".")[0]: row for row in _tables(peer_page)[0]["rows"][1:]}
    assert rows["3"][1] == "2"
    assert _sv("This is the version last submitted; the organisation is revising it.") in (
        peer_page.content.decode()
    )

    # Submitted again: the group sees the change; the page is read-only again.
    sven.force_login(world.strategist_a2)
    again = sven.post(
        _url("assessment_submit", submitted),
        _post_data(dict.fromkeys(range(1, 11), 2) | {3: 3}, revision=submitted.revision + 1),
    )
    assert again.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.draft_answers) == (SelfAssessment.Status.SUBMITTED, None)
    assert _stored(submitted)[3] == 3

    # The history shows the reopening with its reason, and the new submission.
    client.force_login(world.leader)
    history = client.get(_url("assessment_history", submitted))
    texts = [row[2] for row in _tables(history)[0]["rows"][1:]]
    assert "Öppnad igen av Sven Strateg: Fel på moment 3" in texts
    assert texts[-2:] == ["Poäng moment 3: 2 → 3", "Inskickad av Sven Strateg"]


def test_only_until_the_meeting_starts_for_strategists_at_any_time_for_project_leaders(
    world, as_user
):
    submitted = world.submitted_a2
    started = timezone.now() - dt.timedelta(hours=1)
    round_services.meeting_update(
        meeting=world.meeting_ga1, starts_at=started, ends_at=started + dt.timedelta(hours=6)
    )

    strategist = as_user(world.strategist_a2)
    assert strategist.get(_url("assessment_reopen", submitted)).status_code == 403
    assert strategist.post(_url("assessment_reopen", submitted), {"reason": "x"}).status_code == 403
    assert (
        _url("assessment_reopen", submitted)
        not in strategist.get(_url("assessment", submitted)).content.decode()
    )

    leader = as_user(world.leader)
    response = leader.post(_url("assessment_reopen", submitted), {"reason": "Sent ändring"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.is_reopened


@pytest.mark.parametrize("user", ["politician_a1", "mentor_m1", "strategist_a1"])
def test_others_may_not_reopen(world, as_user, user):
    response = as_user(getattr(world, user)).post(
        _url("assessment_reopen", world.submitted_a2), {"reason": "x"}
    )

    assert response.status_code in (403, 404)
    world.submitted_a2.refresh_from_db()
    assert not world.submitted_a2.is_reopened


def test_a_draft_is_not_reopened(world):
    with pytest.raises(services.DomainError):
        services.assessment_reopen(assessment=world.draft_a1, by=world.leader, reason="x")


# Conflicts are shown at once


def test_a_conflicting_autosave_answers_409_with_the_conflict_beside_the_form(world, as_user):
    draft = world.draft_a1  # Sara saved item 1 → 3
    services.assessment_save(assessment=draft, scores={2: 2}, by=world.leader)

    response = as_user(world.strategist_a1).post(
        _url("assessment_save", draft),
        _post_data({1: 3, 2: 1}, revision=draft.revision),
        **HTMX,
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="save-conflict" hx-swap-oob="true"' in html
    conflict = _tables(response)[0]
    assert conflict["rows"][1:] == [["2", "2", "1"]]
    assert re.search(rf'name="overwrite_revision"\s+value="{draft.revision + 1}"', html)
    assert _stored(draft)[2] == 2


def test_the_site_script_lets_htmx_show_the_409(settings):
    script = (settings.BASE_DIR / "static" / "js" / "site.js").read_text()

    assert "htmx:beforeSwap" in script
    assert "status === 409" in script


# What is due, and where


def test_the_start_page_drops_submitted_assessments_and_keeps_reopened_ones(world, as_user):
    client = as_user(world.strategist_a2)
    due = _sv("Due")

    assert due not in client.get("/").content.decode()

    services.assessment_reopen(
        assessment=world.submitted_a2, by=world.strategist_a2, reason="Ändring"
    )
    html = client.get("/").content.decode()
    assert due in html
    assert world.meeting_ga1.title in html


def test_starting_is_not_offered_before_the_assessment_opens(world, as_user):
    opens = timezone.localdate() + dt.timedelta(days=10)
    round_services.meeting_update(meeting=world.meeting_ga2, assessment_opens_on=opens)
    url = reverse(
        "checklist:assessment_start",
        args=["omgang-a", world.a4.organisation.code, world.meeting_ga2.pk],
    )
    # Dby (A4) has a strategist of its own for this test.
    from participants import services as participant_services

    participant_services.function_assign(
        participation=world.a4, person=world.outsider, function="strateg"
    )
    client = as_user(world.outsider)

    html = client.get(url).content.decode()
    assert _sv("Start the self-assessment") not in html
    assert _sv("The self-assessment opens on %(date)s.", date=opens.isoformat()) in html
    response = client.post(url)
    assert response.status_code == 302
    assert not SelfAssessment.objects.filter(participation=world.a4).exists()


def test_due_badges_are_not_for_past_meetings_nor_mentors(world, as_user):
    past_start = timezone.now() - dt.timedelta(days=40)
    round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        title="Förra träffen",
        starts_at=past_start,
        ends_at=past_start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    badge = _sv("Self-assessment due")
    group = reverse("rounds:group_detail", args=["omgang-a", world.ga1.pk])

    member = as_user(world.strategist_a1).get(group).content.decode()
    assert member.count(badge) == 1  # the coming meeting, not the past one
    mentor = as_user(world.mentor_m1).get(group).content.decode()
    assert badge not in mentor


def test_the_meeting_page_links_to_the_organisations_own_assessment(world, as_user):
    meeting = reverse("rounds:meeting_detail", args=["omgang-a", world.meeting_ga1.pk])
    own = reverse(
        "checklist:assessment_start",
        args=["omgang-a", world.a1.organisation.code, world.meeting_ga1.pk],
    )

    html = as_user(world.politician_a1).get(meeting).content.decode()
    assert own in html
    assert _sv("The self-assessment of %(organisation)s", organisation="Aby") in html
    mentor_html = as_user(world.mentor_m1).get(meeting).content.decode()
    assert "/organisations/" not in mentor_html or own not in mentor_html

"""The self-assessment page: filling in (autosave, conflicts, submit), who sees and does what,
and locking and reopening with its history. The group's comparison, the organisation's scores
over time, checklist versions and the pages' queries are in `test_score_views.py`.

Pages are read as users see them, in Swedish; expected wording is translated with the
catalogue (`_sv`), so a test does not depend on whether a string has been translated yet.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from checklist import services
from checklist.models import AssessmentComment, SelfAssessment
from participants import services as participant_services
from rounds import services as round_services
from rounds.models import Meeting
from tests.accounts.factories import UserFactory
from tests.checklist.assessment_pages import (
    HTMX,
    _checked,
    _item_section,
    _past_meeting,
    _post_data,
    _record,
    _stored,
    _sv,
    _table,
    _tables,
    _url,
)

pytestmark = pytest.mark.django_db


# Filling in


def test_strategists_page_shows_items_scale_comment_boxes_and_last_time(world, as_user):
    earlier = _past_meeting(world, days_ago=60)
    _record(world.a1, earlier, (2, 2, 2, 1, 2, 2, 2, 2, 2, 3))
    response = as_user(world.strategist_a1).get(_url("assessment", world.draft_a1))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="assessment-form"' in html
    for number in range(1, 11):
        section = _item_section(html, number)
        assert len(re.findall(rf'type="radio"\s+name="score_{number}"', section)) == 3
        assert f'name="comment_{number}"' in section
        assert "<details" in section  # the item's guidance
    # The scale's labels as the choices' text.
    for label in (
        "Inte påbörjat/finns inte",
        "Finns men behöver utvecklas",
        "Det finns/det gör vi",
    ):
        assert html.count(label) == 10
    # Last time's score beside each item.
    assert _sv("Last time: %(score)s", score=1) in _item_section(html, 4)
    assert _sv("Last time: %(score)s", score=3) in _item_section(html, 10)
    assert _sv("Last time: %(score)s", score=2) in _item_section(html, 1)
    # What the draft already holds is chosen.
    assert _checked(html, 1) == 3
    assert _checked(html, 2) is None


def test_first_assessment_says_there_is_no_earlier_one(world, as_user):
    response = as_user(world.strategist_a1).get(_url("assessment", world.draft_a1))
    assert _sv("No earlier self-assessment.") in _item_section(response.content.decode(), 1)


def test_autosave_through_htmx_answers_with_the_status_and_a_new_revision(world, as_user):
    client = as_user(world.strategist_a1)
    draft = world.draft_a1
    response = client.post(
        _url("assessment_save", draft),
        _post_data({1: 3, 2: 2}, revision=draft.revision, comments={2: "Budgeten saknar mål"}),
        **HTMX,
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment  # only the status line, not a page
    assert f'name="revision" value="{draft.revision + 1}"' in fragment
    assert 'hx-swap-oob="true"' in fragment
    draft.refresh_from_db()
    assert draft.status == SelfAssessment.Status.DRAFT
    assert _stored(draft)[2] == 2
    # The draft survives a closed browser: a fresh load shows what was saved.
    client.logout()
    html = as_user(world.strategist_a1).get(_url("assessment", draft)).content.decode()
    assert _checked(html, 1) == 3
    assert _checked(html, 2) == 2
    assert "Budgeten saknar mål" in _item_section(html, 2)
    assert f'name="revision" value="{draft.revision}"' in html


def test_submit_right_after_the_autosave_of_the_same_answers_is_no_conflict(world, as_user):
    # The last change's autosave is answered before the Submit button's request arrives, so the
    # button still sends the revision the page was loaded with.
    client = as_user(world.strategist_a1)
    draft = world.draft_a1
    answers = _post_data(
        dict.fromkeys(range(1, 11), 2), revision=draft.revision, comments={3: "Klart"}
    )
    assert client.post(_url("assessment_save", draft), answers, **HTMX).status_code == 200

    response = client.post(_url("assessment_submit", draft), answers)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SelfAssessment.Status.SUBMITTED
    assert set(_stored(draft).values()) == {2}


def test_save_with_the_button_redirects_back_to_the_page(world, as_user):
    draft = world.draft_a1
    response = as_user(world.strategist_a1).post(
        _url("assessment_save", draft), _post_data({1: 3, 5: 1}, revision=draft.revision)
    )
    assert response.status_code == 302
    assert response["Location"] == _url("assessment", draft)
    assert _stored(draft)[5] == 1


@pytest.fixture
def second_strategist(world):
    person = UserFactory(email="strateg2@aby.se", full_name="Stefan Strateg")
    participant_services.function_assign(participation=world.a1, person=person, function="strateg")
    return person


def test_second_save_on_an_old_revision_is_told_and_shown_the_difference(
    world, second_strategist, client
):
    draft = world.draft_a1
    loaded = draft.revision  # both strategists opened the page at this revision
    client.force_login(second_strategist)
    first = client.post(_url("assessment_save", draft), _post_data({1: 3, 2: 3}, revision=loaded))
    assert first.status_code == 302

    client.force_login(world.strategist_a1)
    response = client.post(
        _url("assessment_save", draft),
        _post_data({1: 3, 2: 1}, revision=loaded, comments={2: "Mitt svar"}),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert (
        _sv(
            "Someone else has saved this self-assessment since you opened it. Your answers are "
            "kept on this page but not saved."
        )
        in html
    )
    # The difference, item by item: what is saved now and what the user has.
    rows = _table(response, _sv("Where your answers differ from the saved ones"))
    assert rows[1:] == [["2", "3", "1 Mitt svar"]]
    # Nothing was overwritten …
    assert _stored(draft) == {1: 3, 2: 3} | dict.fromkeys(range(3, 11))
    # … and the user's input is still on the page, ready to be saved over the newer answers.
    assert _checked(html, 2) == 1
    assert "Mitt svar" in _item_section(html, 2)
    draft.refresh_from_db()
    assert re.search(rf'name="overwrite_revision"\s+value="{draft.revision}"', html)


def test_conflict_through_htmx_answers_409_with_the_difference(world, second_strategist, client):
    draft = world.draft_a1
    loaded = draft.revision
    services.assessment_save(assessment=draft, scores={4: 2}, by=second_strategist)
    client.force_login(world.strategist_a1)
    response = client.post(
        _url("assessment_save", draft), _post_data({1: 3, 4: 3}, revision=loaded), **HTMX
    )
    assert response.status_code == 409
    assert "<html" not in response.content.decode()
    rows = _table(response, _sv("Where your answers differ from the saved ones"))
    assert rows[1:] == [["4", "2", "3"]]
    assert _stored(draft)[4] == 2


def test_keeping_my_answers_saves_them_over_the_newer_ones(world, second_strategist, client):
    draft = world.draft_a1
    loaded = draft.revision
    services.assessment_save(assessment=draft, scores={2: 3}, by=second_strategist)
    draft.refresh_from_db()
    client.force_login(world.strategist_a1)
    response = client.post(
        _url("assessment_save", draft),
        _post_data({1: 3, 2: 1}, revision=loaded, overwrite_revision=draft.revision),
    )
    assert response.status_code == 302
    assert _stored(draft)[2] == 1


def test_keeping_my_answers_is_refused_when_the_draft_changed_once_more(
    world, second_strategist, client
):
    draft = world.draft_a1
    loaded = draft.revision
    services.assessment_save(assessment=draft, scores={2: 3}, by=second_strategist)
    seen = draft.revision + 1  # the revision the conflict showed
    services.assessment_save(assessment=draft, scores={2: 2}, by=second_strategist)
    client.force_login(world.strategist_a1)
    response = client.post(
        _url("assessment_save", draft),
        _post_data({1: 3, 2: 1}, revision=loaded, overwrite_revision=seen),
    )
    assert response.status_code == 409
    assert _stored(draft)[2] == 2


def test_submit_on_an_old_revision_submits_nothing(world, second_strategist, client):
    draft = world.draft_a1
    loaded = draft.revision
    services.assessment_save(assessment=draft, scores={2: 1}, by=second_strategist)
    client.force_login(world.strategist_a1)
    response = client.post(
        _url("assessment_submit", draft),
        _post_data(dict.fromkeys(range(1, 11), 3), revision=loaded),
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == SelfAssessment.Status.DRAFT
    assert _stored(draft) == {1: 3, 2: 1} | dict.fromkeys(range(3, 11))


def test_submit_with_a_missing_item_names_it_beside_the_item_and_saves_nothing(world, as_user):
    draft = world.draft_a1
    scores = dict.fromkeys(range(1, 10), 2)  # item 10 has no score
    response = as_user(world.strategist_a1).post(
        _url("assessment_submit", draft), _post_data(scores, revision=draft.revision)
    )
    assert response.status_code == 422
    html = response.content.decode()
    beside = _item_section(html, 10)
    assert 'id="item-10-error"' in beside
    assert _sv("Choose a score for this item.") in beside
    assert 'id="item-9-error"' not in html
    assert (
        _sv(
            "Give a score for every item before submitting; missing: %(items)s.",
            items="10",
        )
        in html
    )
    draft.refresh_from_db()
    assert draft.status == SelfAssessment.Status.DRAFT
    assert draft.submitted_at is None
    assert _stored(draft) == {1: 3} | dict.fromkeys(range(2, 11))  # nothing half-saved


@pytest.mark.parametrize("view", ["assessment_save", "assessment_submit"])
def test_a_score_outside_the_scale_is_refused_beside_the_item(world, as_user, view):
    draft = world.draft_a1
    scores = dict.fromkeys(range(1, 11), 2) | {3: 4}
    response = as_user(world.strategist_a1).post(
        _url(view, draft), _post_data(scores, revision=draft.revision)
    )
    assert response.status_code == 422
    assert 'id="item-3-error"' in _item_section(response.content.decode(), 3)
    draft.refresh_from_db()
    assert draft.status == SelfAssessment.Status.DRAFT
    assert _stored(draft) == {1: 3} | dict.fromkeys(range(2, 11))


def test_submit_with_every_item_scored_submits(world, as_user):
    draft = world.draft_a1
    scores = dict(enumerate((3, 2, 2, 2, 2, 2, 2, 1, 1, 1), start=1))
    response = as_user(world.strategist_a1).post(
        _url("assessment_submit", draft), _post_data(scores, revision=draft.revision)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SelfAssessment.Status.SUBMITTED
    assert draft.submitted_by == world.strategist_a1
    assert draft.submitted_at is not None
    assert _stored(draft) == scores


def test_strategist_starts_the_assessment_before_a_meeting(world, as_user):
    start = timezone.now() + dt.timedelta(days=90)
    meeting = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    url = reverse(
        "checklist:assessment_start",
        kwargs={"round_slug": "omgang-a", "code": "9101", "meeting_pk": meeting.pk},
    )
    politician = as_user(world.politician_a1)
    assert _sv("Start the self-assessment") not in politician.get(url).content.decode()
    assert politician.post(url).status_code == 403
    assert not SelfAssessment.objects.filter(meeting=meeting).exists()

    strategist = as_user(world.strategist_a1)
    response = strategist.post(url)
    created = SelfAssessment.objects.get(participation=world.a1, meeting=meeting)
    assert response["Location"] == _url("assessment", created)
    assert created.answers.count() == 10
    # Once it exists, the way in leads to it.
    assert strategist.get(url)["Location"] == _url("assessment", created)


# Who sees and does what


@pytest.mark.parametrize(
    ("user", "assessment", "status"),
    [
        ("strategist_a1", "draft_a1", 200),
        ("politician_a1", "draft_a1", 200),
        ("manager_a1", "draft_a1", 200),
        ("leader", "draft_a1", 200),
        ("strategist_a2", "draft_a1", 404),  # another organisation's draft, same group
        ("mentor_m1", "draft_a1", 404),  # the group's mentor never sees a draft
        ("strategist_a1", "submitted_a2", 200),  # submitted: the group compares
        ("mentor_m1", "submitted_a2", 200),
        ("mentor_m2", "submitted_a2", 404),  # mentors another group
        ("strategist_a3", "submitted_a2", 404),  # same round, another group
        ("strategist_b1", "submitted_a2", 404),  # another round
        ("outsider", "submitted_a2", 404),
    ],
)
def test_who_may_open_an_assessment(world, as_user, user, assessment, status):
    response = as_user(getattr(world, user)).get(_url("assessment", getattr(world, assessment)))
    assert response.status_code == status


def test_anonymous_visitor_is_sent_to_sign_in(world, client):
    response = client.get(_url("assessment", world.submitted_a2))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize(
    ("user", "assessment"),
    [
        ("politician_a1", "draft_a1"),
        ("manager_a1", "draft_a1"),
        ("strategist_a1", "submitted_a2"),
        ("mentor_m1", "submitted_a2"),
    ],
)
def test_readers_see_no_form_and_may_not_save_or_submit(world, as_user, user, assessment):
    assessment = getattr(world, assessment)
    before, status = _stored(assessment), assessment.status
    client = as_user(getattr(world, user))
    html = client.get(_url("assessment", assessment)).content.decode()
    assert 'id="assessment-form"' not in html
    assert 'type="radio"' not in html
    # The scores are shown as a table instead.
    assert _sv("Scores and comments per item") in html
    data = _post_data(dict.fromkeys(range(1, 11), 1), revision=assessment.revision)
    assert client.post(_url("assessment_save", assessment), data).status_code == 403
    assert client.post(_url("assessment_save", assessment), data, **HTMX).status_code == 403
    assert client.post(_url("assessment_submit", assessment), data).status_code == 403
    assessment.refresh_from_db()
    assert _stored(assessment) == before
    assert assessment.status == status


def test_politician_comments_on_the_assessment(world, as_user):
    client = as_user(world.politician_a1)
    draft = world.draft_a1
    response = client.post(
        _url("assessment_remark", draft), {"text": "Vi behöver ett nytt beslut.", "item": "1"}
    )
    assert response.status_code == 302
    remark = AssessmentComment.objects.get(assessment=draft)
    assert (remark.author, remark.item.number) == (world.politician_a1, 1)
    html = client.get(_url("assessment", draft)).content.decode()
    remarks = html[html.index('id="remarks"') :]
    assert "Vi behöver ett nytt beslut." in remarks
    assert "Per Politiker" in remarks
    # The strategist's form is unchanged by a comment.
    assert _stored(draft)[1] == 3


@pytest.mark.parametrize(("user", "assessment"), [("mentor_m1", "submitted_a2")])
def test_those_outside_the_organisation_may_not_comment(world, as_user, user, assessment):
    assessment = getattr(world, assessment)
    response = as_user(getattr(world, user)).post(
        _url("assessment_remark", assessment), {"text": "Utifrån", "item": ""}
    )
    assert response.status_code == 403
    assert not AssessmentComment.objects.filter(assessment=assessment).exists()


def test_strategist_of_a_group_member_may_not_comment_on_its_submitted_assessment(world, as_user):
    response = as_user(world.strategist_a1).post(
        _url("assessment_remark", world.submitted_a2), {"text": "Från Aby", "item": ""}
    )
    assert response.status_code == 403
    assert not AssessmentComment.objects.exists()


# Locking, reopening and the history


def test_project_leader_closes_and_the_strategist_can_no_longer_save(world, as_user):
    draft = world.draft_a1
    leader = as_user(world.leader)
    assert leader.post(_url("assessment_lock", draft), {"action": "close"}).status_code == 302
    draft.refresh_from_db()
    assert draft.locked_at is not None
    assert draft.is_locked

    client = as_user(world.strategist_a1)
    html = client.get(_url("assessment", draft)).content.decode()
    assert 'id="assessment-form"' not in html
    data = _post_data({1: 1, 2: 2}, revision=draft.revision)
    htmx = client.post(_url("assessment_save", draft), data, **HTMX)
    assert htmx.status_code == 422
    assert _sv("The self-assessment is locked.") in htmx.content.decode()
    assert client.post(_url("assessment_submit", draft), data).status_code == 422
    assert _stored(draft) == {1: 3} | dict.fromkeys(range(2, 11))


@pytest.mark.parametrize("view", ["assessment_save", "assessment_submit"])
def test_a_plain_save_to_a_locked_assessment_says_why(world, as_user, view):
    draft = world.draft_a1
    services.assessment_close(assessment=draft, by=world.leader)
    response = as_user(world.strategist_a1).post(
        _url(view, draft), _post_data(dict.fromkeys(range(1, 11), 1), revision=draft.revision)
    )
    assert response.status_code == 422
    assert _sv("The self-assessment is locked.") in response.content.decode()


def test_reopened_assessment_is_editable_and_the_history_shows_who_and_what(world, as_user):
    submitted = world.submitted_a2  # all twos, submitted by Sven Strateg
    leader = as_user(world.leader)
    leader.post(_url("assessment_lock", submitted), {"action": "close"})
    leader.post(_url("assessment_reopen", submitted), {"reason": "Sent inskickad"})
    submitted.refresh_from_db()
    assert not submitted.is_locked
    assert submitted.reopened_by == world.leader
    assert submitted.is_reopened

    client = as_user(world.strategist_a2)
    html = client.get(_url("assessment", submitted)).content.decode()
    assert 'id="assessment-form"' in html
    scores = dict.fromkeys(range(1, 11), 2) | {3: 3}
    response = client.post(
        _url("assessment_save", submitted), _post_data(scores, revision=submitted.revision)
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.draft_answers["3"]["score"] == 3
    assert _stored(submitted)[3] == 2  # the group sees what was submitted until it is again

    response = as_user(world.leader).get(_url("assessment_history", submitted))
    assert response.status_code == 200
    rows = [row[1:] for table in _tables(response) for row in table["rows"][1:]]
    # Columns: when, who, what happened; in Swedish, with names, in the order it happened.
    assert rows == [
        [_sv("the system"), _sv("Self-assessment started")],
        [_sv("the system"), "; ".join(f"Poäng moment {n}: – → 2" for n in range(1, 11))],
        ["Sven Strateg", "Inskickad av Sven Strateg"],
        ["Pia Projektledare", "Stängd av Pia Projektledare"],
        ["Pia Projektledare", "Öppnad igen av Pia Projektledare: Sent inskickad"],
        ["Sven Strateg", "Poäng moment 3: 2 → 3"],
    ]


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("leader", 200),
        ("strategist_a2", 403),  # sees the assessment, not its history
        ("strategist_a1", 403),
        ("mentor_m1", 403),
        ("strategist_b1", 404),
    ],
)
def test_only_project_leaders_read_the_history(world, as_user, user, status):
    response = as_user(getattr(world, user)).get(_url("assessment_history", world.submitted_a2))
    assert response.status_code == status


@pytest.mark.parametrize("user", ["strategist_a1", "politician_a1"])
def test_only_project_leaders_close_and_reopen(world, as_user, user):
    draft = world.draft_a1
    response = as_user(getattr(world, user)).post(
        _url("assessment_lock", draft), {"action": "close"}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.locked_at is None


def test_assessment_is_locked_once_its_meeting_is_over(world, as_user):
    draft = world.draft_a1
    past = timezone.now() - dt.timedelta(days=2)
    Meeting.objects.filter(pk=world.meeting_ga1.pk).update(
        starts_at=past, ends_at=past + dt.timedelta(hours=6)
    )
    client = as_user(world.strategist_a1)
    html = client.get(_url("assessment", draft)).content.decode()
    assert 'id="assessment-form"' not in html
    assert _sv("The meeting is over or the project leader has closed the self-assessment.") in html
    response = client.post(
        _url("assessment_save", draft), _post_data({1: 1}, revision=draft.revision), **HTMX
    )
    assert response.status_code == 422
    assert _stored(draft)[1] == 3
    # A project leader may reopen it after the meeting; the strategist can then save.
    as_user(world.leader).post(_url("assessment_reopen", draft), {"reason": "Sent svar"})
    response = as_user(world.strategist_a1).post(
        _url("assessment_save", draft), _post_data({1: 1}, revision=draft.revision), **HTMX
    )
    assert response.status_code == 200
    assert _stored(draft)[1] == 1


def test_reopening_before_the_meeting_does_not_keep_it_open_after_the_meeting(world, as_user):
    draft = world.draft_a1
    leader = as_user(world.leader)
    leader.post(_url("assessment_lock", draft), {"action": "close"})  # by mistake …
    leader.post(_url("assessment_reopen", draft), {"reason": "Misstag"})  # … undone at once
    past = timezone.now() - dt.timedelta(days=2)
    Meeting.objects.filter(pk=world.meeting_ga1.pk).update(
        starts_at=past, ends_at=past + dt.timedelta(hours=6)
    )
    # The clock cannot be turned back: date the reopening before the meeting, as it was.
    SelfAssessment.objects.filter(pk=draft.pk).update(reopened_at=past - dt.timedelta(days=1))
    response = as_user(world.strategist_a1).post(
        _url("assessment_save", draft), _post_data({1: 1}, revision=draft.revision), **HTMX
    )
    assert response.status_code == 422
    assert _stored(draft)[1] == 3


def test_recorded_assessment_of_a_past_meeting_is_locked(world, as_user):
    earlier = _past_meeting(world, days_ago=30)
    recorded = _record(world.a1, earlier, (2,) * 10)
    client = as_user(world.strategist_a1)
    assert 'id="assessment-form"' not in client.get(_url("assessment", recorded)).content.decode()
    data = _post_data(dict.fromkeys(range(1, 11), 3), revision=recorded.revision)
    assert client.post(_url("assessment_save", recorded), data, **HTMX).status_code == 422
    assert set(_stored(recorded).values()) == {2}


def test_assessment_cannot_be_filled_in_before_it_opens(world, as_user):
    opens = timezone.localdate() + dt.timedelta(days=5)
    Meeting.objects.filter(pk=world.meeting_ga1.pk).update(assessment_opens_on=opens)
    draft = world.draft_a1
    client = as_user(world.strategist_a1)
    html = client.get(_url("assessment", draft)).content.decode()
    assert 'id="assessment-form"' not in html
    assert opens.isoformat() in html
    response = client.post(
        _url("assessment_save", draft), _post_data({1: 1}, revision=draft.revision), **HTMX
    )
    assert response.status_code == 422
    assert _sv("The self-assessment opens on %(date)s.", date=opens.isoformat()) in (
        response.content.decode()
    )
    assert _stored(draft)[1] == 3
    # From the opening day on, it can.
    Meeting.objects.filter(pk=world.meeting_ga1.pk).update(assessment_opens_on=timezone.localdate())
    response = client.post(
        _url("assessment_save", draft), _post_data({1: 1}, revision=draft.revision), **HTMX
    )
    assert response.status_code == 200

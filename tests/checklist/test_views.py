"""The self-assessment pages: filling in (autosave, conflicts, submit), who sees and does what,
locking and reopening with its history, the group's comparison, the organisation's scores over
time, checklist versions, and the number of queries the pages run.

Pages are read as users see them, in Swedish; expected wording is translated with the
catalogue (`_sv`), so a test does not depend on whether a string has been translated yet.
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from checklist import services
from checklist.models import Answer, AssessmentComment, ChecklistVersion, SelfAssessment
from participants import services as participant_services
from participants.models import FunctionAssignment, Participation
from rounds import services as round_services
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# What an autosave costs (test_an_autosave_reads_the_form_and_writes_what_changed_…): 11, and
# the action log's latest entry on the assessment, read and brought up to date (a burst of
# one person's saves is one entry).
AUTOSAVE_QUERIES = 13


# Helpers


def _sv(text: str, **params) -> str:
    """The Swedish page's wording for a message id, as escaped in the HTML."""
    with translation.override("sv"):
        translated = translation.gettext(text)
    return escape(translated % params if params else translated)


def _url(name: str, assessment) -> str:
    return reverse(f"checklist:{name}", args=[assessment.pk])


def _stored(assessment) -> dict[int, int | None]:
    return dict(
        Answer.objects.filter(assessment_id=assessment.pk).values_list("item__number", "score")
    )


def _post_data(scores: dict, *, revision: int, comments: dict | None = None, **extra) -> dict:
    """What the assessment form posts: a checked radio per scored item, every comment box."""
    data = {"revision": revision, **extra}
    for number in range(1, 11):
        if scores.get(number) is not None:
            data[f"score_{number}"] = scores[number]
        data[f"comment_{number}"] = (comments or {}).get(number, "")
    return data


def _item_section(html: str, number: int) -> str:
    """The part of the assessment form about one item."""
    start = html.index(f'id="item-{number}-legend"')
    end = html.find('aria-labelledby="item-', start)
    return html[start : end if end != -1 else len(html)]


def _checked(html: str, number: int) -> int | None:
    section = _item_section(html, number)
    match = re.search(r'value="(\d+)"\s+checked', section)
    return int(match.group(1)) if match else None


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class _Tables(HTMLParser):
    """Every table of a page: its caption and attributes, and its rows as lists of texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self._open, self._row, self._text = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._open.append({"attrs": dict(attrs), "caption": "", "rows": []})
        elif self._open and tag == "tr":
            self._row = []
        elif self._open and tag in ("td", "th", "caption"):
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption") and self._text is not None:
            text = " ".join("".join(self._text).split())
            if tag == "caption":
                self._open[-1]["caption"] = text
            elif self._row is not None:
                self._row.append(text)
            self._text = None
        elif tag == "tr" and self._row is not None:
            self._open[-1]["rows"].append(self._row)
            self._row = None
        elif tag == "table" and self._open:
            self.tables.append(self._open.pop())

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def _tables(response) -> list[dict]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def _table(response, caption_start: str, *, nth: int | None = None) -> list[list[str]]:
    """The rows of the table whose caption starts so (the nth of several, if asked)."""
    found = [t for t in _tables(response) if t["caption"].startswith(caption_start)]
    if nth is None:
        assert len(found) == 1, [t["caption"] for t in _tables(response)]
        nth = 0
    return found[nth]["rows"]


class _Form(HTMLParser):
    """What a browser would post from a page's form, untouched: every field's current value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value") or "on"
                return
            self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _browser_form(response) -> dict:
    main = response.content.decode()
    main = main[main.index("<main") : main.index("</main>")]
    parser = _Form()
    parser.feed(main)
    parser.data.pop("csrfmiddlewaretoken", None)
    # A textarea's content starts after one newline the browser drops.
    return {k: v.removeprefix("\n") for k, v in parser.data.items()}


def _past_meeting(world, *, days_ago: int, group=None, title: str = "Tidigare träff"):
    starts = timezone.now() - dt.timedelta(days=days_ago)
    return round_services.meeting_create(
        round=world.round_a,
        group=world.ga1 if group is None else group,
        kind=Meeting.Kind.LEARNING_MEETING,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        assessment_due=True,
    )


def _record(participation, meeting, values, by=None):
    """An assessment submitted a week before a past meeting."""
    assessment, _ = services.assessment_record(
        participation=participation,
        meeting=meeting,
        scores=dict(enumerate(values, start=1)),
        submitted_at=meeting.starts_at - dt.timedelta(days=7),
        by=by,
    )
    return assessment


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


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


# The group's comparison


def _group_url(world, group=None):
    group = group or world.ga1
    return reverse("rounds:group_detail", kwargs={"round_slug": "omgang-a", "pk": group.pk})


def _comparison(response) -> list[list[str]]:
    tables = [t for t in _tables(response) if "comparison-table" in t["attrs"].get("class", "")]
    assert len(tables) == 1
    return tables[0]["rows"]


def test_group_page_never_shows_a_drafts_scores(world, as_user):
    # Aby's draft is full of threes; only Bby (all twos) has submitted.
    services.assessment_save(
        assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 3), by=world.strategist_a1
    )
    for user in (world.strategist_a1, world.strategist_a2, world.mentor_m1, world.leader):
        rows = _comparison(as_user(user).get(_group_url(world)))
        assert rows[0][1:] == ["Aby", "Bby", _sv("Group mean")]
        body = rows[1:-1]
        assert [row[1] for row in body] == ["–"] * 10, user
        assert [row[2:] for row in body] == [["2", "2,0"]] * 10
        assert rows[-1][1:] == ["–", "20", "20,0"]


def test_group_page_compares_submitted_scores_with_the_group_mean(world, as_user):
    values = (3, 3, 3, 3, 3, 2, 2, 2, 1, 1)
    services.assessment_save(
        assessment=world.draft_a1, scores=dict(enumerate(values, start=1)), by=world.strategist_a1
    )
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)
    for user in (world.strategist_a1, world.politician_a1, world.strategist_a2, world.mentor_m1):
        rows = _comparison(as_user(user).get(_group_url(world)))
        body = rows[1:-1]
        assert [row[1:] for row in body] == [
            ["3", "2", "2,5"], ["3", "2", "2,5"], ["3", "2", "2,5"], ["3", "2", "2,5"],
            ["3", "2", "2,5"], ["2", "2", "2,0"], ["2", "2", "2,0"], ["2", "2", "2,0"],
            ["1", "2", "1,5"], ["1", "2", "1,5"],
        ]  # fmt: skip
        assert rows[-1][1:] == ["23", "20", "21,5"]
    # The other group's members and mentor do not see this group.
    assert as_user(world.strategist_a3).get(_group_url(world)).status_code == 404
    assert as_user(world.mentor_m2).get(_group_url(world)).status_code == 404


def test_group_page_compares_the_members_at_each_meeting(world, as_user):
    start = timezone.now() + dt.timedelta(days=120)
    second = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    services.assessment_save(assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 1))
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)
    for participation in (world.a1, world.a2):
        assessment = services.assessment_start(participation=participation, meeting=second)
        services.assessment_save(assessment=assessment, scores=dict.fromkeys(range(1, 11), 3))
        services.assessment_submit(assessment=assessment, by=None)
    client = as_user(world.strategist_a1)

    def caption(point):
        return _sv("Scores at assessment %(point)s, side by side, with the group mean", point=point)

    latest = client.get(_group_url(world))  # the latest assessment, and a link to the others
    first = client.get(_group_url(world), {"point": 1})
    unknown = client.get(_group_url(world), {"point": "7"})

    assert caption(2) in [t["caption"] for t in _tables(latest)]
    assert caption(1) not in [t["caption"] for t in _tables(latest)]
    assert 'href="?point=1#comparison-heading"' in latest.content.decode()
    assert caption(1) in [t["caption"] for t in _tables(first)]
    assert _comparison(first)[-1][1:] == ["10", "20", "15,0"]  # Aby all ones, Bby all twos
    assert caption(2) in [t["caption"] for t in _tables(unknown)]


# The organisation's scores over time


def _organisation_url(code="9101", round_slug="omgang-a"):
    return reverse(
        "participants:participation_detail", kwargs={"round_slug": round_slug, "code": code}
    )


@pytest.fixture
def aby_history(world):
    """Aby: two submitted assessments in round A (22, then 25), an earlier completed round
    with the same checklist (16, then 19) and one with another checklist version."""
    first = _past_meeting(world, days_ago=120, title="Lärandeträff 1 (tidig)")
    _record(world.a1, first, (3, 2, 2, 2, 2, 2, 3, 2, 2, 2))  # 22
    services.assessment_save(
        assessment=world.draft_a1,
        scores=dict(enumerate((3, 3, 3, 2, 2, 2, 3, 2, 2, 3), start=1)),  # 25
    )
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)

    def earlier_round(name, slug, version=None, values=((1,) * 10, (2,) * 10)):
        round_ = round_services.round_create(
            name=name,
            slug=slug,
            starts_on=dt.date(2023, 1, 1),
            ends_on=dt.date(2024, 6, 30),
            checklist_version=version,
        )
        round_services.round_activate(round=round_)
        participation = participant_services.participation_add(
            round=round_, organisation=world.a1.organisation
        )
        for days, scores in zip((900, 700), values, strict=True):
            starts = timezone.now() - dt.timedelta(days=days)
            meeting = round_services.meeting_create(
                round=round_,
                kind=Meeting.Kind.LEARNING_MEETING,
                title=f"Lärandeträff {days}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=6),
                assessment_due=True,
            )
            _record(participation, meeting, scores)
        round_services.round_complete(round=round_)
        return round_

    same = earlier_round(
        "Modellkommuner 2023–2024",
        "modellkommuner-2023-2024",
        values=((2, 2, 2, 1, 1, 2, 2, 2, 1, 1), (2, 2, 2, 2, 2, 2, 2, 2, 2, 1)),  # 16, 19
    )
    other_version = services.checklist_version_create(
        slug="skr-2024-1-4",
        name_sv="SKR 2024, skala 1–4",
        scale_min=1,
        scale_max=4,
        steps=[services.StepSpec(v, f"Steg {v}") for v in range(1, 5)],
        items=[services.ItemSpec(f"Moment {n}") for n in range(1, 11)],
    )
    other = earlier_round(
        "Modellkoncept 1–4 2023",
        "modellkoncept-1-4-2023",
        version=other_version,
        values=((4,) * 10, (4,) * 10),
    )
    return {"same": same, "other": other}


def test_organisation_page_shows_totals_chart_table_and_movement(world, aby_history, as_user):
    response = as_user(world.strategist_a1).get(_organisation_url())
    assert response.status_code == 200
    html = response.content.decode()
    history = html[html.index('id="history-heading"') :]
    history = history[: history.index(f'id="history-{aby_history["same"].pk}-heading"')]
    assert history.count("<svg") == 2  # totals over time, first and latest per item
    rows = _table(response, _sv("Score per item at each assessment"), nth=0)  # this round first
    assert rows[0][1:] == [
        _sv("Assessment %(point)s", point=1),
        _sv("Assessment %(point)s", point=2),
    ]
    assert rows[1][1:] == ["3", "3"]
    assert rows[2][1:] == ["2", "3"]
    assert rows[-1][1:] == ["22", "25"]
    assert (
        _sv(
            "Movement from the first to the latest assessment: %(first)s → %(latest)s (%(delta)s).",
            first=22,
            latest=25,
            delta="+3",
        )
        in history
    )
    movement = _table(
        response, _sv("Movement per item from the first to the latest assessment"), nth=0
    )
    assert [row[1:] for row in movement[1:4]] == [
        ["3", "3", "0"],
        ["2", "3", "+1"],
        ["2", "3", "+1"],
    ]


def test_organisation_page_shows_an_earlier_round_with_the_same_checklist_only(
    world, aby_history, as_user
):
    html = as_user(world.strategist_a1).get(_organisation_url()).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Modellkommuner 2023–2024" in history
    assert f'id="history-{aby_history["same"].pk}-heading"' in history
    earlier = history[history.index(f'id="history-{aby_history["same"].pk}-heading"') :]
    assert "<svg" in earlier
    assert (
        _sv(
            "Movement from the first to the latest assessment: %(first)s → %(latest)s (%(delta)s).",
            first=16,
            latest=19,
            delta="+3",
        )
        in earlier
    )
    # Figures made with another checklist version are never shown beside these.
    assert "Modellkoncept 1–4 2023" not in html
    assert f'id="history-{aby_history["other"].pk}-heading"' not in html


def _history_rounds(html: str) -> str:
    return html[html.index('id="history-heading"') : html.index('id="works-heading"')]


def test_mentor_of_this_round_sees_this_round_only_of_the_organisation_history(
    world, aby_history, as_user
):
    """Issue #13: GA1's mentor (Mentorstad) opened Aby's page in round A and saw Aby's scores
    from an earlier round, whose pages are 404 for her."""
    earlier = aby_history["same"]
    mentor = as_user(world.mentor_m1)
    response = mentor.get(_organisation_url())
    assert response.status_code == 200
    history = _history_rounds(response.content.decode())
    assert "Modellkommuner 2023–2024" not in history
    assert f'id="history-{earlier.pk}-heading"' not in history
    assert history.count("<svg") == 2  # this round's charts stay
    assert _table(response, _sv("Score per item at each assessment"), nth=0)[-1][1:] == [
        "22",
        "25",
    ]
    assert (
        mentor.get(reverse("rounds:round_detail", kwargs={"slug": earlier.slug})).status_code == 404
    )
    # The organisation's own people and project leaders still see its whole history.
    for person in (world.politician_a1, world.leader):
        own = _history_rounds(as_user(person).get(_organisation_url()).content.decode())
        assert f'id="history-{earlier.pk}-heading"' in own


def test_mentor_of_the_earlier_round_sees_that_round_in_the_history(world, aby_history, as_user):
    """Within the earlier round its own policy holds: who mentored Aby's group there sees it."""
    earlier = aby_history["same"]
    # The earlier round is completed (an archive the services no longer change): its group
    # and mentor as they were, written directly.
    aby_then = earlier.participations.get(organisation=world.a1.organisation)
    group = BenchmarkingGroup.objects.create(round=earlier, name="Grupp då")
    aby_then.group = group
    aby_then.save(update_fields=["group"])
    mentor_then = Participation.objects.create(
        round=earlier, organisation=world.m1.organisation, role=Participation.Role.MENTOR
    )
    GroupMentor.objects.create(group=group, participation=mentor_then)
    FunctionAssignment.objects.create(
        participation=mentor_then, person=world.mentor_m1, function="strateg"
    )
    history = _history_rounds(as_user(world.mentor_m1).get(_organisation_url()).content.decode())
    assert f'id="history-{earlier.pk}-heading"' in history


def test_organisation_page_ids_are_unique_when_two_rounds_have_the_same_figures(world, as_user):
    earlier = round_services.round_create(
        name="Modellkommuner 2023–2024",
        slug="modellkommuner-2023-2024",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 6, 30),
    )
    participation = participant_services.participation_add(
        round=earlier, organisation=world.a1.organisation
    )
    starts = timezone.now() - dt.timedelta(days=700)
    meeting = round_services.meeting_create(
        round=earlier,
        kind=Meeting.Kind.LEARNING_MEETING,
        title="Lärandeträff 1",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        assessment_due=True,
    )
    _record(participation, meeting, (2,) * 10)  # 20, as Aby's one assessment in round A
    services.assessment_save(assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 2))
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)
    html = as_user(world.strategist_a1).get(_organisation_url()).content.decode()
    assert html.count("<svg") == 2
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted(ids) == sorted(set(ids))


def test_organisation_page_lists_a_draft_only_to_the_organisation_itself(world, as_user):
    draft_link = _url("assessment", world.draft_a1)
    assert draft_link in as_user(world.politician_a1).get(_organisation_url()).content.decode()
    mentor = as_user(world.mentor_m1).get(_organisation_url())
    assert mentor.status_code == 200
    assert draft_link not in mentor.content.decode()
    # Another member of the group compares on the group page, not here.
    assert as_user(world.strategist_a2).get(_organisation_url()).status_code == 404


# Checklist versions


CLASSIC_ITEMS = 10


def _version_form(client, *, labels: dict[int, str], keep_items: int, scale_max: int = 4) -> dict:
    """The new-version form as a project leader fills it in: it starts from a copy of the
    classic checklist (scale 1–3, ten items); the scale is set to 1–`scale_max`, `labels` go
    into the rows for those scores, and every item after the first `keep_items` is deleted."""
    data = _browser_form(client.get(reverse("checklist:version_create")))
    assert data["steps-TOTAL_FORMS"] == "5"
    assert data["items-TOTAL_FORMS"] == "13"
    data |= {
        "slug": "skr-2024-1-4",
        "name_sv": "SKR 2024, skala 1–4",
        "name_en": "SKR 2024, scale 1–4",
        "scale_max": str(scale_max),
    }
    for value, label in labels.items():
        data[f"steps-{value - 1}-value"] = str(value)
        data[f"steps-{value - 1}-label_sv"] = label
    for index in range(keep_items, CLASSIC_ITEMS):
        data[f"items-{index}-DELETE"] = "on"
    return data


def test_project_leader_creates_a_checklist_version(world, as_user):
    client = as_user(world.leader)
    data = _version_form(client, labels={4: "Vi gör det och följer upp"}, keep_items=3)
    data["items-1-text_sv"] = "Den politiska ledningen efterfrågar och följer upp resultat"
    response = client.post(reverse("checklist:version_create"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("checklist:version", args=["skr-2024-1-4"])
    version = ChecklistVersion.objects.get(slug="skr-2024-1-4")
    assert (version.scale_min, version.scale_max) == (1, 4)
    assert list(version.scale_steps.values_list("value", "label_sv")) == [
        (1, "Inte påbörjat/finns inte"),
        (2, "Finns men behöver utvecklas"),
        (3, "Det finns/det gör vi"),
        (4, "Vi gör det och följer upp"),
    ]
    assert list(version.items.values_list("number", "text_sv")) == [
        (1, "Den politiska församlingen har tagit beslut om jämställdhetsintegrering"),
        (2, "Den politiska ledningen efterfrågar och följer upp resultat"),
        (
            3,
            "De högsta cheferna säkerställer att politikernas beslut om "
            "jämställdhetsintegrering genomförs i organisationen",
        ),
    ]
    listing = client.get(reverse("checklist:version_list"))
    rows = [row for table in _tables(listing) for row in table["rows"]]
    assert [row[2:] for row in rows if row[0].startswith("SKR 2024, skala 1–4")] == [
        ["1–4", "3", "0"]
    ]
    detail = client.get(reverse("checklist:version", args=["skr-2024-1-4"])).content.decode()
    assert "Vi gör det och följer upp" in detail


@pytest.mark.parametrize(
    ("form", "message", "params"),
    [
        (
            {"labels": {}, "keep_items": 10},  # scale 1–4, labels only for 1–3
            "Give one label for every score from %(min)s to %(max)s.",
            {"min": 1, "max": 4},
        ),
        (
            {"labels": {4: "Vi gör det och följer upp"}, "keep_items": 0},
            "A checklist needs at least one item.",
            {},
        ),
    ],
    ids=["a-score-without-label", "no-items"],
)
def test_bad_checklist_version_is_refused_and_nothing_is_created(
    world, as_user, form, message, params
):
    client = as_user(world.leader)
    data = _version_form(client, **form)
    response = client.post(reverse("checklist:version_create"), data)
    assert response.status_code == 422
    assert _sv(message, **params) in response.content.decode()
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()
    # The user's input is kept on the page.
    assert 'value="skr-2024-1-4"' in response.content.decode()


def test_a_scale_step_with_an_empty_label_is_refused(world, as_user):
    client = as_user(world.leader)
    data = _version_form(client, labels={4: ""}, keep_items=10)
    response = client.post(reverse("checklist:version_create"), data)
    assert response.status_code == 422
    assert 'id="error_1_id_steps-3-label_sv"' in response.content.decode()
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()


@pytest.mark.parametrize("base", ["no-such-version", "skr-10-1-3\x00", "../skr-10-1-3"])
def test_a_new_version_from_a_version_that_does_not_exist_starts_empty(world, as_user, base):
    client = as_user(world.leader)

    response = client.get(reverse("checklist:version_create"), {"from": base})

    assert response.status_code == 200
    assert response.context["base"] is None
    assert (
        response.context["steps"].total_form_count(),
        response.context["items"].total_form_count(),
    ) == (2, 3)


def test_a_forged_row_count_is_refused_without_building_the_rows(world, as_user):
    client = as_user(world.leader)
    data = _version_form(client, labels={4: "Vi gör det och följer upp"}, keep_items=10)
    data |= {"steps-TOTAL_FORMS": "100000", "items-TOTAL_FORMS": "100000"}

    response = client.post(reverse("checklist:version_create"), data)

    assert response.status_code == 422
    steps, items = response.context["steps"], response.context["items"]
    assert (len(steps.forms), len(items.forms)) == (21 + 2, 60 + 3)
    with translation.override("sv"):
        assert steps.non_form_errors() == ["Skicka som mest 21 formulär."]
        assert items.non_form_errors() == ["Skicka som mest 60 formulär."]
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()


@pytest.mark.parametrize("user", ["strategist_a1", "mentor_m1", "outsider"])
def test_only_project_leaders_manage_checklist_versions(world, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get(reverse("checklist:version_list")).status_code == 403
    assert client.get(reverse("checklist:version_create")).status_code == 403
    assert client.get(reverse("checklist:version", args=["skr-10-1-3"])).status_code == 403
    data = {"slug": "skr-2024-1-4", "name_sv": "SKR 2024", "scale_min": 1, "scale_max": 4}
    assert client.post(reverse("checklist:version_create"), data).status_code == 403
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()


def test_a_round_keeps_its_checklist_once_it_has_an_assessment(world, as_user):
    version = services.checklist_version_create(
        slug="skr-2024-1-4",
        name_sv="SKR 2024",
        scale_min=1,
        scale_max=4,
        steps=[services.StepSpec(v, f"Steg {v}") for v in range(1, 5)],
        items=[services.ItemSpec("Moment 1")],
    )
    client = as_user(world.leader)
    url = reverse("checklist:round_checklist", kwargs={"round_slug": "omgang-a"})
    response = client.post(url, {"version": version.pk})
    assert response.status_code == 302
    assert Round.objects.get(pk=world.round_a.pk).checklist_version.slug == "skr-10-1-3"
    assert _messages(response) == [
        _sv("The round already has self-assessments made with its checklist; it keeps it.")
    ]
    # A round without assessments may change its checklist.
    fresh = round_services.round_create(
        name="Omgång C",
        slug="omgang-c",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2028, 12, 31),
    )
    url = reverse("checklist:round_checklist", kwargs={"round_slug": "omgang-c"})
    assert client.post(url, {"version": version.pk}).status_code == 302
    assert Round.objects.get(pk=fresh.pk).checklist_version == version


def test_only_project_leaders_choose_a_rounds_checklist(world, as_user):
    version = ChecklistVersion.objects.get(slug="skr-10-1-3")
    url = reverse("checklist:round_checklist", kwargs={"round_slug": "omgang-b"})
    assert as_user(world.strategist_b1).post(url, {"version": version.pk}).status_code == 403
    assert as_user(world.strategist_a1).post(url, {"version": version.pk}).status_code == 404


# Queries do not grow with the data


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_earlier(world, n: int, *, offset: int = 0):
    """n more submitted assessments of Aby before earlier GA1 meetings, and n remarks."""
    for k in range(offset, offset + n):
        meeting = _past_meeting(world, days_ago=400 - 30 * k, title=f"Lärandeträff {k}")
        _record(world.a1, meeting, (1 + k % 3,) * 10)
        services.remark_add(
            assessment=world.draft_a1,
            author=world.manager_a1,
            text=f"Anmärkning nummer {k}",
            item_number=k % 10 + 1,
        )


def test_assessment_page_queries_do_not_grow(world, as_user, django_assert_max_num_queries):
    client = as_user(world.strategist_a1)
    url = _url("assessment", world.draft_a1)
    client.get(url)  # warm up the session and caches
    _add_earlier(world, 1)
    bound = _count_queries(client, url)
    _add_earlier(world, 4, offset=1)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.content.decode().count("Anmärkning nummer ") == 5


def test_organisation_page_queries_do_not_grow(world, as_user, django_assert_max_num_queries):
    client = as_user(world.strategist_a1)
    url = _organisation_url()
    client.get(url)
    _add_earlier(world, 1)
    bound = _count_queries(client, url)
    _add_earlier(world, 4, offset=1)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    rows = _table(response, _sv("Score per item at each assessment"))
    assert len(rows[0]) == 1 + 5  # five assessments, five columns


def test_an_autosave_reads_the_form_and_writes_what_changed_in_a_fixed_number_of_queries(
    world, as_user, django_assert_num_queries
):
    """An autosave reads the checklist's items and scale once a process, not the page (its
    answer is a status line), and writes the changed answer with its history row and the new
    revision (without a history row of its own: the answers' history holds the change)."""
    client = as_user(world.strategist_a1)
    draft = world.draft_a1
    client.get(_url("assessment", draft))  # the session, as the page left it
    first = client.post(
        _url("assessment_save", draft),
        _post_data({1: 2}, revision=draft.revision),
        **HTMX,
    )  # the process has read the checklist's items and scale
    assert first.status_code == 200
    draft.refresh_from_db()
    kept = draft.answers.get(item__number=1).history.count()
    kept_assessment = draft.history.count()
    # Session, user, the policy's standing and the assessment; the locked assessment and its
    # answers; the changed answer and its history row; the revision; the action log's latest
    # entry, read and updated; and the savepoint around the service's transaction (released).
    with django_assert_num_queries(AUTOSAVE_QUERIES):
        response = client.post(
            _url("assessment_save", draft),
            _post_data({1: 3}, revision=draft.revision, comments={1: "Ny kommentar"}),
            **HTMX,
        )
    assert response.status_code == 200
    assert _stored(draft)[1] == 3
    assert draft.answers.get(item__number=1).history.count() == kept + 1  # one row: this change
    assert draft.history.count() == kept_assessment
    # An autosave of what is saved already writes nothing and keeps the revision.
    draft.refresh_from_db()
    with django_assert_num_queries(AUTOSAVE_QUERIES - 5):
        again = client.post(
            _url("assessment_save", draft),
            _post_data({1: 3}, revision=draft.revision, comments={1: "Ny kommentar"}),
            **HTMX,
        )
    assert again.status_code == 200
    assert f'name="revision" value="{draft.revision}"' in again.content.decode()

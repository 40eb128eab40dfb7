"""Self-assessments: start, save, submit; stale saves and locked assessments."""

import contextlib
import datetime as dt

import pytest
from django.utils import timezone, translation

from checklist import services
from checklist.models import Answer, SelfAssessment
from checklist.services import StaleAssessment
from modellkoncept.errors import DomainError
from participants import services as participant_services
from rounds import services as round_services
from rounds.models import Meeting
from tests.accounts.factories import UserFactory
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ALL_TWOS = dict.fromkeys(range(1, 11), 2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def setting():
    """Round A with group GA1 (Aby, Bby) and GA2 (Cby, Dby), a learning meeting per group
    with an assessment due, and a round-wide conference without one."""
    round_ = round_services.round_create(
        name="Omgång A", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31)
    )
    add = participant_services.participation_add
    aby, bby, cby, dby = (
        add(round=round_, organisation=OrganisationFactory(code=code, name=name))
        for code, name in [("9101", "Aby"), ("9102", "Bby"), ("9103", "Cby"), ("9104", "Dby")]
    )
    ga1 = round_services.group_create(round=round_, name="GA1", members=[aby, bby])
    ga2 = round_services.group_create(round=round_, name="GA2", members=[cby, dby])
    start = timezone.now() + dt.timedelta(days=30)

    def meeting(**kwargs):
        return round_services.meeting_create(
            round=round_, starts_at=start, ends_at=start + dt.timedelta(hours=6), **kwargs
        )

    aby.refresh_from_db()
    return {
        "aby": aby,
        "strategist": UserFactory(full_name="Sara Strateg"),
        "meeting_ga1": meeting(
            group=ga1,
            kind=Meeting.Kind.LEARNING_MEETING,
            number=1,
            title="LT1 GA1",
            assessment_due=True,
        ),
        "meeting_ga2": meeting(
            group=ga2,
            kind=Meeting.Kind.LEARNING_MEETING,
            number=1,
            title="LT1 GA2",
            assessment_due=True,
        ),
        "conference": meeting(kind=Meeting.Kind.STARTUP_CONFERENCE, title="Uppstart"),
    }


@pytest.fixture
def draft(setting):
    return services.assessment_start(participation=setting["aby"], meeting=setting["meeting_ga1"])


def _scores(assessment):
    return dict(assessment.answers.values_list("item__number", "score"))


# Start


def test_assessment_start_creates_an_empty_draft_once(setting, draft):
    assert draft.status == SelfAssessment.Status.DRAFT
    assert draft.revision == 0
    assert _scores(draft) == dict.fromkeys(range(1, 11))

    again = services.assessment_start(participation=setting["aby"], meeting=setting["meeting_ga1"])

    assert again.pk == draft.pk
    assert SelfAssessment.objects.count() == 1
    assert Answer.objects.count() == 10


def test_assessment_start_refuses_a_meeting_without_an_assessment(setting):
    with pytest.raises(DomainError, match="No self-assessment is due before Uppstart"):
        services.assessment_start(participation=setting["aby"], meeting=setting["conference"])
    assert not SelfAssessment.objects.exists()


def test_assessment_start_refuses_another_groups_meeting(setting):
    with pytest.raises(DomainError, match="another group"):
        services.assessment_start(participation=setting["aby"], meeting=setting["meeting_ga2"])
    assert not SelfAssessment.objects.exists()


# Save


def test_assessment_save_stores_scores_and_comments(setting, draft):
    saved = services.assessment_save(
        assessment=draft,
        scores={1: 3, 2: 1},
        comments={2: "  Fler i skattningen i år  "},
        by=setting["strategist"],
        revision=0,
    )

    assert saved.revision == 1
    assert _scores(draft) == {**dict.fromkeys(range(1, 11)), 1: 3, 2: 1}
    assert Answer.objects.get(assessment=draft, item__number=2).comment == (
        "Fler i skattningen i år"
    )
    assert SelfAssessment.objects.get(pk=draft.pk).revision == 1


def test_stale_save_raises_and_saves_nothing(setting, draft):
    services.assessment_save(assessment=draft, scores={1: 3}, revision=0)

    with pytest.raises(StaleAssessment, match="Someone else has changed"):
        services.assessment_save(assessment=draft, scores={1: 1, 2: 2}, revision=0)

    assert _scores(draft)[1] == 3
    assert _scores(draft)[2] is None
    assert SelfAssessment.objects.get(pk=draft.pk).revision == 1


def test_a_page_behind_that_says_what_is_saved_is_no_conflict(setting, draft):
    # The page's own autosave got there first; the button then sends the same answers with the
    # revision the page was loaded with.
    services.assessment_save(assessment=draft, scores={1: 3}, comments={1: "Ja"}, revision=0)

    saved = services.assessment_save(
        assessment=draft, scores={1: 3, 2: None}, comments={1: "Ja"}, revision=0
    )

    assert saved.revision == 1  # nothing to save, so no new revision
    assert _scores(draft)[1] == 3
    with pytest.raises(StaleAssessment):  # but a different answer on the old page is refused
        services.assessment_save(assessment=draft, scores={1: 3, 2: 1}, revision=0)
    assert _scores(draft)[2] is None


def test_submitting_from_a_page_behind_keeps_an_earlier_submission_of_the_same_answers(
    setting, draft
):
    full = dict.fromkeys(range(1, 11), 2)
    other = UserFactory(email="annan@aby.se")
    first = services.assessment_save_and_submit(assessment=draft, scores=full, by=other, revision=0)
    assert (first.status, first.submitted_by, first.revision) == ("submitted", other, 2)

    again = services.assessment_save_and_submit(
        assessment=draft, scores=full, by=setting["strategist"], revision=0
    )

    stored = SelfAssessment.objects.get(pk=draft.pk)
    assert (stored.submitted_by, stored.submitted_at, stored.revision) == (
        other,
        first.submitted_at,
        2,
    )
    assert again.pk == draft.pk
    # Other answers from that page are refused: a submitted assessment is read-only.
    with pytest.raises(services.AssessmentSubmitted):
        services.assessment_save_and_submit(
            assessment=draft, scores=full | {1: 3}, by=setting["strategist"], revision=0
        )


@pytest.mark.parametrize(("number", "score"), [(4, 0), (9, 4)])
def test_score_outside_the_scale_is_refused_naming_the_item(draft, number, score):
    with pytest.raises(DomainError) as excinfo:
        services.assessment_save(assessment=draft, scores={1: 2, number: score})

    assert excinfo.value.messages == [f"Item {number}: the score must be between 1 and 3."]
    assert set(_scores(draft).values()) == {None}
    assert SelfAssessment.objects.get(pk=draft.pk).revision == 0


def test_item_not_on_the_checklist_is_refused(draft):
    with pytest.raises(DomainError) as excinfo:
        services.assessment_save(assessment=draft, scores={11: 2}, comments={12: "?"})

    assert sorted(excinfo.value.messages) == [
        "Item 11 is not on the checklist.",
        "Item 12 is not on the checklist.",
    ]


def test_locked_assessment_refuses_save_and_submit(setting, draft):
    services.assessment_save(assessment=draft, scores=ALL_TWOS)
    SelfAssessment.objects.filter(pk=draft.pk).update(locked_at=timezone.now())

    with pytest.raises(DomainError, match="locked"):
        services.assessment_save(assessment=draft, scores={1: 3})
    with pytest.raises(DomainError, match="locked"):
        services.assessment_submit(assessment=draft, by=setting["strategist"])

    locked = SelfAssessment.objects.get(pk=draft.pk)
    assert locked.status == SelfAssessment.Status.DRAFT
    assert _scores(locked)[1] == 2


# Submit


def test_submit_with_missing_items_names_them(setting, draft):
    services.assessment_save(assessment=draft, scores={**ALL_TWOS, 3: None, 7: None})

    with pytest.raises(DomainError) as excinfo:
        services.assessment_submit(assessment=draft, by=setting["strategist"])

    assert excinfo.value.messages == [
        "Give a score for every item before submitting; missing: 3, 7."
    ]
    assert SelfAssessment.objects.get(pk=draft.pk).status == SelfAssessment.Status.DRAFT


def test_submit_records_who_and_when(setting, draft):
    services.assessment_save(assessment=draft, scores=ALL_TWOS)
    before = timezone.now()

    submitted = services.assessment_submit(assessment=draft, by=setting["strategist"])

    stored = SelfAssessment.objects.get(pk=draft.pk)
    assert stored.status == SelfAssessment.Status.SUBMITTED
    assert stored.submitted_by == setting["strategist"]
    assert stored.submitted_at >= before
    assert stored.revision == submitted.revision == 2
    assert sum(_scores(stored).values()) == 20


def test_submitted_assessment_never_lacks_a_score(setting, draft):
    services.assessment_save(assessment=draft, scores=ALL_TWOS)
    services.assessment_submit(assessment=draft, by=setting["strategist"])

    # Refusing is one correct answer; turning the assessment back into a draft is the other.
    with contextlib.suppress(DomainError):
        services.assessment_save(assessment=draft, scores={5: None})

    stored = SelfAssessment.objects.get(pk=draft.pk)
    assert not (
        stored.status == SelfAssessment.Status.SUBMITTED and None in _scores(stored).values()
    )

"""The versioned checklist and the assessments made with it; and the classic checklist that
the data migration installs."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from checklist.models import (
    DEFAULT_CHECKLIST_SLUG,
    Answer,
    ChecklistItem,
    ChecklistVersion,
    ScaleStep,
    SelfAssessment,
)
from tests.participants.factories import ParticipationFactory
from tests.rounds.factories import MeetingFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the Swedish catalogue is the translators' to word."""
    with translation.override("en"):
        yield


def _saved_without_clean(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


@pytest.fixture
def classic():
    return ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG)


# The classic checklist (data migration 0003)


def test_classic_checklist_has_ten_items_numbered_in_order(classic):
    assert classic.slug == "skr-10-1-3"
    assert list(classic.items.values_list("number", flat=True)) == list(range(1, 11))
    assert classic.level == ChecklistVersion.Level.ORGANISATION


def test_classic_checklist_is_scored_one_to_three_with_three_labels(classic):
    assert (classic.scale_min, classic.scale_max) == (1, 3)
    assert list(classic.scale) == [1, 2, 3]
    steps = list(classic.scale_steps.all())
    assert [s.value for s in steps] == [1, 2, 3]
    assert all(s.label_sv and s.label_en for s in steps)
    assert steps[0].label_sv == "Inte påbörjat/finns inte"


def test_classic_checklist_items_carry_skrs_wording(classic):
    items = {item.number: item for item in classic.items.all()}

    assert (
        items[1].text_sv
        == "Den politiska församlingen har tagit beslut om jämställdhetsintegrering"
    )
    assert items[10].text_sv == (
        "Tillvägagångssättet för jämställdhetsintegrering kan systematiseras och överföras till "
        "andra verksamheter"
    )
    assert all(item.text_en.strip() for item in items.values())
    assert all(item.text_en != item.text_sv for item in items.values())


def test_checklist_texts_follow_the_page_language(classic):
    item = classic.items.get(number=1)

    assert item.text == "The political assembly has decided on gender mainstreaming"
    assert str(item) == "1. The political assembly has decided on gender mainstreaming"
    assert classic.name.startswith("SKR's gender mainstreaming checklist")
    with translation.override("sv"):
        assert item.text == item.text_sv
        assert classic.name.startswith("SKR:s checklista")


def test_english_falls_back_to_swedish_when_missing():
    version = ChecklistVersion.objects.create(slug="bara-svenska", name_sv="Bara svenska")

    assert str(version) == "Bara svenska"


# Versions, steps, items


@pytest.mark.parametrize(("low", "high"), [(1, 1), (3, 1)])
def test_scale_needs_its_highest_score_above_its_lowest(low, high):
    version = ChecklistVersion(slug="platt", name_sv="Platt", scale_min=low, scale_max=high)

    with pytest.raises(ValidationError) as excinfo:
        version.full_clean()
    assert "The highest score must be above the lowest." in excinfo.value.message_dict["scale_max"]
    _saved_without_clean(version)
    assert not ChecklistVersion.objects.filter(slug="platt").exists()


def test_scale_step_lies_on_the_scale(classic):
    step = ScaleStep(version=classic, value=4, label_sv="Utöver skalan")

    with pytest.raises(ValidationError) as excinfo:
        step.full_clean()
    assert "value" in excinfo.value.message_dict


def test_item_number_zero_is_refused_in_words_for_people(classic):
    item = ChecklistItem(version=classic, number=0, text_sv="Noll")

    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert not [m for m in excinfo.value.messages if "checklist_item_number_pos" in m]


def test_item_numbers_are_positive_and_unique(classic):
    _saved_without_clean(ChecklistItem(version=classic, number=0, text_sv="Noll"))
    _saved_without_clean(ChecklistItem(version=classic, number=1, text_sv="Ett igen"))
    assert classic.items.count() == 10


# Assessments and answers


@pytest.fixture
def assessment(classic):
    round_ = RoundFactory()
    return SelfAssessment.objects.create(
        participation=ParticipationFactory(round=round_), meeting=MeetingFactory(round=round_)
    )


@pytest.mark.parametrize("score", [0, 4])
def test_answer_outside_the_scale_names_the_item(assessment, classic, score):
    answer = Answer(assessment=assessment, item=classic.items.get(number=7), score=score)

    with pytest.raises(ValidationError) as excinfo:
        answer.full_clean()
    assert excinfo.value.message_dict == {"score": ["Item 7: the score must be between 1 and 3."]}


def test_answer_inside_the_scale_or_empty_is_valid(assessment, classic):
    for score in (None, 1, 3):
        Answer(assessment=assessment, item=classic.items.get(number=2), score=score).full_clean(
            validate_constraints=False
        )


def test_submitted_assessment_records_when(assessment):
    assessment.status = SelfAssessment.Status.SUBMITTED

    _saved_without_clean(assessment)
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.DRAFT


def test_one_assessment_per_organisation_and_meeting(assessment):
    _saved_without_clean(
        SelfAssessment(participation=assessment.participation, meeting=assessment.meeting)
    )


def test_assessment_meeting_belongs_to_the_organisations_round():
    assessment = SelfAssessment(
        participation=ParticipationFactory(round=RoundFactory(slug="r1")),
        meeting=MeetingFactory(round=RoundFactory(slug="r2")),
    )

    with pytest.raises(ValidationError) as excinfo:
        assessment.full_clean()
    assert excinfo.value.messages == ["The meeting belongs to another round."]


def test_assessment_and_answer_read_well(assessment, classic):
    assessment.participation.organisation.name = "Aby"
    assessment.meeting.title = "Lärandeträff 1"
    answer = Answer(assessment=assessment, item=classic.items.get(number=3), score=None)

    assert str(assessment) == "Self-assessment of Aby before Lärandeträff 1"
    assert str(answer) == "3: –"
    answer.score = 2
    assert str(answer) == "3: 2"

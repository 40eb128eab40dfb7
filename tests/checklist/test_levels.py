"""Two levels of checklist in one round (issue 16): the organisation-wide checklist every
year, the committee/department one from year two; each assessment is of one level, checked
against that level's version, and the figures never mix the levels."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from checklist import services
from checklist.models import ChecklistVersion, SelfAssessment
from checklist.statistics import round_scores
from modellkoncept.errors import DomainError
from rounds import services as round_services
from rounds.models import Round
from tests.checklist.levels import load_pair, submit, two_level_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


ORGANISATION = ChecklistVersion.Level.ORGANISATION
COMMITTEE = ChecklistVersion.Level.COMMITTEE


def test_a_meeting_belongs_to_the_year_the_round_is_in():
    w = two_level_round()

    assert w.year_one.year == Round.Year.ONE
    assert w.year_two.year == Round.Year.TWO


def test_year_one_is_due_organisation_wide_and_year_two_at_both_levels():
    w = two_level_round()

    assert w.year_one.assessment_levels == [ORGANISATION]
    assert w.year_two.assessment_levels == [ORGANISATION, COMMITTEE]


def test_year_two_without_a_committee_checklist_stays_organisation_wide():
    w = two_level_round()
    services.round_choose_checklist(round=w.round, version=None, level=COMMITTEE)
    w.year_two.round.refresh_from_db()

    assert w.year_two.assessment_levels == [ORGANISATION]


def test_a_committee_assessment_is_refused_before_a_meeting_of_year_one():
    w = two_level_round()

    with pytest.raises(
        DomainError, match="No self-assessment at the committee/board and department level"
    ):
        services.assessment_start(participation=w.p1, meeting=w.year_one, level=COMMITTEE)
    assert not SelfAssessment.objects.filter(level=COMMITTEE).exists()


def test_year_two_has_one_assessment_per_level_each_with_its_levels_items():
    w = two_level_round()

    organisation = services.assessment_start(participation=w.p1, meeting=w.year_two)
    committee = services.assessment_start(participation=w.p1, meeting=w.year_two, level=COMMITTEE)

    assert organisation.pk != committee.pk
    assert (organisation.level, committee.level) == (ORGANISATION, COMMITTEE)
    assert {a.item.version_id for a in organisation.answers.select_related("item")} == {
        w.organisation_version.pk
    }
    assert {a.item.version_id for a in committee.answers.select_related("item")} == {
        w.committee_version.pk
    }
    assert committee.answers.first().item.text_sv.endswith("(nämnd)")
    # Asking again opens the same one.
    again = services.assessment_start(participation=w.p1, meeting=w.year_two, level=COMMITTEE)
    assert again.pk == committee.pk


def test_an_assessments_scores_are_checked_against_its_levels_version():
    # The classic 1–3 checklist organisation-wide, the test 1–4 one for committees.
    classic = ChecklistVersion.objects.get(slug="skr-10-1-3")
    w = two_level_round(organisation_version=classic)
    organisation = services.assessment_start(participation=w.p1, meeting=w.year_two)
    committee = services.assessment_start(participation=w.p1, meeting=w.year_two, level=COMMITTEE)

    services.assessment_save(assessment=committee, scores={1: 4})
    with pytest.raises(DomainError, match="between 1 and 3"):
        services.assessment_save(assessment=organisation, scores={1: 4})

    assert committee.answers.get(item__number=1).score == 4
    assert organisation.answers.get(item__number=1).score is None


def test_a_recorded_assessment_is_checked_against_its_levels_version():
    classic = ChecklistVersion.objects.get(slug="skr-10-1-3")
    w = two_level_round(organisation_version=classic)

    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)
    with pytest.raises(DomainError, match="between 1 and 3"):
        submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4))


def test_the_figures_of_each_level_are_apart():
    w = two_level_round()
    submit(w.p1, w.year_one, dict.fromkeys(range(1, 11), 1))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 2))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)
    submit(w.p2, w.year_two, dict.fromkeys(range(1, 11), 3), level=COMMITTEE)

    organisation = round_scores(round=w.round)
    committee = round_scores(round=w.round, level=COMMITTEE)

    assert [item.version_id for item in organisation.items] == [w.organisation_version.pk] * 10
    assert [item.version_id for item in committee.items] == [w.committee_version.pk] * 10
    # Organisation-wide: two points (year one's meeting and year two's), Nivåby only.
    assert organisation.points == [1, 2]
    assert organisation.summary(2).totals == {"9801": 20}
    assert organisation.summary(1).totals == {"9801": 10}
    # Committee level: year two's meeting is its first point; both organisations.
    assert committee.points == [1]
    assert committee.summary(1).totals == {"9801": 40, "9802": 30}
    assert committee.summary(1).items[0].rounded == Decimal("3.5")


def _summary(*args) -> dict:
    out = StringIO()
    call_command("round_summary", *args, stdout=out)
    return json.loads(out.getvalue())


def test_round_summary_keeps_the_levels_apart():
    w = two_level_round()
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 2))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)

    default = _summary(w.round.slug)
    organisation = _summary(w.round.slug, "--level", "organisation")
    committee = _summary(w.round.slug, "--level", "committee")

    assert default == organisation
    assert (organisation["level"], organisation["checklist"]) == (
        "organisation",
        "prov-2024-organisation",
    )
    assert organisation["totals"] == {"9801": 20}
    assert (committee["level"], committee["checklist"]) == ("committee", "prov-2024-namnd")
    assert committee["totals"] == {"9801": 40}
    assert committee["point"] == 1


def test_round_summary_refuses_a_level_the_round_has_no_checklist_for(world):
    with pytest.raises(CommandError, match="no checklist at the committee level"):
        _summary("omgang-a", "--level", "committee")


def test_round_summary_refuses_an_unknown_level(world):
    with pytest.raises(CommandError, match="invalid choice"):
        _summary("omgang-a", "--level", "department")


def test_the_committee_checklist_must_be_made_for_committees():
    organisation_version, _committee = load_pair()
    w = two_level_round()

    with pytest.raises(DomainError, match="committee/board and department level"):
        services.round_choose_checklist(
            round=w.round, version=organisation_version, level=COMMITTEE
        )
    round_ = Round.objects.get(pk=w.round.pk)
    round_.committee_checklist_version = organisation_version
    with pytest.raises(ValidationError) as error:
        round_.full_clean()
    assert "committee_checklist_version" in error.value.message_dict


def test_the_committee_checklist_is_fixed_once_a_committee_assessment_exists():
    w = two_level_round()
    services.assessment_start(participation=w.p1, meeting=w.year_two, level=COMMITTEE)

    with pytest.raises(DomainError, match="keeps it"):
        services.round_choose_checklist(round=w.round, version=None, level=COMMITTEE)
    w.round.refresh_from_db()
    assert w.round.committee_checklist_version_id == w.committee_version.pk


def test_the_organisation_checklist_stays_free_while_only_committee_assessments_exist():
    classic = ChecklistVersion.objects.get(slug="skr-10-1-3")
    w = two_level_round()
    services.assessment_start(participation=w.p1, meeting=w.year_two, level=COMMITTEE)

    services.round_choose_checklist(round=w.round, version=classic)

    w.round.refresh_from_db()
    assert w.round.checklist_version_id == classic.pk


def test_moving_the_round_to_year_two_changes_no_meeting_of_year_one():
    w = two_level_round()
    round_services.round_update(round=w.round, current_year=Round.Year.ONE)
    w.year_two.refresh_from_db()

    assert w.year_two.year == Round.Year.TWO
    assert w.year_two.assessment_levels == [ORGANISATION, COMMITTEE]

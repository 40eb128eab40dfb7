"""A model's foreign keys looked up in one query (`modellkoncept.models.KeysInOneQuery`): the
errors Django's `clean_fields` gives (one `exists()` query per key), from one statement."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_history.models import HistoricalChanges

from checklist.models import SelfAssessment
from modellkoncept.models import KeysInOneQuery
from participants.models import FunctionAssignment, Participation
from rounds.models import Attendance, Meeting

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
PROJECT_APPS = {"modellkoncept", "accounts", "participants", "rounds", "checklist", "reports"}
MISSING = 2_000_000_000  # no row has this id


def _errors(clean, instance, exclude) -> dict:
    """The errors `clean` finds, as (messages, code, params) per field, and the values the
    fields hold after it (a key's value is converted by a clean that passes)."""
    try:
        clean(instance, exclude=exclude)
    except ValidationError as error:
        found = {
            field: [(one.messages, one.code, one.params) for one in errors]
            for field, errors in error.error_dict.items()
        }
    else:
        found = {}
    return {
        "errors": found,
        "values": {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields},
    }


def _same_as_django(make, exclude: set[str]) -> dict:
    ours = _errors(type(make()).clean_fields, make(), exclude)
    djangos = _errors(models.Model.clean_fields, make(), exclude)
    assert ours == djangos
    return ours["errors"]


def test_every_model_with_several_foreign_keys_looks_them_up_in_one_query():
    several = [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and not issubclass(model, HistoricalChanges)
        and sum(bool(field.many_to_one) for field in model._meta.fields) >= 2
    ]

    assert len(several) > 10  # the project has them (a self-assessment has four)
    assert [model.__name__ for model in several if not issubclass(model, KeysInOneQuery)] == []


def _keys(model, world) -> dict:
    """Per foreign key of `model`, the values drawn: none, a row that exists (its id, or the id
    as a form posts it, which the clean converts), one that does not, and no id at all."""
    existing = {
        "participation": world.a1.pk,
        "meeting": world.meeting_ga1.pk,
        "person": world.strategist_a1.pk,
        "submitted_by": world.strategist_a2.pk,
        "reopened_by": world.leader.pk,
        "round": world.round_a.pk,
        "group": world.ga1.pk,
        "host": world.a1.organisation_id,
        "organisation": world.a1.organisation_id,
    }
    return {
        field.attname: st.sampled_from(
            [None, existing[field.name], str(existing[field.name]), MISSING, "x"]
        )
        for field in model._meta.fields
        if field.many_to_one
    }


def _left_out(model) -> st.SearchStrategy[set[str]]:
    """Fields a form may leave out of the validation (`exclude`), often none."""
    names = sorted({field.name for field in model._meta.concrete_fields})
    return st.one_of(st.just(set()), st.sets(st.sampled_from(names), max_size=3))


FIXED = {
    SelfAssessment: {},
    Participation: {"role": "participant"},
    Meeting: {"kind": "learning_meeting", "title": "Träff"},
    Attendance: {},
    FunctionAssignment: {"function": "strateg"},
}


@pytest.mark.parametrize("model", list(FIXED), ids=lambda model: model.__name__)
@EXAMPLES
@given(data=st.data())
def test_an_instance_gets_djangos_errors_and_values(model, data, world):
    keys = data.draw(st.fixed_dictionaries(_keys(model, world)))

    _same_as_django(lambda: model(**FIXED[model], **keys), data.draw(_left_out(model)))


def test_a_missing_row_is_named_as_django_names_it(world):
    def make():
        return SelfAssessment(participation_id=world.a1.pk, meeting_id=MISSING)

    errors = _same_as_django(make, set())

    assert errors["meeting"][0][1] == "invalid"
    assert str(MISSING) in errors["meeting"][0][0][0]
    assert "participation" not in errors


def test_the_keys_of_a_self_assessment_are_one_statement(world, django_assert_num_queries):
    # An autosave validates the draft: its participation and meeting are set, the people who
    # submitted and reopened it are not (Django: one query per key that is set).
    draft = SelfAssessment.objects.get(pk=world.draft_a1.pk)

    with django_assert_num_queries(1) as captured:
        draft.clean_fields()

    assert "EXISTS" in captured.captured_queries[0]["sql"].upper()
    with django_assert_num_queries(2):
        models.Model.clean_fields(draft)


def test_a_single_key_left_is_looked_up_as_django_does(world, django_assert_num_queries):
    draft = SelfAssessment.objects.get(pk=world.draft_a1.pk)

    with django_assert_num_queries(1) as captured:
        draft.clean_fields(exclude={"meeting"})

    assert "EXISTS" not in captured.captured_queries[0]["sql"].upper()

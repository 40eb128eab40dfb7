"""A model's check constraints in one query (`modellkoncept.models.ChecksInOneQuery`): the
errors Django's validation gives (one query per constraint), from one statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modellkoncept.models import ChecksInOneQuery
from participants.models import Organisation, Participation
from reports.models import ReportJob
from rounds.models import Round

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _errors(validate, instance, exclude) -> dict:
    """The errors `validate` finds, as (messages, code) per field: what a form shows."""
    try:
        validate(instance, exclude=exclude)
    except ValidationError as error:
        return {
            field: [(found.messages, found.code) for found in errors]
            for field, errors in error.error_dict.items()
        }
    return {}


def _same_as_django(instance, exclude: set[str]) -> dict:
    ours = _errors(type(instance).validate_constraints, instance, exclude)
    djangos = _errors(models.Model.validate_constraints, instance, exclude)
    assert ours == djangos
    return ours


def _left_out(model) -> st.SearchStrategy[set[str]]:
    """Fields a form may leave out of the validation (`exclude`), often none."""
    names = sorted({field.name for field in model._meta.concrete_fields})
    return st.one_of(st.just(set()), st.sets(st.sampled_from(names), max_size=3))


dates = st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)))


def test_every_model_with_several_check_constraints_checks_them_in_one_query():
    several = [
        model
        for model in apps.get_models()
        if sum(isinstance(c, models.CheckConstraint) for c in model._meta.constraints) >= 2
    ]

    assert several  # the project has them (Participation has five)
    assert [model.__name__ for model in several if not issubclass(model, ChecksInOneQuery)] == []


# Per model: the values every instance has, and what is drawn for the fields its checks read.
INSTANCES = {
    Participation: (
        {},
        {
            "role": st.sampled_from(["participant", "mentor", ""]),
            "group_id": st.one_of(st.none(), st.just(1)),
            "withdrawn_on": dates,
            "completed_on": dates,
            "mentor_capacity": st.sampled_from([None, -1, 0, 1, 4]),
            "fee_invoiced": st.booleans(),
            "fee": st.sampled_from([None, Decimal("0"), Decimal("12500")]),
        },
    ),
    Organisation: (
        {"name": "Kommun", "code": "0180"},
        {
            "latitude": st.sampled_from([None, Decimal("-91"), Decimal("59.33"), Decimal("90")]),
            "longitude": st.sampled_from([None, Decimal("18.06"), Decimal("181")]),
            "political_decision_on": dates,
            "political_decision_kind": st.sampled_from(["", "kf"]),
        },
    ),
    Round: (
        {"name": "Omgång", "slug": "omgang"},
        {
            "starts_on": st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)),
            "ends_on": st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)),
            "application_deadline": dates,
            "decision_by": dates,
        },
    ),
    ReportJob: (
        {},
        {
            "kind": st.sampled_from(["organisation", "summary", "group", "round"]),
            "group_id": st.one_of(st.none(), st.just(1)),
            "participation_id": st.one_of(st.none(), st.just(1)),
            "status": st.sampled_from(["queued", "done"]),
            "file": st.sampled_from(["", "reports/a.pdf"]),
        },
    ),
}


@pytest.mark.parametrize("model", list(INSTANCES), ids=lambda model: model.__name__)
@EXAMPLES
@given(data=st.data())
def test_an_instance_gets_djangos_errors(model, data):
    fixed, drawn = INSTANCES[model]
    instance = model(**fixed, **data.draw(st.fixed_dictionaries(drawn)))

    _same_as_django(instance, data.draw(_left_out(model)))


def test_the_five_checks_of_a_participation_are_one_statement(django_assert_num_queries):
    participation = Participation(role="mentor", group_id=1, mentor_capacity=0, fee_invoiced=True)

    # In the test's transaction: a savepoint, the query, its release (Django: three per check).
    with django_assert_num_queries(3) as captured:
        errors = _errors(Participation.validate_constraints, participation, None)

    assert sum("SELECT" in query["sql"] for query in captured.captured_queries) == 1
    broken = [message for found in errors["__all__"] for message in found[0]]
    assert len(broken) == 3, broken  # a mentor in a group, no capacity, invoiced without a fee


def test_a_condition_on_a_field_left_out_is_not_checked():
    round_ = Round(name="Omgång", slug="omgang", starts_on=dt.date(2020, 1, 1))
    round_.ends_on = dt.date(2019, 1, 1)

    assert _same_as_django(round_, set())  # ends before it starts
    assert _same_as_django(round_, {"ends_on"}) == {}

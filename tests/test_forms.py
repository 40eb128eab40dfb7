"""The choice fields for ids that come from the request (modellkoncept/forms.py)."""

import pytest
from django import forms
from django.utils import translation

from modellkoncept.forms import BoundedModelChoiceField, BoundedModelMultipleChoiceField
from participants.models import Organisation
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class Choose(forms.Form):
    one = BoundedModelChoiceField(queryset=Organisation.objects.all(), required=False)
    many = BoundedModelMultipleChoiceField(queryset=Organisation.objects.all(), required=False)


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**30])
def test_an_id_beyond_the_column_is_an_invalid_choice(number):
    known = OrganisationFactory()

    form = Choose({"one": str(number), "many": [str(known.pk), str(number)]})

    assert not form.is_valid()
    assert form.errors["one"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert form.errors["many"] == [
        f"Select a valid choice. {number} is not one of the available choices."
    ]


def test_ids_within_the_column_choose_as_before():
    first, second = OrganisationFactory(), OrganisationFactory()

    form = Choose({"one": str(first.pk), "many": [str(first.pk), str(second.pk)]})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == first
    assert set(form.cleaned_data["many"]) == {first, second}


def test_text_and_nul_characters_are_refused_by_django_as_before():
    form = Choose({"one": "x", "many": ["1\x00"]})

    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}

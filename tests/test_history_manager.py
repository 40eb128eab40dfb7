"""The history of a model (django-simple-history) through the project's `HistoricalRecords`:
its manager class is made once, not at every access (`modellkoncept.models.HistoryManager`)."""

from __future__ import annotations

import pytest
from django.apps import apps
from simple_history.manager import HistoryDescriptor

from checklist.models import Answer, SelfAssessment
from modellkoncept.models import HistoryManager
from participants.models import Participation
from tests.participants.factories import ParticipationFactory


def _models_with_history():
    return [
        model
        for model in apps.get_models()
        if isinstance(model.__dict__.get("history"), HistoryDescriptor)
    ]


def test_every_model_with_history_uses_the_projects_manager():
    models = _models_with_history()
    assert {SelfAssessment, Answer, Participation} <= set(models)
    wrong = [
        model._meta.label
        for model in models
        if not issubclass(model.__dict__["history"].manager_class, HistoryManager)
    ]
    assert not wrong, f"Declare their history with modellkoncept.models.HistoricalRecords: {wrong}"


@pytest.mark.parametrize("model", _models_with_history(), ids=lambda model: model._meta.label)
def test_the_history_manager_class_is_made_once(model):
    assert type(model.history) is type(model.history)
    assert type(model().history) is type(model.history)


@pytest.mark.django_db
def test_a_saved_row_gets_its_history_and_reads_it_through_the_manager():
    participation = ParticipationFactory()
    participation.withdrawal_reason = "Omorganisation"
    participation.save()
    other = ParticipationFactory()

    rows = list(participation.history.order_by("history_id"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert [row.withdrawal_reason for row in rows] == ["", "Omorganisation"]
    assert rows[-1].instance == participation
    assert participation.history.instance == participation
    assert other.history.count() == 1
    assert Participation.history.filter(id=participation.pk).count() == 2
    assert Participation.history.count() == 3

"""Fixtures of the rounds' tests: `document` (round A as an archive), `eager` (tasks run
in-process) and `en` (the test client, in English)."""

from __future__ import annotations

import pytest

from modellkoncept.celery import app as celery_app
from rounds import archive


@pytest.fixture
def document(world):
    """Round A of the world as an archive, under a new short name so it can be imported."""
    doc = archive.export_document(world.round_a)
    doc["round"]["slug"] = "omgang-c"
    doc["round"]["name"] = "Omgång C"
    return doc


@pytest.fixture
def eager():
    """Tasks (the e-mails) run in-process even where a broker is configured."""
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture
def en(client):
    """The test client, asking for the pages in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client

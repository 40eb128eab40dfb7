"""The suite runs on a fixed clock (tests/conftest.py), in this process and in the workers."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from django.db import transaction
from django.utils import timezone

from participants import services as participant_services
from tests.conftest import clock_start, mail_files, wait_for


def test_the_tests_run_at_the_instant_the_clock_names(pytestconfig):
    start = clock_start(pytestconfig.getoption("clock"))
    now = timezone.now()
    # The clock ticks from its start: the session has been running for a while, not for days.
    assert start <= now < start + dt.timedelta(hours=3)


def test_a_date_alone_means_ten_in_the_morning_in_stockholm():
    instant = clock_start("2027-09-15")
    assert instant.isoformat() == "2027-09-15T10:00:00+02:00"
    with pytest.raises(pytest.UsageError):
        clock_start("2027-09-15T10:00")  # a date-time needs its offset
    with pytest.raises(pytest.UsageError):
        clock_start("15/09/2027")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_on_the_same_clock(world, celery_worker):
    """The worker stamps its e-mail with its own "now": the tests' clock, not the machine's."""
    before = timezone.now()
    with transaction.atomic():
        participant_services.person_invite(
            participation=world.a1,
            email="klocka@aby.se",
            full_name="Klas Klocka",
            functions=["strateg"],
        )
    files = wait_for(lambda: mail_files(celery_worker.mail_dir), timeout=60)
    assert files, "the worker sent no e-mail within 60 seconds"
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    sent = message["Date"].datetime
    if sent.tzinfo is None:  # Django writes the date in UTC ("-0000")
        sent = sent.replace(tzinfo=dt.UTC)
    assert before - dt.timedelta(seconds=5) <= sent <= timezone.now() + dt.timedelta(seconds=5)

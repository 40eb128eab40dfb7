"""The table prints that the hostile-input and access tests take before and after a request
(`tests.hostile.table_prints`): a change of any watched column of any row shows, in that
table alone, and a change of an unwatched column does not."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import User
from participants.models import Organisation
from rounds.models import BenchmarkingGroup
from tests.hostile import changed_tables, fingerprint, table_prints

pytestmark = pytest.mark.django_db


def test_a_changed_column_of_one_row_shows_in_its_table_alone(world):
    before = fingerprint()

    Organisation.objects.filter(pk=world.a2.organisation_id).update(name="Bby stad")

    assert changed_tables(before, fingerprint()) == {"Organisation"}


def test_a_row_removed_and_one_added_show(world):
    before = fingerprint()
    BenchmarkingGroup.objects.filter(pk=world.gb.pk).delete()
    removed = fingerprint()
    BenchmarkingGroup.objects.create(round=world.round_b, name="GB")

    assert "BenchmarkingGroup" in changed_tables(before, removed)
    assert removed["BenchmarkingGroup"][0] == before["BenchmarkingGroup"][0] - 1
    assert "BenchmarkingGroup" in changed_tables(removed, fingerprint())


def test_an_unwatched_column_changes_nothing_and_a_watched_one_of_the_same_row_does(world):
    before = fingerprint()

    User.objects.filter(pk=world.leader.pk).update(last_login=timezone.now())
    assert changed_tables(before, fingerprint()) == set()

    User.objects.filter(pk=world.leader.pk).update(full_name="Pia Annan")
    assert changed_tables(before, fingerprint()) == {"User"}


def test_every_column_is_watched_unless_told_otherwise(world):
    before = table_prints([User])

    User.objects.filter(pk=world.leader.pk).update(last_login=timezone.now())

    assert table_prints([User]) != before

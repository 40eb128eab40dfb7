"""The table prints that the hostile-input and access tests take before and after a request
(`tests.hostile.table_prints`): a change of any watched column of any row shows, in that
table alone, and a change of an unwatched column does not. On PostgreSQL a print digests again
only the tables written since the last print of the same transaction."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
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


def _digested(queries) -> set[str]:
    """The tables a print's queries digested."""
    return {
        table
        for query in queries
        if "md5(" in query["sql"]
        for table in ("accounts_user", "participants_organisation", "rounds_benchmarkinggroup")
        if f'FROM "{table}"' in query["sql"]
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the write counts are PostgreSQL's")
def test_only_the_tables_written_since_the_last_print_are_digested_again(world):
    models = [User, Organisation, BenchmarkingGroup]
    first = table_prints(models)

    with CaptureQueriesContext(connection) as nothing_written:
        again = table_prints(models)
    Organisation.objects.filter(pk=world.a2.organisation_id).update(name="Bby stad")
    with CaptureQueriesContext(connection) as one_written:
        changed = table_prints(models)
    with transaction.atomic():  # a savepoint's writes, rolled back, are writes too
        BenchmarkingGroup.objects.filter(pk=world.gb.pk).update(name="Ny")
        renamed = table_prints(models)
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as rolled_back:
        restored = table_prints(models)

    assert again == first
    assert len(nothing_written) == 1  # the write counts alone
    assert _digested(one_written) == {"participants_organisation"}
    assert changed.keys() == first.keys()
    assert changed["participants.Organisation"] != first["participants.Organisation"]
    assert renamed["rounds.BenchmarkingGroup"] != changed["rounds.BenchmarkingGroup"]
    # The print taken in the savepoint went with it: the group's rows are those of before.
    assert _digested(rolled_back) == {"rounds_benchmarkinggroup"}
    assert restored == changed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the write counts are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_print_of_another_transaction_is_taken_anew():
    """Another connection's writes are not in this one's counts: a print is reused within one
    transaction only, and the next transaction's print sees them."""
    organisation = Organisation.objects.create(code="9999", name="Eby")
    with transaction.atomic():
        before = table_prints([Organisation])
    other = connections.create_connection("default")  # in autocommit: the update commits
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "UPDATE participants_organisation SET name = 'Eby stad' WHERE id = %s",
                [organisation.pk],
            )
    finally:
        other.close()

    with transaction.atomic():
        after = table_prints([Organisation])

    assert after != before

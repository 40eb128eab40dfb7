"""The snapshots of rows a test process builds once (tests/snapshot.py), on PostgreSQL."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from checklist.models import ChecklistVersion
from participants.models import Organisation
from tests import snapshot
from tests.accounts.factories import UserFactory
from tests.participants.factories import OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Builder:
    """A person and an organisation, counting how often it is asked to build them."""

    def __init__(self):
        self.builds = 0

    def __call__(self) -> User:
        self.builds += 1
        OrganisationFactory(code="9999", name="Provkommun")
        return UserFactory(email="byggd@example.se")


def _flush(*, reset_sequences: bool) -> None:
    """What the end of a test that commits does: every table emptied, the migrations' rows
    made again (under new ids)."""
    call_command("flush", interactive=False, verbosity=0, reset_sequences=reset_sequences)


def test_the_rows_come_back_with_their_ids_without_building_again():
    assert snapshot.as_migrated()
    snapshots, build = snapshot.Snapshots(), Builder()
    built = snapshots.keep(build)
    organisation = Organisation.objects.get(code="9999")
    checklists = dict(ChecklistVersion.objects.values_list("slug", "pk"))
    user_type = ContentType.objects.get_for_model(User).pk

    _flush(reset_sequences=False)
    assert not Organisation.objects.exists()
    assert dict(ChecklistVersion.objects.values_list("slug", "pk")) != checklists  # new ids
    assert snapshot.as_migrated()
    assert ContentType.objects.get_for_model(User).pk != user_type  # kept, under the new id
    cache.set("snapshot:kept-value", "kept under the rows of the flushed database")

    again = snapshots.keep(build)
    assert build.builds == 1
    assert (again.pk, again.email) == (built.pk, "byggd@example.se")
    assert Organisation.objects.get(code="9999").pk == organisation.pk
    # The migrations' rows are the snapshot's, and what was kept under the others is forgotten.
    assert dict(ChecklistVersion.objects.values_list("slug", "pk")) == checklists
    assert ContentType.objects.get_for_model(User).pk == user_type
    assert ContentType.objects.filter(pk=user_type, model="user").exists()
    assert cache.get("snapshot:kept-value") is None


def test_after_the_sequences_were_reset_new_rows_take_new_ids():
    snapshots, build = snapshot.Snapshots(), Builder()
    snapshots.keep(build)
    restored = Organisation.objects.get(code="9999").pk

    _flush(reset_sequences=True)  # the next organisation would take id 1
    snapshots.keep(build)
    assert build.builds == 1
    assert OrganisationFactory(code="9998").pk > restored


def test_a_database_written_to_builds_again_and_keeps_nothing():
    snapshots, build = snapshot.Snapshots(), Builder()
    UserFactory(email="först@example.se")  # the test wrote before asking
    assert not snapshot.as_migrated()
    snapshots.keep(build)
    _flush(reset_sequences=False)
    snapshots.keep(build)
    assert build.builds == 2  # nothing was kept the first time


def test_inside_a_transaction_it_is_put_back_only_over_the_same_migrated_rows():
    """A test that runs in a transaction rolled back at its end (`db`, a module's shared data)
    gets the snapshot only where the migrations' rows have the ids they had when it was taken:
    after the rollback they are the rows of before, and Django's content types, kept in the
    process by id, must still be theirs."""
    snapshots, build = snapshot.Snapshots(), Builder()
    snapshots.keep(build)  # taken; the test commits, as a browser test does
    _flush(reset_sequences=False)  # the migrations' rows made again, under new ids
    user_type = ContentType.objects.get_for_model(User).pk

    with transaction.atomic():  # as a test in a transaction
        snapshots.keep(build)
        assert build.builds == 2  # built: the snapshot's content types have other ids
        assert ContentType.objects.get_for_model(User).pk == user_type
        transaction.set_rollback(True)
    assert not Organisation.objects.exists()
    assert ContentType.objects.get_for_model(User).pk == user_type

    with transaction.atomic():  # the snapshot taken the second time fits
        snapshots.keep(build)
        assert build.builds == 2
        assert Organisation.objects.filter(code="9999").exists()
        transaction.set_rollback(True)
    assert ContentType.objects.get_for_model(User).pk == user_type
    assert ContentType.objects.filter(pk=user_type, model="user").exists()

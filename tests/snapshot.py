"""Rows a test process builds once through the services and puts back, on PostgreSQL, in the
later tests that need the same rows.

A test that commits (`transactional_db`, every browser test) ends by emptying every table, so a
world it built is gone for the next one, and the browser tests each build the same one first
(the demo's completed round, whose organisations mentor the new groups: 2–3 s of services),
and several modules seed the whole demo (2.5–3.5 s; `tests.conftest.seed_demo`).
`Snapshots.keep` builds it the first time and copies every table of the database as it is then
(`COPY … TO STDOUT`, binary); a later call deletes the rows the migrations made and copies the
snapshot's back in one transaction, which takes 0.04 s instead of the 1–2.5 s of building, and
gives the builder's result again, read anew from the database by its primary key.

A snapshot is the whole database: the rows the migrations made (content types, permissions, the
classic checklist) come back with the ids they had when it was taken, so the rows built on them
need no translation. It is therefore taken and put back only when the database holds nothing
but what the migrations made (the same rows in every table as right after migrating,
`remember_migrated`): at the start of a test, before it writes anything. Anywhere else (a test
that has written rows first, or SQLite) the builder simply runs again. Sequences are not set
back: ids go on rising, as after a flush, so a value kept under an earlier id is never taken
for a restored row (the caches are emptied besides). Inside a transaction that the test rolls
back (a test with `db`, a module's shared data), a snapshot is put back only where the
migrations' rows are the very rows it holds (`Snapshot.fits`): after the rollback the database
has the rows of before, and the content types Django keeps by id must still be theirs.

The restored rows keep the times they were made at, a few minutes of the suite's clock earlier
than a fresh build would give; a snapshot is kept per day of that clock, so that a build whose
rows depend on the day is never put back on another.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils import timezone

Built = TypeVar("Built", bound=models.Model)
T = TypeVar("T")

# Each table's row count right after migrating (`remember_migrated`), in this process.
_migrated: dict[str, int] | None = None


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, count(*) FROM {quote(table)}"  # noqa: S608 - names from the models
                for table in tables
            ),
            tables,
        )
        return dict(cursor.fetchall())


def remember_migrated() -> None:
    """Note what the freshly migrated test database holds (called once, after migrating)."""
    global _migrated
    if connection.vendor == "postgresql":
        _migrated = _counts(_tables())


def as_migrated() -> bool:
    """Whether the database holds what it held right after migrating (and is PostgreSQL):
    every table the same number of rows, which a test that has written anything breaks."""
    return _migrated is not None and _counts(list(_migrated)) == _migrated


def _sequences() -> list[tuple[str, str]]:
    """(table, column) of every automatic primary key."""
    return [
        (model._meta.db_table, model._meta.pk.column)
        for model in apps.get_models(include_auto_created=True)
        if isinstance(model._meta.pk, models.AutoField)
    ]


def _migrated_print() -> dict[str, tuple[int, str]]:
    """The rows the migrations made (ids included), as `tests.hostile.table_prints` digests
    them (imported here: that module brings Hypothesis, which a snapshot otherwise needs not)."""
    from tests.hostile import table_prints

    tables = {table for table, count in (_migrated or {}).items() if count}
    return table_prints(
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in tables
    )


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, bytes]  # table → its rows, as COPY's binary format writes them (none: empty)
    migrated_print: dict  # the migrations' rows when it was taken (`_migrated_print`)

    @classmethod
    def take(cls) -> Snapshot:
        quote = connection.ops.quote_name
        copied = {}
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg2's own: COPY is not in the DB-API
            for table, count in _counts(_tables()).items():
                if count:
                    buffer = io.BytesIO()
                    raw.copy_expert(f"COPY {quote(table)} TO STDOUT (FORMAT binary)", buffer)
                    copied[table] = buffer.getvalue()
        return cls(tables=copied, migrated_print=_migrated_print())

    def fits(self) -> bool:
        """Whether putting it back leaves the migrations' rows as they are now, ids included.
        Inside a transaction that the test rolls back, only such a snapshot may be put back:
        after the rollback the database has the rows it had before, and what Django keeps in
        the process about them (the content types by id) must still hold; a flush since the
        snapshot was taken (a test that committed) made them anew under new ids."""
        return _migrated_print() == self.migrated_print

    def restore(self, *, fitted: bool = False) -> None:
        """Delete the rows the migrations made and copy the snapshot's rows in, in one
        transaction (the foreign keys are deferred, so the order of the tables does not
        matter; the other tables are empty, as `as_migrated` found); then make sure no sequence
        hands out an id that is already taken, and forget what was kept under the old rows
        (the content types Django keeps by id stay when the snapshot `fits`, `fitted`: they
        are the same rows)."""
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            for table, count in (_migrated or {}).items():
                if count:
                    raw.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - a model's table
            for table, rows in self.tables.items():
                raw.copy_expert(f"COPY {quote(table)} FROM STDIN (FORMAT binary)", io.BytesIO(rows))
            # After a test that reset the sequences, one may be behind the restored ids.
            keys = [(table, column) for table, column in _sequences() if table in self.tables]
            raw.execute(
                " UNION ALL ".join(
                    "SELECT setval(s, m) FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass "  # noqa: S608
                    f"AS s, (SELECT max({quote(column)}) FROM {quote(table)}) AS m) AS t "
                    "WHERE m > COALESCE(pg_sequence_last_value(s), 0)"
                    for table, column in keys
                ),
                [value for table, column in keys for value in (quote(table), column)],
            )
        if not fitted:
            ContentType.objects.clear_cache()
        cache.clear()


class Snapshots:
    """What a builder made, kept once per day of the suite's clock (see the module)."""

    def __init__(self):
        self._kept: dict = {}

    def keep(self, build: Callable[[], Built]) -> Built:
        """`build()`'s result: built, or put back from the snapshot taken after building it."""
        return self._keep(
            build,
            remember=lambda built: (type(built), built.pk),
            revive=lambda kept: kept[0]._default_manager.get(pk=kept[1]),
        )

    def keep_value(self, build: Callable[[], T]) -> T:
        """The same for a builder that returns more than one model instance (a namespace of
        them, say): put back, it gives a deep copy of what the first build returned, whose
        objects stand for the restored rows (the same rows, under the same ids)."""
        return self._keep(build, remember=copy.deepcopy, revive=copy.deepcopy)

    def _keep(self, build: Callable[[], T], *, remember, revive) -> T:
        if not as_migrated():
            return build()
        day = timezone.localdate()
        if day in self._kept:
            snapshot, kept = self._kept[day]
            in_transaction = connection.in_atomic_block
            fitted = in_transaction and snapshot.fits()
            if fitted or not in_transaction:
                snapshot.restore(fitted=fitted)
                return revive(kept)
        built = build()
        self._kept[day] = (Snapshot.take(), remember(built))
        return built

"""The imports as functions: hostile bytes, CSV text, workbooks and JSON give rows, problems or
a domain error, and write all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
import time_machine
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from checklist import document as checklist_document
from checklist import importing
from modellkoncept.errors import DomainError
from rounds import archive
from tests.hostile import changed_tables, fingerprint
from tests.hostile_input.cases import FORM_CASES
from tests.hostile_input.files import csv_bytes, json_values, mutate, xlsx_bytes
from tests.hostile_input.harness import EXAMPLES_PER_FORM, EXAMPLES_PER_PROPERTY, PROPERTY
from tests.hostile_input.test_requests import PATHS, READERS

pytestmark = pytest.mark.django_db


# The imports as functions


FILENAMES = ["x.csv", "x.xlsx", "X.CSV", "x.xls", "x.txt", "", "x", ".csv", "x.csv.xlsx"]


def _outcome(action: Callable):
    """What `action` returned, or the DomainError it raised (anything else propagates)."""
    try:
        return action(), None
    except DomainError as error:
        return None, error


@PROPERTY
@given(content=st.binary(max_size=2000), filename=st.sampled_from(FILENAMES))
def test_reading_random_bytes_raises_nothing_but_a_domain_error(content, filename):
    rows, error = _outcome(lambda: importing.parse_rows(io.BytesIO(content), filename))

    assert (error is not None and error.messages) or all(
        isinstance(row, importing.Row) for row in rows
    )


@PROPERTY
@given(data=st.data())
def test_reading_hostile_csv_text_gives_rows_or_a_domain_error(data):
    content = csv_bytes(data.draw)

    rows, error = _outcome(lambda: importing.parse_rows(io.BytesIO(content), "bedomning.csv"))

    assert (error is not None and error.messages) or all(row.line >= 2 for row in rows)


@PROPERTY
@given(data=st.data())
def test_reading_hostile_workbooks_gives_rows_or_a_domain_error(data):
    content = xlsx_bytes(data.draw)

    rows, error = _outcome(lambda: importing.parse_rows(io.BytesIO(content), "bedomning.xlsx"))

    assert (error is not None and error.messages) or all(isinstance(r.score, str) for r in rows)


@PROPERTY
@given(data=st.data())
def test_reading_damaged_workbooks_gives_rows_or_a_domain_error(data):
    """A real workbook with bytes changed at random: the zip directory, a part's compressed
    data or its XML; the streaming reader (checklist.workbook) says it cannot read it."""
    content = bytearray(xlsx_bytes(data.draw))
    for _ in range(data.draw(st.integers(1, 8), label="changes")):
        at = data.draw(st.integers(0, len(content) - 1), label="at")
        content[at] = data.draw(st.integers(0, 255), label="byte")

    rows, error = _outcome(lambda: importing.parse_rows(io.BytesIO(bytes(content)), "trasig.xlsx"))

    assert (error is not None and error.messages) or all(isinstance(r.score, str) for r in rows)


def test_a_generated_workbook_is_the_same_bytes_whenever_it_is_made():
    """Hypothesis replays an example by drawing again: the workbook drawn must not depend on
    the time it is saved at (openpyxl dates its properties and its zip entries)."""

    def same_draws():  # two rows, then nothing cut off
        draws = iter([[["Åby", 3, None], ["=1+1", 2.5, True]], None])
        return lambda strategy: next(draws)

    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        first = xlsx_bytes(same_draws())
    with time_machine.travel(dt.datetime(2027, 9, 30, 17, 45, tzinfo=dt.UTC), tick=False):
        again = xlsx_bytes(same_draws())

    assert first == again


@PROPERTY
@given(data=st.data())
def test_importing_hostile_rows_writes_all_of_them_or_nothing(arena, data):
    content = csv_bytes(data.draw)

    def read_and_import():
        rows = importing.parse_rows(io.BytesIO(content), "bedomning.csv")
        return importing.assessments_import(round=arena.round_a, rows=rows, by=arena.leader)

    with transaction.atomic():
        before = fingerprint()
        result, error = _outcome(read_and_import)
        changed = changed_tables(before, fingerprint())
        transaction.set_rollback(True)

    if error is not None:
        assert error.messages
        assert changed == set()
    else:
        assert result.rows > 0
        assert changed <= {"SelfAssessment", "Answer"}


@PROPERTY
@given(document=json_values)
def test_checking_random_json_lists_problems_and_never_raises(document):
    problems = archive.validate_document(document)

    assert isinstance(problems, list)
    assert problems, "random JSON is never a valid archive"
    assert all(isinstance(p, str) and p.startswith("$") for p in problems)


@PROPERTY
@given(data=st.data())
def test_checking_a_damaged_archive_lists_problems_and_never_raises(arena, data):
    document = mutate(arena.archive_document, data.draw)

    problems = archive.validate_document(document)

    assert isinstance(problems, list)
    assert all(isinstance(p, str) and p.startswith("$") for p in problems)


@PROPERTY
@given(data=st.data())
def test_importing_an_invalid_archive_raises_a_domain_error_and_creates_nothing(arena, data):
    document = mutate(arena.archive_document, data.draw)
    problems = archive.validate_document(document)
    with transaction.atomic():
        before = fingerprint()
        if problems:
            with pytest.raises(DomainError) as refusal:
                archive.import_document(document, by=arena.leader)
            assert refusal.value.messages == problems
            assert changed_tables(before, fingerprint()) == set()
        else:
            summary = archive.import_document(document, by=arena.leader)
            assert summary.round.slug == document["round"]["slug"]
        transaction.set_rollback(True)


@PROPERTY
@given(document=json_values)
def test_checking_random_json_as_a_checklist_file_lists_problems_and_never_raises(document):
    problems = checklist_document.validate_document(document)

    assert problems, "random JSON is never a valid checklist file"
    assert all(isinstance(p, str) and p.startswith("$") for p in problems)


@PROPERTY
@given(data=st.data())
def test_importing_a_damaged_checklist_file_creates_it_whole_or_nothing(arena, data):
    document = arena.checklist_file
    for _ in range(data.draw(st.integers(1, 3))):
        document = mutate(document, data.draw)
    problems = checklist_document.validate_document(document)
    with transaction.atomic():
        before = fingerprint()
        if problems:
            with pytest.raises(DomainError) as refusal:
                checklist_document.import_document(document)
            assert refusal.value.messages == problems
            assert changed_tables(before, fingerprint()) == set()
        else:
            version = checklist_document.import_document(document)
            assert checklist_document.export_document(version) == document
        transaction.set_rollback(True)


# The figure for the README (see the package's description).
HOSTILE_INPUTS_TRIED = EXAMPLES_PER_FORM * len(FORM_CASES) + EXAMPLES_PER_PROPERTY * (
    len(READERS) + 3 + 2 + len(PATHS) + 10
)

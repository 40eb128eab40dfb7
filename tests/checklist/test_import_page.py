"""The upload page of the assessment import (preview, confirm, problems, who may), and hostile
workbooks (issue #13), refused early with their problem and nothing saved."""

import zipfile

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import translation

from bench import uploads
from checklist import importing, workbook
from modellkoncept.errors import DomainError
from rounds.models import Meeting
from tests.checklist.import_files import (
    EN,
    SCORES_ABY,
    assessment_of,
    good_rows,
    rows_for,
    snapshot,
    write_csv,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# The upload page.

URL = "/checklist/rounds/omgang-a/import/"


def upload(client, path, **extra):
    with path.open("rb") as handle:
        return client.post(URL, {"file": handle, "preview": "1"}, **EN, **extra)


def test_project_leader_sees_the_upload_form(client, world):
    client.force_login(world.leader)

    response = client.get(URL, **EN)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html
    assert 'accept=".csv,.xlsx"' in html
    assert 'aria-describedby="id_file_helptext"' in html
    assert "organisation (the organisation&#x27;s code)" in html


def test_preview_shows_what_will_happen_and_saves_nothing(client, world, tmp_path):
    client.force_login(world.leader)
    before = snapshot()

    response = upload(client, write_csv(tmp_path / "omgang.csv", good_rows(world)))

    assert response.status_code == 200
    html = response.content.decode()
    assert "omgang.csv: 20 rows. 1 self-assessments will be created and 1 updated" in html
    assert "Dby (9104)" in html
    assert 'name="confirm"' in html
    assert snapshot() == before


def test_confirm_imports_the_previewed_file(client, world, tmp_path):
    client.force_login(world.leader)
    preview = upload(client, write_csv(tmp_path / "omgang.csv", good_rows(world)))
    digest = preview.context["digest"]

    response = client.post(URL, {"confirm": "1", "digest": digest}, **EN)

    assert response.status_code == 302
    assert response["Location"] == "/rounds/omgang-a/"
    assert assessment_of(world.a4, world.meeting_ga2).is_submitted
    assert assessment_of(world.a1, world.meeting_ga1).submitted_by == world.leader
    page = client.get(response["Location"], **EN).content.decode()
    assert "omgang.csv is imported: 20 rows, 1 self-assessments created and 1 updated." in page
    # The rows are gone from the session: confirming again imports nothing.
    again = client.post(URL, {"confirm": "1", "digest": digest}, **EN)
    assert again.status_code == 302
    assert again["Location"] == URL


def test_confirm_with_another_digest_imports_nothing(client, world, tmp_path):
    client.force_login(world.leader)
    upload(client, write_csv(tmp_path / "omgang.csv", good_rows(world)))
    before = snapshot()

    response = client.post(URL, {"confirm": "1", "digest": "0" * 64}, **EN)

    assert response.status_code == 302
    assert response["Location"] == URL
    assert snapshot() == before


def test_confirm_checks_the_rows_again(client, world, tmp_path):
    client.force_login(world.leader)
    preview = upload(client, write_csv(tmp_path / "omgang.csv", good_rows(world)))
    Meeting.objects.filter(pk=world.meeting_ga2.pk).update(assessment_due=False)
    before = snapshot()

    response = client.post(URL, {"confirm": "1", "digest": preview.context["digest"]}, **EN)

    assert response.status_code == 422
    assert "Line 12: no self-assessment is due" in response.content.decode()
    assert snapshot() == before


def test_page_lists_the_problems_with_their_lines(client, world, tmp_path):
    client.force_login(world.leader)
    rows = good_rows(world)
    rows[1][0] = "9999"
    rows[5][3] = 4
    before = snapshot()

    response = upload(client, write_csv(tmp_path / "fel.csv", rows))

    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "fel.csv has 3 problems. Nothing is saved." in html
    assert "Line 3: no organisation with the code “9999” takes part in Omgång A." in html
    assert "Line 7: the score 4 for item 6 is outside the scale, 1 to 3." in html
    assert "items 2 are missing" not in html
    assert "item 2 is missing" in html
    assert 'name="confirm"' not in html
    assert snapshot() == before


def test_an_unreadable_file_is_shown_beside_the_field(client, world, tmp_path):
    client.force_login(world.leader)
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(b"garbage")

    response = upload(client, path)

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert 'aria-invalid="true"' in html
    assert "cannot be read as an Excel workbook" in html


@pytest.mark.parametrize(
    ("user_name", "status"),
    [
        ("strategist_a1", 403),
        ("mentor_m1", 403),
        ("politician_a1", 403),
        ("outsider", 404),
        ("strategist_b1", 404),
    ],
)
def test_others_may_not_import(client, world, tmp_path, user_name, status):
    client.force_login(getattr(world, user_name))
    path = write_csv(tmp_path / "omgang.csv", good_rows(world))
    before = snapshot()

    assert client.get(URL, **EN).status_code == status
    assert upload(client, path).status_code == status
    assert client.post(URL, {"confirm": "1", "digest": "x"}, **EN).status_code == status
    assert snapshot() == before


def test_signed_out_visitor_is_sent_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={URL}"


# Hostile workbooks (issue #13): each is refused early with its problem, and nothing is saved.
# The files are built as `make bench-uploads` builds them (bench/uploads.py), which measures
# the time and memory each takes; nothing here is timed.

HOSTILE_WORKBOOKS = {
    "one row of 5 million cells": (
        lambda p: uploads.one_long_row(p),
        "The workbook's part xl/worksheets/sheet1.xml unpacks to 71 MB, more than the 64 MB a "
        "workbook of self-assessments needs; it is refused unread.",
    ),
    "one row past the cells a row may have": (
        lambda p: uploads.one_long_row(p, cells=1_001),
        "Row 2 of the sheet “Blad1” has more than 1,000 cells; a row of self-assessments has a "
        "few.",
    ),
    "a shared string of 65 MB": (
        lambda p: uploads.long_shared_string(p, characters=65 * 1024 * 1024),
        "The workbook's part xl/sharedStrings.xml unpacks to 65 MB, more than the 64 MB a "
        "workbook of self-assessments needs; it is refused unread.",
    ),
    "a shared string longer than Excel's": (
        lambda p: uploads.long_shared_string(p, characters=32_768),
        "The workbook holds a text of more than 32,767 characters, more than Excel allows.",
    ),
    "a huge declared dimension": (
        uploads.huge_dimension,
        "The sheet “Blad1” declares 1,048,576 rows and 16,384 columns; a file of "
        "self-assessments has at most 50,000 rows. Split it into smaller files.",
    ),
    "a zip bomb": (
        lambda p: uploads.zip_bomb(p, size=200 * 1024 * 1024),
        "The workbook's part xl/worksheets/sheet1.xml unpacks to 200 MB, more than the 64 MB a "
        "workbook of self-assessments needs; it is refused unread.",
    ),
    "an entity expansion": (
        uploads.entity_expansion,
        "The file cannot be read as an Excel workbook (.xlsx). Open it in Excel and save it again.",
    ),
    "too many rows": (
        lambda p: uploads.many_rows(p, rows=importing.MAX_LINES + 1),
        "The file has more than 50,000 rows. Split it into smaller files.",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_WORKBOOKS))
def test_a_hostile_workbook_is_refused_with_its_problem(world, tmp_path, case):
    build, expected = HOSTILE_WORKBOOKS[case]
    path = build(tmp_path / "fientlig.xlsx")
    assert path.stat().st_size <= importing.MAX_FILE_BYTES  # an upload the site takes

    with path.open("rb") as handle, pytest.raises(DomainError) as caught:
        importing.parse_rows(handle, path.name)

    assert caught.value.messages == [expected]


@pytest.mark.parametrize(
    "case", ["one row of 5 million cells", "a zip bomb", "a huge declared dimension"]
)
def test_a_hostile_workbook_upload_is_shown_beside_the_field_and_saves_nothing(
    client, world, tmp_path, case
):
    build, expected = HOSTILE_WORKBOOKS[case]
    path = build(tmp_path / "fientlig.xlsx")
    client.force_login(world.leader)
    before = snapshot()

    response = upload(client, path)

    assert response.status_code == 422
    assert 'id="id_file_error"' in response.content.decode()
    assert response.context["form"].errors["file"] == [expected]
    assert snapshot() == before
    with translation.override("sv"):
        with path.open("rb") as handle, pytest.raises(DomainError) as caught:
            importing.parse_rows(handle, path.name)
        assert caught.value.messages != [expected]  # said in Swedish too


def test_too_many_shared_strings_are_refused(tmp_path):
    path = uploads.workbook(
        tmp_path / "texter.xlsx",
        shared_strings=[
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b"<si><t>a</t></si>" * (workbook.MAX_SHARED_STRINGS + 1),
            b"</sst>",
        ],
    )
    with path.open("rb") as handle, pytest.raises(DomainError) as caught:
        importing.parse_rows(handle, path.name)
    assert caught.value.messages == ["The workbook holds more than 200,000 different texts."]


def test_a_workbook_of_too_many_parts_is_refused(tmp_path):
    path = uploads.workbook(
        tmp_path / "delar.xlsx", extra=[(f"xl/media/{n}.txt", b"") for n in range(1_000)]
    )
    with path.open("rb") as handle, pytest.raises(DomainError) as caught:
        importing.parse_rows(handle, path.name)
    assert caught.value.messages == [
        "The workbook has 1,005 parts; a workbook of self-assessments has a few dozen."
    ]


def test_archives_nested_in_a_workbook_are_never_opened(world, tmp_path):
    """A zip of zips (1 GB when all is unpacked) inside the workbook is passed over: only the
    parts that hold the sheets' values are read."""
    rows = rows_for("9101", world.meeting_ga1.key, SCORES_ABY)
    sheet = [uploads.SHEET_START, b"<sheetData>", uploads.HEADER_ROW]
    for number, (code, key, item, score, _comment) in enumerate(rows, start=2):
        sheet.append(
            f'<row r="{number}"><c t="inlineStr"><is><t>{code}</t></is></c>'
            f'<c t="inlineStr"><is><t>{key}</t></is></c><c><v>{item}</v></c>'
            f"<c><v>{score}</v></c></row>".encode()
        )
    sheet.append(b"</sheetData></worksheet>")
    bomb = uploads.nested_zip_bomb(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(bomb) as archive:
        nested = archive.read("xl/embeddings/oleObject1.zip")
    path = uploads.workbook(
        tmp_path / "med-bilaga.xlsx", sheet=sheet, extra=[("xl/embeddings/oleObject1.zip", nested)]
    )

    with path.open("rb") as handle:
        parsed = importing.parse_rows(handle, path.name)

    assert [(r.line, r.organisation, r.item, r.score) for r in parsed[:2]] == [
        (2, "9101", "1", "1"),
        (3, "9101", "2", "2"),
    ]
    assert len(parsed) == 10

"""The scores as CSV and Excel: one row per organisation × meeting × item with its comment, a
sheet per assessment and one of item means; the project leader exports the round, an
organisation its own."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from checklist.statistics import round_scores
from reports import exports
from rounds import services as round_services
from rounds.models import Meeting
from tests.reports.factories import record

FORMULA = '=HYPERLINK("http://example.com","klicka")'


@pytest.fixture
def scored(world):
    """Round A: Bby (GA1) assessed twice, Cby (GA2) once; Aby only has a draft."""
    start = world.meeting_ga1.starts_at + dt.timedelta(days=60)
    second = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    record(
        world.a2,
        second,
        "3322222111",
        comments={
            1: "Beslut i fullmäktige; “klart”",
            2: FORMULA,
            3: "Rad ett\nRad två",
            5: "＝1+1",  # full-width
        },
    )
    world.second = second
    return world


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads å, ä, ö right
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_the_round_csv_has_a_row_per_organisation_meeting_and_item(scored):
    content = exports.scores_csv(exports.score_export(round=scored.round_a))

    header, *rows = _csv_rows(content)
    assert header[:4] == ["Organisation", "Organisationens namn", "Avbröt", "Skattning"]
    assert header[-2:] == ["Poäng", "Kommentar"]
    with translation.override("en"):
        english = exports.scores_csv(exports.score_export(round=scored.round_a))
    assert _csv_rows(english)[0][-2:] == ["Score", "Comment"]
    assert len(rows) == 3 * 10  # Bby twice and Cby once, ten items each; Aby's draft not
    assert {(r[0], r[3]) for r in rows} == {("9102", "1"), ("9102", "2"), ("9103", "1")}
    by_key = {(r[0], r[3], r[7]): r for r in rows}
    bby_first = by_key["9102", "2", "1"]
    assert bby_first[1] == "Bby"
    assert bby_first[4] == scored.second.key
    assert bby_first[6] == timezone.localdate(scored.second.starts_at).isoformat()
    assert bby_first[9] == "3"
    assert bby_first[10] == "Beslut i fullmäktige; “klart”"
    assert by_key["9102", "2", "3"][10] == "Rad ett\nRad två"
    # A comment Excel would run as a formula is kept as text.
    assert by_key["9102", "2", "2"][10] == "'" + FORMULA
    scores = round_scores(round=scored.round_a)
    expected = {
        (org.code, str(point), str(item)): str(score)
        for org in scores.organisations
        for point, items in org.points.items()
        for item, score in items.items()
    }
    assert {(r[0], r[3], r[7]): r[9] for r in rows} == expected


@pytest.mark.parametrize(
    "text", ["＝1+1", "＋SUM(A1)", "－2+3", "＠SUM(A1)", "﹦1+1", '＝HYPERLINK("http://x","y")']
)
def test_a_formula_in_full_width_or_compatibility_form_is_kept_as_text(text):
    assert exports._csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ｅｎ kommentar", "1+1=2", "Ökat –2 % i år", "ﬁnt"])
def test_text_that_is_no_formula_is_left_alone(text):
    assert exports._csv_cell(text) == text


def test_the_round_csv_keeps_a_full_width_formula_as_text(scored):
    _, *rows = _csv_rows(exports.scores_csv(exports.score_export(round=scored.round_a)))

    assert [r[10] for r in rows if (r[0], r[3], r[7]) == ("9102", "2", "5")] == ["'＝1+1"]


def test_the_workbook_has_a_sheet_per_assessment_and_one_of_item_means(scored):
    from openpyxl import load_workbook

    with translation.override("sv"):
        content = exports.scores_xlsx(exports.score_export(round=scored.round_a))
        names = [gettext("Assessment %(point)s") % {"point": p} for p in (1, 2)]
        means_name = gettext("Item means")
    workbook = load_workbook(io.BytesIO(content))

    assert workbook.sheetnames == [*names, means_name]
    first, second = (list(workbook[name].iter_rows(values_only=True)) for name in names)
    assert first[0][-2:] == ("Poäng", "Kommentar")
    assert len(first) == 1 + 2 * 10  # Bby and Cby at their first assessment
    assert len(second) == 1 + 10  # Bby only
    formula = next(row for row in second[1:] if row[7] == 2)
    assert formula[10] == FORMULA
    cell = next(c for c in workbook[names[1]]["K"] if c.value == FORMULA)
    assert cell.data_type == "s"  # text, not a formula
    means = list(workbook[means_name].iter_rows(values_only=True))
    summary = round_scores(round=scored.round_a).summary(2)
    expected = {m.number: float(m.rounded) for m in summary.items}
    assert {row[0]: row[4] for row in means[1:]} == expected
    assert means[1][2] == 2.0  # item 1 at assessment 1: Bby 2 and Cby 2
    assert means[1][3] == 2


def test_the_project_leader_exports_the_round(client, scored):
    client.force_login(scored.leader)
    kwargs = {"round_slug": scored.round_a.slug}

    as_csv = client.get(reverse("reports:round_scores_csv", kwargs=kwargs))
    as_xlsx = client.get(reverse("reports:round_scores_xlsx", kwargs=kwargs))

    assert as_csv.status_code == 200
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Cache-Control"] == "private, no-store"
    assert len(_csv_rows(as_csv.content)) == 1 + 30
    assert as_xlsx["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert as_xlsx.content[:2] == b"PK"


def test_an_organisation_exports_its_own_scores_only(client, scored):
    client.force_login(scored.strategist_a2)  # Bby
    own = {"round_slug": scored.round_a.slug, "code": "9102"}
    partner = {"round_slug": scored.round_a.slug, "code": "9101"}

    response = client.get(reverse("reports:organisation_scores_csv", kwargs=own))
    rows = _csv_rows(response.content)[1:]

    assert response.status_code == 200
    assert len(rows) == 20
    assert {r[0] for r in rows} == {"9102"}
    assert client.get(reverse("reports:organisation_scores_xlsx", kwargs=own)).status_code == 200
    assert client.get(reverse("reports:organisation_scores_csv", kwargs=partner)).status_code == 404
    round_csv = reverse("reports:round_scores_csv", kwargs={"round_slug": scored.round_a.slug})
    assert client.get(round_csv).status_code in (403, 404)


def test_a_mentor_exports_nothing(client, scored):
    client.force_login(scored.mentor_m1)
    kwargs = {"round_slug": scored.round_a.slug, "code": "9102"}

    assert client.get(reverse("reports:organisation_scores_csv", kwargs=kwargs)).status_code == 404


def test_a_withdrawn_organisation_is_marked_in_the_rows_and_left_out_of_the_means(scored):
    from participants import services as participant_services

    participant_services.participation_withdraw(
        participation=scored.a3, on=dt.date(2026, 6, 1), reason="Omorganisation"
    )

    export = exports.score_export(round=scored.round_a)

    assert {row.withdrawn_on for row in export.rows if row.organisation == "9103"} == {
        dt.date(2026, 6, 1)
    }
    assert [o.code for o in export.scores.organisations if o.points] == ["9102"]

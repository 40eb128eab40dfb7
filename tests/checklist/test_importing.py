"""Importing older self-assessments from CSV and Excel: the reader, the checks (every problem
named by its line, nothing half-saved), locked assessments and the command. The upload page
and hostile workbooks are in `test_import_page.py`."""

import datetime as dt
import io
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from checklist import importing
from checklist import services as checklist_services
from checklist.models import Answer, SelfAssessment
from modellkoncept.errors import DomainError
from participants import services as participant_services
from rounds import services as round_services
from rounds.models import Meeting
from tests.checklist.import_files import (
    HEADER,
    SCORES_ABY,
    SCORES_DBY,
    answers,
    assessment_of,
    good_rows,
    problems_of,
    rows_for,
    run_import,
    snapshot,
    write_csv,
    write_xlsx,
)
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# Good files.


def test_csv_with_commas_imports_submitted_assessments(world, tmp_path):
    w = world
    before = SelfAssessment.objects.count()

    result = run_import(w, write_csv(tmp_path / "omgang.csv", good_rows(w)))

    assert (result.rows, result.created, result.updated) == (20, 1, 1)
    assert SelfAssessment.objects.count() == before + 1
    aby = assessment_of(w.a1, w.meeting_ga1)
    assert aby.pk == w.draft_a1.pk
    assert aby.status == SelfAssessment.Status.SUBMITTED
    assert aby.submitted_by == w.leader
    assert answers(aby) == {n: (s, f"Kommentar {n}") for n, s in SCORES_ABY.items()}
    dby = assessment_of(w.a4, w.meeting_ga2)
    assert dby.status == SelfAssessment.Status.SUBMITTED
    assert answers(dby) == {n: (s, f"Dby om punkt {n}") for n, s in SCORES_DBY.items()}


def test_csv_with_semicolons_and_bom_as_swedish_excel_saves_it(world, tmp_path):
    w = world
    # Keys typed by hand may differ in case.
    key = w.meeting_ga2.key.upper()
    rows = rows_for("9104", key, SCORES_DBY, comment="Åtgärd {n}; se bilaga, sid 2")
    path = write_csv(
        tmp_path / "export.csv",
        rows,
        header=["Organisation", "MEETING", "Item", "Score", "Comment"],
        delimiter=";",
        encoding="utf-8-sig",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = run_import(w, path)

    assert (result.rows, result.created, result.updated) == (10, 1, 0)
    dby = assessment_of(w.a4, w.meeting_ga2)
    assert answers(dby) == {n: (s, f"Åtgärd {n}; se bilaga, sid 2") for n, s in SCORES_DBY.items()}


def test_xlsx_imports_numbers_as_excel_stores_them_and_skips_blank_rows(world, tmp_path):
    w = world
    rows = [
        [9104, w.meeting_ga2.key, float(n), float(s), f"Rad {n}"] for n, s in SCORES_DBY.items()
    ]
    rows.insert(4, [None, None, None, None, None])

    result = run_import(w, write_xlsx(tmp_path / "checklista.xlsx", rows))

    assert (result.rows, result.created, result.updated) == (10, 1, 0)
    dby = assessment_of(w.a4, w.meeting_ga2)
    assert dby.is_submitted
    assert answers(dby) == {n: (s, f"Rad {n}") for n, s in SCORES_DBY.items()}


def test_importing_the_same_file_twice_updates_and_duplicates_nothing(world, tmp_path):
    w = world
    path = write_csv(tmp_path / "omgang.csv", good_rows(w))
    run_import(w, path)
    counts = (SelfAssessment.objects.count(), Answer.objects.count())
    first = answers(assessment_of(w.a4, w.meeting_ga2))

    again = run_import(w, path)

    assert (again.rows, again.created, again.updated) == (20, 0, 2)
    assert (SelfAssessment.objects.count(), Answer.objects.count()) == counts
    assert answers(assessment_of(w.a4, w.meeting_ga2)) == first


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_score_export_imports_again_and_changes_nothing(world, tmp_path, kind):
    from reports import exports

    w = world
    run_import(w, write_csv(tmp_path / "omgang.csv", good_rows(w)))
    # Aby's second assessment, its comments such as a spreadsheet would take for formulas.
    second = round_services.meeting_create(
        round=w.round_a,
        group=w.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=w.meeting_ga1.starts_at + dt.timedelta(days=30),
        ends_at=w.meeting_ga1.ends_at + dt.timedelta(days=30),
        assessment_due=True,
    )
    run_import(
        w,
        write_csv(
            tmp_path / "andra.csv", rows_for("9101", second.key, SCORES_ABY, comment="-{n} = bra")
        ),
    )

    def state():
        return {
            a.pk: (a.submitted_at, a.submitted_by_id, a.revision, answers(a))
            for a in SelfAssessment.objects.filter(status=SelfAssessment.Status.SUBMITTED)
        }

    before = state()
    export = exports.score_export(round=w.round_a)
    assert {row.assessment for row in export.rows} == {1, 2}  # two sheets in the workbook
    path = tmp_path / f"export.{kind}"
    path.write_bytes(exports.scores_csv(export) if kind == "csv" else exports.scores_xlsx(export))

    again = run_import(w, path)

    assert again.rows == len(export.rows)
    assert again.created == 0
    assert state() == before
    aby = assessment_of(w.a1, second)
    assert answers(aby)[1] == (SCORES_ABY[1], "-1 = bra")


def test_a_workbook_names_the_sheet_of_a_bad_row(world, tmp_path):
    w = world
    path = tmp_path / "flera.xlsx"
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Skattning 1"
    first.append(HEADER)
    for row in rows_for("9101", w.meeting_ga1.key, SCORES_ABY):
        first.append(row)
    means = workbook.create_sheet("Medelvärden")
    means.append(["Moment", "Text"])
    second = workbook.create_sheet("Skattning 2")
    second.append(HEADER)
    second.append(["9101", "ingen-sadan", 1, 2, ""])
    workbook.save(path)

    problems = problems_of(w, path)

    assert any(p.startswith("Line 2 (Skattning 2):") for p in problems), problems


def test_import_over_a_submitted_assessment_keeps_the_old_values_in_history(world, tmp_path):
    w = world
    scores = dict.fromkeys(range(1, 11), 3)
    path = write_csv(tmp_path / "bby.csv", rows_for("9102", w.meeting_ga1.key, scores))

    result = run_import(w, path)

    assert (result.created, result.updated) == (0, 1)
    bby = assessment_of(w.a2, w.meeting_ga1)
    assert bby.pk == w.submitted_a2.pk
    assert {n: s for n, (s, _c) in answers(bby).items()} == scores
    item_1 = bby.answers.get(item__number=1)
    assert [h.score for h in item_1.history.order_by("history_date", "history_id")][-2:] == [2, 3]
    assert bby.history.latest().history_user == w.leader


def test_a_file_without_comment_column_keeps_existing_comments(world, tmp_path):
    w = world
    # A submitted assessment is read-only: reopened, commented and submitted again.
    checklist_services.assessment_reopen(
        assessment=w.submitted_a2, by=w.strategist_a2, reason="Kommentar saknas"
    )
    checklist_services.assessment_save(
        assessment=w.submitted_a2, scores={}, comments={4: "Viktigt"}, by=w.strategist_a2
    )
    checklist_services.assessment_submit(assessment=w.submitted_a2, by=w.strategist_a2)
    rows = [r[:4] for r in rows_for("9102", w.meeting_ga1.key, SCORES_ABY)]

    run_import(w, write_csv(tmp_path / "utan.csv", rows, header=HEADER[:4]))

    bby = answers(assessment_of(w.a2, w.meeting_ga1))
    assert bby[4] == (SCORES_ABY[4], "Viktigt")
    assert bby[1] == (SCORES_ABY[1], "")


def test_codes_excel_stripped_of_leading_zeros_are_recognised(world, tmp_path):
    w = world
    vasby = participant_services.participation_add(
        round=w.round_a, organisation=OrganisationFactory(code="0114", name="Upplands Väsby")
    )
    round_services.group_place(group=w.ga1, participation=vasby)
    rows = [[114, w.meeting_ga1.key, n, s, ""] for n, s in SCORES_ABY.items()]

    result = run_import(w, write_xlsx(tmp_path / "vasby.xlsx", rows))

    assert result.created == 1
    assert assessment_of(vasby, w.meeting_ga1).is_submitted


def test_draft_import_saves_part_of_a_checklist_without_submitting(world, tmp_path):
    w = world
    path = write_csv(tmp_path / "del.csv", rows_for("9104", w.meeting_ga2.key, {1: 3, 2: 1}))

    result = run_import(w, path, submit=False)

    assert result.created == 1
    dby = assessment_of(w.a4, w.meeting_ga2)
    assert dby.status == SelfAssessment.Status.DRAFT
    assert answers(dby)[1] == (3, "Kommentar 1")
    assert answers(dby)[3] == (None, "")


def test_a_failure_while_writing_leaves_nothing_half_saved(world, tmp_path, monkeypatch):
    w = world
    path = write_csv(tmp_path / "omgang.csv", good_rows(w))
    record = checklist_services.assessment_record
    calls = []

    def fail_the_second(**kwargs):
        calls.append(kwargs["participation"])
        if len(calls) == 2:
            raise DomainError("The meeting belongs to another group.")
        return record(**kwargs)

    monkeypatch.setattr(checklist_services, "assessment_record", fail_the_second)
    before = snapshot()

    problems = problems_of(w, path)

    assert len(calls) == 2
    assert problems == [
        "Dby (9104), meeting “learning-meeting-1-ga2”: The meeting belongs to another group."
    ]
    assert snapshot() == before


def test_draft_import_into_a_submitted_assessment_keeps_it_whole(world, tmp_path):
    w = world
    path = write_csv(tmp_path / "del.csv", rows_for("9102", w.meeting_ga1.key, {3: 1}))

    result = run_import(w, path, submit=False)

    assert (result.created, result.updated) == (0, 1)
    bby = assessment_of(w.a2, w.meeting_ga1)
    assert bby.is_submitted
    assert {n: s for n, (s, _c) in answers(bby).items()} == {
        n: 1 if n == 3 else 2 for n in range(1, 11)
    }


def test_excel_numbers_stored_as_decimals_are_read_as_whole_numbers():
    # openpyxl gives a number Excel stored as 9104.0 (say, from a formula) as a float.
    assert importing._text(9104.0) == "9104"
    assert importing._text(2.5) == "2.5"
    assert importing._text(None) == ""
    assert importing._text(" 0114 ") == "0114"


# Locked assessments: older data belongs to meetings that are over.


@pytest.fixture
def past_meeting(world):
    """A learning meeting of GA1 that ended a year ago, so its assessments are locked."""
    start = timezone.now() - dt.timedelta(days=365)
    return round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=9,
        title="Lärandeträff 9 GA1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )


def test_a_past_meetings_assessment_is_imported_and_stays_locked(world, past_meeting, tmp_path):
    w = world
    path = write_csv(tmp_path / "2019.csv", rows_for("9101", past_meeting.key, SCORES_ABY))

    result = run_import(w, path)

    assert result.created == 1
    aby = assessment_of(w.a1, past_meeting)
    assert aby.is_locked
    assert aby.reopened_at is None
    assert aby.is_submitted
    assert {n: s for n, (s, _c) in answers(aby).items()} == SCORES_ABY
    recorded = aby.history.filter(history_change_reason="recorded")
    assert [r.history_user for r in recorded] == [w.leader]
    # The strategists cannot change the imported assessment: it is locked.
    with pytest.raises(DomainError, match="locked"):
        checklist_services.assessment_save(assessment=aby, scores={1: 3}, by=w.strategist_a1)


def test_a_locked_submitted_assessment_is_updated_with_history_and_stays_locked(
    world, past_meeting, tmp_path
):
    w = world
    old, _created = checklist_services.assessment_record(
        participation=w.a2,
        meeting=past_meeting,
        scores=dict.fromkeys(range(1, 11), 1),
        submitted_at=past_meeting.starts_at - dt.timedelta(days=3),
        by=w.strategist_a2,
    )
    checklist_services.assessment_close(assessment=old, by=w.leader)
    path = write_csv(tmp_path / "rättad.csv", rows_for("9102", past_meeting.key, SCORES_ABY))

    result = run_import(w, path)

    assert (result.created, result.updated) == (0, 1)
    bby = assessment_of(w.a2, past_meeting)
    assert bby.pk == old.pk
    assert bby.is_locked
    assert bby.locked_at is not None
    assert {n: s for n, (s, _c) in answers(bby).items()} == SCORES_ABY
    item_2 = bby.answers.get(item__number=2)
    assert [h.score for h in item_2.history.order_by("history_date", "history_id")] == [1, 2]
    assert bby.history.latest().history_user == w.leader


# Bad input: every problem is named, with its line, and nothing is saved.


def _replace(line, column, value):
    """Change one value on a line of the file (line 1 is the heading)."""

    def change(w, rows):
        rows[line - 2][HEADER.index(column)] = value(w) if callable(value) else value
        return rows

    return change


BAD_FILES = {
    "unknown organisation": (_replace(3, "organisation", "9999"), ["Line 3", "“9999”"]),
    "mentor organisation": (_replace(3, "organisation", "9201"), ["Line 3", "mentor"]),
    "unknown meeting key": (_replace(4, "meeting", "ingen-sadan"), ["Line 4", "“ingen-sadan”"]),
    "meeting without assessment": (
        _replace(4, "meeting", lambda w: w.startup.key),
        ["Line 4", "no self-assessment is due"],
    ),
    "meeting of another group": (
        _replace(5, "meeting", lambda w: w.meeting_ga2.key),
        ["Line 5", "group GA2", "Aby (9101)"],
    ),
    "unknown item": (_replace(6, "item", 11), ["Line 6", "no item “11”"]),
    "item not a number": (_replace(6, "item", "sju"), ["Line 6", "no item “sju”"]),
    "score above the scale": (_replace(7, "score", 4), ["Line 7", "score 4", "1 to 3"]),
    "score below the scale": (_replace(7, "score", 0), ["Line 7", "score 0", "1 to 3"]),
    "score in words": (_replace(8, "score", "två"), ["Line 8", "“två”", "not a whole number"]),
    "score with decimals": (_replace(8, "score", "2,5"), ["Line 8", "“2,5”"]),
    "no score": (_replace(9, "score", ""), ["Line 9", "no score"]),
    "duplicate row": (
        lambda w, rows: [*rows, list(rows[0])],
        ["Line 22", "item 1", "already on line 2"],
    ),
    "missing items": (
        lambda w, rows: [r for r in rows if not (r[0] == "9104" and r[2] in (4, 7))],
        ["Dby (9104)", f"“{'learning-meeting-1-ga2'}”", "items 4, 7 are missing"],
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_rows_are_named_by_line_and_nothing_is_saved(world, tmp_path, case):
    w = world
    assert w.meeting_ga2.key == "learning-meeting-1-ga2"
    change, expected = BAD_FILES[case]
    path = write_csv(tmp_path / "fel.csv", change(w, good_rows(w)))
    before = snapshot()

    problems = problems_of(w, path)

    assert any(all(part in p for part in expected) for p in problems), problems
    assert snapshot() == before


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ([*HEADER, "kommun"], "Unknown column: “kommun”."),
        (["organisation", "meeting", "item", "comment"], "Missing column: “score”."),
        (["organisation", "meeting", "item", "score", "Score"], "more than once: “Score”"),
    ],
)
def test_bad_columns_are_named_and_nothing_is_saved(world, tmp_path, header, expected):
    w = world
    rows = [[*r, "x"][: len(header)] for r in good_rows(w)]
    path = write_csv(tmp_path / "kolumner.csv", rows, header=header)
    before = snapshot()

    problems = problems_of(w, path)

    assert any(expected in p for p in problems), problems
    assert snapshot() == before


def test_every_problem_is_reported_at_once(world, tmp_path):
    w = world
    rows = good_rows(w)
    rows[5][3] = 4  # line 7
    rows.append(["9999", w.meeting_ga1.key, 1, 2, ""])  # line 22
    rows.append(["9104", "ingen-sadan", 1, 2, ""])  # line 23
    before = snapshot()

    problems = problems_of(w, write_csv(tmp_path / "tre.csv", rows))

    assert len(problems) == 3, problems
    assert [p.split(":")[0] for p in problems] == ["Line 7", "Line 22", "Line 23"]
    assert snapshot() == before


def test_a_bad_line_in_excel_is_named_by_its_row_number(world, tmp_path):
    w = world
    rows = [[9104, w.meeting_ga2.key, n, s, ""] for n, s in SCORES_DBY.items()]
    rows.insert(0, [None] * 5)  # row 2 is blank, so item 1 is on row 3 and item 3 on row 5
    rows[3][3] = 7

    problems = problems_of(w, write_xlsx(tmp_path / "fel.xlsx", rows))

    assert problems == ["Line 5: the score 7 for item 3 is outside the scale, 1 to 3."]


def test_a_comment_over_several_lines_keeps_the_line_numbers_right(world, tmp_path):
    w = world
    rows = rows_for("9104", w.meeting_ga2.key, SCORES_DBY)
    rows[0][4] = "Första raden\nandra raden"  # item 1 takes lines 2 and 3
    rows[0][3] = 8
    rows[1][3] = 9  # item 2 starts on line 4

    problems = problems_of(w, write_csv(tmp_path / "rader.csv", rows))

    assert problems == [
        "Line 2: the score 8 for item 1 is outside the scale, 1 to 3.",
        "Line 4: the score 9 for item 2 is outside the scale, 1 to 3.",
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("trasig.xlsx", b"this is not a workbook", "cannot be read as an Excel workbook"),
        ("trasig.xlsx", b"", "cannot be read as an Excel workbook"),
        ("latin1.csv", "organisation,meeting,item,score\nÅre,x,1,2\n".encode("latin-1"), "UTF-8"),
        ("binary.csv", b"organisation,meeting\x00,item,score\n", "binary"),
        ("gammal.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("tom.csv", b"\xef\xbb\xbf\n\n", "The file is empty."),
    ],
)
def test_unreadable_files_give_a_clear_error(name, content, expected):
    with pytest.raises(DomainError) as caught:
        importing.parse_rows(io.BytesIO(content), name)
    assert any(expected in message for message in caught.value.messages)


def test_a_zip_that_is_not_a_workbook_gives_a_clear_error(tmp_path):
    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hej")
    with path.open("rb") as handle, pytest.raises(DomainError, match="cannot be read as an Excel"):
        importing.parse_rows(handle, path.name)


def test_files_over_the_limits_are_refused(monkeypatch):
    content = b"organisation,meeting,item,score\n" + b"9101,m,1,2\n" * 5
    monkeypatch.setattr(importing.parsing, "MAX_ROWS", 4)
    with pytest.raises(DomainError, match="more than 4 rows"):
        importing.parse_rows(io.BytesIO(content), "rader.csv")
    monkeypatch.setattr(importing.parsing, "MAX_FILE_BYTES", 40)
    with pytest.raises(DomainError, match="larger than"):
        importing.parse_rows(io.BytesIO(content), "stor.csv")


def test_a_header_only_file_has_nothing_to_import(world, tmp_path):
    problems = problems_of(world, write_csv(tmp_path / "tom.csv", []))
    assert problems == ["The file has no rows to import."]


# The command.


def test_command_imports_and_says_how_many(world, tmp_path):
    path = write_csv(tmp_path / "omgang.csv", good_rows(world))
    out = StringIO()

    call_command("import_assessments", "omgang-a", str(path), stdout=out)

    assert out.getvalue().strip() == "20 rows: 1 assessments created, 1 updated."
    assert assessment_of(world.a4, world.meeting_ga2).is_submitted


def test_command_lists_every_problem_and_saves_nothing(world, tmp_path):
    rows = good_rows(world)
    rows[5][3] = 4
    rows.append(["9999", world.meeting_ga1.key, 1, 2, ""])
    path = write_csv(tmp_path / "fel.csv", rows)
    before = snapshot()

    with pytest.raises(CommandError) as caught:
        call_command("import_assessments", "omgang-a", str(path), stdout=StringIO())

    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Line 7: ")
    assert lines[1].startswith("Line 22: ")
    assert snapshot() == before


def test_command_refuses_an_unknown_round_and_a_missing_file(world, tmp_path):
    path = write_csv(tmp_path / "omgang.csv", good_rows(world))
    with pytest.raises(CommandError, match="No round"):
        call_command("import_assessments", "ingen-omgang", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_assessments", "omgang-a", str(tmp_path / "saknas.csv"))

"""The round's scores as files: CSV and Excel (.xlsx).

One row per organisation × assessment (meeting) × item, with the comment. The figures come from
`checklist.statistics` (submitted assessments only; the item means rounded half up there), so a
file says what the reports say.

CSV for Swedish Excel: UTF-8 with a byte order mark, values separated by semicolons, lines ended
by CR LF. Excel opens a double-clicked .csv with the list separator of the computer's regional
settings, which is the semicolon in Swedish (the comma is the decimal sign there), and reads
the file as UTF-8 only when it starts with the BOM (without it å, ä and ö come out garbled).
A `sep=;` first line would also force the separator, but Excel then ignores the BOM, so it is not
used. The column names are the import's (`checklist.importing`) where they mean the same, in
the reader's language (the import takes them in either language, or as the keys).

The round's own export (for project leaders) also carries each organisation's fee and whether it
is invoiced: a sheet of the workbook, and a CSV of its own (`fees_csv`). The fee is between SKR
and the organisation, so an organisation's export of its own scores has no fees.

Text users typed is data, never a formula: in the workbook every text cell is written as text,
and in the CSV a value that Excel would take for a formula (starting with = + - @ or a tab, also
in a full-width or other compatibility form such as "＝") gets a leading apostrophe, which Excel
hides.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from checklist.importing import COLUMN_LABELS, FORMULA_STARTS
from checklist.statistics import RoundScores, assessment_points, round_scores
from participants.models import Participation
from rounds.models import Meeting, Round

COLUMNS = (
    "organisation",
    "organisation_name",
    "withdrawn_on",
    "assessment",
    "meeting",
    "meeting_title",
    "meeting_date",
    "item",
    "item_text",
    "score",
    "comment",
)
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def column_headings() -> list[str]:
    """The columns' names in the reader's language; the import takes them back."""
    return [str(COLUMN_LABELS[column]) for column in COLUMNS]


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ScoreRow:
    organisation: str
    organisation_name: str
    withdrawn_on: date | None
    assessment: int
    meeting: str
    meeting_title: str
    meeting_date: date | None
    item: int
    item_text: str
    score: int
    comment: str

    def values(self) -> list:
        return [getattr(self, column) for column in COLUMNS]


@dataclass(frozen=True)
class ScoreExport:
    round: Round
    rows: list[ScoreRow]
    scores: RoundScores  # of the organisations that count (not withdrawn), for the means


def score_export(*, round: Round, participations=None) -> ScoreExport:
    """The rows of the round's (or the given organisations') submitted self-assessments.
    Organisations that withdrew are in the rows, marked, but not in the means."""
    chosen = Participation.objects.filter(round=round, role=Participation.Role.PARTICIPANT)
    if participations is not None:
        chosen = chosen.filter(pk__in=participations.values("pk"))
    chosen = list(chosen.select_related("organisation"))
    ids = Participation.objects.filter(pk__in=[p.pk for p in chosen])
    everyone = round_scores(round=round, participations=ids, include_withdrawn=True)
    counted = round_scores(round=round, participations=ids)
    meetings = list(
        Meeting.objects.filter(round=round, assessment_due=True).only(
            "id", "key", "title", "starts_at", "group_id", "assessment_due"
        )
    )
    by_id = {m.pk: m for m in meetings}
    point_meeting = {
        pid: {point: by_id[mid] for mid, point in mapping.items()}
        for pid, mapping in assessment_points(chosen, meetings).items()
    }
    withdrawn = {p.pk: p.withdrawn_on for p in chosen}
    texts = {item.number: item.text for item in everyone.items}
    rows = []
    for org in everyone.organisations:
        for point in sorted(org.points):
            meeting = point_meeting[org.participation_id].get(point)
            comments = org.comments.get(point, {})
            for number, score in org.points[point].items():
                rows.append(
                    ScoreRow(
                        organisation=org.code,
                        organisation_name=org.name,
                        withdrawn_on=withdrawn.get(org.participation_id),
                        assessment=point,
                        meeting=meeting.key if meeting else "",
                        meeting_title=meeting.title if meeting else "",
                        meeting_date=timezone.localdate(meeting.starts_at) if meeting else None,
                        item=number,
                        item_text=texts.get(number, ""),
                        score=score,
                        comment=comments.get(number, ""),
                    )
                )
    return ScoreExport(round=round, rows=rows, scores=counted)


FEE_COLUMNS = ("organisation", "organisation_name", "withdrawn_on", "fee", "fee_invoiced")


def fee_headings() -> list[str]:
    labels = {
        "organisation": COLUMN_LABELS["organisation"],
        "organisation_name": COLUMN_LABELS["organisation_name"],
        "withdrawn_on": COLUMN_LABELS["withdrawn_on"],
        "fee": _("Fee (SEK)"),
        "fee_invoiced": _("Invoiced"),
    }
    return [str(labels[column]) for column in FEE_COLUMNS]


@dataclass(frozen=True)
class FeeRow:
    organisation: str
    organisation_name: str
    withdrawn_on: date | None
    fee: int | None
    fee_invoiced: bool

    def values(self) -> list:
        return [getattr(self, column) for column in FEE_COLUMNS]


def fee_rows(*, round: Round) -> list[FeeRow]:
    """Each participating organisation's fee (withdrawn ones too, marked), by name."""
    participations = (
        Participation.objects.filter(round=round, role=Participation.Role.PARTICIPANT)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [
        FeeRow(
            organisation=p.organisation.code,
            organisation_name=p.organisation.name,
            withdrawn_on=p.withdrawn_on,
            fee=p.fee,
            fee_invoiced=p.fee_invoiced,
        )
        for p in participations
    ]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # Compatibility forms count as what they stand for: a full-width "＝" is an "=" to a
    # spreadsheet that normalises its input.
    if unicodedata.normalize("NFKC", text).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def scores_csv(export: ScoreExport) -> bytes:
    """The rows as CSV that Swedish Excel opens correctly (see the module's description)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(column_headings())
    for row in export.rows:
        writer.writerow([_csv_cell(v) for v in row.values()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def fees_csv(rows: list[FeeRow]) -> bytes:
    """The fees as CSV for Swedish Excel, like the scores."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(fee_headings())
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row.values()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(text: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join("-" if c in "[]:*?/\\" else c for c in text).strip("'")[:31] or "Sheet"
    title, n = clean, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def scores_xlsx(export: ScoreExport, *, fees: list[FeeRow] | None = None) -> bytes:
    """A workbook with a sheet per assessment (the n-th assessment meeting of each
    organisation's schedule) and one sheet of item means per assessment; with `fees`, a sheet
    of the organisations' fees (the round's export for project leaders)."""
    # Imported here: openpyxl is slow to import, and only the exports need it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)

    def cell(sheet, value, *, header=False, number_format=None):
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"  # text, even when it starts with "=": never a formula
        if header:
            item.font = bold
        if number_format:
            item.number_format = number_format
        return item

    points = sorted({row.assessment for row in export.rows})
    for point in points:
        sheet = workbook.create_sheet(
            _sheet_title(_("Assessment %(point)s") % {"point": point}, taken)
        )
        sheet.append([cell(sheet, c, header=True) for c in column_headings()])
        for row in export.rows:
            if row.assessment != point:
                continue
            sheet.append(
                [
                    cell(
                        sheet,
                        value,
                        number_format="yyyy-mm-dd" if isinstance(value, date) else None,
                    )
                    for value in row.values()
                ]
            )
    means = workbook.create_sheet(_sheet_title(_("Item means"), taken))
    scores = export.scores
    header = [_("Item"), _("Text")]
    for point in scores.points:
        header += [
            _("Mean at assessment %(point)s") % {"point": point},
            _("Organisations at assessment %(point)s") % {"point": point},
        ]
    means.append([cell(means, h, header=True) for h in header])
    summaries = {point: scores.summary(point) for point in scores.points}
    by_point = {point: {m.number: m for m in s.items} for point, s in summaries.items()}
    for item in scores.items:
        line = [cell(means, item.number), cell(means, item.text)]
        for point in scores.points:
            mean = by_point[point][item.number]
            line.append(
                cell(
                    means,
                    None if mean.rounded is None else float(mean.rounded),
                    number_format="0.0",
                )
            )
            line.append(cell(means, mean.n))
        means.append(line)
    if not scores.points:
        means.append([cell(means, _("No self-assessment has been submitted yet."))])
    if fees is not None:
        sheet = workbook.create_sheet(_sheet_title(_("Fees"), taken))
        sheet.append([cell(sheet, c, header=True) for c in fee_headings()])
        for row in fees:
            sheet.append(
                [
                    cell(
                        sheet,
                        (_("yes") if value else _("no")) if isinstance(value, bool) else value,
                        number_format="yyyy-mm-dd" if isinstance(value, date) else None,
                    )
                    for value in row.values()
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(round: Round, suffix: str, organisation=None, what: str = "scores") -> str:
    subject = f"{round.slug}-{organisation.code}" if organisation else round.slug
    return f"{subject}-{what}-{timezone.localdate():%Y-%m-%d}.{suffix}"

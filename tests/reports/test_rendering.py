"""The three PDF reports on the demo data: their text (as a PDF reader extracts it) holds the
figures `checklist.statistics` computes, the cover date, page numbers and the names; what users
typed is escaped; WeasyPrint reads nothing but the project's own static files."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext

from checklist.charts import horizontal_bar_chart
from checklist.statistics import comparison, round_scores
from participants import services as participant_services
from participants.models import ImprovementWork, Participation
from participants.selectors import chain_spread
from reports import rendering, selectors, services
from reports.models import ReportJob
from rounds import services as round_services
from rounds.demo import ACTIVE_SLUG, EARLIER_SLUG
from rounds.models import BenchmarkingGroup, Meeting, Round
from tests.conftest import seed_demo
from tests.reports.factories import job, pdf_fonts, pdf_pages, pdf_text, record, squeeze

HOSTILE = '<img src="file:///etc/passwd"><script>alert("x")</script> & “citat”'


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker, demo_day_module):
    """The demo, built once for the module inside a transaction rolled back at its end."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo, db):
    return SimpleDemo()


class SimpleDemo:
    @property
    def earlier(self) -> Round:
        return Round.objects.get(slug=EARLIER_SLUG)

    @property
    def active(self) -> Round:
        return Round.objects.get(slug=ACTIVE_SLUG)

    def participation(self, round_: Round, code: str) -> Participation:
        return Participation.objects.select_related("organisation").get(
            round=round_, organisation__code=code
        )


def _render(report: ReportJob) -> tuple[str, int, bytes]:
    pdf = services.report_pdf(report)
    return pdf_text(pdf), len(pdf_pages(pdf)), pdf


def _assert_cover_and_page_numbers(text: str, pages: int, language: str = "sv"):
    with translation.override(language):
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert today in text
    assert "1 / " + str(pages) in text
    assert f"{pages} / {pages}" in text


def test_round_report_gives_the_means_highest_first_the_range_and_movement(demo):
    round_ = demo.earlier
    text, pages, _pdf = _render(job(kind=ReportJob.Kind.ROUND, round=round_))
    scores = round_scores(round=round_)
    summary = scores.summary()

    with translation.override("sv"):
        first = {m.number: m.display for m in scores.summary(scores.points[0]).items}
        positions = []
        for mean in summary.items:
            row = f"{mean.number}. {mean.text} {first[mean.number]} {mean.display}"
            assert row in text, row
            positions.append(text.index(row))
        range_sentence = gettext(
            "The highest possible total is %(max_total)s. After the last assessment (assessment "
            "%(point)s) the totals of the %(n)s organisations lie between %(low)s and %(high)s "
            "points."
        ) % {"max_total": 30, "point": 3, "n": 12, "low": 16, "high": 23}
        moved = gettext(
            "Of the %(n)s organisations with at least two self-assessments, %(up)s moved up "
            "from their first to their latest total, %(same)s stayed at the same total and "
            "%(down)s moved down."
        ) % {"n": 12, **summary.moved}
        scale_note = ngettext(
            "The mean of %(n)s organisation, on a scale of %(scale)s.",
            "The mean of %(n)s organisations, on a scale of %(scale)s.",
            12,
        ) % {
            "n": 12,
            "scale": "1 = “Inte påbörjat/finns inte”, 2 = “Finns men behöver utvecklas”, "
            "3 = “Det finns/det gör vi”",
        }
    assert scale_note.startswith("Medelvärdet för 12 organisationer, på skalan 1 = ")
    assert squeeze(scale_note) in squeeze(text)
    assert positions == sorted(positions)  # highest mean first, as in the 2018–2020 report
    # The item means of Table 2 of the 2018–2020 report, in Swedish decimals.
    with translation.override("sv"):
        assert [m.display for m in sorted(summary.items, key=lambda m: m.number)] == [
            "2,7",
            "2,1",
            "1,8",
            "2,0",
            "2,0",
            "1,9",
            "1,7",
            "1,4",
            "1,4",
            "1,3",
        ]
    assert "2,7" in text
    assert (summary.total_min, summary.total_max, summary.n) == (16, 23, 12)
    assert range_sentence in text
    assert summary.moved == {"up": 11, "same": 1, "down": 0}  # all but Fagersta moved
    assert moved in text
    trelleborg = summary.movement["1287"]
    assert f"Trelleborg {trelleborg.first} {trelleborg.latest} +{trelleborg.delta}" in text
    _assert_cover_and_page_numbers(text, pages)


def test_round_report_names_withdrawn_organisations_and_leaves_them_out(demo):
    text, _pages, _pdf = _render(job(kind=ReportJob.Kind.ROUND, round=demo.earlier))

    with translation.override("sv"):
        note = gettext("%(name)s withdrew on %(date)s.") % {
            "name": "Botkyrka",
            "date": "2019-05-13",
        }
        movement_heading = squeeze(
            gettext("Total per organisation at its first and latest self-assessment")
        )
        next_heading = gettext("Attendance and functions")
    assert "(Botkyrka)" in text  # Table 1, in parentheses as in the 2018–2020 report
    assert note in text
    movement = text[text.index(movement_heading) : text.index(next_heading)]
    assert "Kalmar" in movement
    assert "Botkyrka" not in movement
    assert text.count("Botkyrka") == 2


def test_round_report_groups_mentors_attendance_and_result_chain(demo):
    round_ = demo.active
    text, _pages, _pdf = _render(job(kind=ReportJob.Kind.ROUND, round=round_))

    with translation.override("sv"):
        support = gettext("with support from")
        chain_labels = [str(step.label).capitalize() for step in ImprovementWork.ChainStep]
    assert f"Olofström {support} Östra Göinge" in text  # “Olofström med stöd av Östra Göinge”
    for label in chain_labels:
        assert label in text
    # Three improvement works at product or outcome level and one new way of working.
    spread = chain_spread(ImprovementWork.objects.filter(participation__round=round_))
    counts = {value: count for value, _label, count in spread.counts}
    assert counts == {
        "activity": 0,
        "product": 2,
        "way_of_working": 1,
        "outcome": 1,
        "societal_effect": 0,
    }
    # Attendance: at the start-up conference one person (Peter Sandberg, a manager) was away.
    startup = Meeting.objects.get(round=round_, key="startup-conference")
    rows = {row.label: row for row in selectors.round_report(round=round_)["attendance"]}
    assert (rows[startup.title].expected, rows[startup.title].complete) == (7, 6)
    assert rows[startup.title].present == {"politiker": 7, "chef": 6, "strateg": 7}
    assert f"{startup.title} {timezone.localtime(startup.starts_at):%Y-%m-%d} 7 7 6 7 6" in text


def test_organisation_report_gives_totals_movement_comments_and_work(demo):
    participation = demo.participation(demo.active, "0484")  # Eskilstuna
    text, pages, pdf = _render(
        job(kind=ReportJob.Kind.ORGANISATION, round=demo.active, participation=participation)
    )
    scores = round_scores(
        round=demo.active, participations=Participation.objects.filter(pk=participation.pk)
    )
    org = scores.organisations[0]
    totals = [org.total(p) for p in sorted(org.points)]
    movement = org.movement()

    with translation.override("sv"):
        total_row = f"{gettext('Total')} {' '.join(map(str, totals))} {movement.delta:+d}"
        sentence = gettext(
            "Movement from the first to the latest assessment: the total went from %(first)s to "
            "%(latest)s (%(delta)s)."
        ) % {"first": movement.first, "latest": movement.latest, "delta": f"{movement.delta:+d}"}
    assert totals == [19, 20]
    assert total_row in text
    assert sentence in text
    for name in ("Eskilstuna", "Ingrid Wallin", "Fatima Hassan", "Nils Engström", "Karlstad"):
        assert name in text
    assert "flera verksamhetssystem kan ännu inte ta fram könsuppdelad statistik" in text
    assert "Jämställdhetsanalys i budgetprocessen" in text
    _assert_cover_and_page_numbers(text, pages)
    # Only the fonts the project ships, whatever the machine has installed.
    assert pdf_fonts(pdf) <= {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVuSans", "DejaVuSans-Bold"}


def test_group_report_gives_members_side_by_side_the_group_mean_and_mentors(demo):
    group = BenchmarkingGroup.objects.get(round=demo.active, name="Grupp Syd")
    text, pages, _pdf = _render(job(kind=ReportJob.Kind.GROUP, round=demo.active, group=group))
    scores = round_scores(round=demo.active)
    codes = set(group.members.values_list("organisation__code", flat=True))
    latest = max(p for o in scores.organisations if o.code in codes for p in o.points)
    compared = comparison(scores, codes=codes, point=latest)

    with translation.override("sv"):
        mean_total = compared.mean_total_display
        total_row = f"{gettext('Total')} {' '.join(str(t) for t in compared.totals)} {mean_total}"
        rows = [
            f"{row.number}. {row.text} {' '.join(str(s) for s in row.scores)} {row.mean.display}"
            for row in compared.rows
        ]
    at_first = comparison(scores, codes=codes, point=1)
    with translation.override("sv"):
        over_time = [
            f"{row.number}. {row.text} {first.mean.display} {row.mean.display}"
            for first, row in zip(at_first.rows, compared.rows, strict=True)
        ]
        mean_totals = (
            f"{gettext('Mean total')} {at_first.mean_total_display} {compared.mean_total_display}"
        )
    assert latest == 2
    assert total_row in text
    for row in over_time:  # the group mean of each item over time
        assert row in text, row
    assert mean_totals in text
    for row in rows:
        assert row in text, row
    assert re.search(r"\d+,\d", mean_total)
    for name in ("Ronneby", "Olofström", "Östra Göinge"):
        assert name in text
    _assert_cover_and_page_numbers(text, pages)


def test_group_report_at_a_chosen_meeting_compares_there(demo):
    group = BenchmarkingGroup.objects.get(round=demo.active, name="Grupp Syd")
    first_meeting = Meeting.objects.get(round=demo.active, key="learning-meeting-1-grupp-syd")
    text, _pages, _pdf = _render(
        job(kind=ReportJob.Kind.GROUP, round=demo.active, group=group, meeting=first_meeting)
    )
    scores = round_scores(round=demo.active)
    codes = set(group.members.values_list("organisation__code", flat=True))
    compared = comparison(scores, codes=codes, point=1)

    with translation.override("sv"):
        caption = gettext(
            "Scores at assessment %(point)s (%(title)s), side by side, with the group mean"
        ) % {"point": 1, "title": first_meeting.title}
        total_row = (
            f"{gettext('Total')} {' '.join(str(t) for t in compared.totals)} "
            f"{compared.mean_total_display}"
        )
    assert caption in text
    assert total_row in text


def test_a_report_in_english_writes_decimals_with_a_point(demo):
    text, pages, _pdf = _render(job(kind=ReportJob.Kind.ROUND, round=demo.earlier, language="en"))
    summary = round_scores(round=demo.earlier).summary()

    with translation.override("en"):
        shown = [m.display for m in summary.items]
    assert "2.7" in shown
    assert all(value in text for value in shown)
    assert "Round report" in text
    _assert_cover_and_page_numbers(text, pages, language="en")


@pytest.mark.django_db
def test_a_round_without_submitted_assessments_says_so(leader):
    round_ = round_services.round_create(
        name="Tom omgång", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    text, pages, _pdf = _render(job(kind=ReportJob.Kind.ROUND, round=round_))

    with translation.override("sv"):
        notice = gettext(
            "No self-assessment has been submitted in this round yet, so there are no means, "
            "totals or movement to report."
        )
    assert notice in text
    _assert_cover_and_page_numbers(text, pages)


def test_text_users_typed_is_escaped_and_fetches_nothing(demo):
    participation = demo.participation(demo.active, "0484")
    participant_services.improvement_work_create(
        participation=participation, title=HOSTILE, description=HOSTILE
    )
    meeting = Meeting.objects.get(round=demo.active, key="learning-meeting-1-grupp-mitt")
    record(participation, meeting, "3322222111", comments={1: HOSTILE})
    report = job(kind=ReportJob.Kind.ORGANISATION, round=demo.active, participation=participation)

    with translation.override("sv"):
        template_name, context = selectors.report_context(report)
        html = rendering.render_html(template_name, context, language="sv")
    policy = rendering.FetchPolicy(rendering.static_roots())
    text = pdf_text(rendering.html_to_pdf(html, policy=policy))

    assert "<img" not in html.split("</head>", 1)[1]  # the report itself has no images
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "&lt;script&gt;" in html
    assert "<script" not in html
    assert squeeze('<img src="file:///etc/passwd"><script>alert("x")</script>') in text
    assert policy.refused == []  # nothing outside the static files was even asked for
    assert "root:" not in text


def test_the_url_fetcher_refuses_everything_but_the_static_files(tmp_path):
    policy = rendering.FetchPolicy(rendering.static_roots())
    fetcher = rendering.url_fetcher(policy)
    font = rendering.static_path("fonts/DejaVuSans.ttf")
    css = rendering.static_path("reports/print.css")
    outside = Path(settings.BASE_DIR) / "manage.py"
    link = Path(settings.BASE_DIR) / "static" / "fonts" / "DejaVuSans.ttf"
    sneaky = link.as_uri().replace("/fonts/DejaVuSans.ttf", "/fonts/../../manage.py")
    refused = [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        outside.as_uri(),
        sneaky,
        "file://otherhost/etc/passwd",
    ]

    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert b"@page" in fetcher.fetch(css.as_uri()).read()
    assert fetcher.fetch("data:text/plain;base64,aGVq").read() == b"hej"
    for url in refused:
        with pytest.raises(rendering.RefusedURL):
            fetcher.fetch(url)
    assert policy.refused == refused


def test_a_document_asking_for_a_server_file_gets_nothing(tmp_path):
    policy = rendering.FetchPolicy(rendering.static_roots())
    html = (
        '<html><body><p>Hej</p><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://example.com/x.css">'
        '<object data="file:///etc/hostname"></object></body></html>'
    )

    text = pdf_text(rendering.html_to_pdf(html, policy=policy))

    assert "Hej" in text
    assert "file:///etc/passwd" in policy.refused
    assert "http://example.com/x.css" in policy.refused
    assert "root:" not in text


def test_the_bar_chart_of_item_means_is_plain_escaped_svg_with_its_values():
    svg = str(
        horizontal_bar_chart(
            title="Medelvärde <per> punkt",
            description="Högst först & sedan lägre.",
            labels=["1", "<b>2</b>", "3"],
            values=[2.7, 1.5, None],
            value_labels=["2,7", "1,5", "–"],
            scale_max=3,
        )
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it
    ns = "{http://www.w3.org/2000/svg}"
    bars = [float(r.get("width")) for r in root.iter(f"{ns}rect")]
    texts = [t.text for t in root.iter(f"{ns}text")]

    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Medelvärde <per> punkt"
    assert "<b>" not in svg  # escaped, so a label is text, never markup
    assert "<b>2</b>" in texts
    assert len(bars) == 2  # no bar for a missing value
    assert bars[0] / bars[1] == pytest.approx(2.7 / 1.5)
    assert [t for t in texts if t in ("2,7", "1,5", "–")] == ["2,7", "1,5", "–"]
    assert texts[:4] == ["0", "1", "2", "3"]  # the scale's grid


def test_round_report_has_a_page_of_meeting_evaluations_in_figures_only(demo):
    from rounds import evaluations
    from rounds.selectors import expected_attendees

    round_ = demo.active
    meeting = (
        Meeting.objects.filter(
            round=round_, kind=Meeting.Kind.STARTUP_CONFERENCE, ends_at__lte=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None, "the demo's active round has held its start-up conference"
    asked = evaluations.statements(meeting.kind)
    invited = [person for _p, person in expected_attendees(meeting)]
    for person, score in zip(invited[:2], (5, 2), strict=True):
        evaluations.evaluation_submit(
            meeting=meeting,
            person=person,
            scores={s.pk: score for s in asked},
            comment="En kommentar som stannar hos projektledarna.",
        )

    text, _pages, _pdf = _render(job(kind=ReportJob.Kind.ROUND, round=round_))

    with translation.override("sv"):
        heading = gettext("Evaluations of the meetings")
    assert heading in text
    rate = round(100 * 2 / len(invited))
    assert squeeze(f"{meeting.title}") in squeeze(text)
    assert f"2 av {len(invited)} ({rate} %)" in text
    assert squeeze(f"{asked[0].text} 2 3,5") in squeeze(text)
    assert "En kommentar som stannar" not in text

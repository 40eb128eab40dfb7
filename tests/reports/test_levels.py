"""The reports keep the two levels apart (issue 16): the organisation-wide figures with the
organisation-wide checklist, and a section of their own for committee/department level with
that level's checklist, its parts as headings."""

import pytest
from django.utils import translation

from checklist.models import ChecklistVersion
from reports import rendering, selectors
from reports.models import ReportJob
from tests.checklist.levels import submit, two_level_round
from tests.reports.factories import job

pytestmark = pytest.mark.django_db

COMMITTEE = ChecklistVersion.Level.COMMITTEE


@pytest.fixture
def assessed():
    w = two_level_round()
    submit(w.p1, w.year_one, dict.fromkeys(range(1, 11), 1))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 2))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)
    submit(w.p2, w.year_two, dict.fromkeys(range(1, 11), 3), level=COMMITTEE)
    return w


def _html(report: ReportJob) -> str:
    with translation.override("en"):
        template, context = selectors.report_context(report)
    return rendering.render_html(template, context, language="en")


def test_the_organisation_report_keeps_the_committee_level_apart(assessed):
    w = assessed
    with translation.override("en"):
        context = selectors.organisation_report(participation=w.p1)

    # Organisation-wide: year one's and year two's assessments, 10 then 20.
    assert context["history"].totals == [10, 20]
    assert {item.version_id for item, _s, _d in context["rows"]} == {w.organisation_version.pk}
    committee = context["committee"]
    assert committee["version"] == w.committee_version
    assert committee["history"].totals == [40]
    assert {item.version_id for item, _s in committee["rows"]} == {w.committee_version.pk}


def test_the_organisation_report_shows_the_committee_checklists_parts(assessed):
    html = _html(
        job(kind=ReportJob.Kind.ORGANISATION, round=assessed.round, participation=assessed.p1)
    )

    section = html[html.index("Self-assessments at committee/department level") :]
    assert "Test moment 1 (committee)" in section
    assert section.index(">Governance and management</th>") < section.index("1. Test moment 1")
    assert section.index("4. Test moment 4") < section.index(">Statistics and analyses</th>")
    # The organisation-wide table has no committee items, and the other way round.
    before = html[: html.index("Self-assessments at committee/department level")]
    assert "(committee)" not in before
    assert "(organisation-wide)" not in section


def test_the_round_report_gives_each_level_its_figures(assessed):
    w = assessed
    with translation.override("en"):
        context = selectors.round_report(round=w.round)

    assert context["summary"].totals == {"9801": 20}
    committee = context["committee"]
    assert committee["summary"].totals == {"9801": 40, "9802": 30}
    assert [mean.number for mean, _first in committee["rows"]] == list(range(1, 11))
    assert committee["rows"][0][0].display == "3,5"

    html = _html(job(kind=ReportJob.Kind.ROUND, round=w.round))
    section = html[html.index("Self-assessments at committee/department level") :]
    assert section.count('<tr class="part">') == 3
    assert "Test checklist, committee and department (1–4)" in html


def test_a_round_without_a_committee_checklist_has_no_committee_section(world):
    with translation.override("en"):
        context = selectors.round_report(round=world.round_a)

    assert context["committee"] is None
    html = _html(job(kind=ReportJob.Kind.ROUND, round=world.round_a))
    assert "committee/department level" not in html

"""The reports show a checklist's parts: as heading rows above their items where the items run
in order (the organisation's and the group's reports), and beside each item where they are
ranked by their mean (the round report)."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from checklist import document as checklist_document
from participants import services as participant_services
from reports import rendering, selectors
from reports.models import ReportJob
from rounds import services as round_services
from rounds.models import Meeting
from tests.checklist.test_document import four_step_document
from tests.participants.factories import OrganisationFactory
from tests.reports.factories import job, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def parted():
    version = checklist_document.import_document(four_step_document())
    round_ = round_services.round_create(
        name="Omgång P",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        checklist_version=version,
    )
    add = participant_services.participation_add
    pby, qby = (
        add(round=round_, organisation=OrganisationFactory(code=code, name=name))
        for code, name in [("9301", "Pby"), ("9302", "Qby")]
    )
    group = round_services.group_create(round=round_, name="GP", members=[pby, qby])
    start = timezone.now() - dt.timedelta(days=60)
    meeting = round_services.meeting_create(
        round=round_,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=1,
        title="LT1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    pby.refresh_from_db()
    qby.refresh_from_db()
    record(pby, meeting, "1234")
    record(qby, meeting, "4321")
    return round_, group, pby


def _html(report: ReportJob) -> str:
    with translation.override("en"):  # the context is read in the job's language
        template, context = selectors.report_context(report)
    return rendering.render_html(template, context, language="en")


def test_the_organisation_report_has_a_heading_row_per_part(parted):
    round_, _group, pby = parted
    html = _html(job(kind=ReportJob.Kind.ORGANISATION, round=round_, participation=pby))

    assert html.count('<tr class="part">') == 2
    assert html.index(">Part A</th>") < html.index("1. Item one") < html.index(">Del B</th>")
    assert html.index(">Del B</th>") < html.index("3. Moment tre")


def test_the_group_report_has_a_heading_row_per_part(parted):
    round_, group, _pby = parted
    html = _html(job(kind=ReportJob.Kind.GROUP, round=round_, group=group))

    assert html.count('<tr class="part">') >= 2
    assert html.index(">Part A</th>") < html.index("2. Item two") < html.index(">Del B</th>")


def test_the_round_report_names_each_ranked_items_part(parted):
    round_, _group, _pby = parted
    html = _html(job(kind=ReportJob.Kind.ROUND, round=round_))

    assert '<span class="part-name">(Part A)</span>' in html
    assert '<span class="part-name">(Del B)</span>' in html

"""A round that works at both levels, for the tests of the two levels: the test pair of 1–4
checklists (tests/checklist/files/, texts invented for the tests), one group of two
organisations, a learning meeting in year one and one in year two."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

from django.utils import timezone

from checklist import document as checklist_document
from checklist import services as checklist_services
from checklist.models import ChecklistVersion
from participants import services as participant_services
from rounds import services as round_services
from rounds.models import Meeting, Round
from tests.accounts.factories import UserFactory
from tests.participants.factories import OrganisationFactory

FILES = Path(__file__).parent / "files"
ORGANISATION_FILE = FILES / "prov-2024-organisation.json"
COMMITTEE_FILE = FILES / "prov-2024-namnd.json"


def load_pair() -> tuple[ChecklistVersion, ChecklistVersion]:
    """The test pair of checklists, loaded as a project leader loads SKR's files."""
    versions = []
    for path in (ORGANISATION_FILE, COMMITTEE_FILE):
        slug = json.loads(path.read_text())["slug"]
        existing = ChecklistVersion.objects.filter(slug=slug).first()
        versions.append(
            existing or checklist_document.import_document(json.loads(path.read_text()))
        )
    return versions[0], versions[1]


def two_level_round(*, organisation_version=None, slug="tva-nivaer") -> SimpleNamespace:
    """A round with the pair (or `organisation_version` for the organisation-wide level), in
    year one with learning meeting 1, then moved to year two with learning meeting 4."""
    w = SimpleNamespace()
    w.organisation_version, w.committee_version = load_pair()
    if organisation_version is not None:
        w.organisation_version = organisation_version
    w.round = round_services.round_create(
        name="Två nivåer",
        slug=slug,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        checklist_version=w.organisation_version,
    )
    w.round = checklist_services.round_choose_checklist(
        round=w.round, version=w.committee_version, level=ChecklistVersion.Level.COMMITTEE
    )
    add = participant_services.participation_add
    w.p1 = add(round=w.round, organisation=OrganisationFactory(code="9801", name="Nivåby"))
    w.p2 = add(round=w.round, organisation=OrganisationFactory(code="9802", name="Nämndby"))
    w.group = round_services.group_create(round=w.round, name="Nivågruppen", members=[w.p1, w.p2])
    w.p1.refresh_from_db()
    w.p2.refresh_from_db()
    w.strategist = UserFactory(email="strateg@nivaby.se", full_name="Nina Nivå")
    participant_services.function_assign(
        participation=w.p1, person=w.strategist, function="strateg"
    )
    start = timezone.now() + dt.timedelta(days=10)
    w.year_one = round_services.meeting_create(
        round=w.round,
        group=w.group,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=1,
        title="Lärandeträff 1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    w.round = round_services.round_update(round=w.round, current_year=Round.Year.TWO)
    later = start + dt.timedelta(days=300)
    w.year_two = round_services.meeting_create(
        round=w.round,
        group=w.group,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=4,
        title="Lärandeträff 4",
        starts_at=later,
        ends_at=later + dt.timedelta(hours=6),
        assessment_due=True,
    )
    return w


def submit(participation, meeting, scores, *, level=ChecklistVersion.Level.ORGANISATION, by=None):
    """Record a submitted assessment at a level (as records of the past are made)."""
    assessment, _created = checklist_services.assessment_record(
        participation=participation,
        meeting=meeting,
        scores=scores,
        submitted_at=meeting.starts_at - dt.timedelta(days=3),
        level=level,
        by=by,
    )
    return assessment

"""The round's audit trail: who changed what and when, for project leaders only."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from checklist import services as checklist_services
from participants import services as participant_services
from rounds.selectors import round_audit
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

AUDIT = reverse("rounds:round_audit", args=["omgang-a"])


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _rows(html: str) -> list[list[str]]:
    """The audit table's rows as lists of cell texts."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append([" ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells])
    return rows


@pytest.fixture
def changed(en, world):
    """Changes made in the browser by the project leader (the request says who), and a
    self-assessment submitted by Aby's strategist."""
    en.force_login(world.leader)
    start = timezone.now()
    en.post(
        reverse("participants:participation_withdraw", args=["omgang-a", "9104"]),
        {"withdrawn_on": "2026-10-01", "reason": "Omorganisation"},
    )
    newcomers = [
        OrganisationFactory(code=code, name=name)
        for code, name in [("9105", "Gäby"), ("9106", "Häby")]
    ]
    members = [
        participant_services.participation_add(round=world.round_a, organisation=o)
        for o in newcomers
    ]
    en.post(
        reverse("rounds:group_create", args=["omgang-a"]),
        {"name": "GA3", "theme": "Folkhälsa", "members": [m.pk for m in members]},
    )
    group = world.round_a.groups.get(name="GA3")
    en.post(
        reverse("rounds:mentor_add", args=["omgang-a", group.pk]),
        {"organisation": world.m2.organisation_id, "is_primary": "1"},
    )
    en.post(
        reverse("participants:person_invite", args=["omgang-a", "9105"]),
        {"full_name": "Greta Gäby", "email": "greta@gaby.se", "functions": ["politiker"]},
    )
    checklist_services.assessment_save(
        assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 3), by=world.strategist_a1
    )
    checklist_services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)
    world.audit_start = start
    world.ga3 = group
    return world


def test_audit_lists_each_change_with_who_and_when(en, changed):
    w = changed

    response = en.get(AUDIT)

    assert response.status_code == 200
    rows = _rows(response.content.decode())
    by_subject = {}
    for when, who, change, subject, details in rows:
        by_subject.setdefault(subject, []).append((who, change, details, when))

    def latest(subject):
        return by_subject[subject][0][:3]

    leader = "Pia Projektledare"
    assert latest("Dby") == (
        leader,
        "changed organisation's part",
        "participant, withdrew 2026-10-01",
    )
    assert latest("GA3") == (leader, "added group", "Folkhälsa")
    assert latest("Stödstad → GA3") == (leader, "added mentor", "primary")
    assert latest("Greta Gäby (Gäby)") == (leader, "added function", "politician")
    assert latest("Aby, Lärandeträff 1 GA1") == (
        "Sara Strateg",
        "changed self-assessment",
        "submitted",
    )
    # Each entry says when, to the minute.
    group_added = next(e for e in round_audit(round=w.round_a) if e.subject == "GA3")
    with translation.override("en"):
        shown = formats.date_format(timezone.localtime(group_added.when), "SHORT_DATETIME_FORMAT")
    assert by_subject["GA3"][0][3] == shown
    assert group_added.when >= w.audit_start


def test_audit_entries_come_newest_first_and_record_the_user(changed):
    w = changed

    entries = round_audit(round=w.round_a)

    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    recent = [e for e in entries if e.when >= w.audit_start]
    kinds = {(e.what, e.subject): e.who for e in recent}
    assert kinds[("group", "GA3")] == w.leader
    assert kinds[("mentor", "Stödstad → GA3")] == w.leader
    assert kinds[("organisation's part", "Dby")] == w.leader
    assert kinds[("self-assessment", "Aby, Lärandeträff 1 GA1")] == w.strategist_a1
    # Another round's changes are not in this round's trail.
    assert not [e for e in entries if "Eby" in e.subject or "GB" in e.subject]


def test_a_removed_mentor_stays_in_the_trail(en, changed):
    w = changed
    mentorship = w.ga3.mentorships.get()

    en.post(reverse("rounds:mentor_remove", args=["omgang-a", w.ga3.pk, mentorship.pk]))

    rows = _rows(en.get(AUDIT).content.decode())
    mentor_rows = [
        (who, change) for _when, who, change, subject, _d in rows if subject == "Stödstad → GA3"
    ]
    assert mentor_rows == [
        ("Pia Projektledare", "removed mentor"),
        ("Pia Projektledare", "added mentor"),
    ]


@pytest.mark.parametrize(
    ("user", "status"),
    [("strategist_a1", 403), ("mentor_m1", 403), ("strategist_b1", 404), ("outsider", 404)],
)
def test_audit_is_for_project_leaders(client, world, user, status):
    client.force_login(getattr(world, user))

    response = client.get(AUDIT)

    assert response.status_code == status
    assert "Lärandeträff 1 GA1" not in response.content.decode()


def test_removing_a_group_keeps_its_mentors_in_the_trail(en, changed):
    w = changed

    en.post(reverse("rounds:group_delete", args=["omgang-a", w.ga3.pk]))

    rows = _rows(en.get(AUDIT).content.decode())
    assert ("Pia Projektledare", "removed group", "GA3") in [(r[1], r[2], r[3]) for r in rows]
    mentor_changes = [r[2] for r in rows if r[3] == "Stödstad → GA3"]
    assert mentor_changes == ["removed mentor", "added mentor"]

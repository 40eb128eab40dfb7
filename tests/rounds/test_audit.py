"""The round's audit trail: who changed what and when, for project leaders only."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client
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
    recent = [(who, what) for _when, who, _about, what in rows]
    leader = "Pia Projektledare"
    assert any(who == leader and what.startswith("Dby withdrew") for who, what in recent)
    assert (leader, "Group GA3 created with Gäby, Häby") in recent
    assert (leader, "Stödstad mentors group GA3") in recent
    assert (leader, "Greta Gäby invited as politician for Gäby") in recent
    assert ("Sara Strateg", "Submitted by Sara Strateg") in recent
    # Each entry says when, to the minute.
    group_added = round_audit(round=w.round_a).get(
        action_type="rounds.group.created", data__name="GA3"
    )
    with translation.override("en"):
        shown = formats.date_format(
            timezone.localtime(group_added.datetime), "SHORT_DATETIME_FORMAT"
        )
    assert [r[0] for r in rows if r[3] == "Group GA3 created with Gäby, Häby"] == [shown]
    assert group_added.datetime >= w.audit_start


def test_audit_reads_swedish_with_names_not_ids(changed):
    w = changed
    client = Client()
    client.force_login(w.leader)

    html = client.get(AUDIT).content.decode()

    rows = [what for _when, _who, _about, what in _rows(html)]
    # Each row says what it concerns, as it is named now.
    about = {what: subject for _when, _who, subject, what in _rows(html)}
    assert "Aby" in about["Inskickad av Sara Strateg"]
    assert "Lärandeträff 1 GA1" in about["Inskickad av Sara Strateg"]
    assert about["Grupp GA3 skapad med Gäby, Häby"] == "GA3"
    assert "Grupp GA3 skapad med Gäby, Häby" in rows
    assert "Inskickad av Sara Strateg" in rows
    assert "Dby drog sig ur 2026-10-01: Omorganisation" in rows
    assert "Greta Gäby inbjuden som politiker för Gäby" in rows
    # Two saves of Sara's in a row are one entry, in words people use.
    assert rows[1].startswith("Poäng moment 1: – → 3; Poäng moment 2: – → 3;")
    assert rows[1].endswith("Poäng moment 10: – → 3")
    assert "submitted_by" not in html
    assert "Changed" not in html
    assert "score:" not in html


def test_audit_entries_come_newest_first_and_record_the_user(changed):
    w = changed

    entries = list(round_audit(round=w.round_a))

    assert [e.datetime for e in entries] == sorted((e.datetime for e in entries), reverse=True)
    recent = {e.action_type: e.user for e in entries if e.datetime >= w.audit_start}
    assert recent["rounds.group.created"] == w.leader
    assert recent["rounds.mentor.assigned"] == w.leader
    assert recent["participants.participation.withdrawn"] == w.leader
    assert recent["checklist.assessment.submitted"] == w.strategist_a1
    # Another round's changes are not in this round's trail.
    assert not [e for e in entries if e.round_id != w.round_a.pk]
    assert not any("GB" in str(e.data) for e in entries)


def test_a_removed_mentor_stays_in_the_trail(en, changed):
    w = changed
    mentorship = w.ga3.mentorships.get()

    en.post(reverse("rounds:mentor_remove", args=["omgang-a", w.ga3.pk, mentorship.pk]))

    rows = _rows(en.get(AUDIT).content.decode())
    mentor_rows = [
        (who, what) for _when, who, _about, what in rows if "GA3" in what and "mentor" in what
    ]
    assert mentor_rows == [
        ("Pia Projektledare", "Stödstad no longer mentors group GA3"),
        ("Pia Projektledare", "Stödstad mentors group GA3"),
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


def test_removing_a_group_keeps_it_and_its_mentors_in_the_trail(en, changed):
    w = changed

    en.post(reverse("rounds:group_delete", args=["omgang-a", w.ga3.pk]))

    rows = [(who, what) for _when, who, _about, what in _rows(en.get(AUDIT).content.decode())]
    assert rows[0] == ("Pia Projektledare", "Group GA3 removed")
    assert ("Pia Projektledare", "Stödstad mentors group GA3") in rows


def test_the_audit_page_runs_a_fixed_number_of_queries(
    client, changed, django_assert_max_num_queries
):
    w = changed
    client.force_login(w.leader)
    client.get(AUDIT)

    with django_assert_max_num_queries(14):
        response = client.get(AUDIT)

    assert response.status_code == 200

"""Every page of a round has the same breadcrumbs: Rounds (for a project leader) › the round ›
the page (› within it)."""

import re

import pytest
from django.urls import reverse

from participants import services as participant_services

pytestmark = pytest.mark.django_db


def _crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Breadcrumbs">(.*?)</nav>', html, re.S)
    assert nav, "the page has breadcrumbs"
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(
            r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', nav.group(1), re.S
        )
    ]


def test_every_page_of_a_round_starts_with_rounds_and_the_round(client, world):
    work = participant_services.improvement_work_create(
        participation=world.a1, title="Jämställd hemtjänst"
    )
    client.force_login(world.leader)
    slug = "omgang-a"
    pages = {
        "rounds:group_detail": {"round_slug": slug, "pk": world.ga1.pk},
        "rounds:group_update": {"round_slug": slug, "pk": world.ga1.pk},
        "rounds:group_list": {"round_slug": slug},
        "rounds:group_proposal": {"round_slug": slug},
        "rounds:meeting_list": {"round_slug": slug},
        "rounds:meeting_detail": {"round_slug": slug, "pk": world.startup.pk},
        "rounds:meeting_update": {"round_slug": slug, "pk": world.startup.pk},
        "rounds:attendance": {"round_slug": slug, "pk": world.startup.pk},
        "rounds:mentor_proposal": {"round_slug": slug},
        "rounds:round_audit": {"round_slug": slug},
        "participants:application_list": {"round_slug": slug},
        "participants:participation_detail": {"round_slug": slug, "code": "9101"},
        "participants:organisation_update": {"round_slug": slug, "code": "9101"},
        "participants:improvement_work": {"pk": work.pk},
        "checklist:assessment": {"pk": world.submitted_a2.pk},
        "checklist:assessment_import": {"round_slug": slug},
        "reports:round_reports": {"round_slug": slug},
    }
    for name, kwargs in pages.items():
        response = client.get(reverse(name, kwargs=kwargs), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, name
        crumbs = _crumbs(response.text)
        assert crumbs[:2] == ["Rounds", "Omgång A"], (name, crumbs)
        assert len(crumbs) >= 3, (name, crumbs)

"""The round dashboard: a self-assessment is "missing" (red) only once its meeting is held,
before that it is still to do (neutral); the organisations can be filtered by group and status
and searched by name, in the page's address, at a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rounds import services
from rounds.selectors import DashboardFilters, round_dashboard
from tests.participants.test_views import main_of

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _statuses(dashboard) -> dict[str, list[str]]:
    return {
        row.organisation_name: [cell.status for cell in row.cells]
        for row in dashboard.page.object_list
    }


def _names(dashboard) -> list[str]:
    return [row.organisation_name for row in dashboard.page.object_list]


def test_an_assessment_not_yet_due_is_not_missing(client, world):
    dashboard = round_dashboard(round=world.round_a)

    # Dby has nothing for GA2's meeting, which is a month ahead: still to do, not missing.
    assert _statuses(dashboard)["Dby"] == ["due"]
    client.force_login(world.leader)
    html = main_of(client.get(reverse("rounds:round_detail", args=["omgang-a"]), **EN).text)
    assert "status-badge--danger" not in html.split("dashboard-heading")[1].split("</table>")[0]
    assert ">to do<" in html

    held = timezone.now() - dt.timedelta(days=2)
    services.meeting_update(
        meeting=world.meeting_ga2, starts_at=held, ends_at=held + dt.timedelta(hours=6)
    )

    assert _statuses(round_dashboard(round=world.round_a))["Dby"] == ["missing"]
    html = main_of(client.get(reverse("rounds:round_detail", args=["omgang-a"]), **EN).text)
    assert '<span class="status-badge status-badge--danger">missing</span>' in html


def test_the_dashboard_filters_by_group_status_and_name(client, world):
    held = timezone.now() - dt.timedelta(days=2)
    services.meeting_update(
        meeting=world.meeting_ga2, starts_at=held, ends_at=held + dt.timedelta(hours=6)
    )
    filtered = {
        "group": str(world.ga1.pk),
        "status": "missing",
        "q": "by",
    }

    def names(**query):
        return _names(round_dashboard(round=world.round_a, filters=DashboardFilters(**query)))

    assert names() == ["Aby", "Bby", "Cby", "Dby"]
    assert names(group=str(world.ga2.pk)) == ["Cby", "Dby"]
    assert names(status="missing") == ["Dby"]
    assert names(status="draft") == ["Aby"]
    assert names(status="submitted") == ["Bby", "Cby"]
    assert names(q="cB") == ["Cby"]
    assert names(**filtered) == []

    client.force_login(world.leader)
    url = reverse("rounds:round_detail", args=["omgang-a"])
    client.get(url)  # warm the process-wide caches
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as searched:
        response = client.get(url, {"group": world.ga2.pk, "status": "missing", "q": "D"}, **EN)
    assert [r.organisation_name for r in response.context["dashboard"].page] == ["Dby"]
    # The rows filtered are read and counted, where the whole list is kept: two queries more.
    assert len(searched) <= len(plain) + 2
    html = main_of(response.text)
    assert 'value="D"' in html
    assert '<option value="missing" selected>' in html
    # Nonsense in the address is ignored, not an error.
    odd = client.get(url, {"group": "x'; drop", "status": "whatever"})
    assert odd.status_code == 200
    assert _names(odd.context["dashboard"]) == ["Aby", "Bby", "Cby", "Dby"]

"""The pages of the two levels (issue 16): the way into each level's self-assessment, what is
due on the start page, and choosing the round's committee/department checklist."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from checklist import selectors
from checklist import services as checklist_services
from checklist.models import ChecklistVersion, SelfAssessment
from modellkoncept.models import LogEntry
from tests.accounts.factories import ProjectLeaderFactory
from tests.checklist.levels import submit, two_level_round

pytestmark = pytest.mark.django_db

COMMITTEE = ChecklistVersion.Level.COMMITTEE


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def w():
    return two_level_round()


def _start_url(w, meeting) -> str:
    return reverse(
        "checklist:assessment_start",
        kwargs={"round_slug": w.round.slug, "code": "9801", "meeting_pk": meeting.pk},
    )


def test_a_strategist_starts_the_committee_assessment_of_year_two(client, w):
    client.force_login(w.strategist)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = _start_url(w, w.year_two) + "?level=committee"

    page = client.get(url)
    assert page.status_code == 200
    assert "Level: committee/board and department" in page.content.decode()

    started = client.post(_start_url(w, w.year_two), {"level": "committee"})

    assessment = SelfAssessment.objects.get(participation=w.p1, meeting=w.year_two)
    assert assessment.level == COMMITTEE
    assert started["Location"] == reverse("checklist:assessment", kwargs={"pk": assessment.pk})
    html = client.get(started["Location"]).content.decode()
    assert "Level: committee/board and department; checklist: Test checklist, committee" in html
    # The committee checklist's parts as headings, above their moments.
    assert html.index("Governance and management</h2>") < html.index("1. Test moment 1 (committee)")
    assert html.index("4. Test moment 4") < html.index("Statistics and analyses</h2>")
    # Asked again, the way in leads to the same assessment; the organisation-wide one is apart.
    again = client.get(url)
    assert again["Location"] == started["Location"]
    assert client.get(_start_url(w, w.year_two)).status_code == 200  # not started yet


def test_no_committee_assessment_before_a_meeting_of_year_one(client, w):
    client.force_login(w.strategist)

    assert client.get(_start_url(w, w.year_one) + "?level=committee").status_code == 404
    assert client.post(_start_url(w, w.year_one), {"level": "committee"}).status_code == 404
    assert not SelfAssessment.objects.exists()


def test_the_start_page_lists_each_level_due(client, w):
    client.force_login(w.strategist)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(reverse("home"))

    due = [(m.pk, level) for _p, m, level, _a in page.context["page"].due_assessments]
    assert due == [
        (w.year_one.pk, "organisation"),
        (w.year_two.pk, "organisation"),
        (w.year_two.pk, "committee"),
    ]
    assert "Self-assessment at committee/department level of Nivåby before Lärandeträff 4" in (
        page.content.decode()
    )


def test_a_project_leader_chooses_and_removes_the_committee_checklist(client, w):
    leader = ProjectLeaderFactory()
    client.force_login(leader)
    url = reverse("checklist:round_checklist", kwargs={"round_slug": w.round.slug})

    response = client.post(url, {"level": "committee", "version": ""})

    assert response.status_code == 302
    w.round.refresh_from_db()
    assert w.round.committee_checklist_version is None
    entry = LogEntry.objects.filter(action_type="checklist.round.checklist_chosen").latest("pk")
    assert entry.data["level"] == "committee"

    client.post(url, {"level": "committee", "version": w.committee_version.pk})
    w.round.refresh_from_db()
    assert w.round.committee_checklist_version == w.committee_version


def test_an_organisation_wide_version_is_refused_as_the_committee_checklist(client, w):
    leader = ProjectLeaderFactory()
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("checklist:round_checklist", kwargs={"round_slug": w.round.slug})

    response = client.post(
        url, {"level": "committee", "version": w.organisation_version.pk}, follow=True
    )

    assert "Choose a checklist version made for the committee/board and department level." in (
        response.content.decode()
    )
    w.round.refresh_from_db()
    assert w.round.committee_checklist_version == w.committee_version


def test_the_organisations_page_shows_each_levels_history_apart(client, w):
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 2))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)
    client.force_login(w.strategist)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(
        reverse(
            "participants:participation_detail",
            kwargs={"round_slug": w.round.slug, "code": "9801"},
        )
    )

    assert [h.totals for h in page.context["histories"]] == [[20]]
    assert [h.totals for h in page.context["committee_histories"]] == [[40]]
    html = page.content.decode()
    committee = html[html.index("Self-assessments at committee/department level") :]
    assert "Test moment 1 (committee)" in committee
    assert "(committee)" not in html[: html.index("Self-assessments at committee/department level")]


def test_the_group_page_compares_each_level_apart(client, w):
    submit(w.p1, w.year_one, dict.fromkeys(range(1, 11), 1))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 2))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)
    submit(w.p2, w.year_two, dict.fromkeys(range(1, 11), 2), level=COMMITTEE)
    client.force_login(w.strategist)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("rounds:group_detail", kwargs={"round_slug": w.round.slug, "pk": w.group.pk})

    organisation = client.get(url)
    committee = client.get(url + "?level=committee")

    assert organisation.context["level"] == "organisation"
    assert organisation.context["points"] == [1, 2]
    assert organisation.context["comparison"].totals == [20, None]
    assert {row.text for row in organisation.context["comparison"].rows} >= {
        "Test moment 1 (organisation-wide)"
    }
    assert committee.context["level"] == "committee"
    assert committee.context["points"] == [1]
    assert committee.context["comparison"].totals == [40, 20]
    assert committee.context["comparison"].rows[0].mean.rounded == Decimal("3.0")
    html = committee.content.decode()
    assert "Test moment 1 (committee)" in html
    assert "(organisation-wide)" not in html
    # The committee checklist's parts head their moments in the comparison.
    assert html.index(">Governance and management</th>") < html.index("1. Test moment 1")
    assert 'aria-current="true">Committee/board and department' in html


def test_an_unknown_level_on_the_group_page_is_the_organisation_wide_one(client, w):
    client.force_login(w.strategist)
    url = reverse("rounds:group_detail", kwargs={"round_slug": w.round.slug, "pk": w.group.pk})

    assert client.get(url + "?level=department").context["level"] == "organisation"


def test_the_kept_form_parts_of_each_level_are_its_own_versions(w):
    """`assessment_form` keeps a version's items and scale in the process, by the version of
    the assessment's level: the two assessments of one organisation and meeting never share
    them, whichever is read first."""
    organisation = checklist_services.assessment_start(participation=w.p1, meeting=w.year_two)
    committee = checklist_services.assessment_start(
        participation=w.p1, meeting=w.year_two, level=COMMITTEE
    )
    selectors._FORM_PARTS.clear()
    for assessment, version in (
        (organisation, w.organisation_version),
        (committee, w.committee_version),
        (organisation, w.organisation_version),
    ):
        fetched = selectors.assessment_for_page(pk=assessment.pk).get()
        parts = selectors.assessment_form(assessment=fetched)
        assert {item.version_id for item in parts.items} == {version.pk}
        assert {step.version_id for step in parts.scale_steps} == {version.pk}
        assert [item.pk for item in parts.items] == list(
            version.items.order_by("number").values_list("pk", flat=True)
        )

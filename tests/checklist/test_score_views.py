"""The pages that compare scores, and checklist versions: the group's comparison, the
organisation's scores over time, creating and choosing checklist versions, and the number of
queries the assessment and organisation pages and an autosave run.

Pages are read as users see them, in Swedish; expected wording is translated with the
catalogue (`_sv`), so a test does not depend on whether a string has been translated yet.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from checklist import services
from checklist.models import ChecklistVersion
from participants import services as participant_services
from participants.models import FunctionAssignment, Participation
from rounds import services as round_services
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round
from tests.checklist.assessment_pages import (
    HTMX,
    _browser_form,
    _messages,
    _past_meeting,
    _post_data,
    _record,
    _stored,
    _sv,
    _table,
    _tables,
    _url,
)

pytestmark = pytest.mark.django_db


# The group's comparison


def _group_url(world, group=None):
    group = group or world.ga1
    return reverse("rounds:group_detail", kwargs={"round_slug": "omgang-a", "pk": group.pk})


def _comparison(response) -> list[list[str]]:
    tables = [t for t in _tables(response) if "comparison-table" in t["attrs"].get("class", "")]
    assert len(tables) == 1
    return tables[0]["rows"]


def test_group_page_never_shows_a_drafts_scores(world, as_user):
    # Aby's draft is full of threes; only Bby (all twos) has submitted.
    services.assessment_save(
        assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 3), by=world.strategist_a1
    )
    for user in (world.strategist_a1, world.strategist_a2, world.mentor_m1, world.leader):
        rows = _comparison(as_user(user).get(_group_url(world)))
        assert rows[0][1:] == ["Aby", "Bby", _sv("Group mean")]
        body = rows[1:-1]
        assert [row[1] for row in body] == ["–"] * 10, user
        assert [row[2:] for row in body] == [["2", "2,0"]] * 10
        assert rows[-1][1:] == ["–", "20", "20,0"]


def test_group_page_compares_submitted_scores_with_the_group_mean(world, as_user):
    values = (3, 3, 3, 3, 3, 2, 2, 2, 1, 1)
    services.assessment_save(
        assessment=world.draft_a1, scores=dict(enumerate(values, start=1)), by=world.strategist_a1
    )
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)
    for user in (world.strategist_a1, world.politician_a1, world.strategist_a2, world.mentor_m1):
        rows = _comparison(as_user(user).get(_group_url(world)))
        body = rows[1:-1]
        assert [row[1:] for row in body] == [
            ["3", "2", "2,5"], ["3", "2", "2,5"], ["3", "2", "2,5"], ["3", "2", "2,5"],
            ["3", "2", "2,5"], ["2", "2", "2,0"], ["2", "2", "2,0"], ["2", "2", "2,0"],
            ["1", "2", "1,5"], ["1", "2", "1,5"],
        ]  # fmt: skip
        assert rows[-1][1:] == ["23", "20", "21,5"]
    # The other group's members and mentor do not see this group.
    assert as_user(world.strategist_a3).get(_group_url(world)).status_code == 404
    assert as_user(world.mentor_m2).get(_group_url(world)).status_code == 404


def test_group_page_compares_the_members_at_each_meeting(world, as_user):
    start = timezone.now() + dt.timedelta(days=120)
    second = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    services.assessment_save(assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 1))
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)
    for participation in (world.a1, world.a2):
        assessment = services.assessment_start(participation=participation, meeting=second)
        services.assessment_save(assessment=assessment, scores=dict.fromkeys(range(1, 11), 3))
        services.assessment_submit(assessment=assessment, by=None)
    client = as_user(world.strategist_a1)

    def caption(point):
        return _sv("Scores at assessment %(point)s, side by side, with the group mean", point=point)

    latest = client.get(_group_url(world))  # the latest assessment, and a link to the others
    first = client.get(_group_url(world), {"point": 1})
    unknown = client.get(_group_url(world), {"point": "7"})

    assert caption(2) in [t["caption"] for t in _tables(latest)]
    assert caption(1) not in [t["caption"] for t in _tables(latest)]
    assert 'href="?point=1#comparison-heading"' in latest.content.decode()
    assert caption(1) in [t["caption"] for t in _tables(first)]
    assert _comparison(first)[-1][1:] == ["10", "20", "15,0"]  # Aby all ones, Bby all twos
    assert caption(2) in [t["caption"] for t in _tables(unknown)]


# The organisation's scores over time


def _organisation_url(code="9101", round_slug="omgang-a"):
    return reverse(
        "participants:participation_detail", kwargs={"round_slug": round_slug, "code": code}
    )


@pytest.fixture
def aby_history(world):
    """Aby: two submitted assessments in round A (22, then 25), an earlier completed round
    with the same checklist (16, then 19) and one with another checklist version."""
    first = _past_meeting(world, days_ago=120, title="Lärandeträff 1 (tidig)")
    _record(world.a1, first, (3, 2, 2, 2, 2, 2, 3, 2, 2, 2))  # 22
    services.assessment_save(
        assessment=world.draft_a1,
        scores=dict(enumerate((3, 3, 3, 2, 2, 2, 3, 2, 2, 3), start=1)),  # 25
    )
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)

    def earlier_round(name, slug, version=None, values=((1,) * 10, (2,) * 10)):
        round_ = round_services.round_create(
            name=name,
            slug=slug,
            starts_on=dt.date(2023, 1, 1),
            ends_on=dt.date(2024, 6, 30),
            checklist_version=version,
        )
        round_services.round_activate(round=round_)
        participation = participant_services.participation_add(
            round=round_, organisation=world.a1.organisation
        )
        for days, scores in zip((900, 700), values, strict=True):
            starts = timezone.now() - dt.timedelta(days=days)
            meeting = round_services.meeting_create(
                round=round_,
                kind=Meeting.Kind.LEARNING_MEETING,
                title=f"Lärandeträff {days}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=6),
                assessment_due=True,
            )
            _record(participation, meeting, scores)
        round_services.round_complete(round=round_)
        return round_

    same = earlier_round(
        "Modellkommuner 2023–2024",
        "modellkommuner-2023-2024",
        values=((2, 2, 2, 1, 1, 2, 2, 2, 1, 1), (2, 2, 2, 2, 2, 2, 2, 2, 2, 1)),  # 16, 19
    )
    other_version = services.checklist_version_create(
        slug="skr-2024-1-4",
        name_sv="SKR 2024, skala 1–4",
        scale_min=1,
        scale_max=4,
        steps=[services.StepSpec(v, f"Steg {v}") for v in range(1, 5)],
        items=[services.ItemSpec(f"Moment {n}") for n in range(1, 11)],
    )
    other = earlier_round(
        "Modellkoncept 1–4 2023",
        "modellkoncept-1-4-2023",
        version=other_version,
        values=((4,) * 10, (4,) * 10),
    )
    return {"same": same, "other": other}


def test_organisation_page_shows_totals_chart_table_and_movement(world, aby_history, as_user):
    response = as_user(world.strategist_a1).get(_organisation_url())
    assert response.status_code == 200
    html = response.content.decode()
    history = html[html.index('id="history-heading"') :]
    history = history[: history.index(f'id="history-{aby_history["same"].pk}-heading"')]
    assert history.count("<svg") == 2  # totals over time, first and latest per item
    rows = _table(response, _sv("Score per item at each assessment"), nth=0)  # this round first
    assert rows[0][1:] == [
        _sv("Assessment %(point)s", point=1),
        _sv("Assessment %(point)s", point=2),
    ]
    assert rows[1][1:] == ["3", "3"]
    assert rows[2][1:] == ["2", "3"]
    assert rows[-1][1:] == ["22", "25"]
    assert (
        _sv(
            "Movement from the first to the latest assessment: %(first)s → %(latest)s (%(delta)s).",
            first=22,
            latest=25,
            delta="+3",
        )
        in history
    )
    movement = _table(
        response, _sv("Movement per item from the first to the latest assessment"), nth=0
    )
    assert [row[1:] for row in movement[1:4]] == [
        ["3", "3", "0"],
        ["2", "3", "+1"],
        ["2", "3", "+1"],
    ]


def test_organisation_page_shows_an_earlier_round_with_the_same_checklist_only(
    world, aby_history, as_user
):
    html = as_user(world.strategist_a1).get(_organisation_url()).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Modellkommuner 2023–2024" in history
    assert f'id="history-{aby_history["same"].pk}-heading"' in history
    earlier = history[history.index(f'id="history-{aby_history["same"].pk}-heading"') :]
    assert "<svg" in earlier
    assert (
        _sv(
            "Movement from the first to the latest assessment: %(first)s → %(latest)s (%(delta)s).",
            first=16,
            latest=19,
            delta="+3",
        )
        in earlier
    )
    # Figures made with another checklist version are never shown beside these.
    assert "Modellkoncept 1–4 2023" not in html
    assert f'id="history-{aby_history["other"].pk}-heading"' not in html


def _history_rounds(html: str) -> str:
    return html[html.index('id="history-heading"') : html.index('id="works-heading"')]


def test_mentor_of_this_round_sees_this_round_only_of_the_organisation_history(
    world, aby_history, as_user
):
    """Issue #13: GA1's mentor (Mentorstad) opened Aby's page in round A and saw Aby's scores
    from an earlier round, whose pages are 404 for her."""
    earlier = aby_history["same"]
    mentor = as_user(world.mentor_m1)
    response = mentor.get(_organisation_url())
    assert response.status_code == 200
    history = _history_rounds(response.content.decode())
    assert "Modellkommuner 2023–2024" not in history
    assert f'id="history-{earlier.pk}-heading"' not in history
    assert history.count("<svg") == 2  # this round's charts stay
    assert _table(response, _sv("Score per item at each assessment"), nth=0)[-1][1:] == [
        "22",
        "25",
    ]
    assert (
        mentor.get(reverse("rounds:round_detail", kwargs={"slug": earlier.slug})).status_code == 404
    )
    # The organisation's own people and project leaders still see its whole history.
    for person in (world.politician_a1, world.leader):
        own = _history_rounds(as_user(person).get(_organisation_url()).content.decode())
        assert f'id="history-{earlier.pk}-heading"' in own


def test_mentor_of_the_earlier_round_sees_that_round_in_the_history(world, aby_history, as_user):
    """Within the earlier round its own policy holds: who mentored Aby's group there sees it."""
    earlier = aby_history["same"]
    # The earlier round is completed (an archive the services no longer change): its group
    # and mentor as they were, written directly.
    aby_then = earlier.participations.get(organisation=world.a1.organisation)
    group = BenchmarkingGroup.objects.create(round=earlier, name="Grupp då")
    aby_then.group = group
    aby_then.save(update_fields=["group"])
    mentor_then = Participation.objects.create(
        round=earlier, organisation=world.m1.organisation, role=Participation.Role.MENTOR
    )
    GroupMentor.objects.create(group=group, participation=mentor_then)
    FunctionAssignment.objects.create(
        participation=mentor_then, person=world.mentor_m1, function="strateg"
    )
    history = _history_rounds(as_user(world.mentor_m1).get(_organisation_url()).content.decode())
    assert f'id="history-{earlier.pk}-heading"' in history


def test_organisation_page_ids_are_unique_when_two_rounds_have_the_same_figures(world, as_user):
    earlier = round_services.round_create(
        name="Modellkommuner 2023–2024",
        slug="modellkommuner-2023-2024",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 6, 30),
    )
    participation = participant_services.participation_add(
        round=earlier, organisation=world.a1.organisation
    )
    starts = timezone.now() - dt.timedelta(days=700)
    meeting = round_services.meeting_create(
        round=earlier,
        kind=Meeting.Kind.LEARNING_MEETING,
        title="Lärandeträff 1",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        assessment_due=True,
    )
    _record(participation, meeting, (2,) * 10)  # 20, as Aby's one assessment in round A
    services.assessment_save(assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 2))
    services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)
    html = as_user(world.strategist_a1).get(_organisation_url()).content.decode()
    assert html.count("<svg") == 2
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted(ids) == sorted(set(ids))


def test_organisation_page_lists_a_draft_only_to_the_organisation_itself(world, as_user):
    draft_link = _url("assessment", world.draft_a1)
    assert draft_link in as_user(world.politician_a1).get(_organisation_url()).content.decode()
    mentor = as_user(world.mentor_m1).get(_organisation_url())
    assert mentor.status_code == 200
    assert draft_link not in mentor.content.decode()
    # Another member of the group compares on the group page, not here.
    assert as_user(world.strategist_a2).get(_organisation_url()).status_code == 404


# Checklist versions


CLASSIC_ITEMS = 10


def _version_form(client, *, labels: dict[int, str], keep_items: int, scale_max: int = 4) -> dict:
    """The new-version form as a project leader fills it in: it starts from a copy of the
    classic checklist (scale 1–3, ten items); the scale is set to 1–`scale_max`, `labels` go
    into the rows for those scores, and every item after the first `keep_items` is deleted."""
    data = _browser_form(client.get(reverse("checklist:version_create")))
    assert data["steps-TOTAL_FORMS"] == "5"
    assert data["items-TOTAL_FORMS"] == "13"
    data |= {
        "slug": "skr-2024-1-4",
        "name_sv": "SKR 2024, skala 1–4",
        "name_en": "SKR 2024, scale 1–4",
        "scale_max": str(scale_max),
    }
    for value, label in labels.items():
        data[f"steps-{value - 1}-value"] = str(value)
        data[f"steps-{value - 1}-label_sv"] = label
    for index in range(keep_items, CLASSIC_ITEMS):
        data[f"items-{index}-DELETE"] = "on"
    return data


def test_project_leader_creates_a_checklist_version(world, as_user):
    client = as_user(world.leader)
    data = _version_form(client, labels={4: "Vi gör det och följer upp"}, keep_items=3)
    data["items-1-text_sv"] = "Den politiska ledningen efterfrågar och följer upp resultat"
    response = client.post(reverse("checklist:version_create"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("checklist:version", args=["skr-2024-1-4"])
    version = ChecklistVersion.objects.get(slug="skr-2024-1-4")
    assert (version.scale_min, version.scale_max) == (1, 4)
    assert list(version.scale_steps.values_list("value", "label_sv")) == [
        (1, "Inte påbörjat/finns inte"),
        (2, "Finns men behöver utvecklas"),
        (3, "Det finns/det gör vi"),
        (4, "Vi gör det och följer upp"),
    ]
    assert list(version.items.values_list("number", "text_sv")) == [
        (1, "Den politiska församlingen har tagit beslut om jämställdhetsintegrering"),
        (2, "Den politiska ledningen efterfrågar och följer upp resultat"),
        (
            3,
            "De högsta cheferna säkerställer att politikernas beslut om "
            "jämställdhetsintegrering genomförs i organisationen",
        ),
    ]
    listing = client.get(reverse("checklist:version_list"))
    rows = [row for table in _tables(listing) for row in table["rows"]]
    assert [row[2:] for row in rows if row[0].startswith("SKR 2024, skala 1–4")] == [
        ["1–4", "3", "0"]
    ]
    detail = client.get(reverse("checklist:version", args=["skr-2024-1-4"])).content.decode()
    assert "Vi gör det och följer upp" in detail


@pytest.mark.parametrize(
    ("form", "message", "params"),
    [
        (
            {"labels": {}, "keep_items": 10},  # scale 1–4, labels only for 1–3
            "Give one label for every score from %(min)s to %(max)s.",
            {"min": 1, "max": 4},
        ),
        (
            {"labels": {4: "Vi gör det och följer upp"}, "keep_items": 0},
            "A checklist needs at least one item.",
            {},
        ),
    ],
    ids=["a-score-without-label", "no-items"],
)
def test_bad_checklist_version_is_refused_and_nothing_is_created(
    world, as_user, form, message, params
):
    client = as_user(world.leader)
    data = _version_form(client, **form)
    response = client.post(reverse("checklist:version_create"), data)
    assert response.status_code == 422
    assert _sv(message, **params) in response.content.decode()
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()
    # The user's input is kept on the page.
    assert 'value="skr-2024-1-4"' in response.content.decode()


def test_a_scale_step_with_an_empty_label_is_refused(world, as_user):
    client = as_user(world.leader)
    data = _version_form(client, labels={4: ""}, keep_items=10)
    response = client.post(reverse("checklist:version_create"), data)
    assert response.status_code == 422
    assert 'id="error_1_id_steps-3-label_sv"' in response.content.decode()
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()


@pytest.mark.parametrize("base", ["no-such-version", "skr-10-1-3\x00", "../skr-10-1-3"])
def test_a_new_version_from_a_version_that_does_not_exist_starts_empty(world, as_user, base):
    client = as_user(world.leader)

    response = client.get(reverse("checklist:version_create"), {"from": base})

    assert response.status_code == 200
    assert response.context["base"] is None
    assert (
        response.context["steps"].total_form_count(),
        response.context["items"].total_form_count(),
    ) == (2, 3)


def test_a_forged_row_count_is_refused_without_building_the_rows(world, as_user):
    client = as_user(world.leader)
    data = _version_form(client, labels={4: "Vi gör det och följer upp"}, keep_items=10)
    data |= {"steps-TOTAL_FORMS": "100000", "items-TOTAL_FORMS": "100000"}

    response = client.post(reverse("checklist:version_create"), data)

    assert response.status_code == 422
    steps, items = response.context["steps"], response.context["items"]
    assert (len(steps.forms), len(items.forms)) == (21 + 2, 60 + 3)
    with translation.override("sv"):
        assert steps.non_form_errors() == ["Skicka som mest 21 formulär."]
        assert items.non_form_errors() == ["Skicka som mest 60 formulär."]
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()


@pytest.mark.parametrize("user", ["strategist_a1", "mentor_m1", "outsider"])
def test_only_project_leaders_manage_checklist_versions(world, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get(reverse("checklist:version_list")).status_code == 403
    assert client.get(reverse("checklist:version_create")).status_code == 403
    assert client.get(reverse("checklist:version", args=["skr-10-1-3"])).status_code == 403
    data = {"slug": "skr-2024-1-4", "name_sv": "SKR 2024", "scale_min": 1, "scale_max": 4}
    assert client.post(reverse("checklist:version_create"), data).status_code == 403
    assert not ChecklistVersion.objects.filter(slug="skr-2024-1-4").exists()


def test_a_round_keeps_its_checklist_once_it_has_an_assessment(world, as_user):
    version = services.checklist_version_create(
        slug="skr-2024-1-4",
        name_sv="SKR 2024",
        scale_min=1,
        scale_max=4,
        steps=[services.StepSpec(v, f"Steg {v}") for v in range(1, 5)],
        items=[services.ItemSpec("Moment 1")],
    )
    client = as_user(world.leader)
    url = reverse("checklist:round_checklist", kwargs={"round_slug": "omgang-a"})
    response = client.post(url, {"version": version.pk})
    assert response.status_code == 302
    assert Round.objects.get(pk=world.round_a.pk).checklist_version.slug == "skr-10-1-3"
    assert _messages(response) == [
        _sv("The round already has self-assessments made with its checklist; it keeps it.")
    ]
    # A round without assessments may change its checklist.
    fresh = round_services.round_create(
        name="Omgång C",
        slug="omgang-c",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2028, 12, 31),
    )
    url = reverse("checklist:round_checklist", kwargs={"round_slug": "omgang-c"})
    assert client.post(url, {"version": version.pk}).status_code == 302
    assert Round.objects.get(pk=fresh.pk).checklist_version == version


def test_only_project_leaders_choose_a_rounds_checklist(world, as_user):
    version = ChecklistVersion.objects.get(slug="skr-10-1-3")
    url = reverse("checklist:round_checklist", kwargs={"round_slug": "omgang-b"})
    assert as_user(world.strategist_b1).post(url, {"version": version.pk}).status_code == 403
    assert as_user(world.strategist_a1).post(url, {"version": version.pk}).status_code == 404


# Queries do not grow with the data

# What an autosave costs (test_an_autosave_reads_the_form_and_writes_what_changed_…): 11, and
# the action log's latest entry on the assessment, read and brought up to date (a burst of
# one person's saves is one entry).
AUTOSAVE_QUERIES = 13


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_earlier(world, n: int, *, offset: int = 0):
    """n more submitted assessments of Aby before earlier GA1 meetings, and n remarks."""
    for k in range(offset, offset + n):
        meeting = _past_meeting(world, days_ago=400 - 30 * k, title=f"Lärandeträff {k}")
        _record(world.a1, meeting, (1 + k % 3,) * 10)
        services.remark_add(
            assessment=world.draft_a1,
            author=world.manager_a1,
            text=f"Anmärkning nummer {k}",
            item_number=k % 10 + 1,
        )


def test_assessment_page_queries_do_not_grow(world, as_user, django_assert_max_num_queries):
    client = as_user(world.strategist_a1)
    url = _url("assessment", world.draft_a1)
    client.get(url)  # warm up the session and caches
    _add_earlier(world, 1)
    bound = _count_queries(client, url)
    _add_earlier(world, 4, offset=1)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.content.decode().count("Anmärkning nummer ") == 5


def test_organisation_page_queries_do_not_grow(world, as_user, django_assert_max_num_queries):
    client = as_user(world.strategist_a1)
    url = _organisation_url()
    client.get(url)
    _add_earlier(world, 1)
    bound = _count_queries(client, url)
    _add_earlier(world, 4, offset=1)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    rows = _table(response, _sv("Score per item at each assessment"))
    assert len(rows[0]) == 1 + 5  # five assessments, five columns


def test_an_autosave_reads_the_form_and_writes_what_changed_in_a_fixed_number_of_queries(
    world, as_user, django_assert_num_queries
):
    """An autosave reads the checklist's items and scale once a process, not the page (its
    answer is a status line), and writes the changed answer with its history row and the new
    revision (without a history row of its own: the answers' history holds the change)."""
    client = as_user(world.strategist_a1)
    draft = world.draft_a1
    client.get(_url("assessment", draft))  # the session, as the page left it
    first = client.post(
        _url("assessment_save", draft),
        _post_data({1: 2}, revision=draft.revision),
        **HTMX,
    )  # the process has read the checklist's items and scale
    assert first.status_code == 200
    draft.refresh_from_db()
    kept = draft.answers.get(item__number=1).history.count()
    kept_assessment = draft.history.count()
    # Session, user, the policy's standing and the assessment; the locked assessment and its
    # answers; the changed answer and its history row; the revision; the action log's latest
    # entry, read and updated; and the savepoint around the service's transaction (released).
    with django_assert_num_queries(AUTOSAVE_QUERIES):
        response = client.post(
            _url("assessment_save", draft),
            _post_data({1: 3}, revision=draft.revision, comments={1: "Ny kommentar"}),
            **HTMX,
        )
    assert response.status_code == 200
    assert _stored(draft)[1] == 3
    assert draft.answers.get(item__number=1).history.count() == kept + 1  # one row: this change
    assert draft.history.count() == kept_assessment
    # An autosave of what is saved already writes nothing and keeps the revision.
    draft.refresh_from_db()
    with django_assert_num_queries(AUTOSAVE_QUERIES - 5):
        again = client.post(
            _url("assessment_save", draft),
            _post_data({1: 3}, revision=draft.revision, comments={1: "Ny kommentar"}),
            **HTMX,
        )
    assert again.status_code == 200
    assert f'name="revision" value="{draft.revision}"' in again.content.decode()

"""The project leader's round dashboard: what it shows per organisation and assessment point,
its pages, the round's groups and schedule on pages of their own, and that the round, group,
organisation, group list and schedule pages run as many queries for a national round of 311
organisations as for a round of ten."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from bench.build import national_and_small
from checklist.models import ChecklistVersion, SelfAssessment
from checklist.statistics import round_scores
from modellkoncept.roundvalues import renew_on_commit
from participants import services as participant_services
from participants.models import ImprovementWork, Organisation, Participation
from rounds import services
from rounds.models import Meeting
from rounds.selectors import (
    DASHBOARD_PAGE_SIZE,
    GROUP_LIST_PAGE_SIZE,
    MEETING_LIST_PAGE_SIZE,
    RoundFigures,
    round_dashboard,
)
from rounds.selectors.dashboard import UPCOMING, _statuses
from rounds.selectors.groups import _group_scores
from rounds.templatetags.round_dashboard import TASKS
from rounds.views.rounds import ROUND_PAGES
from tests.accounts.factories import UserFactory
from tests.checklist.levels import submit, two_level_round
from tests.conftest import module_data
from tests.participants.test_views import main_of
from tests.rounds.national import build_round, reference_codes

pytestmark = pytest.mark.django_db

# Most queries per page, measured on the round of ten (session and user included), once the
# round's kept values have been read (modellkoncept.roundvalues: its figures, mentors, groups,
# common meetings and their attendance, the checklist versions still to choose from at each
# level; the checklist's items, kept by the level's version id); the national round must stay
# within the same numbers. Measured after merging the levels and the result reports
# (2026-12-07): 11, 5 and 15; the round page 10 since its result reports are kept with its
# figures, 5 since the meetings to come (the next meeting found among them), the groups'
# meetings, the participants in the dashboard's order with the people in their functions and
# the round's contacts are kept with them; 4 since its participants' attendance is kept too.
ROUND_PAGE = 4  # the kept values aside: the assessments of 25 organisations
# The round page after a change to the round, its kept values read afresh: thirteen more.
ROUND_PAGE_AFTER_A_CHANGE = 17
# After a change of improvement work, the spread of it alone read afresh: one more.
ROUND_PAGE_AFTER_A_WORK_CHANGE = 5
GROUP_PAGE = 5  # its members, people, mentors and meetings kept; one level's assessments read
# Its improvement work and what its group shares with it in one query, its group's members and
# mentors by name and the result reports' due dates kept (2026-12-07: 15 before), its reports;
# the organisation's part in every round read with its own, for its history (11 before).
ORGANISATION_PAGE = 10
GROUP_LIST_PAGE = 7
MEETING_LIST_PAGE = 5


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _small_round():
    """A round of the first ten organisations of the reference list, built like the
    national one: groups of three and two, mentors, people, the schedule, assessments and
    attendance at the first learning meeting."""
    return build_round(slug="liten", codes=reference_codes(10))


# Built once for the module's tests (tests/conftest.py, `module_data`).
small = module_data("small", _small_round)


def _round_url(world, **query) -> str:
    url = reverse("rounds:round_detail", args=[world.round.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _label(function) -> str:
    with translation.override("en"):
        return str(function)


# What the dashboard shows


def test_dashboard_shows_assessments_and_attendance_per_organisation_and_point(en, leader, small):
    en.force_login(leader)

    response = en.get(_round_url(small))

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    rows = dashboard.page.object_list
    assert sorted(r.organisation_code for r in rows) == sorted(small.plan)
    assert dashboard.points == [1, 2, 3, 4, 5]
    assessments = {(a.participation_id, a.meeting_id): a.pk for a in SelfAssessment.objects.all()}
    for row in rows:
        plan = small.plan[row.organisation_code]
        statuses = [cell.status for cell in row.cells]
        # The first two meetings are held; the three to come are due, not yet missing.
        assert statuses == ["submitted", plan.second, "due", "due", "due"]
        # Attendance: taken at the first meeting, none at the second, the rest are to come.
        assert [cell.attendance for cell in row.cells] == [plan.attended, "none", "", "", ""]
        first, second = row.cells[0], row.cells[1]
        assert first.meeting.group_id == row.group_id
        assert first.assessment_id == assessments[row.participation_id, first.meeting.pk]
        if plan.second == "missing":
            assert second.assessment_id is None
        assert row.missing == []
        assert [(label, n) for label, n in row.coverage] == [
            (_label(label), 1) for label, _n in row.coverage
        ]

    html = response.content.decode()
    for row in rows:
        cell = row.cells[0]
        assert reverse("checklist:assessment", kwargs={"pk": cell.assessment_id}) in html
    planned = list(small.plan.values())
    seconds = [p.second for p in planned]
    assert html.count("status-badge--submitted") == len(planned) + seconds.count("submitted")
    assert html.count("status-badge--draft") == seconds.count("draft")
    # Red only where a held meeting's assessment is missing; the three to come are neutral.
    assert html.count('status-badge--danger">missing') == seconds.count("missing")
    attended = [p.attended for p in planned]
    assert html.count("✓ all three") == attended.count("all")
    assert html.count("! not all three") == attended.count("partial")
    # Nobody recorded: at the first meeting for some, at the second for everyone.
    assert html.count("✗ nobody recorded") == attended.count("none") + len(planned)


def test_dashboard_shows_function_coverage_and_what_is_missing(en, leader, small):
    late = participant_services.participation_add(
        round=small.round, organisation=Organisation.objects.get(code=reference_codes(11)[-1])
    )
    participant_services.function_assign(
        participation=late, person=UserFactory(full_name="Ensam Strateg"), function="strateg"
    )
    participant_services.function_assign(
        participation=late, person=UserFactory(full_name="Andra Strateg"), function="strateg"
    )
    en.force_login(leader)

    dashboard = en.get(_round_url(small)).context["dashboard"]

    row = dashboard.page.object_list[-1]  # not in a group yet: last
    assert row.participation_id == late.pk
    assert (row.group_id, row.group_name) == (None, "")
    assert [(_label(label), n) for label, n in row.coverage] == [
        ("politician", 0),
        ("manager", 0),
        ("strategist/key person", 2),
    ]
    assert [_label(label) for label in row.missing] == ["politician", "manager"]
    assert all(cell.status == "" for cell in row.cells)  # no group, no learning meeting yet


def test_dashboard_shows_key_figures_and_the_next_meeting(en, leader, small):
    participant_services.participation_withdraw(
        participation=small.participations[sorted(small.plan)[0]],
        on=timezone.localdate(),
        reason="Budget",
    )
    # The world's federations support their groups; one group gets a primary mentor.
    services.mentor_add(
        group=small.round.groups.get(name="Grupp 1"),
        organisation=participant_services.organisation_create(code="F9999", name="Huvudstad"),
        is_primary=True,
    )
    en.force_login(leader)

    response = en.get(_round_url(small))

    dashboard = response.context["dashboard"]
    meetings = Meeting.objects.filter(round=small.round)
    assert dashboard.figures == RoundFigures(
        participants=10,
        withdrawn=1,
        mentors=5,
        groups=4,
        groups_without_mentor=3,
        ungrouped=0,
        meetings=meetings.count(),
        assessed=True,
    )
    assert dashboard.figures.counted == 9
    upcoming = meetings.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk").first()
    assert dashboard.next_meeting == _shown(upcoming)
    html = main_of(response.content.decode())
    assert "Next meeting:" in html
    assert reverse("rounds:meeting_detail", args=[small.round.slug, upcoming.pk]) in html
    common = meetings.filter(group__isnull=True).count()
    assert f"{meetings.count()}, of which {common} for the whole round" in html
    assert "Förbund 3" in html  # among the mentor organisations
    # The groups and the whole schedule are a link away.
    assert reverse("rounds:group_list", args=[small.round.slug]) in html
    assert reverse("rounds:meeting_list", args=[small.round.slug]) in html
    assert "Grupp 1" in html  # the organisations' table names their groups
    assert "<article" not in html  # but lists no group cards


def test_dashboard_links_the_rounds_pages_it_names(en, leader, small):
    """The round page links the round's pages as `links.<name>` and by name in its tasks
    (`TASKS`), reversed once per process (`ROUND_PAGES`): every name it uses is one of them,
    and each address is `reverse`'s."""
    import rounds

    source = (Path(rounds.__file__).parent / "templates/rounds/round_detail.html").read_text()
    names = {viewname.rpartition(":")[2]: viewname for viewname in ROUND_PAGES}
    tasks = {name for stage in TASKS.values() for name, _label in stage}
    assert set(re.findall(r"\blinks\.(\w+)", source)) | tasks == set(names)
    assert set(re.findall(r'dashboard_tasks links "(\w+)"', source)) == set(TASKS)
    en.force_login(leader)

    response = en.get(_round_url(small))

    links = response.context["links"]
    assert links == {
        name: reverse(viewname, kwargs={"round_slug": small.round.slug})
        for name, viewname in names.items()
    }
    html = main_of(response.content.decode())
    # The default schedule is offered only to a round without meetings, another checklist only
    # while the round has no assessment.
    for name in set(names) - {"schedule_generate", "round_checklist"}:
        assert f'"{links[name]}' in html, name
    assert f'<a href="{links["round_update"]}">Edit the round</a>' in html
    assert '<th scope="col">Assessment 1</th>' in html
    swedish = main_of(en.get(_round_url(small), headers={"accept-language": "sv"}).content.decode())
    assert f'<a href="{links["round_update"]}">Redigera omgången</a>' in swedish
    assert '<th scope="col">Skattning 1</th>' in swedish


def test_the_page_reads_the_organisation_wide_assessments_of_its_organisations():
    """The dashboard's points are the organisation-wide level's: the one query it runs for its
    page (`_statuses`, written out) reads that level's assessments of the page's organisations,
    as the ORM reads them."""
    w = two_level_round()
    scores = dict.fromkeys(range(1, 11), 2)
    submit(w.p1, w.year_one, scores)
    submit(w.p1, w.year_two, scores)
    submit(w.p1, w.year_two, scores, level=ChecklistVersion.Level.COMMITTEE)
    submit(w.p2, w.year_two, scores, level=ChecklistVersion.Level.COMMITTEE)

    read = sorted(_statuses([w.p1.pk, w.p2.pk]))

    assert read == sorted(
        SelfAssessment.objects.filter(
            participation__in=[w.p1, w.p2], level=ChecklistVersion.Level.ORGANISATION
        ).values_list("id", "participation_id", "meeting_id", "status")
    )
    assert [(p, m, status) for _pk, p, m, status in read] == [
        (w.p1.pk, w.year_one.pk, "submitted"),
        (w.p1.pk, w.year_two.pk, "submitted"),
    ]
    assert _statuses([w.p2.pk]) == []
    assert _statuses([]) == []


def test_dashboard_shows_the_spread_of_improvement_work_in_the_readers_language(en, leader, small):
    first, second, third = (small.participations[code] for code in sorted(small.plan)[:3])
    for participation, step in (
        (first, ImprovementWork.ChainStep.ACTIVITY),
        (second, ImprovementWork.ChainStep.ACTIVITY),
        (third, ImprovementWork.ChainStep.OUTCOME),
    ):
        participant_services.improvement_work_create(
            participation=participation, title="Arbete", chain_step=step
        )
    # Work of an organisation that withdrew is not counted.
    participant_services.participation_withdraw(
        participation=third, on=timezone.localdate(), reason="Budget"
    )
    en.force_login(leader)

    spread = en.get(_round_url(small)).context["dashboard"].spread
    swedish = en.get(_round_url(small), headers={"accept-language": "sv"})

    assert spread.total == 2
    assert [(step, count) for step, _label, count in spread.counts] == [
        (step.value, 2 if step == ImprovementWork.ChainStep.ACTIVITY else 0)
        for step in ImprovementWork.ChainStep
    ]
    html = main_of(en.get(_round_url(small)).content.decode())
    assert "New or changed outcome" in html  # every step of the chain, with its count
    with translation.override("sv"):
        activity = str(ImprovementWork.ChainStep.ACTIVITY.label)
    assert activity != "activity"
    assert activity.capitalize() in main_of(swedish.content.decode())


def test_the_kept_spread_follows_the_work_while_the_rest_stays_kept(
    en, leader, small, django_assert_max_num_queries
):
    first, second = (small.participations[code] for code in sorted(small.plan)[:2])
    work = participant_services.improvement_work_create(
        participation=first, title="Arbete", chain_step=ImprovementWork.ChainStep.ACTIVITY
    )
    participant_services.improvement_work_create(
        participation=second, title="Arbete", chain_step=ImprovementWork.ChainStep.ACTIVITY
    )
    en.force_login(leader)

    def counts():
        spread = en.get(_round_url(small)).context["dashboard"].spread
        return {step: count for step, _label, count in spread.counts if count}

    assert counts() == {"activity": 2}
    participant_services.improvement_work_update(
        work=work, chain_step=ImprovementWork.ChainStep.OUTCOME
    )
    with django_assert_max_num_queries(ROUND_PAGE_AFTER_A_WORK_CHANGE):
        assert counts() == {"activity": 1, "outcome": 1}
    participant_services.participation_withdraw(
        participation=second, on=timezone.localdate(), reason="Budget"
    )
    assert counts() == {"outcome": 1}
    withdrawn = en.get(_round_url(small)).context["dashboard"].figures.withdrawn
    assert withdrawn == 1


def test_the_next_meeting_moves_on_as_meetings_end_while_the_values_are_kept(small):
    """The next meeting is found among the meetings to come kept with the round's values: as
    each meeting ends (the values kept, nothing changed), when the kept ones are all over, and
    for an instant before they were read."""
    meetings = Meeting.objects.filter(round=small.round).order_by("starts_at", "pk")
    assert meetings.filter(ends_at__gte=timezone.now()).count() > UPCOMING  # some not kept
    round_dashboard(round=small.round)  # the values read and kept now
    instants = [timezone.now() - dt.timedelta(days=400)]
    for meeting in meetings:
        instants += [meeting.ends_at, meeting.ends_at + dt.timedelta(seconds=1)]

    for now in instants:
        expected = meetings.filter(ends_at__gte=now).first()
        assert round_dashboard(round=small.round, now=now).next_meeting == _shown(expected), now


def _shown(meeting):
    """The next meeting as the dashboard shows it."""
    if meeting is None:
        return None
    group = meeting.group.name if meeting.group_id else ""
    return (meeting.pk, meeting.title, meeting.starts_at, group)


def test_the_round_page_lists_only_the_rounds_own_meetings(en, leader, small):
    en.force_login(leader)

    response = en.get(_round_url(small))

    common = list(Meeting.objects.filter(round=small.round, group__isnull=True))
    assert response.context["dashboard"].round_meetings == sorted(
        common, key=lambda m: (m.starts_at, m.pk)
    )
    html = main_of(response.content.decode())
    section = html.split('id="meetings-heading"', 1)[1].split("</section>", 1)[0]
    for meeting in Meeting.objects.filter(round=small.round):
        url = reverse("rounds:meeting_detail", args=[small.round.slug, meeting.pk])
        assert (url in section) == (meeting.group_id is None), meeting


def test_the_group_list_shows_every_group_with_its_members_and_mentors(en, leader, small):
    en.force_login(leader)

    response = en.get(reverse("rounds:group_list", args=[small.round.slug]))

    assert response.status_code == 200
    groups = list(response.context["page_obj"].object_list)
    assert [g.name for g in groups] == ["Grupp 1", "Grupp 2", "Grupp 3", "Grupp 4"]
    assert [len(g.members.all()) for g in groups] == [3, 3, 2, 2]
    mentors = {
        g.name: [m.participation.organisation.name for m in g.mentorships.all()] for g in groups
    }
    assert mentors == {
        "Grupp 1": ["Förbund 0"],
        "Grupp 2": ["Förbund 1"],
        "Grupp 3": ["Förbund 2"],
        "Grupp 4": ["Förbund 3"],
    }
    html = main_of(response.content.decode())
    for participation in small.participations.values():
        assert participation.organisation.name in html
    for group in groups:
        assert reverse("rounds:group_detail", args=[small.round.slug, group.pk]) in html
    assert "Förbund 3" in html


def test_the_meeting_list_shows_the_whole_schedule_in_time_order(en, leader, small):
    en.force_login(leader)

    response = en.get(reverse("rounds:meeting_list", args=[small.round.slug]))

    assert response.status_code == 200
    listed = list(response.context["page_obj"].object_list)
    assert listed == list(Meeting.objects.filter(round=small.round).order_by("starts_at", "pk"))
    assert any(m.group_id for m in listed)
    assert any(m.group_id is None for m in listed)
    html = main_of(response.content.decode())
    for meeting in listed:
        assert reverse("rounds:meeting_detail", args=[small.round.slug, meeting.pk]) in html


def test_dashboard_counts_whole_organisations_at_the_rounds_own_meetings(en, leader, small):
    startup = Meeting.objects.get(round=small.round, kind=Meeting.Kind.STARTUP_CONFERENCE)
    codes = sorted(small.plan)
    everyone = {person.pk for person in small.people[codes[0]].values()}
    services.attendance_set(
        meeting=startup,
        attended_ids=everyone | {small.people[codes[1]]["strateg"].pk},
    )
    en.force_login(leader)

    response = en.get(_round_url(small))

    complete = {m.kind: (n, total) for m, n, total in response.context["dashboard"].attendance}
    assert complete[Meeting.Kind.STARTUP_CONFERENCE] == (1, 10)
    assert complete[Meeting.Kind.WEB_TRAINING] == (0, 10)
    assert "all three functions from 1 of 10 organisations" in response.content.decode()


def test_dashboard_is_for_project_leaders_only(en, small):
    strategist = small.people[sorted(small.plan)[0]]["strateg"]
    en.force_login(strategist)

    response = en.get(_round_url(small))

    assert response.status_code == 200
    assert "dashboard" not in response.context
    assert "Organisations, self-assessments and attendance" not in response.content.decode()


def test_dashboard_pages_twenty_five_organisations_at_a_time(en, leader):
    assert DASHBOARD_PAGE_SIZE == 25
    world = build_round(slug="trettio", codes=reference_codes(DASHBOARD_PAGE_SIZE + 5))
    en.force_login(leader)

    first = en.get(_round_url(world)).context["dashboard"].page
    second = en.get(_round_url(world, page=2)).context["dashboard"].page
    not_a_number = en.get(_round_url(world, page="abc"))
    too_far = en.get(_round_url(world, page=999))

    assert len(first.object_list) == 25
    assert len(second.object_list) == 5
    seen = [r.organisation_code for r in [*first.object_list, *second.object_list]]
    assert sorted(seen) == sorted(world.plan)
    assert not_a_number.status_code == 200
    assert not_a_number.context["dashboard"].page.number == 1
    assert too_far.status_code == 200
    assert too_far.context["dashboard"].page.number == 2
    assert len(too_far.context["dashboard"].page.object_list) == 5
    assert "?page=2" in en.get(_round_url(world)).content.decode()  # the link onwards


def test_the_group_page_reads_the_same_figures_as_the_rounds_statistics(en, leader, small):
    """The group page reads its members' scores from what it has read already
    (`_group_scores`); they are the figures `round_scores` reads for the same members."""
    withdrawn = next(p for p in small.participations.values() if p.group_id)
    participant_services.participation_withdraw(
        participation=withdrawn, on=timezone.localdate(), reason="Budget"
    )
    for group in small.round.groups.select_related("round"):
        members = list(group.members.select_related("organisation"))
        meetings = list(
            Meeting.objects.filter(round=small.round, assessment_due=True).filter(
                Q(group__isnull=True) | Q(group=group)
            )
        )

        ours = _group_scores(round=small.round, members=members, meetings=meetings)
        theirs = round_scores(
            round=small.round, participations=Participation.objects.filter(group=group)
        )

        assert ours.items == theirs.items
        assert ours.organisations == theirs.organisations
        assert ours.points == theirs.points
        assert ours.points  # there is something to compare
    en.force_login(leader)
    page = en.get(reverse("rounds:group_detail", args=[small.round.slug, withdrawn.group_id]))
    history = {row.participation: row.cells for row in page.context["history"]}
    assert all(cell.total is None for cell in history[withdrawn])  # out of the figures
    assert any(cell.url for cell in history[withdrawn])  # its assessments still open


# Queries do not grow with the round


def _pages(built) -> dict[str, str]:
    """The pages of a round the benchmark builds (bench/build.py), at the organisation it
    measures (Lund, in a group of three)."""
    slug = built.round.slug
    return {
        "round": reverse("rounds:round_detail", args=[slug]),
        "group": reverse("rounds:group_detail", args=[slug, built.group.pk]),
        "organisation": reverse(
            "participants:participation_detail", args=[slug, built.measured.organisation.code]
        ),
        "groups": reverse("rounds:group_list", args=[slug]),
        "meetings": reverse("rounds:meeting_list", args=[slug]),
    }


BOUNDS = {
    "round": ROUND_PAGE,
    "group": GROUP_PAGE,
    "organisation": ORGANISATION_PAGE,
    "groups": GROUP_LIST_PAGE,
    "meetings": MEETING_LIST_PAGE,
}


def test_pages_run_as_many_queries_for_a_national_round_as_for_ten(
    client, django_assert_max_num_queries
):
    """The benchmark's two rounds (`make bench` times these pages on the same data): all 311
    municipalities and regions, and ten of them that take part in both rounds."""
    builder, rounds = national_and_small()
    national, small = rounds["national"], rounds["small"]
    assert (national.counts["organisations"], national.counts["groups"]) == (311, 104)
    assert (small.counts["organisations"], small.counts["groups"]) == (10, 4)
    assert national.group.members.count() == small.group.members.count() == 3
    client.force_login(builder.leader)
    # Warm the process-wide caches and each round's kept values (its figures, lists and the
    # checklist's items, read once until a service changes the round) first.
    for built in (small, national):
        for url in _pages(built).values():
            assert client.get(url).status_code == 200

    counts = {}
    for name, built in (("small", small), ("national", national)):
        for page, url in _pages(built).items():
            with (
                django_assert_max_num_queries(BOUNDS[page]),
                CaptureQueriesContext(connection) as queries,
            ):
                response = client.get(url)
            assert response.status_code == 200
            counts[name, page] = len(queries)

    for page in BOUNDS:
        assert counts["national", page] == counts["small", page], counts
    # After a change to the round (any service renews its kept values on commit).
    for name, built in (("small", small), ("national", national)):
        renew_on_commit(built.round.pk, "rounds.round.updated")
        with (
            django_assert_max_num_queries(ROUND_PAGE_AFTER_A_CHANGE),
            CaptureQueriesContext(connection) as queries,
        ):
            assert client.get(_round_url(built)).status_code == 200
        counts[name, "round after a change"] = len(queries)
    assert counts["national", "round after a change"] == counts["small", "round after a change"]
    # The national pages do show the national round, a page at a time.
    dashboard = client.get(_round_url(national)).context["dashboard"]
    assert dashboard.page.paginator.count == 311
    assert len(dashboard.page.object_list) == DASHBOARD_PAGE_SIZE
    assert dashboard.figures.groups == 104
    pages = _pages(national)
    groups = client.get(pages["groups"]).context["page_obj"]
    assert (groups.paginator.count, len(groups.object_list)) == (104, GROUP_LIST_PAGE_SIZE)
    meetings = client.get(pages["meetings"]).context["page_obj"]
    assert meetings.paginator.count == Meeting.objects.filter(round=national.round).count()
    assert len(meetings.object_list) == MEETING_LIST_PAGE_SIZE

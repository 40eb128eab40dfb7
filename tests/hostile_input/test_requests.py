"""Hostile query parameters, `next` addresses and path segments: never a 500, never a write,
never off the site."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import example, given, reject, settings
from hypothesis import strategies as st

from tests.accounts.factories import PASSWORD
from tests.hostile import (
    changed_tables,
    fingerprint,
    hostile_path_segment,
    hostile_text,
    hostile_urls,
    hostile_value,
)
from tests.hostile_input.harness import (
    EXAMPLES_PER_PROPERTY,
    PROPERTY,
    baseline,
    known_bug_in_path,
    known_bug_in_query,
)

pytestmark = pytest.mark.django_db


# Query parameters


def _get_pages(w) -> list[tuple[str, str | None]]:
    """Every page a GET reaches (reports' pages once the app has them), and who looks."""
    a, slug = w.round_a, w.round_a.slug
    pages = [
        (reverse("home"), "leader"),
        (reverse("home"), "strategist_a1"),
        (reverse("home"), "mentor_m1"),
        (reverse("about"), None),
        (reverse("accounts:login"), None),
        (reverse("accounts:password_reset"), None),
        (reverse("accounts:calendar"), "strategist_a1"),
        (reverse("accounts:person", args=[w.strategist_a1.pk]), "leader"),
        (reverse("accounts:person_export", args=[w.strategist_a1.pk]), "leader"),
        (reverse("participants:participation_detail", args=[slug, "9101"]), "strategist_a1"),
        (reverse("participants:person_invite", args=[slug, "9101"]), "leader"),
        (reverse("participants:improvement_work_create", args=[slug, "9101"]), "strategist_a1"),
        (reverse("participants:improvement_work", args=[w.work.pk]), "strategist_a1"),
        (reverse("participants:improvement_work_update", args=[w.work.pk]), "strategist_a1"),
        (reverse("participants:library"), "strategist_b1"),
        (reverse("participants:approval_queue"), "leader"),
        (reverse("participants:participation_withdraw", args=[slug, "9104"]), "leader"),
        (reverse("participants:invitation_accept", args=[w.token]), None),
        (reverse("participants:application_rounds"), None),
        (reverse("participants:application_create", args=[slug]), None),
        (reverse("participants:application_list", args=[slug]), "leader"),
        (reverse("rounds:round_list"), "leader"),
        (reverse("rounds:round_create"), "leader"),
        (reverse("rounds:round_detail", args=[slug]), "leader"),
        (reverse("rounds:round_detail", args=[slug]), "strategist_a1"),
        (reverse("rounds:group_detail", args=[slug, w.ga1.pk]), "mentor_m1"),
        (reverse("rounds:group_list", args=[slug]), "strategist_a1"),
        (reverse("rounds:meeting_list", args=[slug]), "strategist_a1"),
        (reverse("rounds:group_proposal", args=[slug]), "leader"),
        (reverse("rounds:meeting_detail", args=[slug, w.meeting_ga1.pk]), "strategist_a1"),
        (reverse("rounds:mentor_proposal", args=[slug]), "leader"),
        (reverse("rounds:mentor_pool"), "leader"),
        (reverse("rounds:mentor_workspace"), "mentor_m1"),
        (reverse("rounds:round_export", args=[slug]), "leader"),
        (reverse("rounds:round_import"), "leader"),
        (reverse("rounds:round_update", args=[slug]), "leader"),
        (reverse("rounds:meeting_create", args=[slug]), "leader"),
        (reverse("rounds:meeting_update", args=[slug, w.startup.pk]), "leader"),
        (reverse("rounds:meeting_calendar", args=[slug, w.startup.pk]), "strategist_a1"),
        (reverse("rounds:attendance", args=[slug, w.meeting_ga1.pk]), "leader"),
        (reverse("rounds:group_create", args=[slug]), "leader"),
        (reverse("rounds:group_update", args=[slug, w.ga1.pk]), "leader"),
        (reverse("rounds:round_audit", args=[slug]), "leader"),
        (reverse("rounds:calendar_feed", args=[w.calendar_token]), None),
        (reverse("checklist:version_list"), "leader"),
        (reverse("checklist:version_create"), "leader"),
        (reverse("checklist:version", args=[a.checklist_version.slug]), "leader"),
        (reverse("checklist:version_import"), "leader"),
        (reverse("checklist:version_export", args=[a.checklist_version.slug]), "leader"),
        (reverse("checklist:assessment", args=[w.draft_a1.pk]), "strategist_a1"),
        (reverse("checklist:assessment_history", args=[w.draft_a1.pk]), "leader"),
        (
            reverse("checklist:assessment_start", args=[slug, "9101", w.meeting_ga1.pk]),
            "manager_a1",
        ),
        (reverse("checklist:assessment_import", args=[slug]), "leader"),
        (reverse("reports:round_reports", args=[slug]), "leader"),
        (reverse("reports:organisation_reports", args=[slug, "9101"]), "strategist_a1"),
        (reverse("reports:organisation_summary", args=[slug, "9101"]), "strategist_a1"),
        (reverse("reports:summary_print", args=[slug, "9101"]), "manager_a1"),
        (reverse("reports:group_reports", args=[slug, w.ga1.pk]), "mentor_m1"),
        (reverse("reports:round_scores_csv", args=[slug]), "leader"),
        (reverse("reports:organisation_scores_xlsx", args=[slug, "9101"]), "strategist_a1"),
        (reverse("reports:job_download", args=[w.failed_job.pk]), "leader"),
        (reverse("rounds:meeting_material", args=[slug, w.meeting_ga1.pk]), "strategist_a1"),
        (reverse("rounds:programme_library"), "strategist_a1"),
        (reverse("rounds:programme_library"), "leader"),
        (reverse("rounds:group_notes", args=[slug, w.ga1.pk]), "mentor_m1"),
        (reverse("rounds:mentor_role"), "leader"),
        (reverse("rounds:evaluation_answer", args=[slug, w.held_ga1.pk]), "strategist_a1"),
        (reverse("rounds:evaluation_results", args=[slug]), "leader"),
        (reverse("rounds:evaluation_statements"), "leader"),
        (reverse("rounds:result_reports", args=[slug]), "leader"),
        (reverse("rounds:result_report_start", args=[slug, "9101", 1]), "mentor_m1"),
        (reverse("rounds:result_report", args=[w.result_a1.pk]), "strategist_a1"),
        (reverse("rounds:result_report", args=[w.result_a2.pk]), "mentor_m1"),
        (reverse("rounds:result_report_submit", args=[w.result_a1.pk]), "strategist_a1"),
        (reverse("rounds:result_report_reopen", args=[w.result_a2.pk]), "leader"),
    ]
    return pages


def _get(w, user: str | None, url: str, params=None, headers=None):
    """GET in a savepoint that is rolled back; the response and whether watched rows changed."""
    before = baseline(w)
    with transaction.atomic():
        client = Client()
        if user is not None:
            client.force_login(getattr(w, user))
        response = client.get(url, params or {}, headers=headers or {})
        after = fingerprint()
        transaction.set_rollback(True)
    return response, changed_tables(before, after)


query_parameters = st.dictionaries(
    st.sampled_from(["page", "point", "from", "next", "fragment", "q", "sort", "lang", "format"])
    | hostile_text(12).filter(bool),
    st.one_of(hostile_value(), st.lists(hostile_value(), max_size=3)),
    min_size=1,
    max_size=4,
)

READERS = {
    "dashboard ?page": ("rounds:round_detail", "page"),
    "group list ?page": ("rounds:group_list", "page"),
    "schedule ?page": ("rounds:meeting_list", "page"),
    "audit trail ?page": ("rounds:round_audit", "page"),
    "new checklist version ?from": ("checklist:version_create", "from"),
    "sign-in ?next": ("accounts:login", "next"),
    "reports ?fragment": ("reports:round_reports", "fragment"),
    "library ?q": ("participants:library", "q"),
    "library ?moment": ("participants:library", "moment"),
    "library ?year": ("participants:library", "year"),
}


@settings(PROPERTY, max_examples=EXAMPLES_PER_PROPERTY * len(READERS))
@given(
    reader=st.sampled_from(sorted(READERS)),
    value=st.one_of(hostile_value(), st.lists(hostile_value(), max_size=3)),
    more=query_parameters,
)
@example(reader="dashboard ?page", value="-1", more={})
@example(reader="dashboard ?page", value="abc", more={})
@example(reader="dashboard ?page", value=str(10**20), more={})
@example(reader="audit trail ?page", value="0", more={"page": "2"})
@example(reader="new checklist version ?from", value="../../etc/passwd", more={})
@example(reader="sign-in ?next", value="http://evil.example.com/", more={})
def test_a_query_parameter_a_page_reads_never_causes_a_500(pages, reader, value, more):
    name, key = READERS[reader]
    args = [pages.round_a.slug] if name.startswith(("rounds:", "reports:")) else []
    user = None if name == "accounts:login" else "leader"
    params = {**more, key: value}
    if known_bug_in_query(name, params):
        reject()

    response, changed = _get(pages, user, reverse(name, args=args), params, {"HX-Request": "true"})

    assert response.status_code < 500
    assert response.status_code in (200, 400, 404), response.status_code
    assert changed == set()


@settings(PROPERTY, max_examples=EXAMPLES_PER_PROPERTY * 3)
@given(data=st.data())
def test_every_page_answers_hostile_query_parameters_without_a_500_or_a_write(pages, data):
    url, user = data.draw(st.sampled_from(_get_pages(pages)))
    params = data.draw(query_parameters)
    if known_bug_in_query(url, params):
        reject()

    response, changed = _get(pages, user, url, params)

    assert response.status_code < 500
    assert response.status_code not in (401, 403), f"{url} refused {user}"
    assert changed == set()


OFF_SITE = [
    "http://evil.example.com",
    "https://evil.example.com/",
    "//evil.example.com",
    "///evil.example.com",
    "/\\evil.example.com",
    "\\\\evil.example.com",
    "http:/evil.example.com",
    "http://testserver@evil.example.com/",
    "https://testserver.evil.example.com/",
    " http://evil.example.com",
    "\thttp://evil.example.com",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "http://evil.example.com/?next=/",
    "http://[::1]:80@evil.example.com",
    "http://%65vil.example.com",
]


def _stays_on_site(location: str) -> bool:
    """A redirect target a browser would read as this site."""
    target = location.strip().replace("\\", "/")
    parts = urlsplit(target)
    return (
        parts.scheme in ("", "http")
        and parts.netloc in ("", "testserver")
        and not (target.startswith("//"))
    )


@pytest.mark.parametrize("where", ["sign-in", "language"])
@PROPERTY
@given(target=st.one_of(st.sampled_from(OFF_SITE), hostile_urls(), hostile_text()))
@example(target="http://evil.example.com/")
@example(target="//evil.example.com")
def test_a_next_address_never_sends_anyone_off_site(world, where, target):
    if where == "sign-in":
        url = reverse("accounts:login") + "?next=" + quote(target, safe="")
        data = {"username": "pl@skr.se", "password": PASSWORD, "next": target}
    else:
        url = reverse("set_language")
        data = {"language": "en", "next": target}
    with transaction.atomic():
        response = Client().post(url, data, headers={"referer": target})
        transaction.set_rollback(True)

    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


# Path segments


PATHS = {
    "round (slug)": ("/rounds/{}/", "leader"),
    "organisation (code)": ("/rounds/omgang-a/organisations/{}/", "leader"),
    "organisation report (code)": ("/reports/rounds/omgang-a/organisations/{}/", "leader"),
    "invitation (token)": ("/invitation/{}/", None),
    "calendar feed (token)": ("/calendar/{}.ics", None),
    "application (slug)": ("/apply/{}/", None),
    "checklist version (slug)": ("/checklist/versions/{}/", "leader"),
    "assessment (number)": ("/checklist/assessments/{}/", "leader"),
    "meeting (number)": ("/rounds/omgang-a/meetings/{}/", "leader"),
    "password reset link": ("/accounts/password-reset/{}/{}/", None),
}


@settings(PROPERTY, max_examples=EXAMPLES_PER_PROPERTY * len(PATHS))
@given(
    route=st.sampled_from(sorted(PATHS)),
    segment=st.one_of(
        hostile_path_segment(),
        st.sampled_from([str(10**20), str(2**63), "-1", "0", "٣", "%ff", "%00", "..", "."]),
    ),
)
def test_a_hostile_path_segment_is_a_404_not_a_500(pages, route, segment):
    template, user = PATHS[route]
    encoded = quote(segment, safe="%") if segment.startswith("%") else quote(segment, safe="")
    path = template.format(*[encoded] * template.count("{}"))
    if known_bug_in_path(route, segment):
        reject()

    response, changed = _get(pages, user, path)

    assert response.status_code < 500
    expected = {
        "invitation (token)": {410, 404},
        "password reset link": {200, 404},
    }.get(route, {404})
    if segment.isascii() and segment.isdigit() and int(segment) < 1000:
        expected = expected | {200}  # a small number may well name an object that exists
    assert response.status_code in expected, (path, response.status_code)
    assert changed == set()

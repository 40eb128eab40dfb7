"""CSRF stays on for every write. Django's test client skips the check unless asked, so these
tests use `Client(enforce_csrf_checks=True)`, as a browser on another site would be treated.

Every view that takes a POST (found by walking the URL configuration, `post_endpoints`) is in
`ENDPOINTS` with a request that the person allowed to make it would make. Without a token each
answers 403 from Django's CSRF failure view and changes nothing; with the token from a page the
same request goes through. A new POST view that is not in the table fails the first test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from checklist import document as checklist_document
from checklist import services as checklist_services
from checklist.models import Answer, SelfAssessment
from participants import services as participant_services
from participants.models import Invitation
from reports.models import ReportJob
from rounds import archive, evaluations, material
from rounds import services as round_services
from rounds.models import GroupMentor, Meeting
from rounds.services import result_reports as rr
from tests.accounts.factories import PASSWORD
from tests.conftest import WORLD_DAY, build_world, module_data
from tests.hostile import changed_tables, fingerprint, post_endpoints
from tests.rounds import documents

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ny-Jämställd-2027!"


def _scores(**overrides) -> dict:
    return {f"score_{n}": str(overrides.get(f"score_{n}", 2)) for n in range(1, 11)}


def _version_data() -> dict:
    data = {
        "slug": "skr-4-steg",
        "name_sv": "Fyrgradig checklista",
        "level": "organisation",
        "scale_min": "1",
        "scale_max": "4",
        "steps-TOTAL_FORMS": "4",
        "steps-INITIAL_FORMS": "0",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-text_sv": "Den politiska församlingen har tagit beslut",
    }
    for index in range(4):
        data[f"steps-{index}-value"] = str(index + 1)
        data[f"steps-{index}-label_sv"] = f"Steg {index + 1}"
    return data


def _meeting_data(w, **overrides) -> dict:
    return {
        "kind": "seminar",
        "title": "Fördjupningsseminarium",
        "starts_at": "2026-09-01T09:00",
        "ends_at": "2026-09-01T16:00",
        **overrides,
    }


def _archive_upload(w) -> SimpleUploadedFile:
    document = archive.export_document(w.round_a)
    document["round"]["slug"] = "omgang-arkiv"
    text = json.dumps(document, ensure_ascii=False).encode()
    return SimpleUploadedFile("round.json", text, content_type="application/json")


def _checklist_upload(w) -> SimpleUploadedFile:
    document = checklist_document.export_document(w.round_a.checklist_version)
    document["slug"] = "lista-fil"
    text = json.dumps(document, ensure_ascii=False).encode()
    return SimpleUploadedFile("lista.json", text, content_type="application/json")


def _assessments_upload(w) -> SimpleUploadedFile:
    lines = ["organisation,meeting,item,score"]
    lines += [f"9102,{w.meeting_ga1.key},{n},3" for n in range(1, 11)]
    return SimpleUploadedFile("bedomning.csv", "\n".join(lines).encode(), content_type="text/csv")


RESULT_TEXTS = {
    "aims": "Mål",
    "organisation_of_work": "Styrgrupp",
    "lessons": "Lärdom",
    "advice": "Råd",
    "result_0_step": "outcome",
    "result_0_text": "Jämnare hemtjänst",
}


def _result_report(participation, by):
    report = rr.result_report_start(participation=participation, year=1)
    return rr.result_report_save(
        report=report,
        texts={k: v for k, v in RESULT_TEXTS.items() if not k.startswith("result_")},
        results=[{"chain_step": "outcome", "text": "Jämnare hemtjänst", "work": None}],
        willing_to_mentor=True,
        by=by,
    )


# (who posts, the URL, the form data) for each view that takes a POST; built per test, since the
# objects are the test's own.
Endpoint = Callable[[object], tuple[str | None, str, dict]]
ENDPOINTS: dict[str, Endpoint] = {
    "set_language": lambda w: (None, reverse("set_language"), {"language": "en", "next": "/"}),
    "accounts:login": lambda w: (
        None,
        reverse("accounts:login"),
        {"username": "pl@skr.se", "password": PASSWORD},
    ),
    "accounts:logout": lambda w: ("strategist_a1", reverse("accounts:logout"), {}),
    "accounts:calendar": lambda w: (
        "strategist_a1",
        reverse("accounts:calendar"),
        {"action": "reset"},
    ),
    "accounts:person_erase": lambda w: (
        "leader",
        reverse("accounts:person_erase", args=[w.outsider.pk]),
        {"confirm": "erase"},
    ),
    "accounts:password_reset": lambda w: (
        None,
        reverse("accounts:password_reset"),
        {"email": "strateg@aby.se"},
    ),
    "accounts:password_reset_confirm": lambda w: (
        None,
        reverse("accounts:password_reset_confirm", args=[w.reset_uid, w.reset_token]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ),
    "participants:person_invite": lambda w: (
        "leader",
        reverse("participants:person_invite", args=[w.round_a.slug, "9101"]),
        {"full_name": "Eva Ek", "email": "eva@aby.se", "functions": ["chef"]},
    ),
    "participants:improvement_work_create": lambda w: (
        "strategist_a1",
        reverse("participants:improvement_work_create", args=[w.round_a.slug, "9101"]),
        {
            "title": "Könsuppdelad statistik",
            "phase": "plan",
            "chain_step": "activity",
            "level": "organisation",
        },
    ),
    "participants:improvement_work_update": lambda w: (
        "strategist_a1",
        reverse("participants:improvement_work_update", args=[w.work.pk]),
        {
            "title": "Statistik per kön",
            "phase": "do",
            "chain_step": "product",
            "level": "organisation",
        },
    ),
    "participants:progress_note_add": lambda w: (
        "strategist_a1",
        reverse("participants:progress_note_add", args=[w.work.pk]),
        {"noted_on": "2026-05-01", "text": "Kartläggningen är klar."},
    ),
    "participants:improvement_work_share": lambda w: (
        "strategist_a1",
        reverse("participants:improvement_work_share", args=[w.work.pk]),
        {"sharing": "group"},
    ),
    "participants:improvement_work_approval": lambda w: (
        "leader",
        reverse("participants:improvement_work_approval", args=[w.programme_work.pk]),
        {"decision": "approve"},
    ),
    "participants:organisation_update": lambda w: (
        "leader",
        reverse("participants:organisation_update", args=[w.round_a.slug, "9101"]),
        {
            "name": "Aby kommun",
            "county_code": "01",
            "county_name": "Stockholms län",
            "latitude": "59.33",
            "longitude": "18.06",
        },
    ),
    "participants:person_update": lambda w: (
        "leader",
        reverse(
            "participants:person_update",
            kwargs={"round_slug": w.round_a.slug, "code": "9101", "person_pk": w.politician_a1.pk},
        ),
        {"full_name": "Per Politiker", "email": "politiker@aby.se", "functions": ["politiker"]},
    ),
    "participants:invitation_action": lambda w: (
        "leader",
        reverse(
            "participants:invitation_action",
            kwargs={"round_slug": w.round_a.slug, "code": "9101", "pk": w.invitation.pk},
        ),
        {"action": "revoke"},
    ),
    "participants:participation_withdraw": lambda w: (
        "leader",
        reverse("participants:participation_withdraw", args=[w.round_a.slug, "9104"]),
        {"withdrawn_on": "2026-06-01", "reason": "Omorganisation."},
    ),
    "participants:invitation_accept": lambda w: (
        None,
        reverse("participants:invitation_accept", args=[w.invitation_token]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    "participants:application_create": lambda w: (
        None,
        reverse("participants:application_create", args=[w.round_a.slug]),
        {
            "organisation_name": "Förbundet Syd",
            "contact_name": "Eva Ek",
            "contact_email": "eva@syd.se",
            "anchoring": "Förbundsstyrelsen beslutade i oktober.",
        },
    ),
    "participants:application_decide": lambda w: (
        "leader",
        reverse("participants:application_decide", args=[w.round_a.slug, w.application.pk]),
        {"decision": "decline", "decline-reason": "Omgången är full."},
    ),
    "participants:participation_fees": lambda w: (
        "leader",
        reverse("participants:participation_fees", args=[w.round_a.slug]),
        {f"p{w.a1.pk}-fee": "45000", f"p{w.a1.pk}-fee_invoiced": "on"},
    ),
    "rounds:round_create": lambda w: (
        "leader",
        reverse("rounds:round_create"),
        {
            "name": "Omgång D",
            "slug": "omgang-d",
            "kind": "municipal",
            "starts_on": "2027-01-01",
            "ends_on": "2028-12-31",
            "current_year": "1",
            "checklist_version": str(w.round_a.checklist_version_id),
            "reminder_days": "7, 2",
            "meeting_notice_days": "14",
        },
    ),
    "rounds:round_update": lambda w: (
        "leader",
        reverse("rounds:round_update", args=[w.round_a.slug]),
        {
            "name": "Omgång A (ny)",
            "kind": "municipal",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "current_year": "2",
            "reminder_days": "7",
            "meeting_notice_days": "10",
        },
    ),
    "rounds:round_status": lambda w: (
        "leader",
        reverse("rounds:round_status", args=[w.round_a.slug]),
        {"action": "activate"},
    ),
    "rounds:schedule_generate": lambda w: (
        "leader",
        reverse("rounds:schedule_generate", args=[w.round_c.slug]),
        {},
    ),
    "rounds:group_proposal": lambda w: (
        "leader",
        reverse("rounds:group_proposal", args=[w.round_c.slug]),
        {},
    ),
    "rounds:mentor_proposal": lambda w: (
        "leader",
        reverse("rounds:mentor_proposal", args=[w.round_a.slug]),
        {"accept": "all"},
    ),
    "rounds:mentor_set": lambda w: (
        "leader",
        reverse("rounds:mentor_set", args=[w.round_a.slug, w.ga1.pk]),
        {"action": "lock"},
    ),
    "rounds:round_import": lambda w: (
        "leader",
        reverse("rounds:round_import"),
        {"file": _archive_upload(w)},
    ),
    "rounds:meeting_create": lambda w: (
        "leader",
        reverse("rounds:meeting_create", args=[w.round_a.slug]),
        _meeting_data(w),
    ),
    "rounds:meeting_update": lambda w: (
        "leader",
        reverse("rounds:meeting_update", args=[w.round_a.slug, w.startup.pk]),
        _meeting_data(w, kind="startup_conference", title="Uppstart i Stockholm"),
    ),
    "rounds:meeting_delete": lambda w: (
        "leader",
        reverse("rounds:meeting_delete", args=[w.round_a.slug, w.startup.pk]),
        {},
    ),
    "rounds:attendance": lambda w: (
        "leader",
        reverse("rounds:attendance", args=[w.round_a.slug, w.meeting_ga1.pk]),
        {"attended": [w.strategist_a1.pk]},
    ),
    "rounds:group_create": lambda w: (
        "leader",
        reverse("rounds:group_create", args=[w.round_a.slug]),
        {"name": "GA4", "theme": "Folkhälsa"},
    ),
    "rounds:group_update": lambda w: (
        "leader",
        reverse("rounds:group_update", args=[w.round_a.slug, w.ga1.pk]),
        {"name": "GA1 Norr", "members": [w.a1.pk, w.a2.pk]},
    ),
    "rounds:group_delete": lambda w: (
        "leader",
        reverse("rounds:group_delete", args=[w.round_a.slug, w.ga3.pk]),
        {},
    ),
    "rounds:mentor_add": lambda w: (
        "leader",
        reverse("rounds:mentor_add", args=[w.round_a.slug, w.ga2.pk]),
        {"organisation": w.m1.organisation_id, "is_primary": "0"},
    ),
    "rounds:mentor_remove": lambda w: (
        "leader",
        reverse(
            "rounds:mentor_remove",
            args=[w.round_a.slug, w.ga1.pk, GroupMentor.objects.get(group=w.ga1).pk],
        ),
        {},
    ),
    "rounds:meeting_material": lambda w: (
        "strategist_a1",
        reverse("rounds:meeting_material", args=[w.round_a.slug, w.meeting_ga1.pk]),
        {"form": "agenda", "agenda": "9.00 Start"},
    ),
    "rounds:material_delete": lambda w: (
        "strategist_a1",
        reverse("rounds:material_delete", args=[w.round_a.slug, w.meeting_ga1.pk, w.material.pk]),
        {},
    ),
    "rounds:programme_library": lambda w: (
        "leader",
        reverse("rounds:programme_library"),
        {
            "title": "Mall",
            "description": "Stöd",
            "file": SimpleUploadedFile("mall.pdf", documents.pdf(), content_type="application/pdf"),
        },
    ),
    "rounds:programme_document_delete": lambda w: (
        "leader",
        reverse("rounds:programme_document_delete", args=[w.library_document.pk]),
        {},
    ),
    "rounds:group_notes": lambda w: (
        "mentor_m1",
        reverse("rounds:group_notes", args=[w.round_a.slug, w.ga1.pk]),
        {"text": "Ta med beslutsunderlagen.", "meeting": ""},
    ),
    "rounds:mentor_role": lambda w: (
        "leader",
        reverse("rounds:mentor_role"),
        {"text": "<p>Mentorn lyssnar.</p>"},
    ),
    "rounds:evaluation_answer": lambda w: (
        "strategist_a1",
        reverse("rounds:evaluation_answer", args=[w.round_a.slug, w.held_ga1.pk]),
        {
            **{f"statement_{s.pk}": "4" for s in evaluations.statements("learning_meeting")},
            "comment": "Bra träff.",
        },
    ),
    "rounds:evaluation_statements": lambda w: (
        "leader",
        reverse("rounds:evaluation_statements"),
        {
            "learning_meeting": "Bra träff.",
            "startup_conference": "A",
            "midterm_conference": "B",
            "result_conference": "C",
        },
    ),
    "checklist:version_import": lambda w: (
        "leader",
        reverse("checklist:version_import"),
        {"file": _checklist_upload(w)},
    ),
    "checklist:version_create": lambda w: (
        "leader",
        reverse("checklist:version_create"),
        _version_data(),
    ),
    "checklist:round_checklist": lambda w: (
        "leader",
        reverse("checklist:round_checklist", args=[w.round_c.slug]),
        {"version": w.other_version.pk},
    ),
    "checklist:assessment_save": lambda w: (
        "strategist_a1",
        reverse("checklist:assessment_save", args=[w.draft_a1.pk]),
        {"revision": w.draft_a1.revision, "score_2": "3", "comment_2": "Efterfrågas årligen."},
    ),
    "checklist:assessment_submit": lambda w: (
        "strategist_a1",
        reverse("checklist:assessment_submit", args=[w.draft_a1.pk]),
        {"revision": w.draft_a1.revision, **_scores()},
    ),
    "checklist:assessment_lock": lambda w: (
        "leader",
        reverse("checklist:assessment_lock", args=[w.draft_a1.pk]),
        {"action": "close"},
    ),
    "checklist:assessment_reopen": lambda w: (
        "leader",
        reverse("checklist:assessment_reopen", args=[w.submitted_a2.pk]),
        {"reason": "Fel poäng på moment 3"},
    ),
    "checklist:assessment_remark": lambda w: (
        "politician_a1",
        reverse("checklist:assessment_remark", args=[w.draft_a1.pk]),
        {"text": "Bra början.", "item": "1"},
    ),
    "checklist:assessment_start": lambda w: (
        "strategist_a1",
        reverse("checklist:assessment_start", args=[w.round_a.slug, "9101", w.meeting_2.pk]),
        {},
    ),
    "checklist:assessment_import": lambda w: (
        "leader",
        reverse("checklist:assessment_import", args=[w.round_a.slug]),
        {"file": _assessments_upload(w)},
    ),
    "reports:round_reports": lambda w: (
        "leader",
        reverse("reports:round_reports", args=[w.round_a.slug]),
        {},
    ),
    "reports:batch_create": lambda w: (
        "leader",
        reverse("reports:batch_create", args=[w.round_a.slug]),
        {},
    ),
    "reports:organisation_reports": lambda w: (
        "strategist_a1",
        reverse("reports:organisation_reports", args=[w.round_a.slug, "9101"]),
        {},
    ),
    "reports:organisation_summary": lambda w: (
        "strategist_a1",
        reverse("reports:organisation_summary", args=[w.round_a.slug, "9101"]),
        {},
    ),
    "reports:summary_next_steps": lambda w: (
        "strategist_a1",
        reverse("reports:summary_next_steps", args=[w.round_a.slug, "9101"]),
        {"next_steps": "Ny budgetanvisning."},
    ),
    "reports:group_reports": lambda w: (
        "strategist_a1",
        reverse("reports:group_reports", args=[w.round_a.slug, w.ga1.pk]),
        {"meeting": ""},
    ),
    "reports:job_rerun": lambda w: (
        "leader",
        reverse("reports:job_rerun", args=[w.failed_job.pk]),
        {},
    ),
    # The participants' result reports.
    "rounds:result_reports": lambda w: (
        "leader",
        reverse("rounds:result_reports", args=[w.round_a.slug]),
        {"due_1": "2026-12-15", "due_2": ""},
    ),
    "rounds:result_report_start": lambda w: (
        "strategist_a1",
        reverse("rounds:result_report_start", args=[w.round_a.slug, "9101", 1]),
        {},
    ),
    "rounds:result_report_save": lambda w: (
        "strategist_a1",
        reverse("rounds:result_report_save", args=[w.result_a1.pk]),
        {**RESULT_TEXTS, "revision": w.result_a1.revision, "willing_to_mentor": "yes"},
    ),
    "rounds:result_report_submit": lambda w: (
        "strategist_a1",
        reverse("rounds:result_report_submit", args=[w.result_a1.pk]),
        {"revision": w.result_a1.revision},
    ),
    "rounds:result_report_reopen": lambda w: (
        "leader",
        reverse("rounds:result_report_reopen", args=[w.result_a2.pk]),
        {"reason": "Fel siffror"},
    ),
    "rounds:result_report_comment": lambda w: (
        "politician_a1",
        reverse("rounds:result_report_comment", args=[w.result_a1.pk]),
        {"text": "Bra skrivet."},
    ),
}

# The page each person's token is read from, as a browser has it before posting.
TOKEN_PAGE = {None: "accounts:login"}


def _csrf_world():
    """The world, with what the requests above need besides, built once for the module's tests
    (`module_data`); its files are in the process's media directory, which no test of this
    module empties (a file is deleted only when its deletion commits, and these tests roll
    back)."""
    world = build_world()
    world.round_a = round_services.round_update(round=world.round_a, accepts_applications=True)
    invitation = participant_services.person_invite(
        participation=world.a1, email="ny@aby.se", full_name="Ny Person", functions=["chef"]
    )
    world.invitation = invitation
    world.invitation_token = participant_services.invitation_send(invitation=invitation)
    world.reset_uid = urlsafe_base64_encode(force_bytes(world.strategist_a1.pk))
    world.reset_token = default_token_generator.make_token(world.strategist_a1)
    world.application = participant_services.application_submit(
        round=world.round_a,
        organisation=None,
        organisation_name="Förbundet Nord",
        contact_name="Eva Ek",
        contact_email="eva@nord.se",
    )
    world.work = participant_services.improvement_work_create(
        participation=world.a1, title="Statistik"
    )
    world.programme_work = participant_services.improvement_work_share(
        work=participant_services.improvement_work_create(participation=world.a1, title="Exempel"),
        sharing="programme",
    )
    world.round_c = round_services.round_create(
        name="Omgång C", slug="omgang-c", starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2028, 1, 1)
    )
    for participation in (world.b1, world.b2):  # two to propose a group of in round C
        participant_services.participation_add(
            round=world.round_c, organisation=participation.organisation
        )
    world.ga3 = round_services.group_create(round=world.round_a, name="GA3")
    world.other_version = checklist_services.checklist_version_create(
        slug="tre-punkter",
        name_sv="Tre punkter",
        scale_min=1,
        scale_max=2,
        steps=[checklist_services.StepSpec(1, "Nej"), checklist_services.StepSpec(2, "Ja")],
        items=[checklist_services.ItemSpec(text_sv=f"Punkt {n}") for n in range(1, 4)],
    )
    world.meeting_2 = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=world.meeting_ga1.starts_at + dt.timedelta(days=60),
        ends_at=world.meeting_ga1.ends_at + dt.timedelta(days=60),
        assessment_due=True,
    )
    world.failed_job = ReportJob.objects.create(
        kind=ReportJob.Kind.ROUND, round=world.round_a, language="sv", status="failed"
    )
    # Meeting material on GA1's meeting, hosted by A1, and a document in the programme library.
    world.meeting_ga1 = round_services.meeting_update(
        meeting=world.meeting_ga1, host=world.a1.organisation
    )
    world.material = material.meeting_material_add(
        meeting=world.meeting_ga1,
        title="Underlag",
        upload=SimpleUploadedFile("underlag.pdf", documents.pdf()),
    )
    world.library_document = material.programme_document_add(
        title="Metodstöd", upload=SimpleUploadedFile("metod.pdf", documents.pdf())
    )
    # A complete draft of A1's result report, and A2's submitted one.
    world.result_a1 = _result_report(world.a1, world.strategist_a1)
    world.result_a2 = rr.result_report_submit(
        report=_result_report(world.a2, world.strategist_a2), by=world.strategist_a2
    )
    # A meeting of GA1 that has ended, to evaluate.
    held = timezone.now() - dt.timedelta(days=3)
    world.held_ga1 = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=3,
        title="Lärandeträff 3 GA1",
        starts_at=held,
        ends_at=held + dt.timedelta(hours=6),
    )
    return world


w = module_data("w", _csrf_world, day=WORLD_DAY)


def _client(w, user: str | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(getattr(w, user))
    return client


META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token_from_page(client: Client, user: str | None) -> str:
    """The token a browser has: read from a page the person can open."""
    page = client.get(reverse(TOKEN_PAGE.get(user, "home")))
    assert page.status_code == 200
    html = page.content.decode()
    return (FORM_TOKEN.search(html) or META_TOKEN.search(html)).group(1)


def _is_csrf_refusal(response) -> bool:
    return response.status_code == 403 and "403_csrf.html" in [t.name for t in response.templates]


def test_every_view_that_takes_a_post_is_in_the_table():
    discovered = post_endpoints()

    assert discovered - set(ENDPOINTS) == set(), "a new POST view: add it to ENDPOINTS"
    assert set(ENDPOINTS) - discovered == set(), "a view in ENDPOINTS no longer takes a POST"


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_post_without_a_token_is_refused_and_changes_nothing(w, name):
    user, url, data = ENDPOINTS[name](w)
    client = _client(w, user)
    before = fingerprint()

    response = client.post(url, data)

    assert _is_csrf_refusal(response), (response.status_code, url)
    assert changed_tables(before, fingerprint()) == set()


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_the_same_post_with_the_token_from_a_page_goes_through(w, name):
    user, url, data = ENDPOINTS[name](w)
    client = _client(w, user)
    token = _token_from_page(client, user)

    response = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert response.status_code in (200, 302), (response.status_code, url)
    assert not _is_csrf_refusal(response)
    messages = list(get_messages(response.wsgi_request))
    assert "error" not in [m.level_tag for m in messages], (url, [m.message for m in messages])
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    assert not (form is not None and form.is_bound and form.errors), form and form.errors


def test_an_assessment_is_saved_with_the_token_and_not_without(w):
    user, url, data = ENDPOINTS["checklist:assessment_save"](w)
    client = _client(w, user)

    refused = client.post(url, data)
    token = _token_from_page(client, user)
    saved = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert _is_csrf_refusal(refused)
    assert saved.status_code == 302
    answer = Answer.objects.get(assessment=w.draft_a1, item__number=2)
    assert (answer.score, answer.comment) == (3, "Efterfrågas årligen.")
    assert SelfAssessment.objects.get(pk=w.draft_a1.pk).revision == w.draft_a1.revision + 1


def test_a_person_is_invited_with_the_token_and_not_without(w):
    user, url, data = ENDPOINTS["participants:person_invite"](w)
    client = _client(w, user)

    refused = client.post(url, data)
    assert not Invitation.objects.filter(person__email="eva@aby.se").exists()
    token = _token_from_page(client, user)
    invited = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert _is_csrf_refusal(refused)
    assert invited.status_code == 302
    assert Invitation.objects.filter(person__email="eva@aby.se").count() == 1


def test_a_meeting_is_changed_with_the_token_and_not_without(w):
    user, url, data = ENDPOINTS["rounds:meeting_update"](w)
    client = _client(w, user)

    refused = client.post(url, data)
    w.startup.refresh_from_db()
    assert w.startup.title == "Uppstartskonferens"
    token = _token_from_page(client, user)
    changed = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert _is_csrf_refusal(refused)
    assert changed.status_code == 302
    w.startup.refresh_from_db()
    assert w.startup.title == "Uppstart i Stockholm"


def test_htmx_saves_with_the_token_in_its_header(w):
    """site.js reads the token from the page's <meta name="csrf-token"> and sends it as
    X-CSRFToken on every htmx request."""
    user, url, data = ENDPOINTS["checklist:assessment_save"](w)
    client = _client(w, user)
    page = client.get(reverse("checklist:assessment", args=[w.draft_a1.pk]))
    token = META_TOKEN.search(page.content.decode()).group(1)

    without = client.post(url, data, headers={"HX-Request": "true"})
    with_header = client.post(url, data, headers={"HX-Request": "true", "X-CSRFToken": token})

    assert _is_csrf_refusal(without)
    assert with_header.status_code == 200
    assert "checklist/_save_status.html" in [t.name for t in with_header.templates]
    assert Answer.objects.get(assessment=w.draft_a1, item__number=2).score == 3


def test_a_token_from_another_session_is_refused(w):
    user, url, data = ENDPOINTS["checklist:assessment_save"](w)
    elsewhere = _client(w, "strategist_a2")
    foreign_token = _token_from_page(elsewhere, "strategist_a2")
    client = _client(w, user)
    before = fingerprint()

    response = client.post(url, {**data, "csrfmiddlewaretoken": foreign_token})

    assert _is_csrf_refusal(response)
    assert changed_tables(before, fingerprint()) == set()


def test_the_admin_sign_in_needs_a_token_too(w):
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "pl@skr.se", "password": PASSWORD}
    )

    assert _is_csrf_refusal(response)


def test_a_mentor_is_added_only_with_the_token(w):
    user, url, data = ENDPOINTS["rounds:mentor_add"](w)
    client = _client(w, user)

    client.post(url, data)
    assert not GroupMentor.objects.filter(group=w.ga2, participation=w.m1).exists()
    client.post(url, {**data, "csrfmiddlewaretoken": _token_from_page(client, user)})

    assert GroupMentor.objects.filter(group=w.ga2, participation=w.m1).exists()

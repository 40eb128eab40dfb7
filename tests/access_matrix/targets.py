"""The access matrix's registry: the kinds of user, the markers of the target objects, and
`TARGETS`, one entry per named URL (see the package's description). A new URL is added here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.rounds import documents

# The kinds of user, by the `world` attribute that holds one ("anonymous" is nobody).
ROLES = (
    "anonymous",
    "outsider",  # a person in no round
    "politician_a1",
    "manager_a1",
    "strategist_a1",  # the owner
    "strategist_a2",  # another organisation of the same group
    "strategist_a3",  # another group of the same round
    "mentor_m1",  # the group's own mentor
    "mentor_m2",  # a mentor of another group
    "strategist_b1",  # another round
    "leader",  # a project leader
)

PUBLIC = frozenset(ROLES)
SIGNED_IN = PUBLIC - {"anonymous"}
LEADER = frozenset({"leader"})
A1_STRATEGIST = LEADER | {"strategist_a1"}
A1_PEOPLE = A1_STRATEGIST | {"politician_a1", "manager_a1"}
GA1_MEMBERS = A1_PEOPLE | {"strategist_a2"}
GA1_VIEWERS = GA1_MEMBERS | {"mentor_m1"}
ROUND_A = GA1_VIEWERS | {"strategist_a3", "mentor_m2"}
MENTORS = LEADER | {"mentor_m1", "mentor_m2"}
IN_ANY_ROUND = SIGNED_IN - {"outsider"}  # every participant and mentor of any round

# Markers of the target objects: a denied answer must contain none of them.
ORG_A1 = ("Aby", "Anna Analytiker")
GROUP_GA1 = ("GA1",)
ROUND_A_NAME = ("Omgång A",)
MEETING_GA1 = ("Lärandeträff 1 GA1",)
PERSON = ("Anna Analytiker", "analytiker@aby.se")
WORK = ("Jämställd biståndshandläggning",)
WORK_GROUP = ("Gruppens delade förbättringsarbete",)
WORK_AWAITING = ("Väntar på godkännande",)
WORK_LIBRARY = ("Gott exempel i biblioteket",)
MATERIAL = ("Matrisens underlag",)
NOTE = ("Mentorns hemliga råd",)
HELD_GA1 = ("Lärandeträff 2 GA1",)
EVALUATION = ("Ett hemligt omdöme",)
RESULT_A1 = ("Aby", "Matrisens hemliga lärdom")
RESULT_A2 = ("Bby", "Bbys inlämnade lärdom")

# A1's fee (differentiated per organisation) is for SKR's project leaders only: no page or file
# anyone else may open shows it, in any of the ways a number is written.
FEE_A1 = 987654
FEE_MARKERS = ("987654", "987 654", "987\xa0654", "987&nbsp;654", "987,654")

INVITATION_TOKEN = "matris-inbjudan-0123456789abcdef"
CALENDAR_TOKEN = "matris-kalender-0123456789abcdef"


@dataclass(frozen=True)
class Target:
    """One URL of the matrix: how to fill it, what to send, and who may."""

    kwargs: Callable[[SimpleNamespace], dict] = lambda w: {}
    allowed: frozenset[str] = LEADER  # who may GET (or who may POST, for a POST-only URL)
    methods: tuple[str, ...] = ("GET",)
    post_allowed: frozenset[str] | None = None  # who may POST, where not the same
    data: Callable[[SimpleNamespace], dict] = lambda w: {}
    markers: tuple[str, ...] = ()
    get_ok: tuple[int, ...] = (200,)
    query: str = ""
    htmx: bool = False
    shows_marker: bool = True  # an allowed HTML page shows the first marker

    def who_may(self, method: str) -> frozenset[str]:
        if method == "POST" and self.post_allowed is not None:
            return self.post_allowed
        return self.allowed


def _round(w):
    return {"round_slug": w.round_a.slug}


def _org(w):
    return {"round_slug": w.round_a.slug, "code": "9101"}


def _group(w):
    return {"round_slug": w.round_a.slug, "pk": w.ga1.pk}


def _meeting(w):
    return {"round_slug": w.round_a.slug, "pk": w.meeting_ga1.pk}


def _material(w):
    return {**_meeting(w), "material_pk": w.material_ga1.pk}


def _draft(w):
    return {"pk": w.draft_a1.pk}


def _result(w):
    return {"pk": w.result_a1.pk}


def _result_data(w):
    return {
        "revision": w.result_a1.revision,
        "aims": "Matrisens mål",
        "result_0_step": "activity",
        "result_0_text": "Matrisens resultat",
        "willing_to_mentor": "no",
    }


def _scores(w, revision):
    data = {"revision": revision}
    data.update({f"score_{n}": "2" for n in range(1, 11)})
    data.update({f"comment_{n}": "Matrisens kommentar" for n in range(1, 11)})
    return data


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

TARGETS: dict[str, Target] = {
    # The site and the accounts.
    "home": Target(allowed=SIGNED_IN, shows_marker=False),
    "about": Target(allowed=PUBLIC),
    "accessibility": Target(allowed=PUBLIC),
    "set_language": Target(allowed=PUBLIC, methods=POST, data=lambda w: {"language": "sv"}),
    "accounts:login": Target(
        allowed=PUBLIC,
        methods=BOTH,
        get_ok=(200, 302),  # a signed-in person is sent on to the start page
        data=lambda w: {"username": "ingen@example.se", "password": "fel-lösenord"},
    ),
    "accounts:logout": Target(allowed=PUBLIC, methods=POST),
    "accounts:calendar": Target(allowed=SIGNED_IN, methods=BOTH),
    "accounts:person": Target(kwargs=lambda w: {"pk": w.person_a1.pk}, markers=PERSON),
    "accounts:person_export": Target(
        kwargs=lambda w: {"pk": w.person_a1.pk}, markers=PERSON, shows_marker=False
    ),
    "accounts:person_erase": Target(
        kwargs=lambda w: {"pk": w.person_a1.pk},
        methods=POST,
        data=lambda w: {"confirm": "erase"},
        markers=PERSON,
    ),
    "accounts:password_reset": Target(
        allowed=PUBLIC, methods=BOTH, data=lambda w: {"email": "ingen@example.se"}
    ),
    "accounts:password_reset_done": Target(allowed=PUBLIC),
    "accounts:password_reset_confirm": Target(
        kwargs=lambda w: {
            "uidb64": urlsafe_base64_encode(force_bytes(w.person_a1.pk)),
            "token": "ogiltig-nyckel",
        },
        allowed=PUBLIC,
        methods=BOTH,
        data=lambda w: {"new_password1": "x", "new_password2": "x"},
    ),
    "accounts:password_reset_complete": Target(allowed=PUBLIC),
    # An organisation in a round, its people and its improvement work.
    "participants:participation_detail": Target(
        kwargs=_org, allowed=A1_PEOPLE | {"mentor_m1"}, markers=ORG_A1
    ),
    "participants:person_invite": Target(
        kwargs=_org,
        methods=BOTH,
        data=lambda w: {
            "email": "ny@aby.se",
            "full_name": "Nina Ny",
            "functions": ["analytiker"],
        },
        markers=ORG_A1,
    ),
    "participants:improvement_work_create": Target(
        kwargs=_org,
        allowed=A1_STRATEGIST,
        methods=BOTH,
        data=lambda w: {"title": "Matrisens förbättringsarbete", "phase": "plan"},
        markers=ORG_A1,
    ),
    "participants:improvement_work": Target(
        kwargs=lambda w: {"pk": w.work_a1.pk}, allowed=A1_PEOPLE, markers=WORK
    ),
    # By its sharing: with the group (and its mentor); with the programme once approved.
    "participants:improvement_work#group": Target(
        kwargs=lambda w: {"pk": w.work_group_a1.pk}, allowed=GA1_VIEWERS, markers=WORK_GROUP
    ),
    "participants:improvement_work#awaiting": Target(
        kwargs=lambda w: {"pk": w.work_awaiting_a1.pk}, allowed=GA1_VIEWERS, markers=WORK_AWAITING
    ),
    "participants:improvement_work#library": Target(
        kwargs=lambda w: {"pk": w.work_library_a1.pk}, allowed=IN_ANY_ROUND, markers=WORK_LIBRARY
    ),
    "participants:improvement_work_share": Target(
        kwargs=lambda w: {"pk": w.work_a1.pk},
        allowed=A1_STRATEGIST,
        methods=POST,
        data=lambda w: {"sharing": "group"},
        markers=WORK,
    ),
    # The group sees the work, but only the organisation chooses its sharing.
    "participants:improvement_work_share#group": Target(
        kwargs=lambda w: {"pk": w.work_group_a1.pk},
        allowed=A1_STRATEGIST,
        methods=POST,
        data=lambda w: {"sharing": "programme"},
        markers=WORK_GROUP,
    ),
    "participants:improvement_work_approval": Target(
        kwargs=lambda w: {"pk": w.work_awaiting_a1.pk},
        methods=POST,
        data=lambda w: {"decision": "approve"},
        markers=WORK_AWAITING,
    ),
    "participants:improvement_work_approval#library": Target(
        kwargs=lambda w: {"pk": w.work_library_a1.pk},
        methods=POST,
        data=lambda w: {"decision": "withdraw"},
        markers=WORK_LIBRARY,
    ),
    "participants:library": Target(allowed=IN_ANY_ROUND, markers=WORK_LIBRARY),
    "participants:approval_queue": Target(markers=WORK_AWAITING),
    "participants:improvement_work_update": Target(
        kwargs=lambda w: {"pk": w.work_a1.pk},
        allowed=A1_STRATEGIST,
        methods=BOTH,
        data=lambda w: {"title": "Ändrad titel", "phase": "do"},
        markers=WORK,
    ),
    "participants:progress_note_add": Target(
        kwargs=lambda w: {"pk": w.work_a1.pk},
        allowed=A1_STRATEGIST,
        methods=POST,
        data=lambda w: {"text": "Matrisens anteckning", "noted_on": "2026-03-01"},
        markers=WORK,
    ),
    "participants:organisation_update": Target(
        kwargs=_org,
        methods=BOTH,
        data=lambda w: {"name": "Aby", "latitude": "59.1", "longitude": "18.1"},
        markers=ORG_A1,
    ),
    "participants:person_update": Target(
        kwargs=lambda w: {**_org(w), "person_pk": w.person_a1.pk},
        methods=BOTH,
        data=lambda w: {
            "full_name": "Kapad",
            "email": "analytiker@aby.se",
            "functions": ["analytiker"],
        },
        markers=PERSON,
    ),
    "participants:invitation_action": Target(
        kwargs=lambda w: {**_org(w), "pk": w.invitation.pk},
        methods=POST,
        data=lambda w: {"action": "revoke"},
        markers=ORG_A1,
    ),
    "participants:participation_withdraw": Target(
        kwargs=_org, methods=BOTH, data=lambda w: {"reason": "Matris"}, markers=ORG_A1
    ),
    "participants:invitation_accept": Target(
        kwargs=lambda w: {"token": INVITATION_TOKEN},
        allowed=PUBLIC,
        methods=BOTH,
        data=lambda w: {"password1": "kort", "password2": "kort"},
    ),
    "participants:application_rounds": Target(allowed=PUBLIC),
    "participants:application_create": Target(
        kwargs=lambda w: {"round_slug": w.round_c.slug}, allowed=PUBLIC, methods=BOTH
    ),
    "participants:application_list": Target(
        kwargs=lambda w: {"round_slug": w.round_c.slug}, markers=("Gby",)
    ),
    "participants:application_decide": Target(
        kwargs=lambda w: {"round_slug": w.round_c.slug, "pk": w.application.pk},
        methods=BOTH,
        data=lambda w: {"decision": "decline", "decline-reason": "Matrisens skäl"},
        markers=("Gby",),
    ),
    "participants:participation_fees": Target(
        kwargs=_round, methods=BOTH, markers=ROUND_A_NAME + FEE_MARKERS[:1]
    ),
    # Rounds, groups, meetings.
    "rounds:round_list": Target(markers=ROUND_A_NAME),
    "rounds:round_create": Target(methods=BOTH),
    "rounds:round_detail": Target(
        kwargs=lambda w: {"slug": w.round_a.slug}, allowed=ROUND_A, markers=ROUND_A_NAME
    ),
    "rounds:group_detail": Target(kwargs=_group, allowed=GA1_VIEWERS, markers=GROUP_GA1),
    # Everyone in the round; a participant or mentor sees only their own groups and meetings
    # there (tests/rounds/test_views.py).
    "rounds:group_list": Target(
        kwargs=_round, allowed=ROUND_A, markers=ROUND_A_NAME + GROUP_GA1 + ORG_A1[:1]
    ),
    "rounds:meeting_list": Target(
        kwargs=_round, allowed=ROUND_A, markers=ROUND_A_NAME + MEETING_GA1
    ),
    "rounds:group_proposal": Target(kwargs=_round, methods=BOTH, markers=ROUND_A_NAME),
    "rounds:meeting_detail": Target(kwargs=_meeting, allowed=GA1_VIEWERS, markers=MEETING_GA1),
    "rounds:meeting_detail#round-wide": Target(
        kwargs=lambda w: {"round_slug": w.round_a.slug, "pk": w.startup.pk},
        allowed=ROUND_A,
        markers=("Uppstartskonferens",),
    ),
    "rounds:mentor_proposal": Target(kwargs=_round, methods=BOTH, markers=ROUND_A_NAME),
    "rounds:mentor_set": Target(
        kwargs=lambda w: {"round_slug": w.round_a.slug, "pk": w.ga1.pk},
        methods=POST,
        data=lambda w: {"action": "set", "organisation": "9202"},
        markers=GROUP_GA1,
    ),
    "rounds:mentor_pool": Target(shows_marker=False),
    "rounds:mentor_workspace": Target(allowed=MENTORS, shows_marker=False),
    "rounds:round_export": Target(kwargs=_round, markers=ROUND_A_NAME, shows_marker=False),
    "rounds:round_import": Target(
        methods=BOTH,
        data=lambda w: {"file": SimpleUploadedFile("omgang.json", b'{"format": "matris"}')},
    ),
    "rounds:round_update": Target(
        kwargs=_round, methods=BOTH, data=lambda w: {"name": "Kapad"}, markers=ROUND_A_NAME
    ),
    "rounds:round_status": Target(
        kwargs=_round, methods=BOTH, data=lambda w: {"action": "activate"}, markers=ROUND_A_NAME
    ),
    "rounds:schedule_generate": Target(kwargs=_round, methods=POST, markers=ROUND_A_NAME),
    "rounds:meeting_create": Target(kwargs=_round, methods=BOTH, markers=ROUND_A_NAME),
    "rounds:meeting_update": Target(
        kwargs=_meeting, methods=BOTH, data=lambda w: {"title": "Kapad"}, markers=MEETING_GA1
    ),
    "rounds:meeting_delete": Target(kwargs=_meeting, methods=BOTH, markers=MEETING_GA1),
    "rounds:meeting_calendar": Target(
        kwargs=_meeting, allowed=GA1_VIEWERS, markers=MEETING_GA1, shows_marker=False
    ),
    "rounds:attendance": Target(kwargs=_meeting, methods=BOTH, markers=MEETING_GA1),
    "rounds:group_create": Target(
        kwargs=_round, methods=BOTH, data=lambda w: {"name": "Kapad"}, markers=ROUND_A_NAME
    ),
    "rounds:group_update": Target(
        kwargs=_group, methods=BOTH, data=lambda w: {"name": "Kapad"}, markers=GROUP_GA1
    ),
    "rounds:group_delete": Target(kwargs=_group, methods=BOTH, markers=GROUP_GA1),
    "rounds:mentor_add": Target(
        kwargs=_group, methods=POST, data=lambda w: {"participation": w.m2.pk}, markers=GROUP_GA1
    ),
    "rounds:mentor_remove": Target(
        kwargs=lambda w: {
            "round_slug": w.round_a.slug,
            "pk": w.ga1.pk,
            "mentorship_pk": w.mentorship_ga1.pk,
        },
        methods=POST,
        markers=GROUP_GA1,
    ),
    "rounds:round_audit": Target(kwargs=_round, markers=ROUND_A_NAME),
    # Meeting material: GA1's meeting is hosted by A1; whoever sees the meeting downloads.
    "rounds:meeting_material": Target(
        kwargs=_meeting,
        allowed=A1_PEOPLE,
        methods=BOTH,
        data=lambda w: {"form": "agenda", "agenda": "Matrisens dagordning"},
        markers=MEETING_GA1,
    ),
    "rounds:material_download": Target(
        kwargs=_material, allowed=GA1_VIEWERS, markers=MATERIAL, shows_marker=False
    ),
    "rounds:material_delete": Target(
        kwargs=_material, allowed=A1_PEOPLE, methods=POST, markers=MATERIAL
    ),
    # The programme's method material: every participant and mentor of any round reads it.
    "rounds:programme_library": Target(
        allowed=SIGNED_IN - {"outsider"},
        methods=BOTH,
        post_allowed=LEADER,
        data=lambda w: {
            "title": "Matrisens mall",
            "file": SimpleUploadedFile("mall.pdf", documents.pdf()),
        },
        shows_marker=False,
    ),
    "rounds:programme_document": Target(
        kwargs=lambda w: {"pk": w.library_document.pk},
        allowed=SIGNED_IN - {"outsider"},
        shows_marker=False,
    ),
    "rounds:programme_document_delete": Target(
        kwargs=lambda w: {"pk": w.library_document.pk}, methods=POST
    ),
    # The mentor's voice: the group reads its mentors' notes, only they write them.
    "rounds:group_notes": Target(
        kwargs=_group,
        allowed=GA1_VIEWERS,
        methods=BOTH,
        post_allowed=frozenset({"mentor_m1"}),
        data=lambda w: {"text": "Matrisens råd"},
        markers=GROUP_GA1 + NOTE,
    ),
    "rounds:mentor_role": Target(
        methods=BOTH, data=lambda w: {"text": "Matrisens mentorsroll"}, shows_marker=False
    ),
    # Evaluations: the people invited answer (GA1's meeting has ended in this world); only
    # project leaders see the results, and edit the statements.
    "rounds:evaluation_answer": Target(
        kwargs=lambda w: {"round_slug": w.round_a.slug, "pk": w.held_ga1.pk},
        allowed=GA1_VIEWERS - LEADER,
        methods=BOTH,
        data=lambda w: w.evaluation_answers,
        markers=HELD_GA1,
    ),
    "rounds:evaluation_results": Target(kwargs=_round, markers=ROUND_A_NAME + EVALUATION),
    "rounds:evaluation_statements": Target(
        methods=BOTH,
        data=lambda w: {
            "learning_meeting": "Matrisens påstående",
            "startup_conference": "A",
            "midterm_conference": "B",
            "result_conference": "C",
        },
        shows_marker=False,
    ),
    # The participants' result reports: its own people and project leaders; the group's
    # mentors once submitted; drafts never leave the organisation.
    "rounds:result_reports": Target(
        kwargs=_round, methods=BOTH, data=lambda w: {"due_1": "2026-12-15"}, markers=ROUND_A_NAME
    ),
    "rounds:result_report_start": Target(
        kwargs=lambda w: {**_org(w), "year": 1},
        allowed=A1_PEOPLE | {"mentor_m1"},
        methods=BOTH,
        post_allowed=A1_STRATEGIST,
        # The draft exists: it leads there for A1's people; the mentor, who may not see a
        # draft, gets the page that says it is not submitted, as if there were none.
        get_ok=(200, 302),
        markers=ORG_A1,
    ),
    "rounds:result_report": Target(kwargs=_result, allowed=A1_PEOPLE, markers=RESULT_A1),
    "rounds:result_report#submitted-a2": Target(
        kwargs=lambda w: {"pk": w.result_a2.pk},
        allowed=LEADER | {"strategist_a2", "mentor_m1"},
        markers=RESULT_A2,
    ),
    "rounds:result_report_save": Target(
        kwargs=_result,
        allowed=A1_STRATEGIST,
        methods=POST,
        data=_result_data,
        markers=RESULT_A1,
    ),
    "rounds:result_report_save#htmx": Target(
        kwargs=_result,
        allowed=A1_STRATEGIST,
        methods=POST,
        htmx=True,
        data=_result_data,
        markers=RESULT_A1,
    ),
    "rounds:result_report_submit": Target(
        kwargs=_result,
        allowed=A1_STRATEGIST,
        methods=BOTH,
        data=lambda w: {"revision": w.result_a1.revision},
        markers=RESULT_A1,
    ),
    "rounds:result_report_reopen": Target(
        kwargs=lambda w: {"pk": w.result_a2.pk},
        methods=BOTH,
        data=lambda w: {"reason": "Matrisens ändring"},
        markers=RESULT_A2,
    ),
    "rounds:result_report_comment": Target(
        kwargs=_result,
        allowed=A1_PEOPLE,
        methods=POST,
        data=lambda w: {"text": "Matrisens kommentar"},
        markers=RESULT_A1,
    ),
    # The calendar feed is a capability: its secret address is the key, no sign-in.
    "rounds:calendar_feed": Target(
        kwargs=lambda w: {"token": CALENDAR_TOKEN}, allowed=PUBLIC, shows_marker=False
    ),
    # Checklists and self-assessments.
    "checklist:version_list": Target(),
    "checklist:version_create": Target(methods=BOTH),
    "checklist:version": Target(kwargs=lambda w: {"slug": w.round_a.checklist_version.slug}),
    "checklist:version_import": Target(
        methods=BOTH,
        data=lambda w: {"file": SimpleUploadedFile("lista.json", b'{"format": "matris"}')},
    ),
    "checklist:version_export": Target(
        kwargs=lambda w: {"slug": w.round_a.checklist_version.slug}, shows_marker=False
    ),
    "checklist:round_checklist": Target(kwargs=_round, methods=POST, markers=ROUND_A_NAME),
    "checklist:assessment": Target(kwargs=_draft, allowed=A1_PEOPLE, markers=ORG_A1),
    "checklist:assessment#submitted-a2": Target(
        kwargs=lambda w: {"pk": w.submitted_a2.pk}, allowed=GA1_VIEWERS, markers=("Bby",)
    ),
    "checklist:assessment_save": Target(
        kwargs=_draft,
        allowed=A1_STRATEGIST,
        methods=POST,
        data=lambda w: _scores(w, w.draft_a1.revision),
        markers=ORG_A1,
    ),
    "checklist:assessment_save#htmx": Target(
        kwargs=_draft,
        allowed=A1_STRATEGIST,
        methods=POST,
        htmx=True,
        data=lambda w: _scores(w, w.draft_a1.revision),
        markers=ORG_A1,
    ),
    "checklist:assessment_submit": Target(
        kwargs=_draft,
        allowed=A1_STRATEGIST,
        methods=POST,
        data=lambda w: _scores(w, w.draft_a1.revision),
        markers=ORG_A1,
    ),
    "checklist:assessment_lock": Target(
        kwargs=lambda w: {"pk": w.submitted_a2.pk},
        methods=POST,
        data=lambda w: {"action": "close"},
        markers=("Bby",),
    ),
    # Bby's own strategist takes back its submission before the meeting; a project leader may.
    "checklist:assessment_reopen": Target(
        kwargs=lambda w: {"pk": w.submitted_a2.pk},
        allowed=LEADER | {"strategist_a2"},
        methods=("GET", "POST"),
        data=lambda w: {"reason": "Matrisens ändring"},
        markers=("Bby",),
    ),
    "checklist:assessment_remark": Target(
        kwargs=_draft,
        allowed=A1_PEOPLE,
        methods=POST,
        data=lambda w: {"text": "Matrisens anmärkning", "item": ""},
        markers=ORG_A1,
    ),
    "checklist:assessment_history": Target(kwargs=_draft, markers=ORG_A1),
    "checklist:assessment_start": Target(
        kwargs=lambda w: {
            "round_slug": w.round_a.slug,
            "code": "9101",
            "meeting_pk": w.meeting_ga1.pk,
        },
        allowed=A1_PEOPLE | {"mentor_m1"},
        methods=BOTH,
        post_allowed=A1_STRATEGIST,
        # The draft exists: it leads there for A1's people; the mentor, who may not see a
        # draft, gets the page that says it is not submitted, as if there were none.
        get_ok=(200, 302),
        markers=ORG_A1 + MEETING_GA1,
    ),
    "checklist:assessment_import": Target(kwargs=_round, methods=BOTH, markers=ROUND_A_NAME),
    # Reports, the exports, the downloads and the htmx fragments that poll them.
    "reports:round_reports": Target(kwargs=_round, methods=BOTH, markers=ROUND_A_NAME),
    "reports:round_reports#fragment": Target(
        kwargs=_round, query="fragment=jobs", htmx=True, markers=ROUND_A_NAME, shows_marker=False
    ),
    "reports:batch_create": Target(kwargs=_round, methods=POST, markers=ROUND_A_NAME),
    "reports:round_scores_csv": Target(kwargs=_round, markers=ORG_A1, shows_marker=False),
    "reports:round_scores_xlsx": Target(kwargs=_round, markers=ORG_A1, shows_marker=False),
    "reports:round_fees_csv": Target(kwargs=_round, markers=ORG_A1, shows_marker=False),
    "reports:organisation_reports": Target(
        kwargs=_org, allowed=A1_PEOPLE, methods=BOTH, markers=ORG_A1[:1]
    ),
    "reports:organisation_reports#fragment": Target(
        kwargs=_org,
        allowed=A1_PEOPLE,
        query="fragment=jobs",
        htmx=True,
        markers=ORG_A1[:1],
        shows_marker=False,
    ),
    "reports:organisation_scores_csv": Target(
        kwargs=_org, allowed=A1_PEOPLE, markers=ORG_A1, shows_marker=False
    ),
    "reports:organisation_scores_xlsx": Target(
        kwargs=_org, allowed=A1_PEOPLE, markers=ORG_A1, shows_marker=False
    ),
    # The one-page summary is the organisation's own, as its report is (not its mentor's);
    # every function of it may ask for the PDF, its strategists write the next steps.
    "reports:organisation_summary": Target(
        kwargs=_org, allowed=A1_PEOPLE, methods=BOTH, markers=ORG_A1[:1]
    ),
    "reports:organisation_summary#fragment": Target(
        kwargs=_org,
        allowed=A1_PEOPLE,
        query="fragment=jobs",
        htmx=True,
        markers=ORG_A1[:1],
        shows_marker=False,
    ),
    "reports:summary_next_steps": Target(
        kwargs=_org,
        allowed=A1_STRATEGIST,
        methods=POST,
        data=lambda w: {"next_steps": "Matrisens nästa steg"},
        markers=ORG_A1[:1],
    ),
    "reports:summary_print": Target(kwargs=_org, allowed=A1_PEOPLE, markers=ORG_A1[:1]),
    # Mentors read their groups' reports; only the group's members ask for one (POST).
    "reports:group_reports": Target(
        kwargs=_group,
        allowed=GA1_VIEWERS,
        post_allowed=GA1_MEMBERS,
        methods=BOTH,
        markers=GROUP_GA1,
        data=lambda w: {"meeting": w.meeting_ga1.pk},
    ),
    "reports:group_reports#fragment": Target(
        kwargs=_group,
        allowed=GA1_VIEWERS,
        query="fragment=jobs",
        htmx=True,
        markers=GROUP_GA1,
        shows_marker=False,
    ),
    "reports:batch_detail": Target(kwargs=lambda w: {"pk": w.batch_a.pk}, markers=ROUND_A_NAME),
    "reports:batch_progress": Target(
        kwargs=lambda w: {"pk": w.batch_a.pk}, htmx=True, markers=ROUND_A_NAME, shows_marker=False
    ),
    "reports:job_download": Target(
        kwargs=lambda w: {"pk": w.job_org_a1.pk}, allowed=A1_PEOPLE, markers=ORG_A1
    ),
    "reports:job_download#summary": Target(
        kwargs=lambda w: {"pk": w.job_summary_a1.pk}, allowed=A1_PEOPLE, markers=ORG_A1
    ),
    "reports:job_download#group": Target(
        kwargs=lambda w: {"pk": w.job_group_ga1.pk}, allowed=GA1_VIEWERS, markers=GROUP_GA1
    ),
    "reports:job_download#round": Target(
        kwargs=lambda w: {"pk": w.job_round_a.pk}, markers=ROUND_A_NAME
    ),
    "reports:job_rerun": Target(
        kwargs=lambda w: {"pk": w.job_failed_a1.pk},
        allowed=A1_PEOPLE,
        methods=POST,
        markers=ORG_A1,
    ),
    "reports:job_rerun#group": Target(
        kwargs=lambda w: {"pk": w.job_failed_ga1.pk},
        allowed=GA1_MEMBERS,  # not its mentor, who reads only
        methods=POST,
        markers=GROUP_GA1,
    ),
}

# Known access bugs: (target, method, role) -> the reason. Each stays a failing case (strict xfail).
BUGS: dict[tuple[str, str, str], str] = {}

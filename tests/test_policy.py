"""The access policy ("Who may see what", docs/domain.md) as a table: for every kind of user of
the `world` and every permission, exactly which objects it grants; and the visible-object
querysets the views fetch through agree with those permissions."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import User
from checklist.models import ChecklistVersion, SelfAssessment
from modellkoncept import policy
from participants.models import ImprovementWork, Organisation, Participation
from reports.models import ReportBatch, ReportJob
from rounds.models import (
    Attendance,
    BenchmarkingGroup,
    Meeting,
    MeetingMaterial,
    ProgrammeDocument,
    ResultReport,
    Round,
)
from tests import conftest
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def w(django_db_setup, django_db_blocker):
    """The conftest's `world`, built once for this module (the policy only reads it) and
    rolled back afterwards; plus a superuser, an inactive project leader, report jobs and
    improvement work."""
    with (
        time_machine.travel(conftest.WORLD_DAY, tick=True),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = conftest.build_world()
        world.superuser = User.objects.create_superuser(email="root@skr.se", password=PASSWORD)
        world.inactive_leader = User.objects.create_user(
            email="slutat@skr.se", is_project_leader=True, is_active=False
        )
        for name in ("a1", "a2", "a3", "a4", "m1", "m2", "b1", "b2"):
            setattr(world, f"org_{name}", getattr(world, name).organisation)
        world.report_org_a1 = _report(
            kind="organisation", round=world.round_a, participation=world.a1
        )
        world.report_group_ga1 = _report(kind="group", round=world.round_a, group=world.ga1)
        world.report_group_ga2 = _report(kind="group", round=world.round_a, group=world.ga2)
        world.report_round_a = _report(kind="round", round=world.round_a)
        world.report_org_b1 = _report(
            kind="organisation", round=world.round_b, participation=world.b1
        )
        world.report_summary_a1 = _report(
            kind="summary", round=world.round_a, participation=world.a1
        )
        world.batch_a = ReportBatch.objects.create(round=world.round_a, language="sv")
        # GA1's meeting is hosted by A1 and has a file; the programme has method material.
        Meeting.objects.filter(pk=world.meeting_ga1.pk).update(host=world.org_a1)
        world.meeting_ga1.refresh_from_db()
        listed = {"file_name": "a.pdf", "size": 1, "sha256": "0" * 64, "kind": "pdf"}
        world.material_ga1 = MeetingMaterial.objects.create(
            meeting=world.meeting_ga1, title="Underlag", **listed
        )
        world.library_document = ProgrammeDocument.objects.create(title="Mall", **listed)
        world.work_a1 = _work(world.a1, "Jämställd biståndshandläggning")
        world.work_a2 = _work(world.a2, "Könsuppdelad statistik i årsredovisningen")
        # Result reports: A1's draft, and the submitted ones of A2 (GA1) and A3 (GA2).
        world.result_draft_a1 = ResultReport.objects.create(participation=world.a1, year=1)
        for name in ("a2", "a3"):
            report = ResultReport.objects.create(
                participation=getattr(world, name),
                year=1,
                status="submitted",
                submitted_at=conftest.WORLD_DAY,
            )
            setattr(world, f"result_submitted_{name}", report)
        # A1's work shared with its group, asked for the programme, and approved for it.
        world.work_group_a1 = _work(world.a1, "Delad med gruppen", sharing="group")
        world.work_awaiting_a1 = _work(world.a1, "Väntar på godkännande", sharing="programme")
        world.work_library_a1 = _work(
            world.a1, "I biblioteket", sharing="programme", approved_on=dt.date(2026, 3, 2)
        )
        yield world
        transaction.set_rollback(True)


def _report(**fields):
    job = ReportJob(language="sv", **fields)
    job.full_clean()
    job.save()
    return job


def _work(participation, title, **fields):
    work = ImprovementWork(participation=participation, title=title, **fields)
    work.full_clean()
    work.save()
    return work


def _user(w, name):
    return AnonymousUser() if name == "anonymous" else getattr(w, name)


# The objects of the world, by the permission that guards them.

OBJECTS = {
    "rounds": ["round_a", "round_b"],
    "groups": ["ga1", "ga2", "gb"],
    "meetings": ["startup", "meeting_ga1", "meeting_ga2", "meeting_gb"],
    "participations": ["a1", "a2", "a3", "a4", "m1", "m2", "b1", "b2"],
    "organisations": [f"org_{p}" for p in ["a1", "a2", "a3", "a4", "m1", "m2", "b1", "b2"]],
    "assessments": ["draft_a1", "submitted_a2", "submitted_a3"],
    "works": ["work_a1", "work_a2", "work_group_a1", "work_awaiting_a1", "work_library_a1"],
    "reports": [
        "report_org_a1",
        "report_group_ga1",
        "report_group_ga2",
        "report_round_a",
        "report_org_b1",
        "report_summary_a1",
    ],
    "material": ["material_ga1"],
    "library": ["library_document"],
    "result_reports": ["result_draft_a1", "result_submitted_a2", "result_submitted_a3"],
    None: [None],  # permissions on no object: pages for project leaders
}

PERMISSIONS = {
    "rounds.view_round": "rounds",
    "rounds.change_round": "rounds",
    "rounds.view_group": "groups",
    "rounds.change_group": "groups",
    "rounds.view_meeting": "meetings",
    "rounds.change_meeting": "meetings",
    "participants.view_participation": "participations",
    "participants.change_participation": "participations",
    "participants.invite_people": "participations",
    "participants.view_organisation": "organisations",
    "participants.view_improvement_work": "works",
    "participants.change_improvement_work": "works",
    "participants.share_improvement_work": "works",
    "participants.approve_improvement_work": "works",
    "participants.view_library": None,
    "checklist.view_assessment": "assessments",
    "checklist.edit_assessment": "assessments",
    "checklist.comment_assessment": "assessments",
    "checklist.reopen_assessment": "assessments",
    "checklist.close_assessment": "assessments",
    "reports.view_report": "reports",
    "reports.request_report": "reports",
    "reports.edit_summary": "participations",
    "rounds.manage_rounds": None,
    "participants.manage_organisations": None,
    "checklist.manage_versions": None,
    "reports.manage_reports": None,
    "rounds.manage_matching": None,
    "rounds.view_mentor_workspace": None,
    # The learning loop: meeting material, the programme library, the mentor's voice and the
    # meetings' evaluations.
    "rounds.change_meeting_material": "meetings",
    "rounds.view_meeting_material": "material",
    "rounds.view_programme_library": "library",
    "rounds.change_programme_library": None,
    "rounds.write_mentor_note": "groups",
    "rounds.change_mentor_role": None,
    "rounds.answer_evaluation": "meetings",
    "rounds.view_evaluation_results": "rounds",
    "rounds.change_evaluation_statements": None,
    # The participants' result reports.
    "rounds.view_result_report": "result_reports",
    "rounds.edit_result_report": "result_reports",
    "rounds.comment_result_report": "result_reports",
    "rounds.reopen_result_report": "result_reports",
    "rounds.view_result_report_overview": None,
}

# Project leaders may do everything but what only a group's mentor or a meeting's invited
# people do: write a mentor's note, answer a meeting's evaluation.
EVERYTHING = {
    perm: set(OBJECTS[kind])
    for perm, kind in PERMISSIONS.items()
    if perm not in ("rounds.write_mentor_note", "rounds.answer_evaluation")
}
# Only a submitted result report is reopened.
EVERYTHING["rounds.reopen_result_report"] = {"result_submitted_a2", "result_submitted_a3"}

# What each kind of person may do; every permission not listed grants nothing.
_A1_READER = {
    "rounds.view_round": {"round_a"},
    "rounds.view_group": {"ga1"},
    "rounds.view_meeting": {"startup", "meeting_ga1"},
    # A1 hosts GA1's meeting.
    "rounds.change_meeting_material": {"meeting_ga1"},
    "rounds.view_meeting_material": {"material_ga1"},
    "rounds.view_programme_library": {"library_document"},
    "rounds.answer_evaluation": {"startup", "meeting_ga1"},
    "participants.view_participation": {"a1"},
    "participants.view_organisation": {"org_a1"},
    "participants.view_improvement_work": {
        "work_a1",
        "work_group_a1",
        "work_awaiting_a1",
        "work_library_a1",
    },
    "participants.view_library": {None},
    # Their own draft, and the submitted assessments of their group.
    "checklist.view_assessment": {"draft_a1", "submitted_a2"},
    "checklist.comment_assessment": {"draft_a1"},
    "reports.view_report": {"report_org_a1", "report_group_ga1", "report_summary_a1"},
    # Its own reports may be produced (again) by its people; mentors only read.
    "reports.request_report": {"report_org_a1", "report_group_ga1", "report_summary_a1"},
    # Its own result report, a draft; never another organisation's.
    "rounds.view_result_report": {"result_draft_a1"},
    "rounds.comment_result_report": {"result_draft_a1"},
}

GRANTS = {
    "leader": EVERYTHING,
    # Django grants an active superuser every permission; the services still refuse a note or
    # an evaluation from someone who is no mentor of the group or was not invited.
    "superuser": {perm: set(OBJECTS[kind]) for perm, kind in PERMISSIONS.items()},
    "inactive_leader": {},
    "politician_a1": _A1_READER,
    "manager_a1": _A1_READER,
    "strategist_a1": {
        **_A1_READER,
        "checklist.edit_assessment": {"draft_a1"},
        "reports.edit_summary": {"a1"},
        "participants.change_improvement_work": {
            "work_a1",
            "work_group_a1",
            "work_awaiting_a1",
            "work_library_a1",
        },
        "participants.share_improvement_work": {
            "work_a1",
            "work_group_a1",
            "work_awaiting_a1",
            "work_library_a1",
        },
        "rounds.edit_result_report": {"result_draft_a1"},
    },
    # Same group as A1: A1's submitted assessments, never its draft, nor its page.
    "strategist_a2": {
        "rounds.view_round": {"round_a"},
        "rounds.view_group": {"ga1"},
        "rounds.view_meeting": {"startup", "meeting_ga1"},
        "rounds.view_meeting_material": {"material_ga1"},
        "rounds.view_programme_library": {"library_document"},
        "rounds.answer_evaluation": {"startup", "meeting_ga1"},
        "participants.view_participation": {"a2"},
        "participants.view_organisation": {"org_a2"},
        # Its own, and what A1 shares with the group (and the programme).
        "participants.view_improvement_work": {
            "work_a2",
            "work_group_a1",
            "work_awaiting_a1",
            "work_library_a1",
        },
        "participants.view_library": {None},
        "participants.change_improvement_work": {"work_a2"},
        "participants.share_improvement_work": {"work_a2"},
        "checklist.view_assessment": {"submitted_a2"},
        "checklist.edit_assessment": {"submitted_a2"},
        "checklist.comment_assessment": {"submitted_a2"},
        # Its own submission, until the meeting starts.
        "checklist.reopen_assessment": {"submitted_a2"},
        "reports.view_report": {"report_group_ga1"},
        "reports.request_report": {"report_group_ga1"},
        "reports.edit_summary": {"a2"},
        "rounds.view_result_report": {"result_submitted_a2"},
        "rounds.edit_result_report": {"result_submitted_a2"},
        "rounds.comment_result_report": {"result_submitted_a2"},
    },
    # Same round, other group: the round and its own meetings, nothing of GA1.
    "strategist_a3": {
        "rounds.view_round": {"round_a"},
        "rounds.view_group": {"ga2"},
        "rounds.view_meeting": {"startup", "meeting_ga2"},
        "rounds.view_programme_library": {"library_document"},
        "rounds.answer_evaluation": {"startup", "meeting_ga2"},
        "participants.view_participation": {"a3"},
        "participants.view_organisation": {"org_a3"},
        "participants.view_improvement_work": {"work_library_a1"},
        "participants.view_library": {None},
        "checklist.view_assessment": {"submitted_a3"},
        "checklist.edit_assessment": {"submitted_a3"},
        "checklist.comment_assessment": {"submitted_a3"},
        "checklist.reopen_assessment": {"submitted_a3"},
        "reports.view_report": {"report_group_ga2"},
        "reports.request_report": {"report_group_ga2"},
        "reports.edit_summary": {"a3"},
        "rounds.view_result_report": {"result_submitted_a3"},
        "rounds.edit_result_report": {"result_submitted_a3"},
        "rounds.comment_result_report": {"result_submitted_a3"},
    },
    # Mentors read the groups they mentor: members, meetings, submitted assessments.
    "mentor_m1": {
        "rounds.view_round": {"round_a"},
        "rounds.view_group": {"ga1"},
        "rounds.view_meeting": {"startup", "meeting_ga1"},
        "rounds.view_meeting_material": {"material_ga1"},
        "rounds.view_programme_library": {"library_document"},
        "rounds.answer_evaluation": {"startup", "meeting_ga1"},
        "rounds.write_mentor_note": {"ga1"},
        "participants.view_participation": {"m1", "a1", "a2"},
        "participants.view_improvement_work": {
            "work_group_a1",
            "work_awaiting_a1",
            "work_library_a1",
        },
        "participants.view_library": {None},
        "participants.view_organisation": {"org_m1", "org_a1", "org_a2"},
        "checklist.view_assessment": {"submitted_a2"},
        "reports.view_report": {"report_group_ga1"},
        "rounds.view_mentor_workspace": {None},
        # The submitted result reports of its group, not the draft.
        "rounds.view_result_report": {"result_submitted_a2"},
    },
    "mentor_m2": {
        "rounds.view_round": {"round_a"},
        "rounds.view_group": {"ga2"},
        "rounds.view_meeting": {"startup", "meeting_ga2"},
        "rounds.view_programme_library": {"library_document"},
        "rounds.answer_evaluation": {"startup", "meeting_ga2"},
        "rounds.write_mentor_note": {"ga2"},
        "participants.view_participation": {"m2", "a3", "a4"},
        "participants.view_improvement_work": {"work_library_a1"},
        "participants.view_library": {None},
        "participants.view_organisation": {"org_m2", "org_a3", "org_a4"},
        "checklist.view_assessment": {"submitted_a3"},
        "reports.view_report": {"report_group_ga2"},
        "rounds.view_mentor_workspace": {None},
        "rounds.view_result_report": {"result_submitted_a3"},
    },
    # Another round: nothing of round A.
    "strategist_b1": {
        "rounds.view_round": {"round_b"},
        "rounds.view_group": {"gb"},
        "rounds.view_meeting": {"meeting_gb"},
        "rounds.view_programme_library": {"library_document"},
        "rounds.answer_evaluation": {"meeting_gb"},
        "participants.view_participation": {"b1"},
        "participants.view_organisation": {"org_b1"},
        # Another round: only what a project leader approved for the whole programme.
        "participants.view_improvement_work": {"work_library_a1"},
        "participants.view_library": {None},
        "reports.view_report": {"report_org_b1"},
        "reports.request_report": {"report_org_b1"},
        "reports.edit_summary": {"b1"},
    },
    "outsider": {},
    "anonymous": {},
}


def _policy_cases():
    for user_name, grants in GRANTS.items():
        for perm in PERMISSIONS:
            yield pytest.param(user_name, perm, grants.get(perm, set()), id=f"{user_name}-{perm}")


@pytest.mark.parametrize(("user_name", "perm", "expected"), list(_policy_cases()))
def test_permission_grants_exactly_these_objects(w, user_name, perm, expected):
    user = _user(w, user_name)
    names = OBJECTS[PERMISSIONS[perm]]

    granted = {
        name for name in names if user.has_perm(perm, None if name is None else getattr(w, name))
    }

    assert granted == set(expected)


def test_the_table_covers_every_permission_the_policy_defines():
    import rules

    defined = {
        name
        for name in rules.permissions.permissions
        if name.split(".")[0] in {"rounds", "participants", "checklist", "reports"}
    }

    missing = defined - set(PERMISSIONS) - {"checklist.view_history"}
    assert not missing, f"add these permissions to PERMISSIONS and GRANTS: {sorted(missing)}"
    assert set(PERMISSIONS) <= defined


def test_history_is_for_project_leaders(w):
    assert w.leader.has_perm("checklist.view_history", w.submitted_a2)
    assert not w.strategist_a2.has_perm("checklist.view_history", w.submitted_a2)


# The querysets views fetch through agree with the permissions.

VIEW_PERMISSION = {
    Round: "rounds.view_round",
    BenchmarkingGroup: "rounds.view_group",
    Meeting: "rounds.view_meeting",
    Participation: "participants.view_participation",
    Organisation: "participants.view_organisation",
    ImprovementWork: "participants.view_improvement_work",
    SelfAssessment: "checklist.view_assessment",
    ReportJob: "reports.view_report",
    ReportBatch: "reports.manage_reports",
    MeetingMaterial: "rounds.view_meeting_material",
    ProgrammeDocument: "rounds.view_programme_library",
    ResultReport: "rounds.view_result_report",
    ChecklistVersion: None,  # the instrument is public; results are guarded
    User: "accounts.manage_people",
}


def test_every_registered_model_has_a_view_permission_here():
    assert set(policy._visibility) == set(VIEW_PERMISSION)


def _agreement_cases():
    for model in VIEW_PERMISSION:
        for user_name in GRANTS:
            yield pytest.param(model, user_name, id=f"{model.__name__}-{user_name}")


@pytest.mark.parametrize(("model", "user_name"), list(_agreement_cases()))
def test_visible_queryset_agrees_with_the_view_permission(w, model, user_name):
    user = _user(w, user_name)
    perm = VIEW_PERMISSION[model]

    visible = set(policy.visible(model, user).values_list("pk", flat=True))
    if perm is None:
        permitted = set(model.objects.values_list("pk", flat=True))
    else:
        permitted = {obj.pk for obj in model.objects.all() if user.has_perm(perm, obj)}

    assert visible == permitted
    assert model.objects.exists()


@pytest.mark.parametrize("user_name", list(GRANTS))
def test_a_report_subject_is_answered_as_its_report(w, user_name):
    """The subject pages ask the policy about the organisation's participation or the group
    itself; the answer is the one for their report."""
    user = _user(w, user_name)
    for perm in ("reports.view_report", "reports.request_report"):
        assert user.has_perm(perm, w.a1) == user.has_perm(perm, w.report_org_a1)
        assert user.has_perm(perm, w.ga1) == user.has_perm(perm, w.report_group_ga1)
        assert user.has_perm(perm, w.ga2) == user.has_perm(perm, w.report_group_ga2)
        assert user.has_perm(perm, w.b1) == user.has_perm(perm, w.report_org_b1)


def test_visible_of_an_unregistered_model_is_an_error(w):
    with pytest.raises(LookupError, match="No visibility rule is registered for Attendance"):
        policy.visible(Attendance, w.leader)


def test_hidden_and_missing_objects_look_the_same(w):
    from django.http import Http404

    with pytest.raises(Http404) as hidden:
        policy.get_visible_object_or_404(Participation, w.strategist_a1, pk=w.a2.pk)
    with pytest.raises(Http404) as missing:
        policy.get_visible_object_or_404(Participation, w.strategist_a1, pk=10**9)

    assert str(hidden.value) == str(missing.value)
    own = policy.get_visible_object_or_404(Participation, w.strategist_a1, pk=w.a1.pk)
    assert own == w.a1


@pytest.mark.parametrize("model", [Participation, Organisation])  # decided by the row, or not
def test_an_object_read_already_is_hidden_as_a_missing_one(w, model):
    from django.http import Http404

    theirs, own = (w.a2, w.a1) if model is Participation else (w.a2.organisation, w.a1.organisation)
    with pytest.raises(Http404) as hidden:
        policy.visible_or_404(w.strategist_a1, theirs)
    with pytest.raises(Http404) as missing:
        policy.visible_or_404(w.strategist_a1, None)

    assert str(hidden.value) == str(missing.value)
    assert policy.visible_or_404(w.strategist_a1, own) is own
    assert policy.visible_or_404(w.leader, theirs) is theirs


# Report jobs: the report predicate reads the subject the kind names, so the two must agree.


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("organisation", {}),
        ("organisation", {"group": "ga1"}),
        ("summary", {}),
        ("summary", {"group": "ga1"}),
        ("group", {"participation": "a1"}),
        ("round", {"group": "ga1"}),
        ("round", {"participation": "a1"}),
    ],
)
def test_report_job_subject_must_match_its_kind(w, kind, subject):
    job = ReportJob(
        kind=kind,
        round=w.round_a,
        language="sv",
        **{field: getattr(w, name) for field, name in subject.items()},
    )

    with pytest.raises(ValidationError) as excinfo:
        job.full_clean()
    assert excinfo.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        job.save()
    assert ReportJob.objects.count() == 6


def test_report_job_subject_of_another_round_is_refused(w):
    job = ReportJob(kind="group", round=w.round_b, group=w.ga1, language="sv")

    with translation.override("en"), pytest.raises(ValidationError, match="another round"):
        job.full_clean()


# The standing: read in at most two queries, once per user object.


@pytest.mark.parametrize(
    ("user_name", "queries"),
    [("leader", 0), ("strategist_a1", 1), ("mentor_m1", 2), ("outsider", 1)],
)
def test_standing_is_read_in_at_most_two_queries_and_cached(
    w, user_name, queries, django_assert_num_queries
):
    user = User.objects.get(pk=getattr(w, user_name).pk)  # no cached standing

    with django_assert_num_queries(queries):
        first = policy.standing(user)
    with django_assert_num_queries(0):
        assert policy.standing(user) is first
        user.has_perm("rounds.view_round", w.round_a)
        user.has_perm("rounds.view_group", w.ga1)
        user.has_perm("rounds.view_meeting", w.meeting_ga1)


def test_standing_of_a_mentor(w):
    own = policy.standing(User.objects.get(pk=w.mentor_m1.pk))

    assert own.is_mentor
    assert not own.is_participant
    assert not own.is_project_leader
    assert own.mentored_group_ids == {w.ga1.pk}
    assert own.visible_group_ids == {w.ga1.pk}
    assert own.strategist_participation_ids == frozenset()  # a mentor edits nothing
    assert own.round_ids == {w.round_a.pk}


def test_standing_of_a_strategist(w):
    own = policy.standing(User.objects.get(pk=w.strategist_a1.pk))

    assert own.is_participant
    assert not own.is_mentor
    assert own.participation_ids == {w.a1.pk}
    assert own.organisation_ids == {w.a1.organisation_id}
    assert own.member_group_ids == {w.ga1.pk}
    assert own.strategist_participation_ids == {w.a1.pk}


def test_forget_standing_rereads_after_a_change(w):
    from participants.services import function_assign

    user = User.objects.get(pk=w.outsider.pk)
    assert policy.standing(user).participation_ids == frozenset()

    function_assign(participation=w.b2, person=user, function="chef")
    assert policy.standing(user).participation_ids == frozenset()  # cached
    policy.forget_standing(user)

    assert policy.standing(user).participation_ids == {w.b2.pk}
    assert user.has_perm("rounds.view_round", w.round_b)
    assert not user.has_perm("rounds.view_round", w.round_a)


# An organisation's results from another round stay with that round (issue #13).


def _earlier_round_of_aby(w):
    """Aby (A1) in an earlier round, with one submitted assessment, outside any group."""
    import datetime as dt

    from checklist import services as checklist_services
    from participants import services as participant_services
    from rounds import services as round_services

    earlier = round_services.round_create(
        name="Modellkommuner 2023–2024",
        slug="modellkommuner-2023-2024",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 6, 30),
    )
    aby_then = participant_services.participation_add(round=earlier, organisation=w.org_a1)
    starts = dt.datetime(2023, 9, 14, 9, tzinfo=dt.UTC)
    meeting = round_services.meeting_create(
        round=earlier,
        kind=Meeting.Kind.LEARNING_MEETING,
        title="Lärandeträff 1 2023",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        assessment_due=True,
    )
    checklist_services.assessment_record(
        participation=aby_then,
        meeting=meeting,
        scores=dict.fromkeys(range(1, 11), 1),
        submitted_at=starts - dt.timedelta(days=7),
    )
    return earlier


@pytest.mark.parametrize(
    ("user_name", "sees_earlier"),
    [
        ("leader", True),
        ("superuser", True),
        ("politician_a1", True),
        ("manager_a1", True),
        ("strategist_a1", True),
        ("mentor_m1", False),  # mentors Aby's group in round A only
        ("strategist_a2", False),  # Aby's group peer in round A
        ("strategist_b1", False),
    ],
)
def test_organisation_history_of_another_round_is_for_the_organisation_and_leaders(
    w, user_name, sees_earlier, django_assert_num_queries
):
    from checklist.selectors import organisation_history
    from participants.selectors import participation_with_rounds

    earlier = _earlier_round_of_aby(w)
    aby = Participation.objects.select_related("round").get(pk=w.a1.pk)
    user = User.objects.get(pk=_user(w, user_name).pk)
    policy.standing(user)  # read once per request, before the page's reads
    with django_assert_num_queries(4):
        rounds = {h.round.pk for h in organisation_history(participation=aby, user=user)}
    assert rounds == ({earlier.pk} if sees_earlier else set())  # round A has no submission yet
    # The organisation page reads the organisation's part in every round with its own: the
    # history goes through those, to the same rounds, without reading them again.
    aby, participations = participation_with_rounds(
        w.leader, round_slug=w.a1.round.slug, code=w.a1.organisation.code
    )
    with django_assert_num_queries(2):  # the meetings and the scores (the items are kept)
        history = organisation_history(participation=aby, user=user, participations=participations)
    assert {h.round.pk for h in history} == rounds
    # The organisation report shows every round; only its own people and leaders read it.
    assert user.has_perm("reports.view_report", w.report_org_a1) == (
        user_name in {"leader", "superuser", "politician_a1", "manager_a1", "strategist_a1"}
    )

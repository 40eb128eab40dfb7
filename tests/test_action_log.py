"""The action log: every service that changes the programme writes what it did, who did it,
on which object, with the values as people know them; the pages read it in their language."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re

import pytest
from django.utils import translation

from accounts import services as account_services
from checklist import services as checklist_services
from modellkoncept.actions import MERGE_WINDOW, acting_as, show
from modellkoncept.models import LogEntry
from participants import services as participant_services
from rounds import services as round_services
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _latest(action_type: str) -> LogEntry:
    return LogEntry.objects.filter(action_type=action_type).order_by("-id").first()


def _text(entry: LogEntry, language: str = "sv") -> str:
    with translation.override(language):
        return show([entry])[0].text


# Every writing service logs


# Functions of the services modules that write nothing the log is for, with the reason.
EXEMPT = {
    "rounds.services.meeting_moved_notices_send": (
        "sends the e-mails of a move that meeting_update has logged"
    ),
    "accounts.services.calendar_token_reset": "the person's own secret link, not programme data",
    "accounts.services.calendar_token_revoke": "the person's own secret link, not programme data",
    "accounts.services.person_export": "reads only",
    "accounts.services.password_reset_send": "an e-mail with a link; changes nothing yet",
    "participants.services.organisations_load": "SKR's reference list, loaded from its file",
    "participants.services.invitation_for_token": "reads only",
    "participants.services.application_send_notice": "an e-mail about a logged decision",
    "rounds.services.group_size_warning": "reads only",
    "rounds.services.notice_email_send": "an e-mail; its SentNotice row is the record",
    "rounds.services.notices_send": "e-mails; their SentNotice rows are the record",
    "checklist.services.checklist_version_create": None,  # logs: listed to keep the set honest
    "rounds.services.result_reports.section_labels": "reads only",
    "rounds.services.result_reports.clean_results": "checks only",
    "rounds.services.result_reports.missing_for_submission": "checks only",
    "rounds.services.result_reports.merge_fields": "folds log data; writes nothing",
    "rounds.services.result_reports.reminder_email_send": "an e-mail; its row is the record",
    "rounds.services.result_reports.result_report_reminders_send": (
        "e-mails; their ResultReportReminder rows are the record"
    ),
}
EXEMPT = {name: reason for name, reason in EXEMPT.items() if reason}

# Services made of others that log (the parts' entries are the record).
LOGS_THROUGH = {
    "checklist.services.assessment_save_and_submit": ["assessment_save", "assessment_submit"],
    "rounds.services.group_set_members": ["group_remove_member", "group_place"],
    "rounds.services.mentor_add": ["mentor_assign"],
    "rounds.services.mentor_proposal_accept": ["mentor_set"],
    "rounds.services.group_proposal_accept": ["group_place", "group_create"],
    "rounds.services.result_reports.result_report_save_and_submit": [
        "result_report_save",
        "result_report_submit",
    ],
}

SERVICE_MODULES = ["accounts.services", "participants.services", "checklist.services"]
SERVICE_MODULES += ["rounds.services", "rounds.services.result_reports"]
SERVICE_MODULES += ["reports.summary.services"]


def _services():
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            # A services package re-exports its submodules' services under its own name.
            defined_here = function.__module__ == module_name
            defined_here |= function.__module__.startswith(f"{module_name}.")
            if defined_here and not name.startswith("_"):
                yield f"{module_name}.{name}", function


# The ids are the services' names (a function's repr names its address, which differs between
# the xdist workers, whose collections must agree).
_SERVICES = list(_services())


@pytest.mark.parametrize(("name", "function"), _SERVICES, ids=[name for name, _ in _SERVICES])
def test_every_service_that_writes_logs_what_it_did(name, function):
    """A new service that writes must log (or be listed above with its reason)."""
    if name in EXEMPT:
        return
    source = inspect.getsource(function)
    if name in LOGS_THROUGH:
        for part in LOGS_THROUGH[name]:
            assert re.search(rf"\b{part}\(", source), f"{name} no longer calls {part}"
        return
    assert re.search(r"\blog_action\(|\b_log_\w+\(|\bfunction_assign\(", source), (
        f"{name} writes no entry in the action log; call log_action() in it, or say in "
        "EXEMPT why it needs none."
    )


def test_the_list_of_services_is_not_empty():
    names = {name for name, _f in _services()}
    assert {"rounds.services.meeting_update", "checklist.services.assessment_save"} <= names


# What each service writes


def test_autosaves_by_one_person_are_one_entry_with_the_values_before_and_after(world):
    draft = world.draft_a1  # Sara saved item 1 → 3 when the world was made
    save = checklist_services.assessment_save

    save(assessment=draft, scores={2: 1}, by=world.strategist_a1)
    save(assessment=draft, scores={2: 2, 3: 4 - 1}, by=world.strategist_a1)
    save(assessment=draft, comments={3: "Beslut finns"}, scores={}, by=world.strategist_a1)

    entries = LogEntry.objects.filter(
        action_type="checklist.assessment.changed", object_id=draft.pk
    )
    assert entries.count() == 1
    entry = entries.get()
    assert entry.user == world.strategist_a1
    assert entry.round_id == world.round_a.pk
    assert entry.data["changes"] == [
        {"item": 1, "field": "score", "old": None, "new": 3},
        {"item": 2, "field": "score", "old": None, "new": 2},
        {"item": 3, "field": "score", "old": None, "new": 3},
        {"item": 3, "field": "comment", "old": "", "new": "Beslut finns"},
    ]
    assert _text(entry) == (
        "Poäng moment 1: – → 3; Poäng moment 2: – → 2; Poäng moment 3: – → 3; "
        "Kommentar moment 3: – → “Beslut finns”"
    )
    assert _text(entry, "en").startswith("Score item 1: – → 3; Score item 2: – → 2")


def test_a_save_after_a_pause_or_by_someone_else_is_a_new_entry(world):
    draft = world.draft_a1
    save = checklist_services.assessment_save
    first = LogEntry.objects.get(action_type="checklist.assessment.changed", object_id=draft.pk)
    LogEntry.objects.filter(pk=first.pk).update(
        datetime=first.datetime - MERGE_WINDOW - dt.timedelta(minutes=1)
    )

    save(assessment=draft, scores={2: 1}, by=world.strategist_a1)  # after the pause
    save(assessment=draft, scores={2: 2}, by=world.leader)  # someone else
    save(assessment=draft, scores={4: 2}, by=world.strategist_a1)  # not merged over the leader's

    entries = list(
        LogEntry.objects.filter(
            action_type="checklist.assessment.changed", object_id=draft.pk
        ).order_by("id")
    )
    assert [(e.user, e.data["changes"]) for e in entries] == [
        (world.strategist_a1, [{"item": 1, "field": "score", "old": None, "new": 3}]),
        (world.strategist_a1, [{"item": 2, "field": "score", "old": None, "new": 1}]),
        (world.leader, [{"item": 2, "field": "score", "old": 1, "new": 2}]),
        (world.strategist_a1, [{"item": 4, "field": "score", "old": None, "new": 2}]),
    ]


def test_a_burst_that_ends_where_it_began_leaves_no_entry(world):
    draft = world.draft_a1
    save = checklist_services.assessment_save
    save(assessment=draft, scores={1: None}, by=world.strategist_a1)

    assert not LogEntry.objects.filter(
        action_type="checklist.assessment.changed", object_id=draft.pk
    ).exists()


def test_submitting_names_the_person(world):
    entry = _latest("checklist.assessment.submitted")

    assert (entry.object_id, entry.user) == (world.submitted_a3.pk, world.strategist_a3)
    assert _text(entry) == "Inskickad av Siv Strateg"


def test_moving_a_meeting_records_when_it_was_and_when_it_is(world):
    meeting = world.meeting_ga1
    old_start = meeting.starts_at
    new_start = old_start + dt.timedelta(days=7)

    with acting_as(world.leader):
        round_services.meeting_update(
            meeting=meeting, starts_at=new_start, ends_at=new_start + dt.timedelta(hours=6)
        )

    entry = _latest("rounds.meeting.updated")
    assert (entry.object_id, entry.user, entry.round_id) == (
        meeting.pk,
        world.leader,
        world.round_a.pk,
    )
    assert [c["field"] for c in entry.data["changes"]] == ["starts_at", "ends_at"]
    assert entry.data["changes"][0]["old"] == old_start.astimezone(dt.UTC).isoformat()
    text = _text(entry)
    assert text.startswith("Träffen Lärandeträff 1 GA1 ändrades: Börjar: ")
    with translation.override("sv"):
        from django.utils import formats, timezone

        shown = formats.date_format(timezone.localtime(new_start), "SHORT_DATETIME_FORMAT")
    assert f"→ {shown}" in text


def test_an_unchanged_meeting_saved_again_logs_nothing(world):
    before = LogEntry.objects.count()

    round_services.meeting_update(meeting=world.meeting_ga1, title=world.meeting_ga1.title)

    assert LogEntry.objects.count() == before


def test_attendance_is_one_entry_per_list_saved_with_who_came(world):
    meeting = world.meeting_ga1

    with acting_as(world.leader):
        round_services.attendance_set(
            meeting=meeting, attended_ids={world.strategist_a1.pk, world.politician_a1.pk}
        )
        round_services.attendance_set(meeting=meeting, attended_ids={world.strategist_a1.pk})

    entries = list(LogEntry.objects.filter(action_type="rounds.attendance.recorded").order_by("id"))
    assert [(e.user, e.object_id) for e in entries] == [(world.leader, meeting.pk)] * 2
    assert sorted(entries[0].data["present"]) == sorted(
        [world.strategist_a1.pk, world.politician_a1.pk]
    )
    assert entries[1].data == {
        "title": meeting.title,
        "present": [],
        "absent": [world.politician_a1.pk],
    }
    assert _text(entries[1]) == "Närvaro på Lärandeträff 1 GA1: frånvarande: Per Politiker"


def test_application_decisions_are_recorded_with_who_decided(world):
    round_c = round_services.round_create(
        name="Omgång C",
        slug="omgang-c",
        starts_on=world.round_a.starts_on,
        ends_on=world.round_a.ends_on,
    )
    round_c = round_services.round_update(round=round_c, accepts_applications=True)
    fields = {
        "contact_name": "Kim Kontakt",
        "contact_email": "kim@gby.se",
        "decision_on": dt.date(2025, 5, 1),
        "decision_kind": "cemr",
    }
    gby, hby = OrganisationFactory(code="9401", name="Gby"), OrganisationFactory(name="Hby")
    accepted = participant_services.application_submit(round=round_c, organisation=gby, **fields)
    declined = participant_services.application_submit(round=round_c, organisation=hby, **fields)

    participant_services.application_accept(application=accepted, by=world.leader)
    participant_services.application_decline(
        application=declined, by=world.leader, reason="Omgången är full."
    )

    accept, decline = (
        _latest("participants.application.accepted"),
        _latest("participants.application.declined"),
    )
    assert (accept.object_id, accept.user, accept.round_id) == (
        accepted.pk,
        world.leader,
        round_c.pk,
    )
    assert accept.data["organisation"] == gby.pk
    assert (decline.object_id, decline.user) == (declined.pk, world.leader)
    assert _text(accept) == "Intresseanmälan från Gby godkändes"
    assert _text(decline) == "Intresseanmälan från Hby avslogs: Omgången är full."
    submitted = _latest("participants.application.submitted")
    assert (submitted.object_id, submitted.user) == (declined.pk, None)


def test_removing_and_locking_mentors_is_recorded(world):
    with acting_as(world.leader):
        round_services.mentor_lock(group=world.ga2, locked=True)
        round_services.mentor_remove(mentorship=world.ga1.mentorships.get())

    locked = _latest("rounds.mentor.locked")
    removed = _latest("rounds.mentor.removed")
    assert (locked.object_id, locked.user, locked.data["locked"]) == (
        world.ga2.pk,
        world.leader,
        True,
    )
    assert removed.data["organisation"] == world.m1.organisation_id
    assert _text(locked) == "Mentorn Stödstad låstes för grupp GA2"
    assert _text(removed) == "Mentorstad är inte längre mentor för grupp GA1"


def test_completing_a_round_names_who_completed(world):
    round_services.round_activate(round=world.round_a)
    with acting_as(world.leader):
        round_services.round_complete(round=world.round_a)

    entry = _latest("rounds.round.completed")
    assert (entry.object_id, entry.user, entry.round_id) == (
        world.round_a.pk,
        world.leader,
        world.round_a.pk,
    )
    assert _text(entry) == "Omgången avslutades; genomförd av: Aby, Bby, Cby, Dby"


def test_round_changes_read_with_the_fields_label(world):
    with acting_as(world.leader):
        round_services.round_update(round=world.round_a, name="Omgång A 2026–2027")

    entry = _latest("rounds.round.updated")
    assert entry.data["changes"] == [
        {"field": "name", "old": "Omgång A", "new": "Omgång A 2026–2027"}
    ]
    assert "Omgång A → Omgång A 2026–2027" in _text(entry)
    assert "name:" not in _text(entry)


def test_groups_members_and_withdrawals(world):
    with acting_as(world.leader):
        round_services.group_remove_member(participation=world.a4)
        participant_services.participation_withdraw(
            participation=world.a4, on=dt.date(2026, 10, 1), reason="Omorganisation"
        )

    removed = _latest("rounds.group.member_removed")
    withdrawn = _latest("participants.participation.withdrawn")
    assert (removed.object_id, removed.data["organisation"]) == (
        world.ga2.pk,
        world.a4.organisation_id,
    )
    assert _text(removed) == "Dby togs ut ur grupp GA2"
    assert withdrawn.data == {
        "organisation": world.a4.organisation_id,
        "on": "2026-10-01",
        "reason": "Omorganisation",
    }
    assert _text(withdrawn) == "Dby drog sig ur 2026-10-01: Omorganisation"


def test_an_erased_person_shows_erased_in_earlier_entries_and_the_log_keeps_no_name(world):
    with acting_as(world.leader):
        participant_services.function_assign(
            participation=world.a2, person=world.politician_a1, function="politiker"
        )
    account_services.person_erase(person=world.politician_a1, by=world.leader)

    assigned = _latest("participants.function.assigned")
    erased = _latest("accounts.person.erased")
    world.politician_a1.refresh_from_db()
    erased_name = world.politician_a1.full_name
    assert erased_name != "Per Politiker"
    assert _text(assigned) == f"{erased_name} är politiker för Bby"
    assert erased.user == world.leader
    assert erased.data == {}
    assert "Per Politiker" not in str(LogEntry.objects.values_list("data", flat=True))


def test_reading_a_page_of_entries_takes_one_query_per_kind_of_name(
    world, django_assert_num_queries
):
    entries = list(LogEntry.objects.filter(round_id=world.round_a.pk).select_related("user"))
    assert len(entries) > 20

    # Organisations, groups, people: one query each, however many entries name them.
    with django_assert_num_queries(2):
        shown = show(entries)

    assert all(s.text and "%(" not in s.text for s in shown)


def test_reopening_a_round_names_the_reason_and_who_left_the_mentor_pool(world):
    round_services.round_activate(round=world.round_a)
    round_services.round_complete(round=world.round_a)
    round_services.round_reopen(round=world.round_a, reason="Träffen i juni blev inte av.")

    entry = _latest("rounds.round.reopened")
    assert entry.round_id == world.round_a.pk
    assert entry.data["reason"] == "Träffen i juni blev inte av."
    assert entry.data["taken_back"]  # the members the completion put in the pool
    assert _text(entry).startswith("Omgången öppnades igen: Träffen i juni blev inte av.;")
    assert "Aby" in _text(entry)


def test_an_organisation_changed_by_hand_logs_its_fields(world):
    organisation = world.a1.organisation
    participant_services.organisation_update(organisation=organisation, name="Aby kommun")

    entry = _latest("participants.organisation.updated")
    assert entry.data["changes"] == [{"field": "name", "old": "Aby", "new": "Aby kommun"}]
    assert _text(entry).startswith("Aby kommun ändrades:")


def test_an_invitation_sent_again_and_revoked_is_logged(world):
    invitation = participant_services.invitation_create(
        participation=world.a1, person=world.manager_a1
    )
    participant_services.invitation_revoke(invitation=invitation)
    participant_services.invitation_resend(invitation=invitation)

    assert _text(_latest("participants.invitation.revoked")) == (
        "Inbjudan till Cecilia Chef drogs tillbaka"
    )
    assert _text(_latest("participants.invitation.resent")) == (
        "Inbjudan skickades igen till Cecilia Chef"
    )


def test_a_result_report_is_logged_as_people_know_it(world):
    from rounds.services import result_reports as rr

    report = rr.result_report_start(participation=world.a1, year=1, by=world.strategist_a1)
    rr.result_report_save(report=report, texts={"aims": "Mål"}, by=world.strategist_a1)
    rr.result_report_save(
        report=report, texts={"lessons": "Lärdom"}, willing_to_mentor=True, by=world.strategist_a1
    )
    changed = LogEntry.objects.filter(action_type="rounds.result_report.changed").get()
    assert changed.data["fields"] == ["aims", "lessons", "willing_to_mentor"]
    assert _text(changed, "en") == (
        "Result report changed: Aims, Lessons learnt, Willing to mentor"
    )
    rr.result_report_due_set(
        round=world.round_a, year=1, due_on=dt.date(2026, 12, 15), by=world.leader
    )
    due = _latest("rounds.result_report.due_set")
    assert due.round_id == world.round_a.pk
    assert _text(due, "en").startswith("Result reports of year 1 due: – → ")

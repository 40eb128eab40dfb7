"""The form cases of rounds: rounds, meetings, groups and mentors, the archive upload, meeting
material and the library, the mentor's voice, evaluations and result reports."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st

from checklist.models import ChecklistVersion
from participants.models import Organisation, Participation
from rounds import archive
from rounds.models import (
    Attendance,
    BenchmarkingGroup,
    EvaluationScore,
    EvaluationStatement,
    GroupMentor,
    Meeting,
    MeetingEvaluation,
    MeetingMaterial,
    MentorNote,
    MentorRole,
    ProgrammeDocument,
    ResultReport,
    ResultReportComment,
    ResultReportDue,
    Round,
)
from tests.hostile import field as either
from tests.hostile import form as post_data
from tests.hostile import (
    hostile_dates,
    hostile_datetimes,
    hostile_numbers,
    hostile_text,
    hostile_urls,
    valid,
    watched_models,
)
from tests.hostile_input.files import json_values, mutate
from tests.hostile_input.harness import Post, a_pk, anything, boolean, form_case, htmx, some_pks
from tests.rounds import documents

# rounds


def _round_fields(w, *, create: bool):
    fields = {
        "name": either(valid("Omgång D", "Ö"), hostile_text()),
        "kind": either(valid(*Round.Kind.values), hostile_text()),
        "starts_on": either(valid("2027-01-01"), hostile_dates()),
        "ends_on": either(valid("2028-12-31", "2026-12-31"), hostile_dates()),
        "current_year": either(valid(1, 2), hostile_numbers()),
        "description": either(valid(""), hostile_text()),
        "accepts_applications": boolean(),
        "reminder_days": either(valid("7, 2", "", "14;3"), hostile_text()),
        "meeting_notice_days": either(valid(14, 0), hostile_numbers()),
    }
    if create:
        fields["slug"] = either(valid("omgang-d", "omgang-a"), hostile_text())
        fields["checklist_version"] = a_pk(ChecklistVersion.objects.all())
    return fields


@form_case("round create", "rounds:round_create", user="leader", writes=(Round,))
def _round_create(w, draw):
    return Post(reverse("rounds:round_create"), draw(post_data(_round_fields(w, create=True))))


@form_case("round edit", "rounds:round_update", user="leader", writes=(Round,))
def _round_edit(w, draw):
    data = draw(post_data(_round_fields(w, create=False)))
    return Post(reverse("rounds:round_update", args=[w.round_a.slug]), data)


@form_case("round status", "rounds:round_status", user="leader", writes=(Round, Participation))
def _round_status(w, draw):
    data = draw(post_data({"action": either(valid("activate", "complete"), hostile_text())}))
    round_ = draw(st.sampled_from([w.round_a, w.round_c]))
    return Post(reverse("rounds:round_status", args=[round_.slug]), data)


@form_case("schedule generate", "rounds:schedule_generate", user="leader", writes=(Meeting,))
def _schedule(w, draw):
    round_ = draw(st.sampled_from([w.round_a, w.round_c]))
    return Post(reverse("rounds:schedule_generate", args=[round_.slug]), draw(anything()))


def _meeting_fields(w):
    return {
        "kind": either(valid(*Meeting.Kind.values), hostile_text()),
        "title": either(valid("Lärandeträff 2"), hostile_text()),
        "number": either(valid("", 2), hostile_numbers()),
        "theme": either(valid(""), hostile_text()),
        "group": either(valid("", w.ga1.pk, w.gb.pk), hostile_numbers()),
        "starts_at": either(valid("2026-09-01T09:00", "2026-09-01 09:00"), hostile_datetimes()),
        "ends_at": either(valid("2026-09-01T16:00"), hostile_datetimes()),
        "place": either(valid("", "SKR"), hostile_text()),
        "online_url": either(valid("", "https://video.example.org/m"), hostile_urls()),
        "host": either(
            valid("", *[p.organisation_id for p in (w.a1, w.a3, w.b1)]), hostile_numbers()
        ),
        "assessment_due": boolean(),
        "assessment_opens_on": either(valid("", "2026-08-01"), hostile_dates()),
    }


@form_case("meeting create", "rounds:meeting_create", user="leader", writes=(Meeting,))
def _meeting_create(w, draw):
    data = draw(post_data(_meeting_fields(w)))
    return Post(reverse("rounds:meeting_create", args=[w.round_a.slug]), data)


@form_case("meeting edit", "rounds:meeting_update", user="leader", writes=(Meeting,))
def _meeting_edit(w, draw):
    meeting = draw(st.sampled_from([w.startup, w.meeting_ga1]))
    data = draw(post_data(_meeting_fields(w)))
    return Post(reverse("rounds:meeting_update", args=[w.round_a.slug, meeting.pk]), data)


@form_case("meeting delete", "rounds:meeting_delete", user="leader", writes=(Meeting, Attendance))
def _meeting_delete(w, draw):
    meeting = draw(st.sampled_from([w.startup, w.meeting_ga1]))
    url = reverse("rounds:meeting_delete", args=[w.round_a.slug, meeting.pk])
    return Post(url, draw(anything()))


@form_case("attendance", "rounds:attendance", user="leader", writes=(Attendance,))
def _attendance(w, draw):
    people = [w.politician_a1, w.manager_a1, w.strategist_a1, w.strategist_a2, w.mentor_m1]
    data = draw(post_data({"attended": some_pks(people)}))
    return Post(reverse("rounds:attendance", args=[w.round_a.slug, w.meeting_ga1.pk]), data)


def _group_fields(w):
    return {
        "name": either(valid("GA3", "GA1"), hostile_text()),
        "theme": either(valid("", "Folkhälsa"), hostile_text()),
        "members": some_pks([w.a1, w.a2, w.a3, w.a4, w.m1, w.b1]),
    }


@form_case(
    "group create", "rounds:group_create", user="leader", writes=(BenchmarkingGroup, Participation)
)
def _group_create(w, draw):
    data = draw(post_data(_group_fields(w)))
    return Post(reverse("rounds:group_create", args=[w.round_a.slug]), data)


@form_case(
    "group edit", "rounds:group_update", user="leader", writes=(BenchmarkingGroup, Participation)
)
def _group_edit(w, draw):
    group = draw(st.sampled_from([w.ga1, w.ga2, w.ga3]))
    data = draw(post_data(_group_fields(w)))
    url = reverse("rounds:group_update", args=[w.round_a.slug, group.pk])
    return Post(url, data, facts={"group": group})


@form_case(
    "group delete",
    "rounds:group_delete",
    user="leader",
    writes=(BenchmarkingGroup, Participation, Meeting, GroupMentor, Attendance),
)
def _group_delete(w, draw):
    group = draw(st.sampled_from([w.ga1, w.ga3]))
    url = reverse("rounds:group_delete", args=[w.round_a.slug, group.pk])
    return Post(url, draw(anything()))


@form_case("mentor add", "rounds:mentor_add", user="leader", writes=(GroupMentor, Participation))
def _mentor_add(w, draw):
    data = draw(
        post_data(
            {
                "organisation": a_pk(Organisation.objects.all()),
                "is_primary": either(valid("1", "0"), hostile_text()),
            }
        )
    )
    return Post(reverse("rounds:mentor_add", args=[w.round_a.slug, w.ga2.pk]), data)


@form_case("mentor remove", "rounds:mentor_remove", user="leader", writes=(GroupMentor,))
def _mentor_remove(w, draw):
    mentorship = GroupMentor.objects.get(group=w.ga1)
    url = reverse("rounds:mentor_remove", args=[w.round_a.slug, w.ga1.pk, mentorship.pk])
    return Post(url, draw(anything()))


@form_case(
    "mentor proposal accept",
    "rounds:mentor_proposal",
    user="leader",
    writes=(GroupMentor, Participation),
)
def _mentor_proposal(w, draw):
    data = draw(
        post_data(
            {
                "group": some_pks([w.ga1, w.ga2, w.gb]),
                "accept": either(valid("all", "some"), hostile_text()),
            }
        )
    )
    return Post(reverse("rounds:mentor_proposal", args=[w.round_a.slug]), data)


@form_case("mentor set", "rounds:mentor_set", user="leader", writes=(GroupMentor, Participation))
def _mentor_set(w, draw):
    data = draw(
        post_data(
            {
                "action": either(valid("set", "lock", "unlock"), hostile_text()),
                "organisation": either(valid("9201", "9202", "9101", "9301"), hostile_text()),
            }
        )
    )
    return Post(reverse("rounds:mentor_set", args=[w.round_a.slug, w.ga1.pk]), data)


@form_case(
    "group proposal accept",
    "rounds:group_proposal",
    user="leader",
    writes=(BenchmarkingGroup, Participation),
)
def _group_proposal(w, draw):
    round_ = draw(st.sampled_from([w.round_a, w.round_c]))
    return Post(reverse("rounds:group_proposal", args=[round_.slug]), draw(anything()))


def _hostile_json(w, draw) -> bytes:
    text = archive.document_to_json(w.archive_document)
    choice = draw(st.integers(0, 9))
    if choice <= 3:
        mutated = w.archive_document
        for _ in range(draw(st.integers(1, 3))):
            mutated = mutate(mutated, draw)
        return json.dumps(mutated, ensure_ascii=False).encode()
    if choice == 4:
        return json.dumps(draw(json_values)).encode()
    return draw(
        st.sampled_from(
            [
                text.encode(),  # valid: the preview, nothing written
                text.encode("utf-16"),
                text.encode("latin-1", errors="replace"),
                b"\xff\xfe\xfd" + text.encode(),
                text.replace('"format"', '"format": "x", "format"', 1).encode(),
                b'{"format": NaN}',
                b'{"format": Infinity}',
                b"[" * 900 + b"]" * 900,
                b"",
                b"null",
                b"\x00",
                text[: len(text) // 2].encode(),
                b'{"format": "' + b"x" * (archive.MAX_DOCUMENT_BYTES + 1) + b'"}',
            ]
        )
    )


@form_case("round import upload", "rounds:round_import", user="leader", writes=())
def _round_import(w, draw):
    name = draw(valid("round.json", "x", "../../etc/passwd", "a" * 300 + ".json"))
    upload = SimpleUploadedFile(name, _hostile_json(w, draw), content_type="application/json")
    data = draw(post_data({"file": either(st.just(upload), hostile_text())}))
    return Post(reverse("rounds:round_import"), data)


@form_case(
    "round import confirm",
    "rounds:round_import",
    user="leader",
    writes=watched_models(),
)
def _round_import_confirm(w, draw):
    data = draw(post_data({"digest": hostile_text()}))
    data["confirm"] = draw(valid("1", ""))
    return Post(reverse("rounds:round_import"), data)


# Meeting material and the programme library: hostile files by any name


def _hostile_document(draw) -> bytes:
    return draw(
        st.sampled_from(
            [
                documents.pdf(),
                documents.xlsx(),
                documents.executable(),  # a renamed executable
                documents.html(),  # a web page
                documents.zip_bomb(),  # unpacks to 50 MB
                documents.ooxml("docm"),  # macros
                documents.pdf() + b" " * 30_000,  # over the limit the arena sets
                b"PK\x03\x04" + b"\x00" * 100,
                b"",
            ]
        )
    )


def _hostile_upload(draw):
    name = draw(
        st.one_of(
            valid("dagordning.pdf", "bilder.pptx", "program.docx", "x.xlsx", "a.exe", "b.html"),
            hostile_text(30).map(lambda n: n.replace("\x00", "")),
        )
    )
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name if name not in ("", ".", "..") else "x.pdf"
    return SimpleUploadedFile(name, _hostile_document(draw), content_type="application/pdf")


@form_case(
    "meeting material",
    "rounds:meeting_material",
    user="strategist_a1",
    writes=(Meeting, MeetingMaterial),
)
def _meeting_material(w, draw):
    if draw(st.booleans()):
        fields = {
            "form": valid("agenda"),
            "agenda": either(valid("<p>Välkomna</p>", "9.00 Start"), hostile_text()),
        }
    else:
        fields = {
            "form": either(valid("upload"), hostile_text()),
            "title": either(valid("", "Bildspel"), hostile_text()),
            "file": either(st.just(_hostile_upload(draw)), hostile_text()),
        }
    url = reverse("rounds:meeting_material", args=[w.round_a.slug, w.meeting_ga1.pk])
    return Post(url, draw(post_data(fields)))


@form_case(
    "meeting material: remove",
    "rounds:material_delete",
    user="strategist_a1",
    writes=(MeetingMaterial,),
)
def _material_delete(w, draw):
    url = reverse("rounds:material_delete", args=[w.round_a.slug, w.meeting_ga1.pk, w.material.pk])
    return Post(url, draw(anything()))


@form_case(
    "programme library upload",
    "rounds:programme_library",
    user="leader",
    writes=(ProgrammeDocument,),
)
def _programme_library(w, draw):
    fields = {
        "title": either(valid("", "Mall"), hostile_text()),
        "description": either(valid("", "Stöd"), hostile_text()),
        "file": either(st.just(_hostile_upload(draw)), hostile_text()),
    }
    return Post(reverse("rounds:programme_library"), draw(post_data(fields)))


@form_case(
    "programme library: remove",
    "rounds:programme_document_delete",
    user="leader",
    writes=(ProgrammeDocument,),
)
def _programme_document_delete(w, draw):
    url = reverse("rounds:programme_document_delete", args=[w.library_document.pk])
    return Post(url, draw(anything()))


# The mentor's voice


@form_case("mentor's note", "rounds:group_notes", user="mentor_m1", writes=(MentorNote,))
def _mentor_note(w, draw):
    fields = {
        "text": either(valid("Ta med beslutsunderlagen.", "Å"), hostile_text()),
        "meeting": either(
            valid("", w.meeting_ga1.pk, w.meeting_ga2.pk, w.startup.pk, w.meeting_gb.pk),
            hostile_numbers(),
        ),
    }
    url = reverse("rounds:group_notes", args=[w.round_a.slug, w.ga1.pk])
    return Post(url, draw(post_data(fields)))


@form_case("the mentor's role", "rounds:mentor_role", user="leader", writes=(MentorRole,))
def _mentor_role(w, draw):
    fields = {"text": either(valid("", "<p>Mentorn lyssnar.</p>"), hostile_text())}
    return Post(reverse("rounds:mentor_role"), draw(post_data(fields)))


# Evaluations of meetings


@form_case(
    "meeting evaluation",
    "rounds:evaluation_answer",
    user="strategist_a1",
    writes=(MeetingEvaluation, EvaluationScore),
)
def _evaluation_answer(w, draw):
    fields = {
        f"statement_{s.pk}": either(valid("1", "3", "5", "0", "6", ""), hostile_numbers())
        for s in w.evaluation_statements
    }
    fields["comment"] = either(valid("", "Bra träff."), hostile_text())
    meeting = draw(st.sampled_from([w.held_ga1, w.meeting_ga1]))
    url = reverse("rounds:evaluation_answer", args=[w.round_a.slug, meeting.pk])
    return Post(url, draw(post_data(fields)))


@form_case(
    "evaluation statements",
    "rounds:evaluation_statements",
    user="leader",
    writes=(EvaluationStatement,),
)
def _evaluation_statements(w, draw):
    kinds = ("learning_meeting", "startup_conference", "midterm_conference", "result_conference")
    fields = {kind: either(valid("Bra träff.", "A\nB\nC", ""), hostile_text()) for kind in kinds}
    return Post(reverse("rounds:evaluation_statements"), draw(post_data(fields)))


# The participants' result reports


def _result_fields(w, revision: int) -> dict:
    fields = {
        "revision": either(valid(revision, revision - 1, 0), hostile_numbers()),
        "overwrite_revision": either(valid("", revision), hostile_numbers()),
        "willing_to_mentor": either(valid("", "yes", "no"), hostile_text()),
        "then": either(valid("", "submit"), hostile_text()),
    }
    for name in ("aims", "organisation_of_work", "lessons", "advice"):
        fields[name] = either(valid("", "Vi har börjat."), hostile_text())
    for row in (0, 1, 29, 30):
        fields[f"result_{row}_step"] = either(
            valid("", "activity", "outcome", "societal_effect"), hostile_text()
        )
        fields[f"result_{row}_text"] = either(valid("", "Jämnare hemtjänst"), hostile_text())
        fields[f"result_{row}_work"] = either(valid("", w.work.pk), hostile_numbers())
    return fields


@form_case(
    "result report save", "rounds:result_report_save", user="strategist_a1", writes=(ResultReport,)
)
def _result_report_save(w, draw):
    data = draw(post_data(_result_fields(w, w.result_a1.revision)))
    url = reverse("rounds:result_report_save", args=[w.result_a1.pk])
    return Post(url, data, headers=htmx(draw))


@form_case(
    "result report submit",
    "rounds:result_report_submit",
    user="strategist_a1",
    writes=(ResultReport, Participation),
)
def _result_report_submit(w, draw):
    data = draw(
        post_data({"revision": either(valid(w.result_a1.revision, 0, ""), hostile_numbers())})
    )
    return Post(reverse("rounds:result_report_submit", args=[w.result_a1.pk]), data)


@form_case(
    "result report reopen", "rounds:result_report_reopen", user="leader", writes=(ResultReport,)
)
def _result_report_reopen(w, draw):
    data = draw(post_data({"reason": either(valid("Fel siffror"), hostile_text())}))
    report = draw(st.sampled_from([w.result_a1, w.result_a2]))
    return Post(reverse("rounds:result_report_reopen", args=[report.pk]), data)


@form_case(
    "result report comment",
    "rounds:result_report_comment",
    user="politician_a1",
    writes=(ResultReportComment,),
)
def _result_report_comment(w, draw):
    data = draw(post_data({"text": either(valid("Bra skrivet."), hostile_text())}))
    return Post(reverse("rounds:result_report_comment", args=[w.result_a1.pk]), data)


@form_case(
    "result report start",
    "rounds:result_report_start",
    user="strategist_a1",
    writes=(ResultReport,),
)
def _result_report_start(w, draw):
    code, year = draw(st.sampled_from([("9101", 1), ("9101", 2), ("9102", 1), ("9101", 3)]))
    url = reverse("rounds:result_report_start", args=[w.round_a.slug, code, year])
    return Post(url, draw(anything()))


@form_case(
    "result report due dates", "rounds:result_reports", user="leader", writes=(ResultReportDue,)
)
def _result_report_dues(w, draw):
    fields = {
        "due_1": either(valid("", "2026-12-15"), hostile_dates()),
        "due_2": either(valid("", "2027-12-15"), hostile_dates()),
    }
    return Post(reverse("rounds:result_reports", args=[w.round_a.slug]), draw(post_data(fields)))

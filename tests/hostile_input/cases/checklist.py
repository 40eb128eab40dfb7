"""The form cases of the checklist: assessments, versions, the assessment import and the
checklist file upload."""

from __future__ import annotations

import json
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st

from checklist import document as checklist_document
from checklist.models import (
    Answer,
    AssessmentComment,
    ChecklistItem,
    ChecklistPart,
    ChecklistVersion,
    ScaleStep,
    SelfAssessment,
)
from rounds.models import Round
from tests.hostile import field as either
from tests.hostile import form as post_data
from tests.hostile import hostile_numbers, hostile_text, valid
from tests.hostile_input.files import csv_bytes, json_values, mutate, xlsx_bytes
from tests.hostile_input.harness import Post, a_pk, anything, form_case, htmx

# checklist


def _assessment_fields(w, revision: int):
    fields = {
        "revision": either(valid(revision, revision - 1, 0), hostile_numbers()),
        "overwrite_revision": either(valid("", revision), hostile_numbers()),
    }
    for number in range(1, 11):
        fields[f"score_{number}"] = either(valid("", 1, 2, 3), hostile_numbers())
        fields[f"comment_{number}"] = either(valid("", "Vi har börjat."), hostile_text())
    return fields


@form_case(
    "assessment save",
    "checklist:assessment_save",
    user="strategist_a1",
    writes=(SelfAssessment, Answer),
)
def _assessment_save(w, draw):
    data = draw(post_data(_assessment_fields(w, w.draft_a1.revision)))
    url = reverse("checklist:assessment_save", args=[w.draft_a1.pk])
    return Post(url, data, headers=htmx(draw))


@form_case(
    "assessment submit",
    "checklist:assessment_submit",
    user="strategist_a1",
    writes=(SelfAssessment, Answer),
)
def _assessment_submit(w, draw):
    data = draw(post_data(_assessment_fields(w, w.draft_a1.revision)))
    return Post(reverse("checklist:assessment_submit", args=[w.draft_a1.pk]), data)


@form_case("assessment lock", "checklist:assessment_lock", user="leader", writes=(SelfAssessment,))
def _assessment_lock(w, draw):
    data = draw(post_data({"action": either(valid("close"), hostile_text())}))
    assessment = draw(st.sampled_from([w.draft_a1, w.submitted_a2]))
    return Post(reverse("checklist:assessment_lock", args=[assessment.pk]), data)


@form_case(
    "assessment reopen", "checklist:assessment_reopen", user="leader", writes=(SelfAssessment,)
)
def _assessment_reopen(w, draw):
    data = draw(post_data({"reason": either(valid("Fel poäng på moment 3"), hostile_text())}))
    assessment = draw(st.sampled_from([w.draft_a1, w.submitted_a2]))
    return Post(reverse("checklist:assessment_reopen", args=[assessment.pk]), data)


@form_case(
    "assessment remark",
    "checklist:assessment_remark",
    user="politician_a1",
    writes=(AssessmentComment,),
)
def _assessment_remark(w, draw):
    data = draw(
        post_data(
            {
                "text": either(valid("Bra jobbat."), hostile_text()),
                "item": either(valid("", 1, 10, 11), hostile_numbers()),
            }
        )
    )
    return Post(reverse("checklist:assessment_remark", args=[w.draft_a1.pk]), data)


@form_case(
    "assessment start",
    "checklist:assessment_start",
    user="strategist_a1",
    writes=(SelfAssessment, Answer),
)
def _assessment_start(w, draw):
    meeting = draw(st.sampled_from([w.meeting_ga1, w.meeting_ga2, w.startup]))
    url = reverse("checklist:assessment_start", args=[w.round_a.slug, "9101", meeting.pk])
    return Post(url, draw(anything()))


def _management(prefix: str, draw, rows: int) -> dict:
    """A formset's management form: right, missing, not a number, or far too large."""
    total = draw(
        st.one_of(
            st.just(str(rows)),
            st.none(),
            valid("abc", "100000", "-1", "", "1e3", "0"),
            hostile_numbers(),
        )
    )
    data = {
        f"{prefix}-INITIAL_FORMS": draw(either(valid("0"), hostile_numbers())),
        f"{prefix}-MIN_NUM_FORMS": draw(either(valid("0"), hostile_numbers())),
        f"{prefix}-MAX_NUM_FORMS": draw(either(valid("1000"), hostile_numbers())),
    }
    if total is not None:
        data[f"{prefix}-TOTAL_FORMS"] = total
    return {key: value for key, value in data.items() if value is not None}


@form_case(
    "checklist version create",
    "checklist:version_create",
    user="leader",
    writes=(ChecklistVersion, ChecklistItem, ChecklistPart, ScaleStep),
)
def _version_create(w, draw):
    data = draw(
        post_data(
            {
                "slug": either(valid("ny-checklista", "klassisk-2015"), hostile_text()),
                "name_sv": either(valid("Ny checklista"), hostile_text()),
                "name_en": either(valid("", "New"), hostile_text()),
                "level": either(valid("organisation", "committee"), hostile_text()),
                "scale_min": either(valid(1), hostile_numbers()),
                "scale_max": either(valid(3, 4), hostile_numbers()),
            }
        )
    )
    steps = draw(st.integers(0, 4))
    items = draw(st.integers(0, 3))
    data.update(_management("steps", draw, steps))
    data.update(_management("items", draw, items))
    rows = {}
    for index in range(steps):
        rows[f"steps-{index}-value"] = either(valid(index + 1), hostile_numbers())
        rows[f"steps-{index}-label_sv"] = either(valid("Steg"), hostile_text())
        rows[f"steps-{index}-DELETE"] = st.one_of(st.none(), valid("on"), hostile_text())
    for index in range(items):
        rows[f"items-{index}-text_sv"] = either(valid("Punkt"), hostile_text())
        rows[f"items-{index}-part_sv"] = either(valid(""), hostile_text())
        rows[f"items-{index}-guidance_en"] = either(valid(""), hostile_text())
    data.update(draw(post_data(rows, extra=False)))
    query = draw(st.one_of(st.just(""), hostile_text().map(lambda v: "?from=" + quote(v))))
    return Post(reverse("checklist:version_create") + query, data)


@form_case("round checklist choose", "checklist:round_checklist", user="leader", writes=(Round,))
def _round_checklist(w, draw):
    data = draw(post_data({"version": a_pk(ChecklistVersion.objects.all())}))
    round_ = draw(st.sampled_from([w.round_a, w.round_c]))
    return Post(reverse("checklist:round_checklist", args=[round_.slug]), data)


def _hostile_file(draw) -> bytes:
    choice = draw(st.integers(0, 9))
    if choice <= 3:
        return csv_bytes(draw)
    if choice <= 5:
        return xlsx_bytes(draw)
    if choice == 6:
        return draw(st.binary(max_size=300))
    return draw(
        st.sampled_from(
            [
                b"PK\x03\x04" + b"\x00" * 100,
                b"",
                b"\x00" * 1000,
                b"organisation,meeting,item,score\n" + b"9101,x,1,1\n" * 3 + b'"' * 10,
                ("organisation,meeting,item,score,comment\n9101,m,1,1," + "x" * 200_000).encode(),
                b"organisation;meeting;item;score\n" * 2 + b"\n" * 100_001,
            ]
        )
    )


@form_case("assessment import upload", "checklist:assessment_import", user="leader", writes=())
def _assessment_import(w, draw):
    name = draw(
        st.one_of(
            valid("bedomning.csv", "bedomning.xlsx", "BEDOMNING.CSV", "x.xls", "x", ".csv"),
            hostile_text(30).map(lambda n: n.replace("\x00", "")),
        )
    ) + draw(valid("", "", ".csv", ".xlsx"))
    # A browser sends the last part of a path (Django refuses a name with none, such as "a/").
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name if name not in ("", ".", "..") else "x.csv"
    upload = SimpleUploadedFile(name, _hostile_file(draw), content_type="text/csv")
    data = draw(post_data({"file": either(st.just(upload), hostile_text())}))
    return Post(reverse("checklist:assessment_import", args=[w.round_a.slug]), data)


@form_case(
    "assessment import confirm",
    "checklist:assessment_import",
    user="leader",
    writes=(SelfAssessment, Answer),
)
def _assessment_import_confirm(w, draw):
    data = draw(
        post_data({"confirm": either(valid("1"), hostile_text()), "digest": hostile_text()})
    )
    data["confirm"] = data.get("confirm", "1")
    return Post(reverse("checklist:assessment_import", args=[w.round_a.slug]), data)


# The checklist file upload: hostile JSON, as for the round archive


def _hostile_checklist_json(w, draw) -> bytes:
    text = checklist_document.document_to_json(w.checklist_file)
    choice = draw(st.integers(0, 9))
    if choice <= 4:
        mutated = w.checklist_file
        for _ in range(draw(st.integers(1, 3))):
            mutated = mutate(mutated, draw)
        return json.dumps(mutated, ensure_ascii=False).encode()
    if choice == 5:
        return json.dumps(draw(json_values)).encode()
    return draw(
        st.sampled_from(
            [
                text.encode(),  # valid: the preview, nothing written
                text.encode("utf-16"),
                text.replace('"slug"', '"slug": "x", "slug"', 1).encode(),
                text.replace('"number": 2', '"number": 2.5', 1).encode(),
                text.replace('"part": "styrning"', '"part": "styrning\\u0000"', 1).encode(),
                b'{"format": NaN}',
                b"[" * 900 + b"]" * 900,
                b"",
                b"\x00",
                text[: len(text) // 2].encode(),
                b'{"format": "' + b"x" * (checklist_document.MAX_DOCUMENT_BYTES + 1) + b'"}',
            ]
        )
    )


@form_case("checklist file upload", "checklist:version_import", user="leader", writes=())
def _checklist_import(w, draw):
    name = draw(valid("lista.json", "x", "../../etc/passwd", "a" * 300 + ".json"))
    upload = SimpleUploadedFile(
        name, _hostile_checklist_json(w, draw), content_type="application/json"
    )
    data = draw(post_data({"file": either(st.just(upload), hostile_text())}))
    return Post(reverse("checklist:version_import"), data)


@form_case(
    "checklist file confirm",
    "checklist:version_import",
    user="leader",
    writes=(ChecklistVersion, ChecklistItem, ChecklistPart, ScaleStep),
)
def _checklist_import_confirm(w, draw):
    data = draw(post_data({"digest": hostile_text()}))
    data["confirm"] = draw(valid("1", ""))
    return Post(reverse("checklist:version_import"), data)

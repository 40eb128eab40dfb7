"""The form cases of participants."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import strategies as st

from accounts.models import User
from participants.models import (
    Application,
    Function,
    FunctionAssignment,
    ImprovementWork,
    Invitation,
    Organisation,
    Participation,
    ProgressNote,
)
from tests.hostile import field as either
from tests.hostile import form as post_data
from tests.hostile import (
    hostile_dates,
    hostile_emails,
    hostile_numbers,
    hostile_path_segment,
    hostile_text,
    repeated,
    valid,
)
from tests.hostile_input.harness import Post, boolean, form_case, some_pks

# participants


@form_case(
    "invite person",
    "participants:person_invite",
    user="leader",
    writes=(User, FunctionAssignment, Invitation),
)
def _invite(w, draw):
    data = draw(
        post_data(
            {
                "full_name": either(valid("Eva Ek", "Åsa Örn"), hostile_text()),
                "email": either(valid("eva@aby.se", "STRATEG@aby.se"), hostile_emails()),
                "functions": either(
                    st.lists(valid(*Function.values), max_size=3), repeated(hostile_text())
                ),
            }
        )
    )
    code = draw(st.sampled_from(["9101", "9201"]))
    return Post(reverse("participants:person_invite", args=[w.round_a.slug, code]), data)


@form_case(
    "invitation accept (set password)",
    "participants:invitation_accept",
    user=None,
    writes=(User, Invitation),
)
def _invitation_accept(w, draw):
    password = draw(st.one_of(valid("Ny-Jämställd-2027!"), hostile_text()))
    data = draw(
        post_data(
            {
                "password1": either(st.just(password), hostile_text()),
                "password2": either(st.just(password), hostile_text()),
            }
        )
    )
    token = draw(st.one_of(st.just(w.token), hostile_path_segment()))
    return Post(reverse("participants:invitation_accept", args=[token]), data)


def _work_fields(w):
    return {
        "title": either(valid("Statistik per kön", "Å"), hostile_text()),
        "description": either(valid("", "Beskrivning"), hostile_text()),
        "phase": either(valid(*ImprovementWork.Phase.values), hostile_text()),
        "chain_step": either(valid(*ImprovementWork.ChainStep.values), hostile_text()),
        "level": either(valid(*ImprovementWork.Level.values), hostile_text()),
        "origin_meeting": either(
            valid("", w.meeting_ga1.pk, w.meeting_ga2.pk, w.meeting_gb.pk), hostile_numbers()
        ),
        "moments": some_pks(w.round_a.checklist_version.items.all()[:3]),
    }


@form_case(
    "improvement work create",
    "participants:improvement_work_create",
    user="strategist_a1",
    writes=(ImprovementWork,),
)
def _work_create(w, draw):
    data = draw(post_data(_work_fields(w)))
    url = reverse("participants:improvement_work_create", args=[w.round_a.slug, "9101"])
    return Post(url, data)


@form_case(
    "improvement work edit",
    "participants:improvement_work_update",
    user="strategist_a1",
    writes=(ImprovementWork,),
)
def _work_edit(w, draw):
    data = draw(post_data(_work_fields(w)))
    return Post(reverse("participants:improvement_work_update", args=[w.work.pk]), data)


@form_case(
    "improvement work sharing",
    "participants:improvement_work_share",
    user="strategist_a1",
    writes=(ImprovementWork,),
)
def _work_share(w, draw):
    data = draw(
        post_data({"sharing": either(valid(*ImprovementWork.Sharing.values), hostile_text())})
    )
    return Post(reverse("participants:improvement_work_share", args=[w.work.pk]), data)


@form_case(
    "improvement work approval",
    "participants:improvement_work_approval",
    user="leader",
    writes=(ImprovementWork,),
)
def _work_approval(w, draw):
    data = draw(
        post_data(
            {
                "decision": either(valid("approve", "withdraw"), hostile_text()),
                "next": either(valid("queue", ""), hostile_text()),
            }
        )
    )
    return Post(reverse("participants:improvement_work_approval", args=[w.programme_work.pk]), data)


@form_case(
    "progress note", "participants:progress_note_add", user="strategist_a1", writes=(ProgressNote,)
)
def _progress_note(w, draw):
    data = draw(
        post_data(
            {
                "noted_on": either(valid("2026-05-01"), hostile_dates()),
                "text": either(valid("Det går framåt."), hostile_text()),
            }
        )
    )
    return Post(reverse("participants:progress_note_add", args=[w.work.pk]), data)


@form_case(
    "organisation edit", "participants:organisation_update", user="leader", writes=(Organisation,)
)
def _organisation_edit(w, draw):
    data = draw(
        post_data(
            {
                "name": either(valid("Aby kommun"), hostile_text()),
                "county_code": either(valid("01", ""), hostile_text()),
                "county_name": either(valid("Stockholms län", ""), hostile_text()),
                "latitude": either(valid("59.33", ""), hostile_numbers()),
                "longitude": either(valid("18.06", ""), hostile_numbers()),
            }
        )
    )
    code = draw(st.sampled_from(["9101", "9201"]))
    return Post(reverse("participants:organisation_update", args=[w.round_a.slug, code]), data)


@form_case(
    "person edit",
    "participants:person_update",
    user="leader",
    writes=(User, FunctionAssignment),
)
def _person_edit(w, draw):
    data = draw(
        post_data(
            {
                "full_name": either(valid("Per Politiker"), hostile_text()),
                "email": either(valid("politiker@aby.se", "POL@aby.se"), hostile_emails()),
                "functions": either(
                    st.lists(valid(*Function.values), max_size=3), repeated(hostile_text())
                ),
            }
        )
    )
    return Post(
        reverse(
            "participants:person_update",
            kwargs={"round_slug": w.round_a.slug, "code": "9101", "person_pk": w.politician_a1.pk},
        ),
        data,
    )


@form_case(
    "invitation resend or revoke",
    "participants:invitation_action",
    user="leader",
    writes=(Invitation,),
)
def _invitation_action(w, draw):
    data = draw(post_data({"action": either(valid("resend", "revoke"), hostile_text())}))
    pk = Invitation.objects.filter(person=w.invited).values_list("pk", flat=True).first()
    return Post(
        reverse(
            "participants:invitation_action",
            kwargs={"round_slug": w.round_a.slug, "code": "9101", "pk": pk},
        ),
        data,
    )


@form_case(
    "withdrawal", "participants:participation_withdraw", user="leader", writes=(Participation,)
)
def _withdraw(w, draw):
    data = draw(
        post_data(
            {
                "withdrawn_on": either(valid("2026-06-01"), hostile_dates()),
                "reason": either(valid("Omorganisation."), hostile_text()),
            }
        )
    )
    code = draw(st.sampled_from(["9104", "9201"]))
    return Post(reverse("participants:participation_withdraw", args=[w.round_a.slug, code]), data)


@form_case(
    "application (public)", "participants:application_create", user=None, writes=(Application,)
)
def _application(w, draw):
    organisations = list(Organisation.objects.all())
    names = ("politician", "manager", "strategist")
    fields = {
        "organisation": either(valid("", *[o.pk for o in organisations]), hostile_numbers()),
        "organisation_name": either(valid("", "Förbundet Nord"), hostile_text()),
        "contact_name": either(valid("Eva Ek"), hostile_text()),
        "contact_email": either(valid("eva@nord.se"), hostile_emails()),
        "contact_phone": either(valid("", "08-123 45 67"), hostile_text()),
        "decision_on": either(valid("", "2025-03-01"), hostile_dates()),
        "decision_kind": either(valid("", *Organisation.DecisionKind.values), hostile_text()),
        "decision_reference": either(valid("", "KF § 12"), hostile_text()),
        "anchoring": either(valid("Kommunstyrelsen beslutade i oktober."), hostile_text()),
        "willing_to_mentor": boolean(),
        "message": either(valid(""), hostile_text()),
        "leave_empty": either(valid(""), hostile_text()),  # the honeypot
    }
    for name in names:
        fields[f"{name}_name"] = either(valid("", "Namn Namnsson"), hostile_text())
        fields[f"{name}_email"] = either(valid("", f"{name}@nord.se"), hostile_emails())
    return Post(
        reverse("participants:application_create", args=[w.round_a.slug]), draw(post_data(fields))
    )


@form_case(
    "application decide",
    "participants:application_decide",
    user="leader",
    writes=(Application, Participation, Organisation, User, FunctionAssignment, Invitation),
)
def _application_decide(w, draw):
    data = draw(
        post_data(
            {
                "decision": either(valid("accept", "decline"), hostile_text()),
                "accept-override_reason": either(valid("", "Beslut väntas."), hostile_text()),
                "decline-reason": either(valid("", "Omgången är full."), hostile_text()),
            }
        )
    )
    url = reverse("participants:application_decide", args=[w.round_a.slug, w.application.pk])
    return Post(url, data)


@form_case(
    "participation fees",
    "participants:participation_fees",
    user="leader",
    writes=(Participation,),
)
def _participation_fees(w, draw):
    fields = {}
    for participation in (w.a1, w.a2):
        fields[f"p{participation.pk}-fee"] = either(valid("", "0", "45000"), hostile_numbers())
        fields[f"p{participation.pk}-fee_invoiced"] = either(valid("", "on"), hostile_text())
    url = reverse("participants:participation_fees", args=[w.round_a.slug])
    return Post(url, draw(post_data(fields)))

"""The form cases of reports."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import strategies as st

from reports.models import OrganisationSummary, ReportBatch, ReportJob
from tests.hostile import field as either
from tests.hostile import form as post_data
from tests.hostile import hostile_numbers, hostile_text, valid
from tests.hostile_input.harness import Post, anything, form_case

# reports (the cases exist only once the app has its views)


@form_case("report: round report", "reports:round_reports", user="leader", writes=(ReportJob,))
def _report_round(w, draw):
    return Post(reverse("reports:round_reports", args=[w.round_a.slug]), draw(anything()))


@form_case(
    "report: all reports of a round",
    "reports:batch_create",
    user="leader",
    writes=(ReportBatch, ReportJob),
)
def _report_batch(w, draw):
    round_ = draw(st.sampled_from([w.round_a, w.round_c]))
    return Post(reverse("reports:batch_create", args=[round_.slug]), draw(anything()))


@form_case(
    "report: organisation report",
    "reports:organisation_reports",
    user="strategist_a1",
    writes=(ReportJob,),
)
def _report_organisation(w, draw):
    url = reverse("reports:organisation_reports", args=[w.round_a.slug, "9101"])
    return Post(url, draw(anything()))


@form_case(
    "report: group report", "reports:group_reports", user="strategist_a1", writes=(ReportJob,)
)
def _report_group(w, draw):
    meetings = [w.meeting_ga1, w.meeting_ga2, w.startup]
    data = draw(
        post_data({"meeting": either(valid("", *[m.pk for m in meetings]), hostile_numbers())})
    )
    return Post(reverse("reports:group_reports", args=[w.round_a.slug, w.ga1.pk]), data)


@form_case(
    "report: one-page summary",
    "reports:organisation_summary",
    user="strategist_a1",
    writes=(ReportJob,),
)
def _report_summary(w, draw):
    url = reverse("reports:organisation_summary", args=[w.round_a.slug, "9101"])
    return Post(url, draw(anything()))


@form_case(
    "report: the summary's next steps",
    "reports:summary_next_steps",
    user="strategist_a1",
    writes=(OrganisationSummary,),
)
def _summary_next_steps(w, draw):
    fields = {
        "next_steps": either(
            # At the limits: 400 characters, five lines; one more of either is refused.
            valid("", "Ny budgetanvisning.", "W" * 400, "W" * 401, "a\nb\nc\nd\ne", "a\n" * 6),
            hostile_text(max_size=500),
        )
    }
    url = reverse("reports:summary_next_steps", args=[w.round_a.slug, "9101"])
    return Post(url, draw(post_data(fields)))


@form_case("report: run again", "reports:job_rerun", user="leader", writes=(ReportJob,))
def _report_rerun(w, draw):
    job = draw(st.sampled_from([w.failed_job, w.pending_job]))
    return Post(reverse("reports:job_rerun", args=[job.pk]), draw(anything()))

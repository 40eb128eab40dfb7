"""The round report's chapter on the participants' result reports: who reported and who did
not, the results on the result chain, lessons and advice quoted by organisation, and the
willingness to mentor; never a draft."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from participants.models import ImprovementWork
from reports import services
from reports.models import ReportJob
from rounds.services import result_reports as rr
from tests.reports.factories import job, pdf_text, squeeze

pytestmark = pytest.mark.django_db


def _submit(participation, by, *, lessons, advice, willing, work=None):
    report = rr.result_report_start(participation=participation, year=1)
    report = rr.result_report_save(
        report=report,
        texts={
            "aims": "Målet",
            "organisation_of_work": "Styrgrupp",
            "lessons": lessons,
            "advice": advice,
        },
        results=[{"chain_step": "outcome", "text": f"Resultat för {participation}", "work": work}],
        willing_to_mentor=willing,
        by=by,
    )
    return rr.result_report_submit(report=report, by=by)


def test_the_round_report_has_a_chapter_of_the_submitted_result_reports(world):
    work = ImprovementWork(
        participation=world.a1, title="Jämställd hemtjänst", chain_step="outcome"
    )
    work.full_clean()
    work.save()
    _submit(
        world.a1,
        world.strategist_a1,
        lessons="Förankra hos cheferna",
        advice="Börja med statistiken",
        willing=True,
        work=work.pk,
    )
    _submit(
        world.a3,
        world.strategist_a3,
        lessons="Tid behövs",
        advice="Ha två strateger",
        willing=False,
    )
    draft = rr.result_report_start(participation=world.a2, year=1)
    rr.result_report_save(report=draft, texts={"lessons": "Ett hemligt utkast"})

    text = squeeze(
        pdf_text(services.report_pdf(job(kind=ReportJob.Kind.ROUND, round=world.round_a)))
    )

    with translation.override("sv"):
        assert gettext("The participants' result reports") in text
        reported = gettext("Reported:")
        not_reported = gettext("Not reported:")
    assert f"{reported} Aby, Cby" in text
    assert f"{not_reported} Bby, Dby" in text
    assert "“Förankra hos cheferna” – Aby" in text
    assert "“Ha två strateger” – Cby" in text
    assert "Jämställd hemtjänst" in text
    assert "Ett hemligt utkast" not in text
    assert "(Aby)" in text  # the one willing to mentor

"""`build_reports SLUG [--organisation CODE [--kind organisation|summary]] [--wait]`: what the
page's buttons do, from the shell. Without --organisation, all reports of the round (one job per
organisation and group plus the round report); with it, that organisation's report, or its
one-page summary with `--kind summary`. Jobs go to the workers (or run
in-process when no broker is configured); --wait waits for them and prints the finished files.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from modellkoncept.errors import DomainError
from participants.models import Participation
from reports import services
from reports.models import ReportJob
from rounds.models import Round


class Command(BaseCommand):
    help = (
        "Produce all PDF reports of a round (or one organisation's report) through the report "
        "workers; with --wait, wait for them and print the paths of the finished PDFs."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The round's short name (slug).")
        parser.add_argument("--organisation", metavar="CODE", help="Only this organisation.")
        parser.add_argument(
            "--kind",
            choices=[ReportJob.Kind.ORGANISATION, ReportJob.Kind.SUMMARY],
            default=ReportJob.Kind.ORGANISATION,
            help="With --organisation: its organisation report (default) or its one-page summary.",
        )
        parser.add_argument(
            "--wait", action="store_true", help="Wait for the reports and print their files."
        )
        parser.add_argument(
            "--timeout", type=float, default=1800, help="Seconds to wait at most (default 1800)."
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="The reports' language (default %(default)s).",
        )

    def handle(
        self,
        *args,
        slug,
        organisation=None,
        kind=ReportJob.Kind.ORGANISATION,
        wait=False,
        timeout=1800,
        language,
        **options,
    ):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"No round has the short name {slug!r}.")
        if kind != ReportJob.Kind.ORGANISATION and not organisation:
            raise CommandError("--kind needs --organisation CODE.")
        try:
            with transaction.atomic():
                if organisation:
                    participation = Participation.objects.filter(
                        round=round_, organisation__code=organisation
                    ).first()
                    if participation is None:
                        raise CommandError(f"{organisation} does not take part in {round_}.")
                    jobs = [
                        services.report_job_request(
                            kind=kind,
                            round=round_,
                            participation=participation,
                            language=language,
                        )
                    ]
                else:
                    batch = services.report_batch_request(round=round_, language=language)
                    jobs = list(batch.jobs.all())
        except DomainError as error:
            raise CommandError("\n".join(error.messages)) from error
        ids = [job.pk for job in jobs]
        self.stdout.write(f"{len(ids)} report(s) asked for in {round_}.")
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while True:
            finished = ReportJob.objects.filter(
                pk__in=ids, status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED]
            ).count()
            if finished == len(ids):
                break
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Only {finished} of {len(ids)} reports finished within {timeout:.0f} seconds."
                )
            time.sleep(1)
        failed = 0
        for job in ReportJob.objects.filter(pk__in=ids).select_related(
            "participation__organisation", "group", "round"
        ):
            if job.status == ReportJob.Status.DONE:
                try:
                    path = job.file.path
                except NotImplementedError:  # a storage without local paths (S3, say)
                    path = job.file.name
                self.stdout.write(path)
            else:
                failed += 1
                self.stderr.write(f"Failed: {job}: {job.error}")
        if failed:
            raise CommandError(f"{failed} of {len(ids)} reports failed.")

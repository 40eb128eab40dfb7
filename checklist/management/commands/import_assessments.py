from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from checklist.importing import assessments_import, parse_rows
from modellkoncept.errors import DomainError
from rounds.models import Round


class Command(BaseCommand):
    help = (
        "Import self-assessments into a round from a CSV or Excel (.xlsx) file with the columns "
        "organisation (code), meeting (the meeting's key), item (number), score and, optionally, "
        "comment. The assessments are submitted. One file imports as one transaction: on any "
        "problem, every problem is listed with its line and nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The round's short name, e.g. modellkoncept-2019-2020.")
        parser.add_argument("file", help="The .csv or .xlsx file.")

    def handle(self, *args, slug, file, **options):
        round_ = Round.objects.select_related("checklist_version").filter(slug=slug).first()
        if round_ is None:
            raise CommandError(_("No round with the short name “%(slug)s”.") % {"slug": slug})
        path = Path(file)
        try:
            with path.open("rb") as handle:
                rows = parse_rows(handle, path.name)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        except DomainError as error:
            raise CommandError("\n".join(error.messages)) from None
        try:
            result = assessments_import(round=round_, rows=rows, by=None)
        except DomainError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(rows)s rows: %(created)s assessments created, %(updated)s updated.")
                % {"rows": result.rows, "created": result.created, "updated": result.updated}
            )
        )

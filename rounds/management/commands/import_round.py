import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rounds.archive import ArchiveError, import_document, parse_document


class Command(BaseCommand):
    help = (
        "Create a round from a JSON file in the archive format modellkoncept-round/1 (see "
        "docs/round-archive.md); FILE '-' reads standard input. The file is checked whole "
        "first: on any problem, every problem is listed with its JSON path and nothing is "
        "saved. People become accounts without a password, to be invited later."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .json file, or - for standard input.")

    def handle(self, *args, file, **options):
        if file == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            data = stream.read()
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as error:
                raise CommandError(
                    _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
                ) from None
        try:
            summary = import_document(parse_document(data))
        except ArchiveError as error:
            raise CommandError(
                _("Nothing was imported. Problems:") + "\n" + "\n".join(error.problems)
            ) from None
        self.stdout.write(self.style.SUCCESS(summary.describe()))

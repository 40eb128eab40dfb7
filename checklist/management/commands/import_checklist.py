import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from checklist.document import ChecklistFileError, import_document, parse_document


class Command(BaseCommand):
    help = (
        "Create a checklist version from a JSON file in the format modellkoncept-checklist/1 "
        "(see docs/checklist-format.md); FILE '-' reads standard input. The file is checked "
        "whole first: on any problem, every problem is listed with its JSON path and nothing "
        "is saved. A version never changes: a short name that is taken is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .json file, or - for standard input.")

    def handle(self, *args, file, **options):
        if file == "-":
            data = getattr(sys.stdin, "buffer", sys.stdin).read()
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as error:
                raise CommandError(
                    _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
                ) from None
        try:
            version = import_document(parse_document(data))
        except ChecklistFileError as error:
            raise CommandError(
                _("Nothing was imported. Problems:") + "\n" + "\n".join(error.problems)
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Checklist version “%(name)s” (%(slug)s) imported with %(items)s items.")
                % {"name": version.name, "slug": version.slug, "items": version.items.count()}
            )
        )

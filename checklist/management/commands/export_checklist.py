from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from checklist.document import document_to_json, export_document
from checklist.models import ChecklistVersion


class Command(BaseCommand):
    help = (
        "Write a checklist version as JSON in the format modellkoncept-checklist/1 (see "
        "docs/checklist-format.md), to standard output or to the file given with --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The version's short name, e.g. skr-10-1-3.")
        parser.add_argument("--output", "-o", help="Write to this file instead.")

    def handle(self, *args, slug, output=None, **options):
        version = ChecklistVersion.objects.filter(slug=slug).first()
        if version is None:
            raise CommandError(
                _("No checklist version with the short name “%(slug)s”.") % {"slug": slug}
            )
        text = document_to_json(export_document(version))
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s")
                    % {"file": output, "error": error.strerror}
                ) from None
        else:
            self.stdout.write(text, ending="")

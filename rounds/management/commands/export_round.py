from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rounds.archive import document_to_json, export_document
from rounds.models import Round


class Command(BaseCommand):
    help = (
        "Write a whole round (organisations, groups and mentors, people and functions, meetings "
        "and attendance, self-assessments, improvement work) to standard output as JSON in the "
        "archive format modellkoncept-round/1 (see docs/round-archive.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The round's short name, e.g. modellkoncept-2025-2026.")

    def handle(self, *args, slug, **options):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(_("No round with the short name “%(slug)s”.") % {"slug": slug})
        self.stdout.write(document_to_json(export_document(round_)), ending="")

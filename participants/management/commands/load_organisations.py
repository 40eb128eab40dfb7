from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from modellkoncept.errors import DomainError
from participants.services import REFERENCE_FILE, organisations_load


class Command(BaseCommand):
    help = (
        "Load Sweden's 290 municipalities and 21 regions from the reference file "
        "(data/sweden_orgs.csv). Running it again changes only what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=REFERENCE_FILE, help="Another file of the same columns."
        )

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = organisations_load(path=file)
        except DomainError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Organisations: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        )

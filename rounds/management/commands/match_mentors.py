import json

from django.core.management.base import BaseCommand, CommandError

from modellkoncept.errors import DomainError
from rounds.models import Round
from rounds.selectors import mentor_proposal
from rounds.services import mentor_proposal_accept


class Command(BaseCommand):
    help = (
        "Propose a mentor for each benchmarking group of a round, least total distance first, "
        "keeping locked pairs; print the proposal as JSON. Without --dry-run it is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The round's short name.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the proposal without saving it."
        )

    def handle(self, *args, slug, dry_run, **options):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"No round with the slug “{slug}”.")
        try:
            proposal = mentor_proposal(round=round_)
            if not dry_run:
                mentor_proposal_accept(round=round_)
        except DomainError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(json.dumps(proposal.as_json(), ensure_ascii=False, indent=2))

import json

from django.core.management.base import BaseCommand, CommandError

from modellkoncept.errors import DomainError
from rounds.models import Round
from rounds.selectors import group_proposal
from rounds.services import group_proposal_accept


class Command(BaseCommand):
    help = (
        "Propose benchmarking groups of two or three by proximity for a round's participants, "
        "keeping groups already formed; print them as JSON. Without --dry-run they are saved."
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
            proposal = group_proposal(round=round_)
            if not dry_run:
                group_proposal_accept(
                    round=round_, groups=[[o.code for o in group] for group in proposal.groups]
                )
        except DomainError as error:
            raise CommandError(" ".join(error.messages)) from error
        if proposal.left_out:
            self.stderr.write(
                "Left out, without coordinates: "
                + ", ".join(f"{o.name} ({o.code})" for o in proposal.left_out)
            )
        self.stdout.write(json.dumps(proposal.as_json(), ensure_ascii=False, indent=2))

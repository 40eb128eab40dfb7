import json

from django.core.management.base import BaseCommand, CommandError

from checklist.statistics import round_scores
from rounds.models import Round


class Command(BaseCommand):
    help = (
        "Print a round's figures at an assessment point as JSON: item means (exact and rounded "
        "half up), totals and their range, and each organisation's movement."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The round's short name, e.g. modellkoncept-2025-2026.")
        parser.add_argument(
            "--point",
            type=int,
            help="The n-th assessment meeting (default: the latest with a submitted assessment).",
        )

    def handle(self, *args, slug, point, **options):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"No round with the slug “{slug}”.")
        if point is not None and point < 1:
            raise CommandError("--point counts from 1.")
        scores = round_scores(round=round_)
        if point is None:
            point = scores.latest_point()
            if point is None:
                raise CommandError(f"No submitted self-assessment in {round_.slug} yet.")
        summary = scores.summary(point)
        self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))

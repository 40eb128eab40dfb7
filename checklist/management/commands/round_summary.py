import json

from django.core.management.base import BaseCommand, CommandError

from checklist.models import ChecklistVersion
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
        parser.add_argument(
            "--level",
            choices=ChecklistVersion.Level.values,
            default=ChecklistVersion.Level.ORGANISATION,
            help=(
                "Which of the round's checklists: organisation (the organisation-wide one, the "
                "default) or committee (committee/department level, from year two)."
            ),
        )

    def handle(self, *args, slug, point, level, **options):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"No round with the slug “{slug}”.")
        if point is not None and point < 1:
            raise CommandError("--point counts from 1.")
        version = round_.checklist_for(level)
        if version is None:
            raise CommandError(f"{round_.slug} has no checklist at the {level} level.")
        scores = round_scores(round=round_, level=level)
        if point is None:
            point = scores.latest_point()
            if point is None:
                raise CommandError(
                    f"No submitted self-assessment in {round_.slug} yet (level: {level})."
                )
        summary = scores.summary(point)
        figures = {**summary.as_json(), "level": level, "checklist": version.slug}
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))

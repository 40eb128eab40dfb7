from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from modellkoncept.errors import DomainError
from rounds.demo import (
    DEMO_PASSWORD,
    DEMO_SLUGS,
    demo_create,
    demo_rounds_present,
    demo_sign_ins,
)


class Command(BaseCommand):
    help = (
        "Load demo data: the reference organisations, SKR's documented rounds 2019–2020 and "
        "2020–2022 (completed), and an invented active round 2025–2027 with groups, mentors, "
        "people, meetings and self-assessments, and print the demo sign-ins. Demo data only: "
        "every person is invented and every demo account has the same published password. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo although DJANGO_PRODUCTION is set (a demonstration server).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "This is a production site: the demo accounts share a published password. "
                "Add --allow-production if this server is only for demonstration."
            )
        present = demo_rounds_present()
        if len(present) == len(DEMO_SLUGS):
            self.stdout.write("The demo data is already loaded; nothing was changed.")
        elif present:
            raise CommandError(
                f"A round with the slug {', '.join(present)} exists but the rest of the demo "
                "does not; rename or delete that round, then run seed_demo again."
            )
        else:
            try:
                result = demo_create()
            except DomainError as error:
                raise CommandError("\n".join(error.messages)) from error
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {result.organisations_created} reference organisations "
                    f"created, {result.people_created} demo accounts created."
                )
            )
            if result.people_reused:
                self.stdout.write(
                    self.style.WARNING(
                        "These accounts existed already and were used as they are, their "
                        f"passwords unchanged: {', '.join(result.people_reused)}"
                    )
                )
        self._print_sign_ins()

    def _print_sign_ins(self):
        rows = [("Role", "E-mail", "Organisation")]
        rows += [(s.role, s.email, s.organisation) for s in demo_sign_ins()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("\nDemo sign-ins (demo data only, invented people):\n")
        for number, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write(f"\nPassword for every demo account: {DEMO_PASSWORD}")

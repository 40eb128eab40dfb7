import datetime as dt

import factory
from django.utils import timezone

from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion
from rounds.models import BenchmarkingGroup, Meeting, Round


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Modellkommuner {2020 + n}")
    slug = factory.Sequence(lambda n: f"modellkommuner-{2020 + n}")
    kind = Round.Kind.MUNICIPAL
    status = Round.Status.ACTIVE
    # Two years around the tests' clock, so that meetings a few weeks ahead fall inside it.
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda r: r.starts_on + dt.timedelta(days=729))
    checklist_version = factory.LazyFunction(
        lambda: ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG)
    )


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenchmarkingGroup

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Grupp {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    round = factory.SubFactory(RoundFactory)
    kind = Meeting.Kind.LEARNING_MEETING
    key = factory.Sequence(lambda n: f"meeting-{n}")
    title = factory.Sequence(lambda n: f"Lärandeträff {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=6))
    assessment_due = True

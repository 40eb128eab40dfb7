import factory

from participants.models import FunctionAssignment, Organisation, Participation
from tests.accounts.factories import UserFactory
from tests.rounds.factories import RoundFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{9000 + n}")
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    kind = Organisation.Kind.MUNICIPALITY
    county_code = "01"
    county_name = "Stockholms län"
    latitude = factory.Sequence(lambda n: f"{57 + (n % 10) * 0.3:.5f}")
    longitude = factory.Sequence(lambda n: f"{14 + (n % 7) * 0.4:.5f}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Participation.Role.PARTICIPANT


class FunctionAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FunctionAssignment

    participation = factory.SubFactory(ParticipationFactory)
    person = factory.SubFactory(UserFactory)
    function = "strateg"

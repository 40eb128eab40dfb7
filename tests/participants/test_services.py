"""Participations, functions, invitations: the participants' services."""

import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import User
from modellkoncept.celery import app as celery_app
from modellkoncept.errors import DomainError
from participants import services
from participants.models import FunctionAssignment, Invitation, Organisation, Participation
from rounds import services as round_services
from rounds.models import Round
from tests.accounts.factories import ProjectLeaderFactory, UserFactory
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Jämställdhet-är-styrning-7"
LINK = re.compile(r"/invitation/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _english_and_eager():
    """Messages are checked in English (the Swedish catalogue is the translators'), and
    Celery runs in-process even when a broker is configured for the real-worker tests."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with translation.override("en"):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def round_a():
    return round_services.round_create(
        name="Omgång A", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31)
    )


@pytest.fixture
def aby(round_a):
    return services.participation_add(
        round=round_a, organisation=OrganisationFactory(code="9101", name="Aby")
    )


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invite(capture, participation, email="Nya.Person@Aby.SE", functions=("chef",), **kwargs):
    """Invite through the service as a view would: the e-mail goes out on commit."""
    with capture(execute=True):
        invitation = services.person_invite(
            participation=participation,
            email=email,
            full_name=kwargs.pop("full_name", "Nora Ny"),
            functions=list(functions),
            **kwargs,
        )
    return invitation


def _token_from(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


# Organisations


def test_organisation_create_for_a_federation():
    organisation = services.organisation_create(
        code="FNK",
        name="Förbundet Norrbottens Kommuner",
        latitude=Decimal("65.58"),
        longitude=Decimal("22.15"),
    )

    assert organisation.kind == Organisation.Kind.OTHER
    assert Organisation.objects.get(code="FNK").name == "Förbundet Norrbottens Kommuner"


def test_organisation_create_refuses_half_a_coordinate():
    with pytest.raises(ValidationError, match="both latitude and longitude"):
        services.organisation_create(code="FNK", name="Förbundet", latitude=Decimal("65.5"))
    assert not Organisation.objects.filter(code="FNK").exists()


def test_organisation_record_decision():
    organisation = OrganisationFactory(code="0180", name="Stockholm")

    services.organisation_record_decision(
        organisation=organisation, decided_on=dt.date(2015, 3, 8), kind="cemr"
    )

    organisation.refresh_from_db()
    assert organisation.political_decision_on == dt.date(2015, 3, 8)
    assert organisation.political_decision_kind == "cemr"
    assert organisation.has_political_decision


# Participations


def test_participation_add_enrols_once(round_a):
    organisation = OrganisationFactory(code="9101", name="Aby")
    participation = services.participation_add(round=round_a, organisation=organisation)

    with pytest.raises(DomainError) as excinfo:
        services.participation_add(
            round=round_a, organisation=organisation, role=Participation.Role.MENTOR
        )

    assert excinfo.value.messages == ["Aby already takes part in Omgång A."]
    assert list(Participation.objects.values_list("pk", "role")) == [
        (participation.pk, "participant")
    ]


def test_participation_add_as_mentor(round_a):
    mentor = services.participation_add(
        round=round_a,
        organisation=OrganisationFactory(code="1290", name="Kristianstad"),
        role=Participation.Role.MENTOR,
        mentor_capacity=2,
    )

    assert mentor.is_mentor
    assert not mentor.is_participant
    assert Participation.objects.get(pk=mentor.pk).mentor_capacity == 2


def test_participation_withdraw_records_date_and_reason(aby):
    services.participation_withdraw(
        participation=aby, on=dt.date(2026, 9, 1), reason="  Omorganisation  "
    )

    aby.refresh_from_db()
    assert aby.withdrawn_on == dt.date(2026, 9, 1)
    assert aby.withdrawal_reason == "Omorganisation"
    assert aby.is_withdrawn


def test_participation_withdraw_may_leave_the_reason_unrecorded(aby):
    services.participation_withdraw(participation=aby, on=dt.date(2026, 9, 1), reason="  ")

    aby.refresh_from_db()
    assert (aby.withdrawn_on, aby.withdrawal_reason) == (dt.date(2026, 9, 1), "")


def test_participation_withdraw_refuses_a_completed_participation(round_a, aby):
    round_services.round_activate(round=round_a)
    round_services.round_complete(round=round_a)
    aby.refresh_from_db()

    with pytest.raises(DomainError, match="already completed"):
        services.participation_withdraw(participation=aby, on=dt.date(2028, 1, 1), reason="Sent")
    aby.refresh_from_db()
    assert aby.withdrawn_on is None


# Functions


def test_function_assign_refuses_a_duplicate(aby):
    person = UserFactory(full_name="Cecilia Chef")
    services.function_assign(participation=aby, person=person, function="chef")

    with pytest.raises(DomainError) as excinfo:
        services.function_assign(participation=aby, person=person, function="chef")

    assert excinfo.value.messages == ["Cecilia Chef is already manager for Aby."]
    assert FunctionAssignment.objects.filter(participation=aby, person=person).count() == 1


def test_function_assign_allows_several_functions_per_person(aby):
    person = UserFactory()
    services.function_assign(participation=aby, person=person, function="chef")
    services.function_assign(participation=aby, person=person, function="strateg")

    assert set(person.function_assignments.values_list("function", flat=True)) == {
        "chef",
        "strateg",
    }


def test_function_assign_refuses_an_unknown_function(aby):
    with pytest.raises(DomainError, match="“borgmästare” is not a function"):
        services.function_assign(participation=aby, person=UserFactory(), function="borgmästare")
    assert not FunctionAssignment.objects.exists()


# Invitations


def test_person_invite_creates_person_functions_invitation_and_one_email(
    aby, django_capture_on_commit_callbacks
):
    leader = ProjectLeaderFactory()

    invitation = _invite(
        django_capture_on_commit_callbacks,
        aby,
        email="Nya.Person@Aby.SE",
        functions=["politiker", "chef", "politiker"],
        invited_by=leader,
    )

    person = User.objects.get(email="nya.person@aby.se")
    assert person.full_name == "Nora Ny"
    assert not person.has_usable_password()
    assert sorted(person.function_assignments.values_list("function", flat=True)) == [
        "chef",
        "politiker",
    ]
    assert invitation.person == person
    assert invitation.invited_by == leader
    assert invitation.accepted_at is None
    assert invitation.expires_at - invitation.created_at == dt.timedelta(
        days=settings.INVITATION_VALID_DAYS
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nya.person@aby.se"]
    token = _token_from(message)
    assert f"{settings.SITE_URL}/invitation/{token}/" in message.body
    assert "Aby" in message.body


def test_invitation_stores_only_a_hash_of_the_token(aby, django_capture_on_commit_callbacks):
    invitation = _invite(django_capture_on_commit_callbacks, aby)
    token = _token_from(mail.outbox[0])

    invitation.refresh_from_db()
    assert invitation.token_hash == _sha256(token)
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in stored.values())


def test_no_email_before_the_transaction_commits(aby, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.person_invite(
            participation=aby, email="vanta@aby.se", full_name="", functions=["chef"]
        )

    # One send queued for the commit (the round values' renewal is queued beside it).
    sends = [c for c in callbacks if c.__qualname__.startswith("enqueue_on_commit")]
    assert len(sends) == 1
    assert mail.outbox == []


def test_person_invite_refuses_no_function(aby, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError, match="Choose at least one function"):
        _invite(django_capture_on_commit_callbacks, aby, functions=[])
    assert not User.objects.filter(email="nya.person@aby.se").exists()
    assert mail.outbox == []


def test_person_invited_twice_to_the_same_function_is_refused(
    aby, django_capture_on_commit_callbacks
):
    _invite(django_capture_on_commit_callbacks, aby, email="cecilia@aby.se", full_name="Cecilia")

    with pytest.raises(DomainError) as excinfo:
        _invite(django_capture_on_commit_callbacks, aby, email="CECILIA@aby.se")

    assert excinfo.value.messages == ["Cecilia is already manager for Aby."]
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1
    assert User.objects.filter(email="cecilia@aby.se").count() == 1


def test_person_invite_reuses_an_existing_person(aby, django_capture_on_commit_callbacks):
    existing = UserFactory(email="kent@aby.se", full_name="")

    invitation = _invite(
        django_capture_on_commit_callbacks, aby, email="Kent@Aby.se", full_name="Kent Kontroll"
    )

    assert invitation.person == existing
    assert User.objects.filter(email="kent@aby.se").count() == 1
    existing.refresh_from_db()
    assert existing.full_name == "Kent Kontroll"


def test_person_invite_refuses_a_completed_round(round_a, aby, django_capture_on_commit_callbacks):
    Round.objects.filter(pk=round_a.pk).update(status=Round.Status.COMPLETED)
    aby.refresh_from_db()

    with pytest.raises(DomainError, match="completed"):
        _invite(django_capture_on_commit_callbacks, aby)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invitation_accept_sets_the_password_once(aby, django_capture_on_commit_callbacks):
    invitation = _invite(django_capture_on_commit_callbacks, aby)
    token = _token_from(mail.outbox[0])

    person = services.invitation_accept(token=token, password=GOOD_PASSWORD)

    assert person == invitation.person
    person.refresh_from_db()
    assert person.check_password(GOOD_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert services.invitation_for_token(token) is None
    with pytest.raises(DomainError) as excinfo:
        services.invitation_accept(token=token, password="Ett-helt-annat-losenord-9")
    assert excinfo.value.messages == ["The invitation link has expired or has already been used."]
    person.refresh_from_db()
    assert person.check_password(GOOD_PASSWORD)


def test_invitation_accept_refuses_an_expired_link(aby, django_capture_on_commit_callbacks):
    invitation = _invite(django_capture_on_commit_callbacks, aby)
    token = _token_from(mail.outbox[0])
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=now - dt.timedelta(days=15), expires_at=now - dt.timedelta(minutes=1)
    )

    assert services.invitation_for_token(token) is None
    with pytest.raises(DomainError, match="expired or has already been used"):
        services.invitation_accept(token=token, password=GOOD_PASSWORD)
    assert not User.objects.get(pk=invitation.person_id).has_usable_password()


def test_invitation_accept_refuses_an_unknown_token(aby):
    with pytest.raises(DomainError, match="expired or has already been used"):
        services.invitation_accept(token="gissat", password=GOOD_PASSWORD)


@pytest.mark.parametrize("weak", ["kort", "1234567890123", "password123"])
def test_invitation_accept_refuses_a_weak_password_and_changes_nothing(
    aby, django_capture_on_commit_callbacks, weak
):
    invitation = _invite(django_capture_on_commit_callbacks, aby)
    token = _token_from(mail.outbox[0])

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(token=token, password=weak)

    assert not isinstance(excinfo.value, DomainError)
    assert excinfo.value.messages  # the validators say why
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not invitation.person.has_usable_password()
    assert services.invitation_for_token(token) == invitation  # the link still works


def test_invitation_accept_spends_the_persons_other_invitations(
    round_a, aby, django_capture_on_commit_callbacks
):
    bby = services.participation_add(
        round=round_a, organisation=OrganisationFactory(code="9102", name="Bby")
    )
    first = _invite(django_capture_on_commit_callbacks, aby, email="dubbel@example.se")
    second = _invite(
        django_capture_on_commit_callbacks, bby, email="dubbel@example.se", functions=["strateg"]
    )
    first_token = _token_from(mail.outbox[0])
    second_token = _token_from(mail.outbox[1])

    services.invitation_accept(token=first_token, password=GOOD_PASSWORD)

    second.refresh_from_db()
    assert second.accepted_at is not None
    assert first.person_id == second.person_id
    assert services.invitation_for_token(second_token) is None


def test_sending_again_replaces_the_token(aby, django_capture_on_commit_callbacks):
    invitation = _invite(django_capture_on_commit_callbacks, aby)
    old_token = _token_from(mail.outbox[0])

    new_token = services.invitation_send(invitation=invitation, language="en")

    assert new_token != old_token
    assert _token_from(mail.outbox[1]) == new_token
    assert services.invitation_for_token(old_token) is None
    assert services.invitation_for_token(new_token) == invitation


def test_accepted_invitation_is_not_sent_again(aby, django_capture_on_commit_callbacks):
    invitation = _invite(django_capture_on_commit_callbacks, aby)
    services.invitation_accept(token=_token_from(mail.outbox[0]), password=GOOD_PASSWORD)

    with pytest.raises(DomainError, match="already been accepted"):
        services.invitation_send(invitation=invitation)
    assert len(mail.outbox) == 1

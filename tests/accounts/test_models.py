"""The user model: addresses in lower case, superusers as project leaders."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from accounts.models import User
from modellkoncept.policy import ANONYMOUS, standing
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_stores_the_address_in_lower_case():
    user = User.objects.create_user(email="Anna.Andersson@Example.SE", password=PASSWORD)

    user.refresh_from_db()
    assert user.email == "anna.andersson@example.se"
    assert User.objects.filter(email="anna.andersson@example.se").count() == 1


def test_full_clean_lowers_the_address():
    user = User(email="Bo.Berg@Kommun.SE")

    user.full_clean(exclude=["password"])

    assert user.email == "bo.berg@kommun.se"


def test_database_refuses_an_address_in_upper_case():
    user = User(email="Cecilia@Example.se")  # saved without full_clean

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()
    assert not User.objects.filter(email__iexact="cecilia@example.se").exists()


def test_database_refuses_the_same_address_twice():
    UserFactory(email="dup@example.se")

    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="dup@example.se").save()
    assert User.objects.filter(email="dup@example.se").count() == 1


def test_authenticate_accepts_the_address_in_any_case():
    user = UserFactory(email="eva@example.se")

    assert authenticate(username="EVA@Example.SE", password=PASSWORD) == user
    assert authenticate(username="eva@example.se", password="wrong-password") is None


def test_user_without_password_cannot_sign_in():
    user = User.objects.create_user(email="ny@example.se")

    assert not user.has_usable_password()
    assert authenticate(username="ny@example.se", password="") is None


def test_create_superuser_insists_on_staff_and_superuser():
    with pytest.raises(ValueError, match="is_staff and is_superuser"):
        User.objects.create_superuser(email="root@example.se", password=PASSWORD, is_staff=False)
    assert not User.objects.filter(email="root@example.se").exists()


def test_superuser_counts_as_project_leader():
    superuser = User.objects.create_superuser(email="Admin@SKR.se", password=PASSWORD)

    assert superuser.is_project_leader is False
    assert superuser.acts_as_project_leader is True
    assert standing(superuser).is_project_leader is True


def test_project_leader_flag_makes_a_project_leader():
    leader = UserFactory(email="pl@skr.se", is_project_leader=True)

    assert leader.acts_as_project_leader is True
    assert standing(leader).is_project_leader is True


def test_ordinary_user_is_not_a_project_leader():
    user = UserFactory(email="vanlig@example.se")

    assert user.acts_as_project_leader is False
    assert standing(user).is_project_leader is False
    assert standing(user).participations == ()


def test_inactive_superuser_is_nobody():
    superuser = User.objects.create_superuser(email="gone@skr.se", password=PASSWORD)
    superuser.is_active = False
    superuser.save(update_fields=["is_active"])

    assert superuser.acts_as_project_leader is False
    assert standing(superuser) is ANONYMOUS


@pytest.mark.parametrize(
    ("full_name", "expected_str", "expected_short"),
    [
        ("Sara Strateg", "Sara Strateg", "Sara"),
        ("", "sara@example.se", "sara@example.se"),
    ],
)
def test_user_reads_as_name_or_address(full_name, expected_str, expected_short):
    user = UserFactory(email="sara@example.se", full_name=full_name)

    assert str(user) == expected_str
    assert user.get_full_name() == expected_str
    assert user.get_short_name() == expected_short

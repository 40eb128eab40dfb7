"""The invitation e-mail task: in-process by default, and through Redis to a real worker."""

import hashlib
import re
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction

from modellkoncept.celery import app as celery_app
from participants import services
from participants.models import Invitation
from participants.tasks import send_invitation
from tests.conftest import mail_files, wait_for

LINK = re.compile(r"/invitation/([A-Za-z0-9_-]+)/")


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@pytest.fixture
def eager():
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture
def invitation(world):
    """An invitation whose e-mail has not gone out (its transaction never commits here)."""
    return services.person_invite(
        participation=world.a1, email="ny@aby.se", full_name="Nils Ny", functions=["chef"]
    )


@pytest.mark.django_db
def test_task_sends_the_invitation_and_returns_its_id(eager, invitation):
    result = send_invitation.delay(invitation.pk, "sv")

    assert result.get() == invitation.pk
    assert len(mail.outbox) == 1
    token = LINK.search(mail.outbox[0].body).group(1)
    invitation.refresh_from_db()
    assert invitation.token_hash == _sha256(token)


@pytest.mark.django_db
def test_task_skips_an_accepted_or_deleted_invitation(eager, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=invitation.created_at)

    assert send_invitation.delay(invitation.pk, "sv").get() is None
    assert send_invitation.delay(10**9, "sv").get() is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_task_retries_when_the_mail_server_does_not_answer(invitation):
    down = ConnectionRefusedError("smtp down")
    with (
        mock.patch.object(services, "invitation_send", side_effect=down),
        mock.patch.object(send_invitation, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        send_invitation(invitation.pk, "sv")

    retry.assert_called_once_with(exc=down)  # queued again, not failed nor lost
    assert mail.outbox == []


@pytest.mark.django_db
def test_task_does_not_retry_a_programming_error(eager, invitation):
    with mock.patch.object(services, "invitation_send", side_effect=KeyError("bug")):
        result = send_invitation.apply(args=[invitation.pk, "sv"], throw=False)

    assert result.state == "FAILURE"
    assert isinstance(result.result, KeyError)


@pytest.mark.django_db
def test_task_sends_in_the_language_of_the_inviter(eager, invitation):
    send_invitation.delay(invitation.pk, "en").get()

    assert mail.outbox[0].subject == "Invitation to Omgång A"
    assert "Choose a password and sign in with this link:" in mail.outbox[0].body


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_the_invitation_after_commit(world, celery_worker):
    with transaction.atomic():
        invitation = services.person_invite(
            participation=world.a1,
            email="Riktig.Person@Aby.se",
            full_name="Rut Riktig",
            functions=["strateg"],
        )
        placeholder = invitation.token_hash
    # Committed: the e-mail is queued now, and the worker process sends it.

    files = wait_for(lambda: mail_files(celery_worker.mail_dir), timeout=60)
    assert files, "the worker sent no e-mail within 60 seconds"
    assert len(files) == 1
    message = files[0].read_text(encoding="utf-8")
    assert "To: riktig.person@aby.se" in message
    match = LINK.search(message)
    assert match, message
    token = match.group(1)
    # The worker stores the hash in the transaction that sends; wait for it to commit.
    assert wait_for(
        lambda: Invitation.objects.filter(pk=invitation.pk, token_hash=_sha256(token)).exists(),
        timeout=30,
    ), "the invitation does not hold the hash of the token in the e-mail"
    assert _sha256(token) != placeholder
    assert not Invitation.objects.filter(token_hash=token).exists()

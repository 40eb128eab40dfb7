from celery import shared_task

from participants import services
from participants.models import Application, Invitation


@shared_task(bind=True, max_retries=5, retry_backoff=True, acks_late=True)
def send_invitation(self, invitation_id: int, language: str) -> int | None:
    """E-mail an invitation's link. A deleted or accepted invitation is not sent."""
    invitation = Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True).first()
    if invitation is None:
        return None
    try:
        services.invitation_send(invitation=invitation, language=language)
    except OSError as exc:  # the mail server did not answer; try again later
        raise self.retry(exc=exc) from exc
    return invitation.pk


@shared_task(bind=True, max_retries=5, retry_backoff=True, acks_late=True)
def send_application_notice(self, application_id: int, event: str, language: str) -> int | None:
    """E-mail the applicant's contact person about their expression of interest."""
    application = (
        Application.objects.select_related("round", "organisation")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return None
    try:
        services.application_send_notice(application=application, event=event, language=language)
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    return application.pk

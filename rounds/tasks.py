from celery import shared_task

from rounds import services


@shared_task(acks_late=True)
def send_notices() -> dict[str, int]:
    """Daily: the self-assessment reminders and meeting invitations due today."""
    return services.notices_send()

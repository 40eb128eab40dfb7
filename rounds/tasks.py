from celery import shared_task

from rounds import services


@shared_task(acks_late=True)
def send_notices() -> dict[str, int]:
    """Daily: the self-assessment reminders and meeting invitations due today."""
    return services.notices_send()


@shared_task(acks_late=True)
def send_meeting_moved(meeting_id: int, sequence: int) -> int:
    """Tell the people invited to a meeting that it moved."""
    from rounds.models import Meeting

    meeting = Meeting.objects.select_related("round", "group", "host").filter(pk=meeting_id).first()
    if meeting is None:  # removed since
        return 0
    return services.meeting_moved_notices_send(meeting=meeting, sequence=sequence)

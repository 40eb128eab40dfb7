"""Queueing Celery tasks from services."""

import logging
from contextvars import ContextVar

from django.contrib import messages
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# The tasks of the current request that could not be queued, so the page can say so.
_not_queued: ContextVar[list | None] = ContextVar("not_queued", default=None)


def enqueue_on_commit(task: str, *args) -> None:
    """Queue `task(*args)` once the transaction commits, so a worker finds the rows it reads.

    The task is named by its dotted path ("participants.tasks.send_invitation", which is also
    its Celery name): the tasks import the services, and the services name the tasks without
    importing them, so no import circle joins them.

    If the broker cannot be reached, the row that asked for the work stays as it was (an
    invitation not yet sent, a report job waiting) and the failure is logged: the request that
    saved it still answers, and the page shows the row as waiting.
    """

    task = import_string(task)

    def send():
        try:
            task.delay(*args)
        except OperationalError:
            logger.exception("Could not queue %s%r: the broker is not reachable", task.name, args)
            failed = _not_queued.get()
            if failed is not None:
                failed.append(task.name)

    transaction.on_commit(send)


class QueueWarningMiddleware:
    """Tell the user when the work their request saved could not be handed to a worker."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _not_queued.set([])
        try:
            response = self.get_response(request)
            if _not_queued.get():
                messages.warning(
                    request,
                    _(
                        "Your change is saved, but the e-mail or report could not be started "
                        "just now. It waits; try again later or tell the project leader."
                    ),
                )
            return response
        finally:
            _not_queued.reset(token)

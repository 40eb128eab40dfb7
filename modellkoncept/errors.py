"""The one domain error that carries a translatable message from a service to the page."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the programme was broken; the message is shown to the user as it is.

    It is a `ValidationError`, so a form that calls a service can attach it to the form
    (`form.add_error(None, error)`) and the admin shows it like any validation message.
    """

"""Calling a service from a view, and showing its refusal to the person, in one place.

A service that refuses raises a `DomainError` (or a model's own `ValidationError`, of which
`DomainError` is one). A view runs the call in `service_call`, which catches the refusal and
shows it where the person looks: beside a field of the form, at the top of the form, or as a
message on the next page. Nothing is saved (the service's transaction has rolled back)::

    with service_call(request) as call:
        services.group_delete(group=group)
    if call.failed:
        return redirect(...)
    messages.success(request, _("The group is removed."))

    with service_call(request, form=form) as call:
        services.round_update(round=round_, **form.cleaned_data)
    if call.failed:
        return self.form_invalid(form)
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


class service_call:  # lower case: it reads as a function (`with service_call(request) as call`)
    """Catch the refusal of the service called in the block and show it.

    - no form: as an error message on the next page (`messages.error`);
    - `form`: at the top of the form; with `field`, beside that field;
      `beside_fields=True` puts a model's per-field errors beside the form's fields of the same
      name (the others at the top).

    `call.failed` tells whether it was refused, `call.error` is the refusal.
    """

    def __init__(self, request=None, *, form=None, field: str | None = None, beside_fields=False):
        self.request = request
        self.form = form
        self.field = field
        self.beside_fields = beside_fields
        self.error: ValidationError | None = None

    def __enter__(self) -> service_call:
        return self

    def __exit__(self, exc_type, error, traceback) -> bool:
        if exc_type is None or not issubclass(exc_type, ValidationError):
            return False
        self.error = error
        self.show(error)
        return True

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def succeeded(self) -> bool:
        return self.error is None

    def show(self, error: ValidationError) -> None:
        form = self.form
        if form is None:
            messages.error(self.request, " ".join(error.messages))
        elif self.field is not None:
            form.add_error(self.field, error.messages)
        elif self.beside_fields and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)

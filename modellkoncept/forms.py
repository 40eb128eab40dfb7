"""Choice fields for rows named by an id that comes from the request.

Django's model choice fields pass a posted key to the query as it is. A number beyond what the
key's column holds (2**63 for a 64-bit key) names no row, but SQLite cannot even take it as a
query parameter (OverflowError, a 500) where several keys are looked up at once. These fields
refuse such a number as an invalid choice before any query is made. (A NUL character, which
PostgreSQL refuses in a query, Django's fields refuse already.)
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models


class _KeyInRange:
    def check_key(self, value) -> None:
        """Refuse a whole number that the key's column cannot hold; anything else is left to
        Django's own checks."""
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if not isinstance(key, models.IntegerField):  # the auto fields are integer fields too
            return
        try:
            number = int(str(value).strip())
        except ValueError:
            return
        low, high = connections[self.queryset.db].ops.integer_field_range(key.get_internal_type())
        if not low <= number <= high:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class BoundedModelChoiceField(_KeyInRange, forms.ModelChoiceField):
    """A `ModelChoiceField` that refuses an id its column cannot hold as an invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model):
            self.check_key(value)
        return super().to_python(value)


class BoundedModelMultipleChoiceField(_KeyInRange, forms.ModelMultipleChoiceField):
    """A `ModelMultipleChoiceField` that refuses an id its column cannot hold as an invalid
    choice."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            for item in value:
                self.check_key(item)
        return super().clean(value)

"""What accounts tell the apps above them, which accounts must not import."""

from django.dispatch import Signal

# Sent by `person_erase` inside its transaction, before the person's name is replaced, with
# `person` (the user, still named). An app that keeps files naming people (the reports)
# receives it and renews them in the same transaction.
person_erasing = Signal()

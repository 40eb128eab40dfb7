"""Bilingual content stored in the database (checklist texts and the like)."""

from django.utils.translation import get_language


def localized(obj, field: str) -> str:
    """`obj.<field>_en` when the page is in English and it is filled in, else `<field>_sv`.

    Swedish is the programme's own language and is always present; English falls back to it.
    """
    if (get_language() or "sv").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_sv")

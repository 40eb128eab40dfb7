"""What the JSON documents people upload (the round archive, a checklist file) share: a problem's
JSON path, and a JSON Schema error in words a project leader can act on.

Each document's module keeps what is its own: how a value is shown, what its patterns mean, and
any keyword only its schema uses (it answers those before asking `describe_schema_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def json_path(base: str, *parts: str | int) -> str:
    """`base` followed by keys (`.key`) and list positions (`[3]`)."""
    for part in parts:
        base += f"[{part}]" if isinstance(part, int) else f".{part}"
    return base


def type_name(name: str) -> str:
    return {
        "string": _("text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "boolean": _("true or false"),
        "array": _("a list"),
        "object": _("an object"),
        "null": _("null"),
    }.get(name, name)


def describe_schema_error(
    error,
    *,
    shown: Callable[[Any], str],
    pattern_message: Callable[[str, Any], str],
) -> list[tuple[str, str]]:
    """The schema error as (path, message): `shown(value)` writes a value as the document's
    module shows it, `pattern_message(pattern, value)` says what a pattern asks for."""
    path = error.json_path
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties" and value is False:
        known = error.schema.get("properties", {})
        return [
            (json_path(path, key), _("The format has no key “%(key)s” here.") % {"key": key})
            for key in instance
            if key not in known
        ]
    if kind == "required":
        return [
            (json_path(path, key), _("This key is required."))
            for key in value
            if isinstance(instance, dict) and key not in instance
        ]
    if kind == "const":
        return [
            (
                path,
                _("“%(value)s” is not “%(expected)s”.")
                % {"value": shown(instance), "expected": value},
            )
        ]
    if kind == "enum":
        return [
            (
                path,
                _("“%(value)s” is not one of %(choices)s.")
                % {"value": shown(instance), "choices": ", ".join(str(v) for v in value)},
            )
        ]
    if kind == "type":
        names = [value] if isinstance(value, str) else value
        return [
            (
                path,
                _("%(value)s should be %(types)s.")
                % {"value": shown(instance), "types": _(" or ").join(type_name(n) for n in names)},
            )
        ]
    if kind == "pattern":
        return [(path, pattern_message(value, instance))]
    if kind == "minLength" and instance == "":
        return [(path, _("This must not be empty."))]
    limits = {
        "minLength": _("This must be at least %(limit)s characters long."),
        "maxLength": _("This must be at most %(limit)s characters long."),
        "minimum": _("This must be at least %(limit)s."),
        "maximum": _("This must be at most %(limit)s."),
    }
    if kind in limits:
        return [(path, limits[kind] % {"limit": value})]
    if kind in ("minItems", "maxItems"):
        message = (
            ngettext(
                "The list must hold at least %(limit)s entry.",
                "The list must hold at least %(limit)s entries.",
                value,
            )
            if kind == "minItems"
            else ngettext(
                "The list may hold at most %(limit)s entry.",
                "The list may hold at most %(limit)s entries.",
                value,
            )
        )
        return [(path, message % {"limit": value})]
    return [(path, error.message)]  # a keyword the formats do not use today


def inline_refs(schema: dict) -> dict:
    """The schema with each `{"$ref": "#/$defs/name"}` replaced by a copy of what it names:
    the same rules, which a validator then follows without looking each reference up (a third
    of the time it takes to check a national round's archive). A reference with other keys
    beside it, or to anything but `$defs`, is left as it is (the `$defs` stay)."""
    definitions = schema.get("$defs", {})

    def inlined(node, depth=0):
        if depth > 50:
            raise ValueError("The schema's references run in a circle.")
        if isinstance(node, dict):
            reference = node.get("$ref")
            if len(node) == 1 and isinstance(reference, str) and reference.startswith("#/$defs/"):
                name = reference.removeprefix("#/$defs/")
                if name in definitions and "/" not in name:
                    return inlined(definitions[name], depth + 1)
            return {key: inlined(value, depth) for key, value in node.items()}
        if isinstance(node, list):
            return [inlined(value, depth) for value in node]
        return node

    return {key: (value if key == "$defs" else inlined(value)) for key, value in schema.items()}

"""A checklist version as one JSON document (format "modellkoncept-checklist/1"), so that a
project leader can load the checklists SKR publishes instead of the site inventing their text.

`export_document` writes a version; `import_document` creates one. The format is described in
docs/checklist-format.md and, as a JSON Schema, in `checklist/schemas/checklist-1.schema.json`.

As with the round archive (rounds.archive), a document is checked whole before anything is
written: first against the schema (unknown keys are refused), then against the rules that
involve more than one value (consecutive scale values, items numbered 1 to n, an item's part
among the parts, a short name not yet used). Every problem is reported with the JSON path of the
value it is about, e.g. `$.items[3].part`, and nothing is saved.

A version is never changed once it exists, since assessments made with it must keep meaning
what they meant: an import always creates a new version, and a short name that is taken is
refused. Export is deterministic (keys in the order of the format, parts and items in their
order), and import → export gives the same document.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from checklist import services
from checklist.models import ChecklistVersion
from modellkoncept.errors import DomainError
from modellkoncept.jsondoc import describe_schema_error, json_path

FORMAT = "modellkoncept-checklist/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "checklist-1.schema.json"
# Sixty items of a few thousand characters each in two languages stay well below this.
MAX_DOCUMENT_BYTES = 1024 * 1024
# The format nests four levels deep (the document, its list of items, an item, its text).
MAX_DEPTH = 10


class ChecklistFileError(DomainError):
    """The document cannot be imported; `problems` are "path: message" lines, every one."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = list(problems)


@functools.cache
def schema() -> dict:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


# Reading and writing the JSON text


def document_to_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    counts = Counter(key for key, _value in pairs)
    twice = sorted(key for key, n in counts.items() if n > 1)
    if twice:
        raise ChecklistFileError(
            [
                "$: "
                + _("The key “%(key)s” appears twice in one object; which one is meant?")
                % {"key": key}
                for key in twice
            ]
        )
    return dict(pairs)


def _refuse_constant(name: str):
    raise ChecklistFileError(
        ["$: " + _("%(value)s is not a number JSON allows.") % {"value": name}]
    )


def _too_deep(document: Any) -> bool:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        children = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        )
        if children and depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse_document(data: bytes | str) -> Any:
    """Parse the text of a checklist file; raises `ChecklistFileError` when it is not JSON."""
    if isinstance(data, bytes):
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ChecklistFileError(
                [
                    "$: "
                    + _("The file is larger than %(size)s MB.")
                    % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
                ]
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ChecklistFileError(
                ["$: " + _("The file is not UTF-8 text: %(error)s") % {"error": error}]
            ) from None
    try:
        return json.loads(
            data, object_pairs_hook=_refuse_duplicate_keys, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as error:
        raise ChecklistFileError(
            [
                "$: "
                + _("The file is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
                % {"error": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:
        raise ChecklistFileError([_too_deep_problem()]) from None


def _too_deep_problem() -> str:
    return "$: " + _(
        "Lists and objects are nested more than %(limit)s levels deep; a checklist never is."
    ) % {"limit": MAX_DEPTH}


# Export


def _both(obj, field: str) -> dict:
    return {"sv": getattr(obj, f"{field}_sv"), "en": getattr(obj, f"{field}_en")}


def export_document(version: ChecklistVersion) -> dict:
    """The version as a document. The guidance the site wrote itself for a version
    (`guidance_is_site_help`) is not the checklist's and is left out."""
    version = ChecklistVersion.objects.prefetch_related("scale_steps", "parts", "items__part").get(
        pk=version.pk
    )
    items = []
    for item in version.items.all():
        entry = {
            "number": item.number,
            "part": item.part.key if item.part else None,
            "text": _both(item, "text"),
        }
        if (item.guidance_sv or item.guidance_en) and not version.guidance_is_site_help:
            entry["guidance"] = _both(item, "guidance")
        items.append(entry)
    return {
        "format": FORMAT,
        "slug": version.slug,
        "name": _both(version, "name"),
        "level": version.level,
        "scale": [
            {"value": step.value, "label": _both(step, "label")}
            for step in version.scale_steps.all()
        ],
        "parts": [{"key": part.key, "title": _both(part, "title")} for part in version.parts.all()],
        "items": items,
    }


# Checking


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _describe(error) -> list[tuple[str, str]]:
    """The schema error as (path, message), in words a project leader can act on."""
    if error.validator == "anyOf":  # an item's part: a key or null
        return [
            (
                error.json_path,
                _("“%(value)s” is neither the key of a part nor null.")
                % {"value": _shown(error.instance)},
            )
        ]
    return describe_schema_error(error, shown=_shown, pattern_message=_slug_pattern_message)


def _slug_pattern_message(pattern: str, value: Any) -> str:
    # The format's only pattern is the slug's.
    return _("“%(value)s” may hold only letters a–z, digits, hyphens and underscores.") % {
        "value": _shown(value)
    }


def _strings(value: Any, path: str = "$"):
    """Every string in the document with its path, in the document's order (without
    recursion)."""
    stack = [(value, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            stack.extend(reversed([(child, json_path(path, key)) for key, child in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(child, json_path(path, i)) for i, child in enumerate(value)]))


def _rule_problems(document: dict) -> list[tuple[str, str]]:
    """The rules over more than one value, on a document the schema accepts."""
    problems = []
    for path, text in _strings(document):
        if "\x00" in text:  # PostgreSQL keeps no NUL character in text
            problems.append((path, _("The text holds a NUL character.")))
        elif text != text.strip():
            problems.append(
                (path, _("The text starts or ends with white space; the site would not keep it."))
            )
    scale = document["scale"]
    first = scale[0]["value"]
    for index, step in enumerate(scale):
        if step["value"] != first + index:
            problems.append(
                (
                    json_path("$.scale", index, "value"),
                    _(
                        "The scale's values must run one by one upwards: %(expected)s here, "
                        "not %(value)s."
                    )
                    % {"expected": first + index, "value": step["value"]},
                )
            )
    keys: dict[str, int] = {}
    for index, part in enumerate(document["parts"]):
        if part["key"] in keys:
            problems.append(
                (
                    json_path("$.parts", index, "key"),
                    _("The part “%(key)s” is already at $.parts[%(index)s].")
                    % {"key": part["key"], "index": keys[part["key"]]},
                )
            )
        else:
            keys[part["key"]] = index
    for index, item in enumerate(document["items"]):
        if item["number"] != index + 1:
            problems.append(
                (
                    json_path("$.items", index, "number"),
                    _("Items are numbered 1, 2, 3 … in order: %(expected)s here, not %(value)s.")
                    % {"expected": index + 1, "value": item["number"]},
                )
            )
        if item["part"] is not None and item["part"] not in keys:
            problems.append(
                (
                    json_path("$.items", index, "part"),
                    _("“%(key)s” is not the key of one of $.parts.") % {"key": item["part"]},
                )
            )
    if ChecklistVersion.objects.filter(slug=document["slug"]).exists():
        problems.append(
            (
                "$.slug",
                _(
                    "A checklist version with the short name “%(slug)s” exists already. A "
                    "version never changes once it exists; give this one a new short name."
                )
                % {"slug": document["slug"]},
            )
        )
    return problems


def validate_document(document: Any) -> list[str]:
    """Every problem of the document as "path: message", in the order of the document; an
    empty list when it can be imported."""
    if _too_deep(document):
        return [_too_deep_problem()]
    problems = []
    for error in _validator().iter_errors(document):
        problems.extend(_describe(error))
    if not problems:
        problems = _rule_problems(document)
    return [f"{path}: {message}" for path, message in problems]


# Preview and import


@dataclass(frozen=True)
class Preview:
    """What an import of the document would create; `problems` lists why it cannot, if so."""

    problems: list[str]
    document: dict | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def slug(self) -> str:
        return self.document["slug"]

    @property
    def name(self) -> dict:
        return self.document["name"]

    @property
    def level(self) -> str:
        return ChecklistVersion.Level(self.document["level"]).label

    @property
    def scale(self) -> list[dict]:
        return self.document["scale"]

    @property
    def sections(self) -> list[dict]:
        """The items under their parts, for the page: a part-less group first, if any."""
        titles = {part["key"]: part["title"] for part in self.document["parts"]}
        sections: list[dict] = []
        for item in self.document["items"]:
            title = titles.get(item["part"]) if item["part"] else None
            if not sections or sections[-1]["title"] != title:
                sections.append({"title": title, "items": []})
            sections[-1]["items"].append(item)
        return sections


def preview(document: Any) -> Preview:
    problems = validate_document(document)
    return Preview(problems=problems, document=None if problems else document)


def import_document(document: Any) -> ChecklistVersion:
    """Create the version the document describes, or nothing; raises `ChecklistFileError`
    listing every problem with its JSON path."""
    with transaction.atomic():
        problems = validate_document(document)
        if problems:
            raise ChecklistFileError(problems)
        values = [step["value"] for step in document["scale"]]
        try:
            return services.checklist_version_create(
                slug=document["slug"],
                name_sv=document["name"]["sv"],
                name_en=document["name"]["en"],
                level=document["level"],
                scale_min=min(values),
                scale_max=max(values),
                steps=[
                    services.StepSpec(s["value"], s["label"]["sv"], s["label"]["en"])
                    for s in document["scale"]
                ],
                parts=[
                    services.PartSpec(p["key"], p["title"]["sv"], p["title"]["en"])
                    for p in document["parts"]
                ],
                items=[
                    services.ItemSpec(
                        text_sv=i["text"]["sv"],
                        text_en=i["text"]["en"],
                        part=i["part"],
                        guidance_sv=i.get("guidance", {}).get("sv", ""),
                        guidance_en=i.get("guidance", {}).get("en", ""),
                    )
                    for i in document["items"]
                ],
            )
        except ValidationError as error:  # DomainError included; the schema should prevent it
            raise ChecklistFileError([f"$: {message}" for message in error.messages]) from error

"""The archive's format: its schema, reading a document safely, and the schema's problems in the
reader's words."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from modellkoncept.errors import DomainError
from modellkoncept.jsondoc import describe_schema_error, json_path
from modellkoncept.validators import text_problem

FORMAT = "modellkoncept-round/1"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "round-archive-1.schema.json"
# An archive of a two-year round with its assessments is some hundred kilobytes; this leaves
# ample room and keeps an upload (kept in the session between preview and import) bounded.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Times are written as people in the programme read them: Swedish local time, with its offset.
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The format nests lists and objects five levels deep (the document, its list of meetings, a
# meeting, its attendance list, one attendance). A document nested far deeper is no archive,
# and reading or checking it would recurse past Python's limit (RecursionError), so it is
# refused as it is.
MAX_DEPTH = 20


class ArchiveError(DomainError):
    """The document cannot be imported; `problems` are "path: message" lines, every one."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = list(problems)


# The schema


@functools.cache
def schema() -> dict:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


# Reading and writing the JSON text


def document_to_json(document: dict) -> str:
    """The document as text: UTF-8 friendly (å, ä, ö as they are), indented, in the order the
    export built it (so item numbers run 1, 2, … 10 rather than 1, 10, 2)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    counts = Counter(key for key, _value in pairs)
    twice = sorted(key for key, n in counts.items() if n > 1)
    if twice:
        raise ArchiveError(
            [
                "$: "
                + _("The key “%(key)s” appears twice in one object; which one is meant?")
                % {"key": key}
                for key in twice
            ]
        )
    return dict(pairs)


def _refuse_constant(name: str):
    raise ArchiveError(["$: " + _("%(value)s is not a number JSON allows.") % {"value": name}])


def _too_deep(document: Any) -> bool:
    """Whether lists and objects nest more than `MAX_DEPTH` levels (found without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _too_deep_problem() -> str:
    return "$: " + _(
        "Lists and objects are nested more than %(limit)s levels deep; an archive never is."
    ) % {"limit": MAX_DEPTH}


# No number in an archive has more digits than this; Python refuses to read one of more than
# 4,300 (ValueError), so a longer one is kept as it is written and reported where it stands.
MAX_INT_DIGITS = 18


class _LongNumber:
    """A whole number of more digits than any archive holds, as it was written."""

    def __init__(self, digits: str):
        self.digits = digits

    def __str__(self) -> str:
        return self.digits if len(self.digits) <= 20 else self.digits[:20] + "…"

    __repr__ = __str__


def _parse_int(text: str) -> int | _LongNumber:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return _LongNumber(text)
    return int(text)


def _text_problems(document: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every text (key or value) that cannot be stored, with its path; numbers of too many
    digits too."""
    if isinstance(document, str):
        problem = text_problem(document)
        if problem:
            yield path, problem
    elif isinstance(document, _LongNumber):
        yield (
            path,
            _("The number %(value)s has %(digits)s digits; no value in an archive has so many.")
            % {"value": document, "digits": len(document.digits.lstrip("-"))},
        )
    elif isinstance(document, dict):
        for key, value in document.items():
            problem = text_problem(key)
            if problem:
                yield path, problem
                continue
            yield from _text_problems(value, json_path(path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _text_problems(value, json_path(path, index))


def parse_document(data: bytes | str) -> Any:
    """Parse the text of an archive; raises `ArchiveError` when it is not JSON."""
    if isinstance(data, bytes):
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ArchiveError(
                [
                    "$: "
                    + _("The file is larger than %(size)s MB.")
                    % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
                ]
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ArchiveError(
                ["$: " + _("The file is not UTF-8 text: %(error)s") % {"error": error}]
            ) from None
    try:
        return json.loads(
            data,
            object_pairs_hook=_refuse_duplicate_keys,
            parse_constant=_refuse_constant,
            parse_int=_parse_int,
        )
    except json.JSONDecodeError as error:
        raise ArchiveError(
            [
                "$: "
                + _("The file is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
                % {"error": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:  # nested deeper than Python's parser goes
        raise ArchiveError([_too_deep_problem()]) from None


# Checking a document: the schema, then the rules, every problem with its path


def _shown(value: Any) -> str:
    if isinstance(value, _LongNumber):
        return str(value)
    if isinstance(value, str) and text_problem(value):
        value = value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _pattern_message(pattern: str, value: Any) -> str:
    defs = schema()["$defs"]
    shown = {"value": _shown(value)}
    if pattern == defs["date"]["pattern"]:
        return _("“%(value)s” is not a date written YYYY-MM-DD.") % shown
    if pattern == defs["datetime"]["pattern"]:
        return (
            _(
                "“%(value)s” is not a date and time in ISO 8601 with its offset from UTC, "
                "such as 2026-02-05T09:00:00+01:00."
            )
            % shown
        )
    if pattern == defs["slug"]["pattern"]:
        return _("“%(value)s” may hold only letters a–z, digits, hyphens and underscores.") % shown
    if pattern == defs["email"]["pattern"]:
        return _("“%(value)s” is not an e-mail address.") % shown
    if pattern == defs["item_number"]["pattern"]:
        return _("“%(value)s” is not an item number.") % shown
    if pattern == defs["organisation_code"]["pattern"]:
        return _("“%(value)s” is not an organisation code.") % shown
    return _("“%(value)s” does not have the expected form.") % shown


def _describe(error) -> list[tuple[str, str]]:
    """The schema error as (path, message), in words a project leader can act on."""
    return describe_schema_error(error, shown=_shown, pattern_message=_pattern_message)


def _schema_problems(document: Any) -> list[tuple[str, str]]:
    problems = []
    for error in _validator().iter_errors(document):
        problems.extend(_describe(error))
    return problems


_PATH_STEP = re.compile(r"\.([^.\[]+)|\[([0-9]+)\]")


def _document_order(path: str) -> tuple:
    """Sorts problems as the document runs: by list (in the order of the format), then by
    position within each list. Problems at one place keep the order they were found in."""
    sections = list(schema()["properties"])
    order: list[int] = []
    for depth, (key, index) in enumerate(_PATH_STEP.findall(path)):
        if depth == 0:
            order.append(sections.index(key) if key in sections else len(sections))
        elif index:
            order.append(int(index))
    return tuple(order)

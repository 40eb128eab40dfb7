"""The round archive: a whole round as one JSON document (format "modellkoncept-round/1"), so
that SKR can bring in the rounds held since 2015 and keep finished ones.

`export_document` writes a round as a document; `import_document` creates a round from one.
The format is described in docs/round-archive.md and, as a JSON Schema, in
`rounds/schemas/round-archive-1.schema.json`.

An import is checked whole before anything is written: first against the schema (every key,
type, enum and pattern; unknown keys are refused), then against the rules and the database
(references between the lists, a meeting that ends before it starts, a group of one, a mentor
that is also a participant, a person given the same function twice, a score outside the
checklist's scale, a short name already used …). Every problem is reported with the JSON path
of the value it is about, e.g. `$.meetings[3].ends_at`. The round is then created through the
services, in one transaction: if a service still refuses something, nothing is kept and the
problem is reported with the path of what was being created.

Export is deterministic: the lists are sorted (organisations by code, groups by name, people by
e-mail, meetings by start then key, assessments by meeting key then organisation code), times
are written in Swedish local time with their offset, and export → import → export gives the same
document.

The package: `schema` (the format, reading a document, the schema's problems), `export`
(a round to a document), `plan` (what a checked document will create), `check` and its
`check_organisations`/`check_meetings` parts (the rules), `create` (writing the plan)."""

from rounds.archive.check import Preview, preview, validate_document
from rounds.archive.create import ImportSummary, import_document
from rounds.archive.export import export_document
from rounds.archive.schema import (
    FORMAT,
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_INT_DIGITS,
    SCHEMA_PATH,
    STOCKHOLM,
    ArchiveError,
    document_to_json,
    parse_document,
    schema,
)

__all__ = [
    "FORMAT",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_INT_DIGITS",
    "SCHEMA_PATH",
    "STOCKHOLM",
    "ArchiveError",
    "ImportSummary",
    "Preview",
    "document_to_json",
    "export_document",
    "import_document",
    "parse_document",
    "preview",
    "schema",
    "validate_document",
]

"""modellkoncept.jsondoc.inline_refs: the same rules without the lookups."""

from jsonschema import Draft202012Validator

from modellkoncept.jsondoc import inline_refs
from rounds import archive

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "people": {"type": "array", "items": {"$ref": "#/$defs/person"}},
        "when": {"$ref": "#/$defs/date"},
    },
    "$defs": {
        "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "person": {
            "type": "object",
            "required": ["email"],
            "properties": {"email": {"type": "string"}, "born": {"$ref": "#/$defs/date"}},
        },
    },
}


def _errors(schema, document):
    return [
        (e.json_path, e.validator, e.message)
        for e in Draft202012Validator(schema).iter_errors(document)
    ]


def test_inlined_references_find_the_same_errors():
    inlined = inline_refs(SCHEMA)
    assert "$ref" not in str(inlined["properties"])
    document = {"people": [{"email": 5, "born": "igår"}, {}], "when": "2026-01-01", "x": 1}
    assert _errors(inlined, document) == _errors(SCHEMA, document)
    assert len(_errors(SCHEMA, document)) == 4


def test_the_round_archives_schema_inlined_refuses_what_it_refused():
    document = {"format": "nope", "organisations": [{"code": 12}]}
    assert _errors(inline_refs(archive.schema()), document) == _errors(archive.schema(), document)

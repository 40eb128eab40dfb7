"""Organisations: SKR's reference list, creating and updating one, its political decision."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from modellkoncept.actions import field_changes, log_action
from modellkoncept.errors import DomainError
from participants import actions
from participants.models import Organisation

REFERENCE_FILE = Path(settings.BASE_DIR) / "data" / "sweden_orgs.csv"
REFERENCE_COLUMNS = ("code", "name", "kind", "county_code", "county_name", "lat", "lon")


# Reference organisations


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _parse_reference_row(line: int, row: dict) -> tuple[dict, list[str]]:
    problems = []
    code = (row.get("code") or "").strip()
    name = (row.get("name") or "").strip()
    kind = (row.get("kind") or "").strip()
    if not code.isdigit() or len(code) not in (2, 4):
        problems.append(_("the code must be 2 or 4 digits, not “%(code)s”") % {"code": code})
    if not name:
        problems.append(_("the name is missing"))
    if kind not in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION):
        problems.append(_("the kind must be “kommun” or “region”, not “%(kind)s”") % {"kind": kind})
    coordinates = {}
    for column, low, high in (("lat", 55, 69.1), ("lon", 10.9, 24.2)):
        raw = (row.get(column) or "").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            problems.append(
                _("%(column)s is not a number: “%(value)s”") % {"column": column, "value": raw}
            )
            continue
        if not (Decimal(str(low)) <= value <= Decimal(str(high))):
            problems.append(
                _("%(column)s %(value)s lies outside Sweden") % {"column": column, "value": raw}
            )
        coordinates[column] = value.quantize(Decimal("0.00001"))
    values = {
        "code": code,
        "name": name,
        "kind": kind,
        "county_code": (row.get("county_code") or "").strip(),
        "county_name": (row.get("county_name") or "").strip(),
        "latitude": coordinates.get("lat"),
        "longitude": coordinates.get("lon"),
    }
    return values, [
        _("line %(line)s: %(problem)s") % {"line": line, "problem": p} for p in problems
    ]


def organisations_load(*, path: Path = REFERENCE_FILE) -> LoadResult:
    """Load Sweden's municipalities and regions from the reference file, idempotently.

    Every line is checked before anything is written; a file with any bad line changes nothing
    and the error names every bad line. Political decisions, which the reference file does not
    hold, are left as they are.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REFERENCE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DomainError(
                    _("The file lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}
                )
            parsed, problems, seen = [], [], {}
            # Line 1 is the header, so the first row is on line 2.
            for line, row in enumerate(reader, start=2):
                values, row_problems = _parse_reference_row(line, row)
                problems.extend(row_problems)
                if values["code"] in seen:
                    problems.append(
                        _("line %(line)s: the code %(code)s is already on line %(first)s")
                        % {"line": line, "code": values["code"], "first": seen[values["code"]]}
                    )
                seen.setdefault(values["code"], line)
                parsed.append(values)
    except UnicodeDecodeError as exc:
        raise DomainError(_("The file is not UTF-8 text: %(error)s") % {"error": exc}) from exc
    if problems:
        raise DomainError(problems)
    if not parsed:
        raise DomainError(_("The file holds no organisations."))

    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {o.code: o for o in Organisation.objects.filter(code__in=seen)}
        fields = ("name", "kind", "county_code", "county_name", "latitude", "longitude")
        to_create, to_update = [], []
        # The fields are checked here; the model's constraints are not asked row by row (Django
        # asks each check constraint of each row in a query of its own, 1,244 for the file):
        # the codes are unique by `seen` and `existing`, and `_parse_reference_row` holds the
        # coordinates to Sweden, both or neither, which is stricter than the check constraints.
        # The database still enforces them all.
        for values in parsed:
            organisation = existing.get(values["code"])
            if organisation is None:
                organisation = Organisation(**values)
                organisation.full_clean(validate_unique=False, validate_constraints=False)
                to_create.append(organisation)
            elif any(getattr(organisation, f) != values[f] for f in fields):
                for f in fields:
                    setattr(organisation, f, values[f])
                organisation.full_clean(validate_unique=False, validate_constraints=False)
                to_update.append(organisation)
            else:
                unchanged += 1
        Organisation.objects.bulk_create(to_create)
        Organisation.objects.bulk_update(to_update, fields)
        created, updated = len(to_create), len(to_update)
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


def organisation_create(
    *,
    code: str,
    name: str,
    kind: str = Organisation.Kind.OTHER,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    county_code: str = "",
    county_name: str = "",
) -> Organisation:
    """Create an organisation outside the reference list, such as a federation of
    municipalities."""
    organisation = Organisation(
        code=code,
        name=name,
        kind=kind,
        latitude=latitude,
        longitude=longitude,
        county_code=county_code,
        county_name=county_name,
    )
    organisation.full_clean()
    organisation.save()
    log_action(
        organisation, actions.ORGANISATION_CREATED, data={"name": organisation.name, "code": code}
    )
    return organisation


ORGANISATION_FIELDS = ("name", "county_code", "county_name", "latitude", "longitude")


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation's name, county and coordinates (a federation enrolled from an
    expression of interest has none until a project leader sets them)."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    fields = {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }
    changes = field_changes(organisation, fields)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if changes:
        log_action(
            organisation,
            actions.ORGANISATION_UPDATED,
            data={"organisation": organisation.pk, "changes": changes},
        )
    return organisation


def organisation_record_decision(
    *, organisation: Organisation, decided_on: date, kind: str
) -> Organisation:
    """Record the organisation's political decision on gender mainstreaming."""
    organisation.political_decision_on = decided_on
    organisation.political_decision_kind = kind
    organisation.full_clean()
    organisation.save(
        update_fields=["political_decision_on", "political_decision_kind", "updated_at"]
    )
    log_action(
        organisation,
        actions.ORGANISATION_DECISION,
        data={"organisation": organisation.pk, "decided_on": decided_on, "kind": kind},
    )
    return organisation

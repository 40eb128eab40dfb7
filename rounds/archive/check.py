"""The archive's rules: a document is read into a plan and every problem is collected with its
path."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from checklist.models import ChecklistVersion, SelfAssessment
from modellkoncept.jsondoc import json_path
from participants.models import Participation
from rounds.archive.check_meetings import _MeetingChecks
from rounds.archive.check_organisations import _OrganisationChecks
from rounds.archive.plan import _as_dict, _as_list, _as_str, _Plan
from rounds.archive.result_reports import check_result_reports
from rounds.archive.schema import (
    _document_order,
    _schema_problems,
    _text_problems,
    _too_deep,
    _too_deep_problem,
)
from rounds.models import Round


class _Checker(_OrganisationChecks, _MeetingChecks):
    """Reads the document into a plan and collects every problem with its path. It is written
    to survive a document that failed the schema, so that the rules' problems can be reported
    together with the schema's: a value of the wrong type is passed over (the schema has
    reported it)."""

    def run(self) -> _Plan:
        self.check_round()
        self.check_organisations()
        self.check_groups()
        self.check_people()
        self.check_meetings()
        self.check_assessments()
        self.check_works()
        self.plan.result_reports = check_result_reports(
            self.document,
            organisations=self.plan.organisations,
            work_titles=[(w.organisation, w.fields["title"]) for w in self.plan.works],
            current_year=self.plan.round.get("current_year"),
            problem=self.problem,
            moment=self.moment,
        )
        return self.plan

    # The round

    def check_round(self) -> None:
        data, path = _as_dict(self.document.get("round")), "$.round"
        slug = _as_str(data.get("slug"))
        if slug and Round.objects.filter(slug=slug).exists():
            self.problem(
                json_path(path, "slug"),
                _("A round with the short name “%(slug)s” exists already.") % {"slug": slug},
            )
        checklist = _as_str(data.get("checklist"))
        if checklist:
            self.plan.checklist = ChecklistVersion.objects.filter(slug=checklist).first()
            if self.plan.checklist is None:
                self.problem(
                    json_path(path, "checklist"),
                    _("There is no checklist version “%(slug)s”.") % {"slug": checklist},
                )
        committee = _as_str(data.get("committee_checklist"))
        if committee:
            self.plan.committee_checklist = ChecklistVersion.objects.filter(slug=committee).first()
            if self.plan.committee_checklist is None:
                self.problem(
                    json_path(path, "committee_checklist"),
                    _("There is no checklist version “%(slug)s”.") % {"slug": committee},
                )
            elif self.plan.committee_checklist.level != ChecklistVersion.Level.COMMITTEE:
                self.problem(
                    json_path(path, "committee_checklist"),
                    _(
                        "The checklist version “%(slug)s” is not made for committee/board and "
                        "department level."
                    )
                    % {"slug": committee},
                )
                self.plan.committee_checklist = None
        starts_on = self.date(data.get("starts_on"), json_path(path, "starts_on"))
        ends_on = self.date(data.get("ends_on"), json_path(path, "ends_on"))
        if starts_on and ends_on and ends_on < starts_on:
            self.problem(json_path(path, "ends_on"), _("A round cannot end before it starts."))
        deadline = self.date(
            data.get("application_deadline"), json_path(path, "application_deadline")
        )
        decision_by = self.date(data.get("decision_by"), json_path(path, "decision_by"))
        if deadline and decision_by and decision_by < deadline:
            self.problem(
                json_path(path, "decision_by"),
                _("The decision cannot be announced before the last day to apply."),
            )
        self.plan.status = data.get("status", Round.Status.PLANNING)
        self.plan.round = {
            "slug": slug or "",
            "name": _as_str(data.get("name")) or "",
            "kind": data.get("kind"),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "current_year": data.get("current_year", Round.Year.ONE),
            "year_two_themes": [t for t in _as_list(data.get("year_two_themes")) if _as_str(t)],
            "description": _as_str(data.get("description")) or "",
            "application_deadline": deadline,
            "decision_by": decision_by,
        }

    # Organisations and their parts


def _check(document: Any) -> tuple[_Plan, list[str]]:
    """The plan the document asks for, and every problem as "path: message"."""
    if _too_deep(document):
        return _Plan(), [_too_deep_problem()]
    # Texts the database cannot hold and numbers Python will not read: reported first, and
    # nothing else is said of the same value.
    text_problems = list(_text_problems(document))
    if text_problems:
        return _Plan(), [f"{path}: {message}" for path, message in text_problems]
    schema_problems = _schema_problems(document)
    checker = _Checker(document)
    try:
        plan = checker.run()
    except (TypeError, ValueError, AttributeError, KeyError):
        # The document is too far from the format for the rules to be read; the schema has
        # said why, so its problems are reported alone.
        if not schema_problems:
            raise
        plan, checker.problems = _Plan(), []
    # A value the schema refused is not reported again by the rules.
    reported = {path for path, _message in schema_problems}
    rule_problems = [(p, m) for p, m in checker.problems if p not in reported]
    ordered = sorted(schema_problems + rule_problems, key=lambda p: _document_order(p[0]))
    problems = [f"{path}: {message}" for path, message in ordered]
    return plan, list(dict.fromkeys(problems))


def validate_document(document: Any) -> list[str]:
    """Every problem of the document, as "path: message"; empty when it can be imported."""
    return _check(document)[1]


# Preview


@dataclass(frozen=True)
class Preview:
    """What an import of the document would create; `problems` lists why it cannot, if so."""

    problems: list[str]
    slug: str = ""
    name: str = ""
    kind: str = ""
    status: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    checklist: ChecklistVersion | None = None
    participants: int = 0
    mentors: int = 0
    withdrawn: int = 0
    new_organisations: tuple[tuple[str, str], ...] = ()
    groups: tuple[str, ...] = ()
    people: int = 0
    new_people: int = 0
    functions: int = 0
    meetings: int = 0
    attendances: int = 0
    assessments: int = 0
    submitted: int = 0
    improvement_works: int = 0
    result_reports: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def organisations(self) -> int:
        return self.participants + self.mentors


def preview(document: Any) -> Preview:
    """What `import_document` would create from the document, without writing anything."""
    plan, problems = _check(document)
    if problems:
        return Preview(problems=problems)
    organisations = plan.organisations.values()
    emails = {p.email for p in plan.people}
    return Preview(
        problems=[],
        slug=plan.round["slug"],
        name=plan.round["name"],
        kind=Round.Kind(plan.round["kind"]).label,
        status=Round.Status(plan.status).label,
        starts_on=plan.round["starts_on"],
        ends_on=plan.round["ends_on"],
        checklist=plan.checklist,
        participants=sum(o.role == Participation.Role.PARTICIPANT for o in organisations),
        mentors=sum(o.role == Participation.Role.MENTOR for o in organisations),
        withdrawn=sum(o.withdrawn_on is not None for o in organisations),
        new_organisations=tuple((o.code, o.name) for o in organisations if o.is_new),
        groups=tuple(plan.groups),
        people=len(emails),
        new_people=len(emails - plan.existing_emails),
        functions=sum(len(p.functions) for p in plan.people),
        meetings=len(plan.meetings),
        attendances=sum(len(m.attendance) for m in plan.meetings.values()),
        assessments=len(plan.assessments),
        submitted=sum(a.status == SelfAssessment.Status.SUBMITTED for a in plan.assessments),
        improvement_works=len(plan.works),
        result_reports=len(plan.result_reports),
    )

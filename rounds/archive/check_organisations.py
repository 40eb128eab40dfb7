"""The archive's rules for the organisations, the groups and the people."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from modellkoncept.jsondoc import json_path
from participants.models import Function, Organisation, Participation
from rounds.archive.check_base import _CheckerBase, _coordinate
from rounds.archive.plan import _as_dict, _as_list, _as_str, _Group, _Organisation, _Person
from rounds.archive.schema import _shown

User = get_user_model()


class _OrganisationChecks(_CheckerBase):
    """The organisations (new or known, with their participation), the groups and the
    people with their functions."""

    def check_organisations(self) -> None:
        entries = _as_list(self.document.get("organisations"))
        codes = [_as_str(_as_dict(e).get("code")) for e in entries]
        existing = {
            o.code: o for o in Organisation.objects.filter(code__in=[c for c in codes if c])
        }
        group_names = {
            _as_str(_as_dict(g).get("name")) for g in _as_list(self.document.get("groups"))
        }
        for index, entry in enumerate(entries):
            path, data = json_path("$.organisations", index), _as_dict(entry)
            code = _as_str(data.get("code"))
            if not code:
                continue
            if code in self.plan.organisations:
                self.problem(
                    json_path(path, "code"),
                    _("%(code)s is listed already, at %(path)s.")
                    % {"code": code, "path": self.plan.organisations[code].path},
                )
                continue
            organisation = existing.get(code)
            name, kind = _as_str(data.get("name")), _as_str(data.get("kind"))
            if organisation is not None:
                if kind in Organisation.Kind.values and kind != organisation.kind:
                    self.problem(
                        json_path(path, "kind"),
                        _("%(code)s is %(name)s, a %(kind)s, not “%(given)s”.")
                        % {
                            "code": code,
                            "name": organisation.name,
                            "kind": organisation.get_kind_display(),
                            "given": kind,
                        },
                    )
            elif kind in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION):
                self.problem(
                    json_path(path, "code"),
                    _(
                        "%(code)s is not in the reference list of municipalities and regions. "
                        "Load the list (manage.py load_organisations), or give the organisation "
                        "the kind “other”."
                    )
                    % {"code": code},
                )
            elif kind != Organisation.Kind.OTHER or not name:
                self.problem(
                    json_path(path, "code"),
                    _(
                        "%(code)s is not a known organisation. To create it, give its name and "
                        "the kind “other”."
                    )
                    % {"code": code},
                )
            role = data.get("role") if data.get("role") in Participation.Role.values else None
            group = _as_str(data.get("group"))
            if group is not None:
                if role == Participation.Role.MENTOR:
                    self.problem(
                        json_path(path, "group"),
                        _("Only participants belong to a benchmarking group."),
                    )
                elif group not in group_names:
                    self.problem(
                        json_path(path, "group"),
                        _("There is no group “%(name)s” in $.groups.") % {"name": group},
                    )
            withdrawn_on = self.date(data.get("withdrawn_on"), json_path(path, "withdrawn_on"))
            reason = (_as_str(data.get("withdrawal_reason")) or "").strip()
            if reason and data.get("withdrawn_on") is None:
                self.problem(json_path(path, "withdrawn_on"), _("Give the date of the withdrawal."))
            completed_on = self.date(data.get("completed_on"), json_path(path, "completed_on"))
            if data.get("completed_on") is not None:
                if role == Participation.Role.MENTOR:
                    self.problem(
                        json_path(path, "completed_on"), _("Only participants complete a round.")
                    )
                elif data.get("withdrawn_on") is not None:
                    self.problem(
                        json_path(path, "completed_on"),
                        _("An organisation that withdrew cannot have completed the round."),
                    )
            fee = data.get("fee")
            fee = fee if isinstance(fee, int) and not isinstance(fee, bool) else None
            fee_invoiced = data.get("fee_invoiced") is True
            if fee_invoiced and fee is None:
                self.problem(
                    json_path(path, "fee_invoiced"), _("Give the fee before marking it invoiced.")
                )
            latitude, longitude = data.get("latitude"), data.get("longitude")
            if (latitude is None) != (longitude is None):
                self.problem(path, _("Give both latitude and longitude, or neither."))
            self.plan.organisations[code] = _Organisation(
                path=path,
                code=code,
                existing=organisation,
                name=name or (organisation.name if organisation else ""),
                kind=kind,
                role=role,
                group=group,
                withdrawn_on=withdrawn_on,
                withdrawal_reason=reason,
                completed_on=completed_on,
                willing_to_mentor=data.get("willing_to_mentor") is True,
                mentor_capacity=data.get("mentor_capacity", 1),
                fee=fee,
                fee_invoiced=fee_invoiced,
                county_code=_as_str(data.get("county_code")) or "",
                latitude=_coordinate(latitude),
                longitude=_coordinate(longitude),
            )

    # Groups and mentors

    def check_groups(self) -> None:
        organisations = self.plan.organisations
        for index, entry in enumerate(_as_list(self.document.get("groups"))):
            path, data = json_path("$.groups", index), _as_dict(entry)
            name = _as_str(data.get("name"))
            if not name:
                continue
            if name in self.plan.groups:
                self.problem(
                    json_path(path, "name"),
                    _("The group “%(name)s” is listed already, at %(path)s.")
                    % {"name": name, "path": self.plan.groups[name].path},
                )
                continue
            members = self.plan.members(name)
            if len(members) == 1:
                self.problem(
                    path,
                    _(
                        "A benchmarking group needs at least two organisations; “%(name)s” "
                        "has only %(code)s."
                    )
                    % {"name": name, "code": members[0].code},
                )
            mentors: list[str] = []
            for position, code in enumerate(_as_list(data.get("mentors"))):
                mentor_path = json_path(path, "mentors", position)
                if not isinstance(code, str):
                    continue
                mentor = organisations.get(code)
                if mentor is None:
                    self.problem(
                        mentor_path,
                        _("%(code)s is not among the organisations of the round.") % {"code": code},
                    )
                elif mentor.role == Participation.Role.PARTICIPANT:
                    self.problem(
                        mentor_path,
                        _(
                            "%(code)s is a participant of this round and cannot mentor in it; "
                            "a mentor organisation has the role “mentor”."
                        )
                        % {"code": code},
                    )
                elif code in mentors:
                    self.problem(
                        mentor_path,
                        _("%(code)s is listed twice as a mentor of this group.") % {"code": code},
                    )
                mentors.append(code)
            self.plan.groups[name] = _Group(
                path=path,
                name=name,
                theme=_as_str(data.get("theme")) or "",
                mentors=[code for code in dict.fromkeys(mentors) if code in organisations],
            )

    # People and their functions

    def check_people(self) -> None:
        listed: dict[tuple[str, str], str] = {}
        names: dict[str, tuple[str, str]] = {}
        for index, entry in enumerate(_as_list(self.document.get("people"))):
            path, data = json_path("$.people", index), _as_dict(entry)
            email = _as_str(data.get("email"))
            code = _as_str(data.get("organisation"))
            if not email or not code:
                continue
            email = email.strip().lower()
            try:
                validate_email(email)
            except ValidationError:
                self.problem(
                    json_path(path, "email"),
                    _("“%(value)s” is not an e-mail address.") % {"value": _shown(email)},
                )
            if code not in self.plan.organisations:
                self.problem(
                    json_path(path, "organisation"),
                    _("%(code)s is not among the organisations of the round.") % {"code": code},
                )
            functions: list[str] = []
            for position, function in enumerate(_as_list(data.get("functions"))):
                if function in functions:
                    self.problem(
                        json_path(path, "functions", position),
                        _("%(email)s is given the function “%(function)s” twice.")
                        % {"email": email, "function": function},
                    )
                elif function in Function.values:
                    functions.append(function)
            if (email, code) in listed:
                self.problem(
                    path,
                    _(
                        "%(email)s is listed for %(code)s already, at %(path)s; list a person "
                        "once for each organisation, with all their functions."
                    )
                    % {"email": email, "code": code, "path": listed[email, code]},
                )
                continue
            listed[email, code] = path
            name = (_as_str(data.get("name")) or "").strip()
            if email in names and names[email][0] != name:
                self.problem(
                    json_path(path, "name"),
                    _("%(email)s has another name at %(path)s.")
                    % {"email": email, "path": names[email][1]},
                )
            names.setdefault(email, (name, path))
            self.plan.people.append(
                _Person(path=path, email=email, name=name, organisation=code, functions=functions)
            )
        self.plan.existing_emails = set(
            User.objects.filter(email__in=list(names)).values_list("email", flat=True)
        )

    def organisations_of(self, email: str) -> list[str]:
        return [p.organisation for p in self.plan.people if p.email == email]

    # Meetings and attendance

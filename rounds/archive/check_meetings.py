"""The archive's rules for the meetings with their attendance, the self-assessments with
their scores, and the improvement works."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from checklist.models import ChecklistVersion, SelfAssessment
from modellkoncept.jsondoc import json_path
from participants.models import ImprovementWork, Organisation, Participation
from rounds.archive.check_base import _CheckerBase
from rounds.archive.plan import (
    _as_dict,
    _as_list,
    _as_str,
    _Assessment,
    _Attendance,
    _Meeting,
    _Note,
    _Work,
)
from rounds.archive.schema import _shown
from rounds.models import normalise_audience


class _MeetingChecks(_CheckerBase):
    """The meetings, the attendance, the self-assessments and the improvement works."""

    def check_meetings(self) -> None:
        host_codes = {
            _as_str(_as_dict(m).get("host")) for m in _as_list(self.document.get("meetings"))
        } - set(self.plan.organisations)
        known_hosts = set(
            Organisation.objects.filter(code__in=[c for c in host_codes if c]).values_list(
                "code", flat=True
            )
        )
        for index, entry in enumerate(_as_list(self.document.get("meetings"))):
            path, data = json_path("$.meetings", index), _as_dict(entry)
            key = _as_str(data.get("key"))
            if not key:
                continue
            if key in self.plan.meetings:
                self.problem(
                    json_path(path, "key"),
                    _("The key “%(key)s” is used already, at %(path)s.")
                    % {"key": key, "path": self.plan.meetings[key].path},
                )
                continue
            starts_at = self.moment(data.get("starts_at"), json_path(path, "starts_at"))
            ends_at = self.moment(data.get("ends_at"), json_path(path, "ends_at"))
            if starts_at and ends_at and ends_at <= starts_at:
                self.problem(
                    json_path(path, "ends_at"),
                    _("A meeting must end after it starts; this one ends at %(end)s.")
                    % {"end": data["ends_at"]},
                )
            group = _as_str(data.get("group"))
            if group is not None and group not in self.plan.groups:
                self.problem(
                    json_path(path, "group"),
                    _("There is no group “%(name)s” in $.groups.") % {"name": group},
                )
            host = _as_str(data.get("host"))
            if host and host not in self.plan.organisations and host not in known_hosts:
                self.problem(
                    json_path(path, "host"),
                    _("%(code)s is not a known organisation.") % {"code": host},
                )
            online_url = _as_str(data.get("online_url")) or ""
            if online_url:
                try:
                    URLValidator()(online_url)
                except ValidationError:
                    self.problem(
                        json_path(path, "online_url"),
                        _("“%(value)s” is not a web address.") % {"value": _shown(online_url)},
                    )
            self.plan.meetings[key] = _Meeting(
                path=path,
                key=key,
                fields={
                    "kind": data.get("kind"),
                    "title": _as_str(data.get("title")) or "",
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "number": data.get("number"),
                    "theme": _as_str(data.get("theme")) or "",
                    "place": _as_str(data.get("place")) or "",
                    "online_url": online_url,
                    "assessment_due": data.get("assessment_due") is True,
                    # Optional: without it, year one (the archive's default, not the round's).
                    "year": data.get("year") if data.get("year") in (1, 2) else 1,
                    "assessment_opens_on": self.date(
                        data.get("assessment_opens_on"), json_path(path, "assessment_opens_on")
                    ),
                    # Optional: without it, the default of the meeting's kind.
                    "audience": normalise_audience(data.get("kind"), data.get("audience"))
                    if isinstance(data.get("audience"), list)
                    else [],
                },
                group=group,
                host=host,
                attendance=self.check_attendance(data, path),
                material=[_as_dict(m) for m in _as_list(data.get("material"))],
            )

    def check_attendance(self, data: dict, path: str) -> list[_Attendance]:
        rows: list[_Attendance] = []
        seen: dict[str, str] = {}
        for index, entry in enumerate(_as_list(data.get("attendance"))):
            row_path, row = json_path(path, "attendance", index), _as_dict(entry)
            email = _as_str(row.get("email"))
            if not email:
                continue
            email = email.strip().lower()
            organisations = self.organisations_of(email)
            code = _as_str(row.get("organisation"))
            if not organisations:
                self.problem(
                    json_path(row_path, "email"),
                    _("%(email)s is not among the people of the round.") % {"email": email},
                )
                continue
            if code is None and len(organisations) > 1:
                self.problem(
                    json_path(row_path, "organisation"),
                    _("%(email)s is listed for %(codes)s; say for which organisation.")
                    % {"email": email, "codes": ", ".join(organisations)},
                )
                continue
            code = code or organisations[0]
            if code not in organisations:
                self.problem(
                    json_path(row_path, "organisation"),
                    _("%(email)s is not listed for %(code)s in $.people.")
                    % {"email": email, "code": code},
                )
                continue
            if email in seen:
                self.problem(
                    row_path,
                    _("%(email)s is listed already, at %(path)s.")
                    % {"email": email, "path": seen[email]},
                )
                continue
            seen[email] = row_path
            rows.append(
                _Attendance(
                    path=row_path,
                    email=email,
                    organisation=code,
                    attended=row.get("attended") is not False,
                )
            )
        return rows

    # Self-assessments

    def check_assessments(self) -> None:
        # Each level's checklist and its items: an assessment is checked against its level's.
        checklists = {
            ChecklistVersion.Level.ORGANISATION: self.plan.checklist,
            ChecklistVersion.Level.COMMITTEE: self.plan.committee_checklist,
        }
        items_of = {
            level: set(version.items.values_list("number", flat=True)) if version else None
            for level, version in checklists.items()
        }
        people = {p.email for p in self.plan.people}
        seen: dict[tuple[str, str, str], str] = {}
        for index, entry in enumerate(_as_list(self.document.get("assessments"))):
            path, data = json_path("$.assessments", index), _as_dict(entry)
            code, key = _as_str(data.get("organisation")), _as_str(data.get("meeting"))
            status = data.get("status")
            level = data.get("level", ChecklistVersion.Level.ORGANISATION)
            if (
                not code
                or not key
                or status not in SelfAssessment.Status.values
                or level not in ChecklistVersion.Level.values
            ):
                continue
            checklist, items = checklists[level], items_of[level]
            if level == ChecklistVersion.Level.COMMITTEE:
                meeting = self.plan.meetings.get(key)
                if checklist is None:
                    self.problem(
                        json_path(path, "level"),
                        _(
                            "The round has no checklist for committee/department level "
                            "($.round.committee_checklist)."
                        ),
                    )
                elif meeting is not None and meeting.fields.get("year") != 2:
                    self.problem(
                        json_path(path, "level"),
                        _(
                            "A self-assessment at committee/department level is made before a "
                            "meeting of year two; “%(key)s” is of year one."
                        )
                        % {"key": key},
                    )
            organisation, meeting = self.plan.organisations.get(code), self.plan.meetings.get(key)
            if organisation is None or organisation.role == Participation.Role.MENTOR:
                self.problem(
                    json_path(path, "organisation"),
                    _("%(code)s is not a participant of the round.") % {"code": code},
                )
            if meeting is None:
                self.problem(
                    json_path(path, "meeting"),
                    _("There is no meeting with the key “%(key)s” in $.meetings.") % {"key": key},
                )
            elif not meeting.fields["assessment_due"]:
                self.problem(
                    json_path(path, "meeting"),
                    _("No self-assessment is due before the meeting “%(key)s”.") % {"key": key},
                )
            elif organisation is not None and meeting.group not in (None, organisation.group):
                self.problem(
                    json_path(path, "meeting"),
                    _("%(code)s is not in the group “%(group)s” that meets at “%(key)s”.")
                    % {"code": code, "group": meeting.group, "key": key},
                )
            if (code, key, level) in seen:
                self.problem(
                    path,
                    _("%(code)s has a self-assessment for “%(key)s” already, at %(path)s.")
                    % {"code": code, "key": key, "path": seen[code, key, level]},
                )
                continue
            seen[code, key, level] = path
            scores = self.check_scores(data, path, items, checklist)
            comments = {
                int(number): text
                for number, text in _as_dict(data.get("comments")).items()
                if number.isdigit() and isinstance(text, str)
            }
            for number in sorted(comments):
                if items is not None and number not in items:
                    self.problem(
                        json_path(path, "comments", str(number)),
                        _("Item %(number)s is not on the checklist.") % {"number": number},
                    )
            submitted_at = self.moment(data.get("submitted_at"), json_path(path, "submitted_at"))
            submitted_by = _as_str(data.get("submitted_by"))
            if submitted_by:
                submitted_by = submitted_by.strip().lower()
            if status == SelfAssessment.Status.SUBMITTED and items is not None:
                missing = sorted(n for n in items if scores.get(n) is None)
                if missing:
                    self.problem(
                        json_path(path, "scores"),
                        _(
                            "A submitted self-assessment has a score for every item; "
                            "missing: %(items)s."
                        )
                        % {"items": ", ".join(str(n) for n in missing)},
                    )
            if status == SelfAssessment.Status.DRAFT:
                for key_name in ("submitted_at", "submitted_by"):
                    if data.get(key_name) is not None:
                        self.problem(
                            json_path(path, key_name),
                            _("A draft has not been submitted; leave this out or write null."),
                        )
            if submitted_by and submitted_by not in people:
                self.problem(
                    json_path(path, "submitted_by"),
                    _("%(email)s is not among the people of the round.") % {"email": submitted_by},
                )
            self.plan.assessments.append(
                _Assessment(
                    path=path,
                    organisation=code,
                    meeting=key,
                    status=status,
                    submitted_at=submitted_at,
                    submitted_by=submitted_by,
                    scores=scores,
                    comments=comments,
                    level=level,
                )
            )

    def check_scores(
        self, data: dict, path: str, items: set[int] | None, checklist=None
    ) -> dict[int, int | None]:
        """The scores, checked against `checklist` (the assessment's level's)."""
        scores: dict[int, int | None] = {}
        for number, score in _as_dict(data.get("scores")).items():
            if not number.isdigit() or not (score is None or type(score) is int):
                continue
            score_path = json_path(path, "scores", number)
            if items is not None and int(number) not in items:
                self.problem(
                    score_path, _("Item %(number)s is not on the checklist.") % {"number": number}
                )
            elif checklist is not None and score is not None and score not in checklist.scale:
                self.problem(
                    score_path,
                    _("Item %(number)s: the score %(score)s is not between %(min)s and %(max)s.")
                    % {
                        "number": number,
                        "score": score,
                        "min": checklist.scale_min,
                        "max": checklist.scale_max,
                    },
                )
            scores[int(number)] = score
        return scores

    # Improvement work

    def check_works(self) -> None:
        checklist = self.plan.checklist
        items = set(checklist.items.values_list("number", flat=True)) if checklist else None
        for index, entry in enumerate(_as_list(self.document.get("improvement_work"))):
            path, data = json_path("$.improvement_work", index), _as_dict(entry)
            code = _as_str(data.get("organisation"))
            if not code:
                continue
            if code not in self.plan.organisations:
                self.problem(
                    json_path(path, "organisation"),
                    _("%(code)s is not among the organisations of the round.") % {"code": code},
                )
            meeting = _as_str(data.get("meeting"))
            if meeting is not None and meeting not in self.plan.meetings:
                self.problem(
                    json_path(path, "meeting"),
                    _("There is no meeting with the key “%(key)s” in $.meetings.")
                    % {"key": meeting},
                )
            notes = []
            for position, note in enumerate(_as_list(data.get("notes"))):
                note_path, note = json_path(path, "notes", position), _as_dict(note)
                noted_on = self.date(note.get("date"), json_path(note_path, "date"))
                text = _as_str(note.get("text"))
                if text is not None and not text.strip():
                    self.problem(json_path(note_path, "text"), _("Write the note."))
                if noted_on and text and text.strip():
                    notes.append(_Note(path=note_path, noted_on=noted_on, text=text))
            fields = {
                "title": _as_str(data.get("title")) or "",
                "description": _as_str(data.get("description")) or "",
            }
            for name in ("phase", "chain_step", "level", "sharing"):
                if name in data:
                    fields[name] = data[name]
            if data.get("approved_on") is not None:
                approved_on = self.date(data["approved_on"], json_path(path, "approved_on"))
                if approved_on and data.get("sharing") != ImprovementWork.Sharing.PROGRAMME:
                    self.problem(
                        json_path(path, "approved_on"),
                        _("Only work shared with the whole programme can be approved for it."),
                    )
                fields["approved_on"] = approved_on
            moments = []
            for position, number in enumerate(_as_list(data.get("moments"))):
                if type(number) is not int:
                    continue  # the schema says so
                if items is not None and number not in items:
                    self.problem(
                        json_path(path, "moments", position),
                        _("Item %(number)s is not on the checklist.") % {"number": number},
                    )
                elif number in moments:
                    self.problem(
                        json_path(path, "moments", position),
                        _("Item %(number)s is listed twice.") % {"number": number},
                    )
                else:
                    moments.append(number)
            self.plan.works.append(
                _Work(
                    path=path,
                    organisation=code,
                    fields=fields,
                    meeting=meeting,
                    notes=notes,
                    moments=moments,
                )
            )

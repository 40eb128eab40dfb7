"""The rows checked against the round: what the import will create or change, and every problem
with its row."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checklist.importing.parsing import MAX_COMMENT_LENGTH, Row
from checklist.models import Answer, SelfAssessment
from modellkoncept.errors import DomainError
from participants.models import Participation
from rounds.models import Meeting, Round

# Checking the rows against the round.


@dataclass
class PlannedAssessment:
    """What the import will do for one organisation and meeting."""

    participation: Participation
    meeting: Meeting
    existing: SelfAssessment | None
    scores: dict[int, int] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)

    @property
    def creates(self) -> bool:
        return self.existing is None

    @property
    def is_locked(self) -> bool:
        """The assessment is (or, once created, will be) locked: its meeting is over. The
        import records it all the same, and it stays locked."""
        if self.existing is not None:
            return self.existing.is_locked
        return self.meeting.ends_at <= timezone.now()


@dataclass(frozen=True)
class ImportPlan:
    rows: int
    assessments: list[PlannedAssessment]

    @property
    def created(self) -> int:
        return sum(1 for planned in self.assessments if planned.creates)

    @property
    def updated(self) -> int:
        return len(self.assessments) - self.created


_WHOLE_NUMBER = re.compile(r"\d+(?:[.,]0+)?")


def _whole_number(text: str) -> int | None:
    text = text.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    return int(re.split(r"[.,]", text)[0])


class _Lookup:
    """The round's participants, meetings and checklist, read once."""

    def __init__(self, round_: Round):
        self.round = round_
        self.version = round_.checklist_version
        self.item_numbers = set(self.version.items.values_list("number", flat=True))
        self.participations = {
            p.organisation.code: p
            for p in Participation.objects.filter(round=round_).select_related(
                "organisation", "group"
            )
        }
        meetings = list(Meeting.objects.filter(round=round_).select_related("group"))
        self.meetings = {m.key: m for m in meetings}
        self.meetings_folded = {m.key.casefold(): m for m in meetings}

    def participation(self, code: str) -> Participation | None:
        found = self.participations.get(code)
        if found is None and code.isdigit() and len(code) < 4:
            # Excel drops leading zeros from codes kept as numbers: 114 is 0114 (Upplands
            # Väsby), 1 is 01 (Stockholm's region). Take the padded code only if it is unique.
            candidates = {
                self.participations.get(code.zfill(4)),
                self.participations.get(code.zfill(2)),
            } - {None}
            if len(candidates) == 1:
                found = candidates.pop()
        return found

    def meeting(self, key: str) -> Meeting | None:
        return self.meetings.get(key) or self.meetings_folded.get(key.casefold())


def assessments_import_plan(
    *, round: Round, rows: Iterable[Row], submit: bool = True
) -> ImportPlan:
    """Check every row against the round and say what importing them would do, writing
    nothing. Raises `DomainError` listing every problem, each naming its line."""
    rows = list(rows)
    if not rows:
        raise DomainError(_("The file has no rows to import."))
    lookup = _Lookup(round)
    version = lookup.version
    problems: list[str] = []
    planned: dict[tuple[int, int], PlannedAssessment] = {}
    # The line each organisation, meeting and item is first on.
    seen: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)

    for row in rows:
        line = row.place
        code, key = row.organisation.strip(), row.meeting.strip()
        row_problems: list[str] = []

        participation = None
        if not code:
            row_problems.append(_("Line %(line)s: no organisation code.") % {"line": line})
        else:
            participation = lookup.participation(code)
            if participation is None:
                row_problems.append(
                    _(
                        "Line %(line)s: no organisation with the code “%(code)s” takes part "
                        "in %(round)s."
                    )
                    % {"line": line, "code": code, "round": round}
                )
            elif not participation.is_participant:
                row_problems.append(
                    _(
                        "Line %(line)s: %(organisation)s (%(code)s) is a mentor in %(round)s; "
                        "only participants assess themselves."
                    )
                    % {
                        "line": line,
                        "organisation": participation.organisation.name,
                        "code": code,
                        "round": round,
                    }
                )
                participation = None

        meeting = None
        if not key:
            row_problems.append(_("Line %(line)s: no meeting key.") % {"line": line})
        else:
            meeting = lookup.meeting(key)
            if meeting is None:
                row_problems.append(
                    _("Line %(line)s: %(round)s has no meeting with the key “%(key)s”.")
                    % {"line": line, "round": round, "key": key}
                )
            elif not meeting.assessment_due:
                row_problems.append(
                    _("Line %(line)s: no self-assessment is due before the meeting “%(key)s”.")
                    % {"line": line, "key": meeting.key}
                )
                meeting = None

        if (
            participation is not None
            and meeting is not None
            and meeting.group_id is not None
            and meeting.group_id != participation.group_id
        ):
            row_problems.append(
                _(
                    "Line %(line)s: the meeting “%(key)s” is for the group %(group)s, and "
                    "%(organisation)s (%(code)s) is not in it."
                )
                % {
                    "line": line,
                    "key": meeting.key,
                    "group": meeting.group.name,
                    "organisation": participation.organisation.name,
                    "code": participation.organisation.code,
                }
            )
            meeting = None

        number = _whole_number(row.item)
        if not row.item.strip():
            row_problems.append(_("Line %(line)s: no item number.") % {"line": line})
            number = None
        elif number not in lookup.item_numbers:
            row_problems.append(
                _("Line %(line)s: there is no item “%(item)s” on the checklist %(version)s.")
                % {"line": line, "item": row.item.strip(), "version": version}
            )
            number = None

        score = _whole_number(row.score)
        if not row.score.strip():
            row_problems.append(_("Line %(line)s: no score.") % {"line": line})
        elif score is None:
            row_problems.append(
                _("Line %(line)s: the score “%(score)s” is not a whole number.")
                % {"line": line, "score": row.score.strip()}
            )
        elif score not in version.scale:
            row_problems.append(
                _(
                    "Line %(line)s: the score %(score)s for item %(item)s is outside the "
                    "scale, %(min)s to %(max)s."
                )
                % {
                    "line": line,
                    "score": score,
                    "item": row.item.strip(),
                    "min": version.scale_min,
                    "max": version.scale_max,
                }
            )
            score = None

        comment = None if row.comment is None else row.comment.strip()
        if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
            row_problems.append(
                _("Line %(line)s: the comment is longer than %(max)s characters.")
                % {"line": line, "max": MAX_COMMENT_LENGTH}
            )

        if participation is None or meeting is None:
            problems.extend(row_problems)
            continue
        pair = (participation.pk, meeting.pk)
        if number is not None:
            first = seen[pair].setdefault(number, line)
            if first != line:
                row_problems.append(
                    _(
                        "Line %(line)s: organisation %(code)s, meeting “%(key)s”, item %(item)s "
                        "is already on line %(first)s."
                    )
                    % {
                        "line": line,
                        "code": participation.organisation.code,
                        "key": meeting.key,
                        "item": number,
                        "first": first,
                    }
                )
        problems.extend(row_problems)
        entry = planned.setdefault(
            pair,
            PlannedAssessment(participation=participation, meeting=meeting, existing=None),
        )
        if number is not None and score is not None:
            entry.scores[number] = score
            if comment is not None:
                entry.comments[number] = comment

    for pair, entry in planned.items():
        missing = sorted(lookup.item_numbers - set(seen[pair]))
        if submit and missing:
            problems.append(
                ngettext(
                    "%(organisation)s (%(code)s), meeting “%(key)s”: item %(items)s is "
                    "missing. An imported self-assessment is submitted, so every item needs a "
                    "score.",
                    "%(organisation)s (%(code)s), meeting “%(key)s”: items %(items)s are "
                    "missing. An imported self-assessment is submitted, so every item needs a "
                    "score.",
                    len(missing),
                )
                % {
                    "organisation": entry.participation.organisation.name,
                    "code": entry.participation.organisation.code,
                    "key": entry.meeting.key,
                    "items": ", ".join(str(n) for n in missing),
                }
            )
    if problems:
        raise DomainError(problems)

    existing = {
        (a.participation_id, a.meeting_id): a
        for a in SelfAssessment.objects.filter(
            participation__round=round, meeting_id__in={m for (_p, m) in planned}
        )
        .select_related("meeting")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("item")))
    }
    assessments = []
    for pair, entry in planned.items():
        entry.existing = existing.get(pair)
        assessments.append(entry)
    assessments.sort(
        key=lambda e: (e.meeting.starts_at, e.meeting.key, e.participation.organisation.name)
    )
    return ImportPlan(rows=len(rows), assessments=assessments)

"""Evaluations of meetings: after each learning meeting and conference the people invited to
it score a few statements from 1 to 5 and may write a comment. One answer per person and
meeting. An answer is seen by nobody but project leaders; everyone else sees figures only.

Services (`evaluation_statements_set`, `evaluation_submit`) and the reads of the pages and the
round report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from modellkoncept.policy import visible
from participants.models import FunctionAssignment
from rounds import actions
from rounds.models import (
    EVALUATED_KINDS,
    SCORE_MAX,
    SCORE_MIN,
    EvaluationScore,
    EvaluationStatement,
    GroupMentor,
    Meeting,
    MeetingEvaluation,
    Round,
)
from rounds.selectors import expected_attendees

MAX_STATEMENTS = 10
STATEMENT_MAX_CHARS = 300
COMMENT_MAX_CHARS = 3_000
# How long after a meeting its evaluation is offered on the start page.
OFFERED_FOR = dt.timedelta(days=60)


def is_evaluated(meeting: Meeting) -> bool:
    return meeting.kind in EVALUATED_KINDS


def statements(meeting_kind: str) -> list[EvaluationStatement]:
    """The statements asked after a meeting of this kind, in order."""
    return list(
        EvaluationStatement.objects.filter(meeting_kind=meeting_kind, active=True).order_by(
            "position", "pk"
        )
    )


# Services


@transaction.atomic
def evaluation_statements_set(*, meeting_kind: str, texts: list[str], by=None) -> list:
    """Set the statements asked after meetings of a kind, in this order. A statement kept
    word for word keeps the answers given to it; one left out is no longer asked (its answers
    stay); a new one is added."""
    if meeting_kind not in EVALUATED_KINDS:
        raise DomainError(_("Meetings of this kind are not evaluated."))
    texts = [" ".join(t.split()) for t in texts if t and t.strip()]
    if not texts:
        raise DomainError(_("Give at least one statement."))
    if len(texts) > MAX_STATEMENTS:
        raise DomainError(_("Give at most %(max)s statements.") % {"max": MAX_STATEMENTS})
    if len(set(texts)) != len(texts):
        raise DomainError(_("Each statement once."))
    if any(len(t) > STATEMENT_MAX_CHARS for t in texts):
        raise DomainError(
            _("A statement has at most %(max)s characters.") % {"max": STATEMENT_MAX_CHARS}
        )
    existing = {
        s.text: s
        for s in EvaluationStatement.objects.select_for_update().filter(meeting_kind=meeting_kind)
    }
    kept = []
    for position, text in enumerate(texts, start=1):
        statement = existing.pop(text, None) or EvaluationStatement(
            meeting_kind=meeting_kind, text=text
        )
        statement.position = position
        statement.active = True
        statement.full_clean()
        statement.save()
        kept.append(statement)
    for left_out in existing.values():
        if left_out.active:
            left_out.active = False
            left_out.save(update_fields=["active", "updated_at"])
    log_action(
        kept[0],
        actions.EVALUATION_STATEMENTS_SET,
        user=by,
        data={"kind": str(Meeting.Kind(meeting_kind).label), "statements": texts},
    )
    return kept


@transaction.atomic
def evaluation_submit(
    *, meeting: Meeting, person, scores: dict[int, int], comment: str = "", now=None
) -> MeetingEvaluation:
    """A person's evaluation of a meeting they were invited to, once it has ended: a score
    from 1 to 5 for every statement asked, and a comment. Once per person and meeting."""
    now = now or timezone.now()
    if not is_evaluated(meeting):
        raise DomainError(_("Meetings of this kind are not evaluated."))
    if meeting.ends_at > now:
        raise DomainError(_("The meeting can be evaluated once it has ended."))
    if person.pk not in {p.pk for _participation, p in expected_attendees(meeting)}:
        raise DomainError(_("Only the people invited to the meeting evaluate it."))
    asked = statements(meeting.kind)
    if not asked:
        raise DomainError(_("There is nothing to answer for this kind of meeting."))
    missing = [s for s in asked if scores.get(s.pk) is None]
    if missing:
        raise DomainError(_("Give a score to every statement."))
    if any(not SCORE_MIN <= scores[s.pk] <= SCORE_MAX for s in asked):
        raise DomainError(_("Give a score from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise DomainError(
            _("The comment is too long: at most %(max)s characters.") % {"max": COMMENT_MAX_CHARS}
        )
    evaluation = MeetingEvaluation(meeting=meeting, person=person, comment=comment)
    evaluation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise DomainError(_("You have already evaluated this meeting.")) from None
    EvaluationScore.objects.bulk_create(
        EvaluationScore(evaluation=evaluation, statement=s, score=scores[s.pk]) for s in asked
    )
    return evaluation


# Reads


def evaluations_to_answer(*, user, now=None) -> list[Meeting]:
    """The meetings the user may evaluate now: ended within the last weeks, of an evaluated
    kind, one of theirs, not yet answered. Two queries."""
    now = now or timezone.now()
    return list(
        visible(Meeting, user)
        .filter(kind__in=EVALUATED_KINDS, ends_at__lte=now, ends_at__gte=now - OFFERED_FOR)
        .exclude(Exists(MeetingEvaluation.objects.filter(meeting=OuterRef("pk"), person=user)))
        .select_related("round")
        .order_by("-ends_at", "pk")
    )


def evaluation_state(*, meeting: Meeting, user, now=None) -> str:
    """For the meeting page: "" (no evaluation here), "soon" (after the meeting),
    "open" or "answered". One query at most."""
    now = now or timezone.now()
    if not is_evaluated(meeting) or not user.has_perm("rounds.answer_evaluation", meeting):
        return ""
    if meeting.ends_at > now:
        return "soon"
    answered = MeetingEvaluation.objects.filter(meeting=meeting, person=user).exists()
    return "answered" if answered else "open"


@dataclass
class StatementResult:
    text: str
    answers: int
    mean: float | None
    counts: list[int]  # how many gave 1, 2, 3, 4, 5

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(score, count, percent of the answers), for a small chart."""
        total = sum(self.counts) or 1
        return [
            (score, count, round(100 * count / total))
            for score, count in zip(range(SCORE_MIN, SCORE_MAX + 1), self.counts, strict=True)
        ]


@dataclass
class MeetingResult:
    meeting: Meeting
    invited: int
    answers: int
    statements: list[StatementResult] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def response_rate(self) -> int | None:
        """Answers ÷ people invited, in per cent."""
        return round(100 * self.answers / self.invited) if self.invited else None


def _invited_by_meeting(round_: Round, meetings: list[Meeting]) -> dict[int, set[int]]:
    """The people invited to each meeting (as `expected_attendees` tells them), for many
    meetings in two queries."""
    rows = list(
        FunctionAssignment.objects.filter(
            participation__round=round_,
            participation__withdrawn_on__isnull=True,
            person__is_active=True,
        ).values_list("participation_id", "participation__group_id", "person_id")
    )
    mentoring = defaultdict(set)
    for group_id, participation_id in GroupMentor.objects.filter(
        group__round=round_, participation__withdrawn_on__isnull=True
    ).values_list("group_id", "participation_id"):
        mentoring[group_id].add(participation_id)
    everyone = {person for _p, _g, person in rows}
    invited = {}
    for meeting in meetings:
        if meeting.group_id is None:
            invited[meeting.pk] = everyone
        else:
            invited[meeting.pk] = {
                person
                for participation, group, person in rows
                if group == meeting.group_id or participation in mentoring[meeting.group_id]
            }
    return invited


def _round_half(value: float) -> float:
    # `round` is the round of the programme in the function below.
    return round(value, 1)


def round_results(*, round: Round, now=None, with_comments: bool = True) -> list[MeetingResult]:
    """Per evaluated meeting of the round that has ended: the response rate (answers ÷ people
    invited), the mean and spread of each statement, and (for project leaders) the comments,
    without names. Seven queries, whatever the number of meetings or answers."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(round=round, kind__in=EVALUATED_KINDS, ends_at__lte=now)
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    if not meetings:
        return []
    invited = _invited_by_meeting(round, meetings)
    evaluations = list(
        MeetingEvaluation.objects.filter(meeting__in=meetings).values_list(
            "pk", "meeting_id", "comment"
        )
    )
    scores = list(
        EvaluationScore.objects.filter(evaluation__meeting__in=meetings).values_list(
            "evaluation__meeting_id", "statement_id", "score"
        )
    )
    texts = dict(
        EvaluationStatement.objects.filter(
            pk__in={statement for _m, statement, _s in scores}
        ).values_list("pk", "text")
    )
    asked = defaultdict(list)
    for statement in EvaluationStatement.objects.filter(active=True).order_by("position", "pk"):
        asked[statement.meeting_kind].append(statement.pk)
        texts.setdefault(statement.pk, statement.text)
    by_meeting: dict[int, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for meeting_id, statement, score in scores:
        by_meeting[meeting_id][statement][score] += 1
    answers = Counter(meeting_id for _pk, meeting_id, _c in evaluations)
    comments = defaultdict(list)
    for _pk, meeting_id, comment in evaluations:
        if comment:
            comments[meeting_id].append(comment)
    results = []
    for meeting in meetings:
        counted = by_meeting.get(meeting.pk, {})
        # The statements asked now, then any answered earlier and since taken out.
        order = list(asked[meeting.kind]) + sorted(set(counted) - set(asked[meeting.kind]))
        rows = []
        for statement in order:
            counter = counted.get(statement, Counter())
            n = sum(counter.values())
            total = sum(score * k for score, k in counter.items())
            rows.append(
                StatementResult(
                    text=texts[statement],
                    answers=n,
                    mean=_round_half(total / n) if n else None,
                    counts=[counter.get(s, 0) for s in range(SCORE_MIN, SCORE_MAX + 1)],
                )
            )
        results.append(
            MeetingResult(
                meeting=meeting,
                invited=len(invited[meeting.pk]),
                answers=answers.get(meeting.pk, 0),
                statements=rows,
                comments=sorted(comments[meeting.pk]) if with_comments else [],
            )
        )
    return results

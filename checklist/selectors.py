"""Reads for the checklist's pages; each runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, Subquery
from django.utils.translation import gettext

from checklist.charts import Series, line_chart, paired_bar_chart
from checklist.models import (
    Answer,
    AssessmentComment,
    ChecklistItem,
    ChecklistVersion,
    ScaleStep,
    SelfAssessment,
)
from checklist.statistics import (
    OrganisationScores,
    assessment_points,
    submitted_scores,
    version_items,
)
from modellkoncept.actions import ShownEntry, show
from modellkoncept.models import LogEntry
from modellkoncept.policy import standing
from participants.models import Participation
from rounds.models import Meeting


@dataclass(frozen=True)
class Section:
    """A run of items under one part of the checklist (`part` None: items without a part)."""

    part: object
    rows: list


def sections(rows, *, part_of=lambda row: row.part) -> list[Section]:
    """Rows (items, or anything `part_of` finds an item's part in) grouped under their parts,
    in their order; reads nothing, so the rows must come with their parts."""
    result: list[Section] = []
    for row in rows:
        part = part_of(row)
        if not result or result[-1].part != part:
            result.append(Section(part=part, rows=[]))
        result[-1].rows.append(row)
    return result


@dataclass(frozen=True)
class ItemRow:
    item: object
    answer: Answer
    previous_score: int | None
    remarks: list


@dataclass(frozen=True)
class AssessmentPage:
    assessment: SelfAssessment
    rows: list[ItemRow]
    scale_steps: list[ScaleStep]
    has_previous: bool  # an earlier submitted one of the organisation's, same round and level
    general_remarks: list
    may_edit: bool
    may_comment: bool
    may_reopen: bool = False
    version: object = None  # the checklist version of the assessment's level
    # A reopened assessment read by someone outside its organisation: the version last
    # submitted, not the changes under way.
    shows_submitted_version: bool = False

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.answer.score is not None)


def assessment_for_page(*, pk: int):
    """The queryset a page fetches its assessment from (then through the policy). Its meeting's
    round is its own (`SelfAssessment.clean`), read once with its participation: the page
    gives it to the meeting (`with_meeting_round`)."""
    return SelfAssessment.objects.select_related(
        "meeting",
        "participation__organisation",
        "participation__round__checklist_version",
        "participation__round__committee_checklist_version",
        "submitted_by",
    ).filter(pk=pk)


def with_meeting_round(assessment: SelfAssessment) -> SelfAssessment:
    """The assessment with its meeting's round, which is its participation's, read already."""
    assessment.meeting.round = assessment.participation.round
    return assessment


def previous_scores(assessment: SelfAssessment) -> dict[int, int | None]:
    """item number → score of the organisation's last submitted assessment at the same level
    (so with the same checklist) before this one's meeting (empty when there is none), in one
    query."""
    previous = (
        SelfAssessment.objects.filter(
            participation_id=assessment.participation_id,
            level=assessment.level,
            status=SelfAssessment.Status.SUBMITTED,
            meeting__starts_at__lt=assessment.meeting.starts_at,
        )
        .order_by("-meeting__starts_at", "-pk")
        .values("pk")[:1]
    )
    return dict(
        Answer.objects.filter(assessment_id=Subquery(previous))
        .values_list("item__number", "score")
        .order_by()  # a dict: the answers' own ordering would only join three tables more
    )


def _functions_held(assessment: SelfAssessment, person_ids: set[int]) -> dict[int, list[str]]:
    """person id → the labels of the functions they hold for the assessment's organisation.
    Through the user's relation, by name: the participants app sits above this one."""
    if not person_ids:
        return {}
    relation = get_user_model()._meta.get_field("function_assignments")
    labels = dict(relation.related_model._meta.get_field("function").choices)
    held: dict[int, list[str]] = {}
    for person_id, function in (
        get_user_model()
        .objects.filter(
            pk__in=person_ids,
            function_assignments__participation_id=assessment.participation_id,
        )
        .values_list("pk", "function_assignments__function")
        .order_by("pk", "function_assignments__function")
    ):
        held.setdefault(person_id, []).append(str(labels.get(function, function)))
    return held


@dataclass(frozen=True)
class AssessmentForm:
    """What the answers' form is built of: the checklist's items and scale."""

    items: list
    scale_steps: list[ScaleStep]


# A checklist version's items and scale, by (version id, its last change): the same for every
# autosave of every assessment made with it, and never changed once rounds use it
# (`checklist_version_create`); a change in the admin saves the version too, which gives it
# another key. Kept in the process: a few versions of a few kilobytes each.
_FORM_PARTS: dict[tuple, AssessmentForm] = {}
_FORM_PARTS_KEPT = 16


def assessment_form(*, assessment: SelfAssessment) -> AssessmentForm:
    """The items and scale of the assessment's checklist (its level's version), for reading a
    save: two queries the first time a process reads a version, none after (the assessment
    comes with its round's versions, as `assessment_for_page` fetches it). An autosave needs no
    more of the page. Kept by the version's id: the levels' versions never mix."""
    return checklist_form(assessment.checklist_version)


def checklist_form(version: ChecklistVersion | None) -> AssessmentForm:
    """A checklist version's items (with their parts, in order) and scale, kept in the process
    (`_FORM_PARTS`); none for no version."""
    if version is None:  # no checklist at the level: nothing to answer
        return AssessmentForm(items=(), scale_steps=())
    key = (version.pk, version.updated_at)
    parts = _FORM_PARTS.get(key)
    if parts is None:
        parts = AssessmentForm(
            # With their parts, which the page shows as headings.
            items=tuple(
                ChecklistItem.objects.filter(version_id=version.pk)
                .select_related("part")
                .order_by("number")
            ),
            scale_steps=tuple(ScaleStep.objects.filter(version_id=version.pk)),
        )
        if len(_FORM_PARTS) >= _FORM_PARTS_KEPT:
            _FORM_PARTS.clear()
        _FORM_PARTS[key] = parts
    return parts


def _answers(assessment: SelfAssessment, form: AssessmentForm) -> list[Answer]:
    """The assessment's answers in item order, with their items (and parts): the items are
    the kept ones of the assessment's checklist (`assessment_form`), so only the scores and
    comments are read; should an answer's item not be among them, all are read with theirs."""
    items = {item.pk: item for item in form.items}
    values = list(assessment.answers.values_list("pk", "item_id", "score", "comment").order_by())
    if any(item_id not in items for _, item_id, _, _ in values):
        return list(assessment.answers.select_related("item__part").order_by("item__number"))
    answers = [
        Answer(pk=pk, assessment=assessment, item=items[item_id], score=score, comment=comment)
        for pk, item_id, score, comment in values
    ]
    answers.sort(key=lambda answer: answer.item.number)
    return answers


def assessment_page(*, assessment: SelfAssessment, user) -> AssessmentPage:
    form = assessment_form(assessment=assessment)
    answers = _answers(assessment, form)
    own = user.has_perm("checklist.comment_assessment", assessment)  # its organisation's
    if assessment.is_reopened and own:
        # Its own people see the changes under way (the working copy).
        working = assessment.draft_answers
        answers = [
            Answer(
                assessment=assessment,
                item=answer.item,
                score=working.get(str(answer.item.number), {}).get("score"),
                comment=working.get(str(answer.item.number), {}).get("comment", ""),
            )
            for answer in answers
        ]
    # A submitted assessment has an answer to every item: no answers, no earlier assessment.
    earlier = previous_scores(assessment)
    remarks = list(
        AssessmentComment.objects.filter(assessment=assessment)
        .select_related("author")
        # Their order within one assessment, without the joins of the model's ordering.
        .order_by("created_at", "pk")
    )
    by_item: dict[int | None, list] = {}
    functions = _functions_held(assessment, {r.author_id for r in remarks if r.author_id})
    items = {item.pk: item for item in form.items}  # the checklist's, kept: not read again
    for remark in remarks:
        if remark.item_id in items:
            remark.item = items[remark.item_id]
        # What the commenter does for the organisation: "politician", "manager" …
        remark.author_functions = ", ".join(functions.get(remark.author_id, []))
        by_item.setdefault(remark.item.number if remark.item else None, []).append(remark)
    version = assessment.checklist_version
    return AssessmentPage(
        assessment=assessment,
        rows=[
            ItemRow(
                item=answer.item,
                answer=answer,
                previous_score=earlier.get(answer.item.number),
                remarks=by_item.get(answer.item.number, []),
            )
            for answer in answers
        ],
        scale_steps=list(form.scale_steps),
        version=version,
        has_previous=bool(earlier),
        general_remarks=by_item.get(None, []),
        may_edit=user.has_perm("checklist.edit_assessment", assessment)
        and not assessment.is_locked
        and not assessment.is_submitted
        and assessment.is_open_yet,
        may_comment=own,
        may_reopen=user.has_perm("checklist.reopen_assessment", assessment)
        and (assessment.is_submitted or assessment.is_locked),
        shows_submitted_version=assessment.is_reopened and not own,
    )


@dataclass(frozen=True)
class Difference:
    number: int
    text: str
    theirs_score: int | None
    mine_score: int | None
    theirs_comment: str
    mine_comment: str


def differences(
    assessment: SelfAssessment, scores: dict[int, int | None], comments: dict[int, str]
) -> list[Difference]:
    """Where the user's input differs from what is stored now (after someone else saved)."""
    result = []
    working = assessment.draft_answers or {}
    for answer in assessment.answers.select_related("item").order_by("item__number"):
        number = answer.item.number
        if assessment.is_reopened:
            saved = working.get(str(number), {})
            answer.score, answer.comment = saved.get("score"), saved.get("comment", "")
        mine_score, mine_comment = scores.get(number), comments.get(number, "").strip()
        if (mine_score, mine_comment) != (answer.score, answer.comment):
            result.append(
                Difference(
                    number, answer.item.text, answer.score, mine_score, answer.comment, mine_comment
                )
            )
    return result


def assessment_history(*, assessment: SelfAssessment) -> list[ShownEntry]:
    """What happened to the assessment, oldest first, from the action log, as people read it
    (in the active language). A fixed number of queries."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(SelfAssessment),
            object_id=assessment.pk,
        )
        .select_related("user")
        .order_by("datetime", "id")
    )
    return show(entries)


@dataclass(frozen=True)
class RoundHistory:
    round: object
    organisation: OrganisationScores
    points: list[int]
    point_labels: list[str]  # "Assessment 1", … in the active language
    rows: list[tuple]  # (item, [score at each point])
    totals: list[int | None]  # total at each point
    meetings: dict[int, object]  # point → meeting title
    chart_totals: str
    chart_items: str | None
    movement: object  # Movement or None
    item_movement: list[tuple]  # (item, first, latest, delta)


@dataclass(frozen=True)
class _ScheduledMeeting:
    """A meeting of an organisation's schedule, as `assessment_points` reads it, and its title.
    The fields are the columns read, in their order."""

    pk: int
    round_id: int
    group_id: int | None
    starts_at: object
    assessment_due: bool
    year: int | None
    title: str


# `organisation_history` without a user: every round, for readers the caller has checked.
_ALL_ROUNDS = object()


def _may_see_round_of(user, current, other) -> bool:
    """Whether `user`, who may see the organisation's part in `current`, may also see its
    results from the round of `other` (the same organisation, another or the same round)."""
    if other.pk == current.pk:
        return True
    own = standing(user)
    return (
        own.is_project_leader
        or other.organisation_id in own.organisation_ids
        or other.pk in own.participation_ids
        or (other.group_id is not None and other.group_id in own.mentored_group_ids)
    )


def committee_history(
    *, participation, user=_ALL_ROUNDS, participations=None
) -> list[RoundHistory]:
    """Year two's committee/department level of the organisation's history, apart from the
    organisation-wide one; nothing while the round has no committee checklist."""
    if not participation.round.committee_checklist_version_id:
        return []
    return organisation_history(
        participation=participation,
        user=user,
        level=ChecklistVersion.Level.COMMITTEE,
        participations=participations,
    )


def _history_rounds(participation, version_id: int, *, committee: bool) -> list:
    """The organisation's parts in the rounds of its history, latest first (see
    `organisation_history`), with the level's checklist version."""
    same_version = (
        {"round__committee_checklist_version_id": version_id}
        if committee
        else {"round__checklist_version_id": version_id}
    )
    # The same organisation in every round: read again only if the caller has not.
    known = Participation.organisation.is_cached(participation)
    rounds = list(
        Participation.objects.filter(
            organisation_id=participation.organisation_id,
            role=Participation.Role.PARTICIPANT,
            round__starts_on__lte=participation.round.starts_on,
            **same_version,
        )
        # The level's version only: every round here uses the same one.
        .select_related(
            "round__committee_checklist_version" if committee else "round__checklist_version",
            *(() if known else ("organisation",)),
        )
        .order_by("-round__starts_on")
    )
    if known:
        for own in rounds:
            own.organisation = participation.organisation
    return rounds


def organisation_history(
    *,
    participation,
    user=_ALL_ROUNDS,
    level: str = ChecklistVersion.Level.ORGANISATION,
    participations=None,
) -> list[RoundHistory]:
    """The organisation's scores over every assessment of the round, its movement from the
    first to the latest, and earlier rounds it took part in with the same checklist version.

    An organisation's results from another round stay with that round: `user` sees an earlier
    round's history only as one of the organisation's own people (a function in it, in any
    round), a project leader, or whom that round's policy lets see it (the organisation's part
    in it is theirs, or they mentored its group there). A mentor or group peer of this round
    sees this round only. Without `user`, every round: for the organisation report, which only
    the organisation's own people and project leaders may read (`reports.rules`).

    `level` chooses the assessments of one level (organisation-wide by default, or
    committee/department) and that level's checklist version: the levels are never mixed.

    Three queries, however many rounds the organisation has taken part in (the level's
    version's items are kept, by its id: `version_items`); two where the caller gives the
    organisation's `participations` in every round, with their rounds and the rounds' checklist
    versions (`participants.selectors.participation_with_rounds`)."""
    committee = level == ChecklistVersion.Level.COMMITTEE
    suffix = "-committee" if committee else ""  # the charts' ids, unique on a page
    version_id = participation.round.checklist_id_for(level)
    if version_id is None:
        return []
    if participations is not None:  # read by the caller: `_history_rounds`' query, in Python
        starts_on = participation.round.starts_on
        rounds = sorted(
            (
                own
                for own in participations
                if own.role == Participation.Role.PARTICIPANT
                and own.round.starts_on <= starts_on
                and own.round.checklist_id_for(level) == version_id
            ),
            key=lambda own: own.round.starts_on,
            reverse=True,
        )
    else:
        rounds = _history_rounds(participation, version_id, committee=committee)
    if user is not _ALL_ROUNDS:
        rounds = [own for own in rounds if _may_see_round_of(user, participation, own)]
    if not rounds:
        return []
    items = version_items(version_id)
    # Each round's own meetings and the organisation's group's there (a group is of one round);
    # in no order: `assessment_points` puts them in theirs.
    schedules = Q(round_id__in={own.round_id for own in rounds}) & (
        Q(group__isnull=True) | Q(group_id__in={own.group_id for own in rounds} - {None})
    )
    meetings_by_round = defaultdict(list)
    for values in (
        Meeting.objects.filter(schedules, assessment_due=True)
        .values_list(*_ScheduledMeeting.__dataclass_fields__)
        .order_by()
    ):
        meeting = _ScheduledMeeting(*values)
        meetings_by_round[meeting.round_id].append(meeting)
    point_of_meeting = {}  # participation id → meeting id → point
    for own in rounds:
        point_of_meeting.update(
            assessment_points([own], meetings_by_round[own.round_id], level=level)
        )
    scores_by_participation = submitted_scores(
        rounds, points=point_of_meeting, items=items, level=level
    )
    titles = {m.pk: m.title for meetings in meetings_by_round.values() for m in meetings}
    result = []
    for own in rounds:
        org = scores_by_participation[own.pk]
        if not org.points:
            continue
        points = sorted(org.points)
        by_point = {point: titles[mid] for mid, point in point_of_meeting[own.pk].items()}
        version = own.round.checklist_for(level)
        labels = [gettext("Assessment %(point)s") % {"point": p} for p in points]
        chart_totals = line_chart(
            title=gettext("Total score per assessment"),
            description=gettext("Total score of %(organisation)s at each assessment.")
            % {"organisation": org.name},
            x_labels=labels,
            series=[Series(org.name, [org.total(p) for p in points])],
            y_min=version.scale_min * len(items),
            y_max=version.scale_max * len(items),
            key=f"totals-{own.pk}{suffix}",
        )
        first, latest = points[0], points[-1]
        chart_items = None
        item_movement = []
        if len(points) > 1:
            chart_items = paired_bar_chart(
                title=gettext("First and latest score per item"),
                description=gettext("Score per item at the first and the latest assessment."),
                labels=[str(item.number) for item in items],
                first=[org.points[first].get(item.number) for item in items],
                latest=[org.points[latest].get(item.number) for item in items],
                first_label=gettext("First (assessment %(point)s)") % {"point": first},
                latest_label=gettext("Latest (assessment %(point)s)") % {"point": latest},
                scale_min=version.scale_min,
                scale_max=version.scale_max,
                key=f"items-{own.pk}{suffix}",
            )
            item_movement = [
                (
                    item,
                    org.points[first].get(item.number),
                    org.points[latest].get(item.number),
                    org.points[latest].get(item.number, 0) - org.points[first].get(item.number, 0),
                )
                for item in items
            ]
        result.append(
            RoundHistory(
                round=own.round,
                organisation=org,
                points=points,
                point_labels=labels,
                rows=[(item, [org.points[p].get(item.number) for p in points]) for item in items],
                totals=[org.total(p) for p in points],
                meetings=by_point,
                chart_totals=chart_totals,
                chart_items=chart_items,
                movement=org.movement(),
                item_movement=item_movement,
            )
        )
    return result


def checklist_versions():
    """The checklist versions with their number of items and of rounds that use them."""
    return ChecklistVersion.objects.annotate(
        item_count=Count("items", distinct=True), round_count=Count("rounds", distinct=True)
    ).order_by("slug")

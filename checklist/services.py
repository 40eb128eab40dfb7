"""Everything that writes self-assessments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from checklist import actions
from checklist.models import (
    Answer,
    AssessmentComment,
    ChecklistItem,
    ChecklistPart,
    ChecklistVersion,
    ScaleStep,
    SelfAssessment,
)
from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError


class StaleAssessment(DomainError):
    """The draft changed since the user loaded it; their input is not saved over it."""


def _check_level_due(*, participation, meeting, level: str) -> ChecklistVersion:
    """The version an assessment at this level before this meeting uses; refused when the
    level is not due there (year one works organisation-wide only)."""
    if not meeting.assessment_due:
        raise DomainError(_("No self-assessment is due before %(meeting)s.") % {"meeting": meeting})
    if meeting.round_id != participation.round_id:
        raise DomainError(_("The meeting belongs to another round."))
    if meeting.group_id is not None and meeting.group_id != participation.group_id:
        raise DomainError(_("The meeting belongs to another group."))
    if level not in ChecklistVersion.Level.values:
        raise DomainError(_("Choose the organisation-wide or the committee/department level."))
    if level not in meeting.assessment_levels:
        raise DomainError(
            _("No self-assessment at the %(level)s level is due before %(meeting)s.")
            % {"level": ChecklistVersion.Level(level).label, "meeting": meeting}
        )
    return participation.round.checklist_for(level)


@transaction.atomic
def assessment_start(
    *, participation, meeting, by=None, level: str = ChecklistVersion.Level.ORGANISATION
) -> SelfAssessment:
    """The organisation's assessment at a level before a meeting, created as an empty draft
    with the items of the round's checklist for that level if need be."""
    version = _check_level_due(participation=participation, meeting=meeting, level=level)
    assessment, created = SelfAssessment.objects.get_or_create(
        participation=participation, meeting=meeting, level=level
    )
    if created:
        items = version.items.all()
        bulk_create_with_history(
            [Answer(assessment=assessment, item=item) for item in items], Answer
        )
        log_action(
            assessment,
            actions.ASSESSMENT_STARTED,
            user=by,
            round_id=participation.round_id,
            data={
                "organisation": participation.organisation_id,
                "meeting": meeting.pk,
                "level": level,
            },
        )
    return assessment


class AssessmentSubmitted(DomainError):
    """The assessment is submitted: it is read-only until it is reopened."""


def _working_answers(
    assessment: SelfAssessment, answers: list[Answer] | None = None
) -> dict[int, tuple[int | None, str]]:
    """The answers its strategists edit: the working copy while a submitted assessment is
    reopened, the answers themselves otherwise (item number → score, comment); `answers`, when
    the caller has read them (with their items) already."""
    if assessment.is_reopened:
        return {
            int(number): (value.get("score"), value.get("comment", ""))
            for number, value in assessment.draft_answers.items()
        }
    if answers is None:
        answers = list(assessment.answers.select_related("item"))
    return {answer.item.number: (answer.score, answer.comment) for answer in answers}


def _submitted_refusal() -> AssessmentSubmitted:
    return AssessmentSubmitted(
        _(
            "The self-assessment is submitted and can no longer be changed. To change it, "
            "ask for it to be reopened."
        )
    )


@transaction.atomic
def assessment_save(
    *,
    assessment: SelfAssessment,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    by=None,
    revision: int | None = None,
) -> SelfAssessment:
    """Save scores and comments (keyed by item number) into a draft.

    `revision` is the revision the user's page was loaded with: if the assessment has changed
    since and the answers differ from what is saved now, nothing is saved and `StaleAssessment`
    says so, so a second editor never silently overwrites the first. A submitted assessment is
    read-only (`AssessmentSubmitted`) until it is reopened; while reopened, the changes go to
    its working copy and the group still sees the version last submitted.
    """
    locked = (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related(
            "meeting",
            "participation__round__checklist_version",
            "participation__round__committee_checklist_version",
        )
        .get(pk=assessment.pk)
    )
    if locked.is_locked:
        raise DomainError(_("The self-assessment is locked."))
    if not locked.is_open_yet:
        raise DomainError(
            _("The self-assessment opens on %(date)s.") % {"date": locked.opens_on.isoformat()}
        )
    comments = comments or {}
    version = locked.checklist_version  # its level's: the scores are checked against it
    rows = [] if locked.is_reopened else list(locked.answers.select_related("item"))
    answers = _working_answers(locked, rows)
    problems = []
    for number in set(scores) | set(comments):
        if number not in answers:
            problems.append(_("Item %(number)s is not on the checklist.") % {"number": number})
    for number, score in scores.items():
        if score is not None and score not in version.scale:
            problems.append(
                _("Item %(number)s: the score must be between %(min)s and %(max)s.")
                % {"number": number, "min": version.scale_min, "max": version.scale_max}
            )
    if problems:
        raise DomainError(problems)
    new_answers, changes = {}, []
    for number, (score, comment) in sorted(answers.items()):
        new_score = scores.get(number, score)
        new_comment = comments.get(number, comment).strip()
        new_answers[number] = (new_score, new_comment)
        if new_score != score:
            changes.append({"item": number, "field": "score", "old": score, "new": new_score})
        if new_comment != comment:
            changes.append({"item": number, "field": "comment", "old": comment, "new": new_comment})
    if locked.is_submitted:
        if changes:
            raise _submitted_refusal()
        return locked  # a late autosave of what was submitted: nothing to change
    if revision is not None and revision != locked.revision:
        if changes:
            raise StaleAssessment(
                _("Someone else has changed this self-assessment since you opened it.")
            )
        # The page is behind but says what is saved (its own autosave got there first, say):
        # nothing would be lost, so this is no conflict, and there is nothing to save.
        return locked
    if not changes:
        # An autosave of what is saved already: nothing to write, and the revision stays.
        return locked
    if locked.is_reopened:
        locked.draft_answers = {
            str(number): {"score": score, "comment": comment}
            for number, (score, comment) in new_answers.items()
        }
        locked.revision += 1
        locked._history_user = by
        locked.save(update_fields=["revision", "draft_answers", "updated_at"])
    else:
        changed = []
        for answer in rows:
            score, comment = new_answers[answer.item.number]
            if (score, comment) != (answer.score, answer.comment):
                answer.score, answer.comment = score, comment
                changed.append(answer)
        # Every change is kept in the answers' history, with who made it. The assessment's
        # own row changes only its revision (and time), which its history need not repeat on
        # every autosave: one UPDATE, no history row.
        bulk_update_with_history(changed, Answer, ["score", "comment"], default_user=by)
        locked.revision += 1
        locked.updated_at = timezone.now()
        SelfAssessment.objects.filter(pk=locked.pk).update(
            revision=locked.revision, updated_at=locked.updated_at
        )
    # A burst of autosaves by one person is one entry.
    log_action(
        locked,
        actions.ASSESSMENT_CHANGED,
        user=by,
        round_id=locked.participation.round_id,
        data={"changes": changes},
        merge=actions.merge_changes,
    )
    return locked


@transaction.atomic
def assessment_save_and_submit(
    *,
    assessment: SelfAssessment,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    by,
    revision: int | None = None,
) -> SelfAssessment:
    """What the Submit button does: save what the form holds and submit it, in one
    transaction, under one lock, so that nobody's save lands in between.

    A page that is behind but holds what is saved submits it (its own autosave got there
    first); if someone has already submitted those very answers, it stays their submission,
    and other answers are refused (`AssessmentSubmitted`)."""
    current = SelfAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    saved = assessment_save(
        assessment=current, scores=scores, comments=comments, by=by, revision=revision
    )
    if saved.is_submitted:
        return saved
    return assessment_submit(assessment=saved, by=by)


@transaction.atomic
def assessment_submit(*, assessment: SelfAssessment, by) -> SelfAssessment:
    """Submit the assessment for the group to see; every item must have a score. A reopened
    assessment's working copy becomes its answers, and what the group sees."""
    locked = (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("meeting", "participation")
        .get(pk=assessment.pk)
    )
    if locked.is_locked:
        raise DomainError(_("The self-assessment is locked."))
    if locked.is_submitted:
        raise _submitted_refusal()
    working = _working_answers(locked)
    missing = sorted(number for number, (score, _c) in working.items() if score is None)
    if missing:
        raise DomainError(
            _("Give a score for every item before submitting; missing: %(items)s.")
            % {"items": ", ".join(str(n) for n in missing)}
        )
    resubmitted = locked.is_reopened
    if resubmitted:
        changed = []
        for answer in locked.answers.select_related("item"):
            score, comment = working[answer.item.number]
            if (score, comment) != (answer.score, answer.comment):
                answer.score, answer.comment = score, comment
                changed.append(answer)
        bulk_update_with_history(changed, Answer, ["score", "comment"], default_user=by)
        locked.draft_answers = None
    locked.status = SelfAssessment.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = by
    locked.revision += 1
    locked.full_clean()
    locked._history_user = by
    locked.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "draft_answers",
            "revision",
            "updated_at",
        ]
    )
    log_action(
        locked,
        actions.ASSESSMENT_SUBMITTED,
        user=by,
        round_id=locked.participation.round_id,
        data={"revision": locked.revision, "again": resubmitted},
    )
    return locked


@transaction.atomic
def assessment_close(*, assessment: SelfAssessment, by) -> SelfAssessment:
    """A project leader closes the assessment before its meeting is over."""
    locked = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    locked.locked_at = timezone.now()
    locked._change_reason = "closed"
    locked._history_user = by
    locked.save(update_fields=["locked_at", "updated_at"])
    log_action(locked, actions.ASSESSMENT_CLOSED, user=by, round_id=locked.participation.round_id)
    return locked


@transaction.atomic
def assessment_reopen(*, assessment: SelfAssessment, by, reason: str) -> SelfAssessment:
    """Reopen a submitted or locked assessment for changes, with the reason (which the history
    shows). A submitted one becomes a draft again for its organisation: its strategists edit a
    copy of the answers while the group, its mentors and the statistics keep the version last
    submitted until it is submitted again. Who may reopen when is the access policy's
    (`checklist.reopen_assessment`): a strategist until the meeting starts, a project leader
    at any time."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for reopening the self-assessment."))
    locked = (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("meeting", "participation")
        .get(pk=assessment.pk)
    )
    was_submitted = locked.is_submitted
    if not (was_submitted or locked.is_locked):
        raise DomainError(_("The self-assessment is a draft; it can be changed as it is."))
    if was_submitted:
        locked.draft_answers = {
            str(number): {"score": score, "comment": comment}
            for number, score, comment in locked.answers.values_list(
                "item__number", "score", "comment"
            )
        }
    locked.locked_at = None
    locked.mark_reopened(by=by, reason=reason)
    locked._change_reason = "reopened"
    locked._history_user = by
    locked.save(
        update_fields=[
            "locked_at",
            "reopened_at",
            "reopened_by",
            "reopened_reason",
            "draft_answers",
            "updated_at",
        ]
    )
    log_action(
        locked,
        actions.ASSESSMENT_REOPENED,
        user=by,
        round_id=locked.participation.round_id,
        data={"reason": reason, "was_submitted": was_submitted},
    )
    return locked


@transaction.atomic
def remark_add(*, assessment: SelfAssessment, author, text: str, item_number: int | None = None):
    """Someone of the organisation comments on the assessment or one of its items."""
    text = text.strip()
    if not text:
        raise DomainError(_("Write a comment."))
    item = None
    if item_number is not None:
        item = assessment.checklist_version.items.filter(number=item_number).first()
        if item is None:
            raise DomainError(
                _("Item %(number)s is not on the checklist.") % {"number": item_number}
            )
    remark = AssessmentComment(assessment=assessment, item=item, author=author, text=text)
    remark.full_clean()
    remark.save()
    log_action(
        assessment,
        actions.ASSESSMENT_REMARKED,
        user=author,
        round_id=assessment.participation.round_id,
        data={"item": item_number, "remark": remark.pk},
    )
    return remark


@transaction.atomic
def assessment_record(
    *,
    participation,
    meeting,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    submitted_at: datetime | None,
    by=None,
    level: str = ChecklistVersion.Level.ORGANISATION,
) -> tuple[SelfAssessment, bool]:
    """Record an assessment as it was made earlier: older rounds brought in from SKR's Excel
    checklists, or demo data. `submitted_at` None records a draft.

    The rules of filling in that depend on today (the opening date, the lock after the
    meeting) do not apply to a record of the past; everything else does: the meeting needs an
    assessment, belongs to the organisation's schedule, and a submitted assessment has a score
    within the scale for every item. The history keeps what it replaced, dated as recorded.
    Returns the assessment and whether it was created.
    """
    version = _check_level_due(participation=participation, meeting=meeting, level=level)
    comments = comments or {}
    items = {item.number: item for item in version.items.all()}
    problems = [
        _("Item %(number)s is not on the checklist.") % {"number": number}
        for number in sorted(set(scores) | set(comments))
        if number not in items
    ]
    problems += [
        _("Item %(number)s: the score must be between %(min)s and %(max)s.")
        % {"number": number, "min": version.scale_min, "max": version.scale_max}
        for number, score in sorted(scores.items())
        if score is not None and score not in version.scale
    ]
    if submitted_at is not None:
        missing = [n for n in sorted(items) if scores.get(n) is None]
        if missing:
            problems.append(
                _("A submitted self-assessment has a score for every item; missing: %(items)s.")
                % {"items": ", ".join(str(n) for n in missing)}
            )
    if problems:
        raise DomainError(problems)

    when = submitted_at or timezone.now()
    assessment = (
        SelfAssessment.objects.select_for_update()
        .filter(participation=participation, meeting=meeting, level=level)
        .first()
    )
    created = assessment is None
    if created:
        assessment = SelfAssessment(participation=participation, meeting=meeting, level=level)
    if submitted_at is not None:
        assessment.status = SelfAssessment.Status.SUBMITTED
        assessment.submitted_at = submitted_at
        assessment.submitted_by = by
    assessment.revision += 1
    assessment.full_clean()
    # One history entry, dated as recorded and signed by who recorded it.
    assessment._history_user = by
    assessment._history_date = when
    assessment._change_reason = "recorded"
    assessment.save()
    answers = {a.item_id: a for a in assessment.answers.all()}
    new, changed = [], []
    for number, item in items.items():
        answer = answers.get(item.pk)
        score, comment = scores.get(number), comments.get(number, "").strip()
        if answer is None:
            new.append(Answer(assessment=assessment, item=item, score=score, comment=comment))
        elif (answer.score, answer.comment) != (score, comment):
            answer.score, answer.comment = score, comment
            changed.append(answer)
    bulk_create_with_history(new, Answer, default_user=by, default_date=when)
    bulk_update_with_history(
        changed, Answer, ["score", "comment"], default_user=by, default_date=when
    )
    log_action(
        assessment,
        actions.ASSESSMENT_RECORDED,
        user=by,
        round_id=participation.round_id,
        data={
            "submitted_at": submitted_at.isoformat() if submitted_at else None,
            "created": created,
            "scores": {str(n): s for n, s in sorted(scores.items())},
        },
    )
    return assessment, created


@dataclass(frozen=True)
class StepSpec:
    value: int
    label_sv: str
    label_en: str = ""


@dataclass(frozen=True)
class PartSpec:
    key: str
    title_sv: str
    title_en: str = ""


@dataclass(frozen=True)
class ItemSpec:
    text_sv: str
    text_en: str = ""
    part: str | None = None  # the key of one of the version's parts
    guidance_sv: str = ""
    guidance_en: str = ""


@transaction.atomic
def checklist_version_create(
    *,
    slug: str,
    name_sv: str,
    name_en: str = "",
    level: str = ChecklistVersion.Level.ORGANISATION,
    scale_min: int,
    scale_max: int,
    steps: Sequence[StepSpec],
    parts: Sequence[PartSpec] = (),
    items: Sequence[ItemSpec],
    guidance_is_site_help: bool = False,
) -> ChecklistVersion:
    """Create a checklist version: its scale with a label for every step, its parts (headings
    that group items, in order) and its items in order (numbered from 1). A version is never
    changed once rounds use it; make a new one."""
    version = ChecklistVersion(
        slug=slug,
        name_sv=name_sv.strip(),
        name_en=name_en.strip(),
        level=level,
        scale_min=scale_min,
        scale_max=scale_max,
        guidance_is_site_help=guidance_is_site_help,
    )
    version.full_clean()
    problems = []
    values = [step.value for step in steps]
    if sorted(values) != list(version.scale):
        problems.append(
            _("Give one label for every score from %(min)s to %(max)s.")
            % {"min": scale_min, "max": scale_max}
        )
    problems += [
        _("The label of score %(value)s is missing.") % {"value": step.value}
        for step in steps
        if not step.label_sv.strip()
    ]
    keys = [part.key for part in parts]
    problems += [
        _("Two parts have the key “%(key)s”.") % {"key": key}
        for key in sorted({k for k in keys if keys.count(k) > 1})
    ]
    problems += [
        _("The part “%(key)s” has no Swedish title.") % {"key": part.key}
        for part in parts
        if not part.title_sv.strip()
    ]
    if not items:
        problems.append(_("A checklist needs at least one item."))
    problems += [
        _("Item %(number)s has no Swedish text.") % {"number": number}
        for number, item in enumerate(items, start=1)
        if not item.text_sv.strip()
    ]
    problems += [
        _("Item %(number)s belongs to the part “%(key)s”, which the checklist does not have.")
        % {"number": number, "key": item.part}
        for number, item in enumerate(items, start=1)
        if item.part is not None and item.part not in keys
    ]
    if problems:
        raise DomainError(problems)
    version.save()
    ScaleStep.objects.bulk_create(
        ScaleStep(
            version=version, value=s.value, label_sv=s.label_sv.strip(), label_en=s.label_en.strip()
        )
        for s in steps
    )
    created_parts = {}
    for position, spec in enumerate(parts, start=1):
        part = ChecklistPart(
            version=version,
            position=position,
            key=spec.key,
            title_sv=spec.title_sv.strip(),
            title_en=spec.title_en.strip(),
        )
        part.full_clean()
        part.save()
        created_parts[spec.key] = part
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            version=version,
            number=number,
            part=created_parts.get(item.part) if item.part is not None else None,
            text_sv=item.text_sv.strip(),
            text_en=item.text_en.strip(),
            guidance_sv=item.guidance_sv.strip(),
            guidance_en=item.guidance_en.strip(),
        )
        for number, item in enumerate(items, start=1)
    )
    log_action(
        version,
        actions.VERSION_CREATED,
        data={"name": version.name_sv, "items": len(items), "scale": [scale_min, scale_max]},
    )
    return version


@transaction.atomic
def round_choose_checklist(
    *,
    round,
    version: ChecklistVersion | None,
    level: str = ChecklistVersion.Level.ORGANISATION,
):
    """Let a round use another checklist version at a level, before any assessment is made
    at that level with the one it has: figures are never compared across versions. The
    organisation-wide version is required; the committee/department one may be None (the
    round then works organisation-wide only, also in year two)."""
    locked = type(round).objects.select_for_update().get(pk=round.pk)
    committee = level == ChecklistVersion.Level.COMMITTEE
    field = "committee_checklist_version" if committee else "checklist_version"
    previous = getattr(locked, f"{field}_id")
    if previous == (version.pk if version else None):
        return locked
    if version is None and not committee:
        raise DomainError(_("Choose the round's organisation-wide checklist version."))
    expected = (
        ChecklistVersion.Level.COMMITTEE if committee else ChecklistVersion.Level.ORGANISATION
    )
    if version is not None and version.level != expected:
        raise DomainError(
            _("Choose a checklist version made for the %(level)s level.")
            % {"level": ChecklistVersion.Level(expected).label}
        )
    if SelfAssessment.objects.filter(meeting__round=locked, level=level).exists():
        raise DomainError(
            _("The round already has self-assessments made with its checklist; it keeps it.")
        )
    setattr(locked, field, version)
    locked.full_clean()
    locked.save(update_fields=[field, "updated_at"])
    log_action(
        locked,
        actions.ROUND_CHECKLIST_CHOSEN,
        round_id=locked.pk,
        data={"version": version.pk if version else None, "old": previous, "level": level},
    )
    return locked

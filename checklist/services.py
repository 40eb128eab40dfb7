"""Everything that writes self-assessments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from checklist.models import (
    Answer,
    AssessmentComment,
    ChecklistItem,
    ChecklistPart,
    ChecklistVersion,
    ScaleStep,
    SelfAssessment,
)
from modellkoncept.errors import DomainError


class StaleAssessment(DomainError):
    """The draft changed since the user loaded it; their input is not saved over it."""


@transaction.atomic
def assessment_start(*, participation, meeting) -> SelfAssessment:
    """The organisation's assessment before a meeting, created as an empty draft if need be."""
    if not meeting.assessment_due:
        raise DomainError(_("No self-assessment is due before %(meeting)s.") % {"meeting": meeting})
    if meeting.round_id != participation.round_id:
        raise DomainError(_("The meeting belongs to another round."))
    if meeting.group_id is not None and meeting.group_id != participation.group_id:
        raise DomainError(_("The meeting belongs to another group."))
    assessment, created = SelfAssessment.objects.get_or_create(
        participation=participation, meeting=meeting
    )
    if created:
        items = participation.round.checklist_version.items.all()
        bulk_create_with_history(
            [Answer(assessment=assessment, item=item) for item in items], Answer
        )
    return assessment


@transaction.atomic
def assessment_save(
    *,
    assessment: SelfAssessment,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    by=None,
    revision: int | None = None,
) -> SelfAssessment:
    """Save scores and comments (keyed by item number) into an assessment.

    `revision` is the revision the user's page was loaded with: if the assessment has changed
    since and the answers differ from what is saved now, nothing is saved and `StaleAssessment`
    says so, so a second editor never silently overwrites the first.
    """
    locked = (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("meeting", "participation__round__checklist_version")
        .get(pk=assessment.pk)
    )
    if locked.is_locked:
        raise DomainError(_("The self-assessment is locked."))
    if not locked.is_open_yet:
        raise DomainError(
            _("The self-assessment opens on %(date)s.") % {"date": locked.opens_on.isoformat()}
        )
    comments = comments or {}
    version = locked.participation.round.checklist_version
    answers = {a.item.number: a for a in locked.answers.select_related("item")}
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
    if locked.is_submitted:
        problems.extend(
            _("Item %(number)s: a submitted self-assessment keeps a score for every item.")
            % {"number": number}
            for number, score in sorted(scores.items())
            if score is None
        )
    if problems:
        raise DomainError(problems)
    changed = []
    for number, answer in answers.items():
        new_score = scores.get(number, answer.score)
        new_comment = comments.get(number, answer.comment).strip()
        if (new_score, new_comment) != (answer.score, answer.comment):
            answer.score, answer.comment = new_score, new_comment
            changed.append(answer)
    if revision is not None and revision != locked.revision:
        if changed:
            raise StaleAssessment(
                _("Someone else has changed this self-assessment since you opened it.")
            )
        # The page is behind but says what is saved (its own autosave got there first, say):
        # nothing would be lost, so this is no conflict, and there is nothing to save.
        return locked
    # Every change is kept in the answers' history, with who made it.
    bulk_update_with_history(changed, Answer, ["score", "comment"], default_user=by)
    locked.revision += 1
    locked._history_user = by
    locked.save(update_fields=["revision", "updated_at"])
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
    first); if someone has already submitted those very answers, it stays their submission."""
    current = SelfAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    saved = assessment_save(
        assessment=current, scores=scores, comments=comments, by=by, revision=revision
    )
    if saved.is_submitted and revision is not None and revision != current.revision:
        return saved
    return assessment_submit(assessment=saved, by=by)


@transaction.atomic
def assessment_submit(*, assessment: SelfAssessment, by) -> SelfAssessment:
    """Submit the assessment for the group to see; every item must have a score."""
    locked = (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=assessment.pk)
    )
    if locked.is_locked:
        raise DomainError(_("The self-assessment is locked."))
    missing = list(
        locked.answers.filter(score__isnull=True)
        .order_by("item__number")
        .values_list("item__number", flat=True)
    )
    if missing:
        raise DomainError(
            _("Give a score for every item before submitting; missing: %(items)s.")
            % {"items": ", ".join(str(n) for n in missing)}
        )
    locked.status = SelfAssessment.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = by
    locked.revision += 1
    locked.full_clean()
    locked._history_user = by
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "revision", "updated_at"])
    return locked


@transaction.atomic
def assessment_close(*, assessment: SelfAssessment, by) -> SelfAssessment:
    """A project leader closes the assessment before its meeting is over."""
    locked = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    locked.locked_at = timezone.now()
    locked._change_reason = "closed"
    locked._history_user = by
    locked.save(update_fields=["locked_at", "updated_at"])
    return locked


@transaction.atomic
def assessment_reopen(*, assessment: SelfAssessment, by) -> SelfAssessment:
    """A project leader reopens a locked assessment; the history records who and when."""
    locked = (
        SelfAssessment.objects.select_for_update().select_related("meeting").get(pk=assessment.pk)
    )
    if not locked.is_locked:
        raise DomainError(_("The self-assessment is not locked."))
    locked.locked_at = None
    locked.reopened_at = timezone.now()
    locked.reopened_by = by
    locked._change_reason = "reopened"
    locked._history_user = by
    locked.save(update_fields=["locked_at", "reopened_at", "reopened_by", "updated_at"])
    return locked


@transaction.atomic
def remark_add(*, assessment: SelfAssessment, author, text: str, item_number: int | None = None):
    """Someone of the organisation comments on the assessment or one of its items."""
    text = text.strip()
    if not text:
        raise DomainError(_("Write a comment."))
    item = None
    if item_number is not None:
        item = assessment.participation.round.checklist_version.items.filter(
            number=item_number
        ).first()
        if item is None:
            raise DomainError(
                _("Item %(number)s is not on the checklist.") % {"number": item_number}
            )
    remark = AssessmentComment(assessment=assessment, item=item, author=author, text=text)
    remark.full_clean()
    remark.save()
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
) -> tuple[SelfAssessment, bool]:
    """Record an assessment as it was made earlier: older rounds brought in from SKR's Excel
    checklists, or demo data. `submitted_at` None records a draft.

    The rules of filling in that depend on today (the opening date, the lock after the
    meeting) do not apply to a record of the past; everything else does: the meeting needs an
    assessment, belongs to the organisation's schedule, and a submitted assessment has a score
    within the scale for every item. The history keeps what it replaced, dated as recorded.
    Returns the assessment and whether it was created.
    """
    if not meeting.assessment_due:
        raise DomainError(_("No self-assessment is due before %(meeting)s.") % {"meeting": meeting})
    if meeting.round_id != participation.round_id:
        raise DomainError(_("The meeting belongs to another round."))
    if meeting.group_id is not None and meeting.group_id != participation.group_id:
        raise DomainError(_("The meeting belongs to another group."))
    comments = comments or {}
    version = participation.round.checklist_version
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
        .filter(participation=participation, meeting=meeting)
        .first()
    )
    created = assessment is None
    if created:
        assessment = SelfAssessment(participation=participation, meeting=meeting)
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
    return version


@transaction.atomic
def round_choose_checklist(*, round, version: ChecklistVersion):
    """Let a round use another checklist version, before any assessment is made with the one
    it has: figures are never compared across versions."""
    locked = type(round).objects.select_for_update().get(pk=round.pk)
    if locked.checklist_version_id == version.pk:
        return locked
    if SelfAssessment.objects.filter(meeting__round=locked).exists():
        raise DomainError(
            _("The round already has self-assessments made with its checklist; it keeps it.")
        )
    locked.checklist_version = version
    locked.full_clean()
    locked.save(update_fields=["checklist_version", "updated_at"])
    return locked

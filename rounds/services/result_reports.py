"""The participants' result reports (resultatredovisningar): at the end of each year of a round
every participating organisation reports its results to SKR. Its strategists write the report
(saved as they go, as the self-assessment), everyone of the organisation comments on it, a
strategist submits it; a project leader sets the day it is due for each year, reopens a
submitted report with a reason and sees who has reported. Reminders follow the round's notice
schedule. A draft never leaves its organisation.

The services (`result_report_<action>`, `result_report_due_set`,
`result_report_reminders_send`); the reads of the pages and the round report are in
`rounds.selectors.result_reports`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from participants.models import FunctionAssignment, ImprovementWork, Participation
from rounds import actions
from rounds.models import (
    ResultReport,
    ResultReportComment,
    ResultReportDue,
    ResultReportReminder,
    Round,
)

logger = logging.getLogger(__name__)

# The sections written as text, in the order the page and the PDF show them.
TEXT_SECTIONS = ("aims", "organisation_of_work", "lessons", "advice")
TEXT_MAX_CHARS = 20_000
RESULT_MAX_CHARS = 5_000
MAX_RESULTS = 30
CHAIN_STEPS = tuple(ImprovementWork.ChainStep.values)
YEARS = (1, 2)


# `willing_to_mentor` left out of a save: the answer stays as it is (None is "not answered").
KEEP = object()


class StaleResultReport(DomainError):
    """The report changed since the user loaded it; their input is not saved over it."""


class ResultReportSubmitted(DomainError):
    """The report is submitted: it is read-only until a project leader reopens it."""


def _submitted_refusal() -> ResultReportSubmitted:
    return ResultReportSubmitted(
        _(
            "The result report is submitted and can no longer be changed. To change it, ask "
            "a project leader to reopen it."
        )
    )


def section_labels() -> dict[str, str]:
    return {
        "aims": _("Aims"),
        "organisation_of_work": _("How the work was organised"),
        "results": _("Results on the result chain"),
        "lessons": _("Lessons learnt"),
        "advice": _("Advice to others"),
        "willing_to_mentor": _("Willing to mentor"),
    }


# Checking what a report holds


def clean_results(
    results: Sequence[Mapping], *, work_ids: set[int] | None
) -> tuple[list[dict], list[str]]:
    """The results as stored: `{"chain_step", "text", "work"}` each, in the order given,
    without rows that say nothing; and the problems found. `work_ids` are the organisation's
    improvement works a result may name (None: not checked here)."""
    cleaned, problems = [], []
    for number, row in enumerate(results, start=1):
        step = row.get("chain_step") or ""
        text = (row.get("text") or "").strip()
        work = row.get("work")
        if not text and work is None:
            continue
        if step not in CHAIN_STEPS:
            problems.append(
                _("Result %(number)s: choose its place on the result chain.") % {"number": number}
            )
        if len(text) > RESULT_MAX_CHARS:
            problems.append(
                _("Result %(number)s: at most %(max)s characters.")
                % {"number": number, "max": RESULT_MAX_CHARS}
            )
        if work is not None and work_ids is not None and work not in work_ids:
            problems.append(
                _("Result %(number)s: the improvement work is not the organisation's.")
                % {"number": number}
            )
        cleaned.append({"chain_step": step, "text": text, "work": work})
    if len(cleaned) > MAX_RESULTS:
        problems.append(_("Give at most %(max)s results.") % {"max": MAX_RESULTS})
    return cleaned, problems


def _work_ids(participation_id: int) -> set[int]:
    return set(
        ImprovementWork.objects.filter(participation_id=participation_id).values_list(
            "pk", flat=True
        )
    )


def missing_for_submission(report: ResultReport) -> list[str]:
    """What a report needs before it is submitted, as the sections' names."""
    labels = section_labels()
    missing = []
    for name in ("aims", "organisation_of_work", "results", "lessons", "advice"):
        if name == "results":
            written = any(row.get("text") for row in report.results)
        else:
            written = bool(getattr(report, name).strip())
        if not written:
            missing.append(labels[name])
    if report.willing_to_mentor is None:
        missing.append(labels["willing_to_mentor"])
    return missing


# Services


def _require_year(round_: Round, year: int) -> None:
    if year not in YEARS:
        raise DomainError(_("A round has a year one and a year two."))
    if year > round_.current_year:
        raise DomainError(
            _("The round is in year %(current)s; the result report of year %(year)s comes later.")
            % {"current": round_.current_year, "year": year}
        )


@transaction.atomic
def result_report_start(*, participation: Participation, year: int, by=None) -> ResultReport:
    """The organisation's result report of a year of its round, created as an empty draft if
    need be."""
    if not participation.is_participant:
        raise DomainError(_("Only participants of a round write result reports."))
    if participation.is_withdrawn:
        raise DomainError(_("The organisation has withdrawn from the round."))
    _require_year(participation.round, year)
    report, created = ResultReport.objects.get_or_create(participation=participation, year=year)
    if created:
        log_action(
            report,
            actions.RESULT_REPORT_STARTED,
            user=by,
            round_id=participation.round_id,
            data={"organisation": participation.organisation_id, "year": year},
        )
    return report


def _lock(report: ResultReport) -> ResultReport:
    return (
        ResultReport.objects.select_for_update(of=("self",))
        .select_related("participation__round", "participation__organisation")
        .get(pk=report.pk)
    )


def merge_fields(old: dict, new: dict) -> dict | None:
    """Fold a later autosave into the entry of the earlier ones: the sections changed."""
    fields = sorted(set(old.get("fields", [])) | set(new.get("fields", [])))
    return {**old, "fields": fields} if fields else None


@transaction.atomic
def result_report_save(
    *,
    report: ResultReport,
    texts: Mapping[str, str],
    results: Sequence[Mapping] | None = None,
    willing_to_mentor: bool | object | None = KEEP,
    by=None,
    revision: int | None = None,
) -> ResultReport:
    """Save the sections into a draft. `texts` holds the text sections (aims,
    organisation_of_work, lessons, advice); `results` the results on the result chain;
    `willing_to_mentor` True, False or None (not answered), left out to keep the answer.

    `revision` is the revision the user's page was loaded with: if the report has changed
    since and what is sent differs from what is saved, nothing is saved (`StaleResultReport`),
    so a second writer never silently overwrites the first. A submitted report is read-only
    (`ResultReportSubmitted`) until it is reopened; a late autosave of what was submitted
    changes nothing and is no error."""
    locked = _lock(report)
    problems = [
        _("Unknown section: %(name)s.") % {"name": name}
        for name in sorted(texts)
        if name not in TEXT_SECTIONS
    ]
    new_texts = {
        name: (texts.get(name, getattr(locked, name)) or "").strip() for name in TEXT_SECTIONS
    }
    problems += [
        _("%(section)s: at most %(max)s characters.")
        % {"section": section_labels()[name], "max": TEXT_MAX_CHARS}
        for name, text in new_texts.items()
        if len(text) > TEXT_MAX_CHARS
    ]
    if results is None:
        new_results = locked.results
    else:
        new_results, result_problems = clean_results(
            results, work_ids=_work_ids(locked.participation_id)
        )
        problems += result_problems
    if problems:
        raise DomainError(problems)
    changed = [name for name in TEXT_SECTIONS if new_texts[name] != getattr(locked, name)]
    if new_results != locked.results:
        changed.append("results")
    if willing_to_mentor is KEEP:
        willing_to_mentor = locked.willing_to_mentor
    if willing_to_mentor != locked.willing_to_mentor:
        changed.append("willing_to_mentor")
    if locked.is_submitted:
        if changed:
            raise _submitted_refusal()
        return locked
    if revision is not None and revision != locked.revision:
        if changed:
            raise StaleResultReport(
                _("Someone else has changed this result report since you opened it.")
            )
        return locked  # the page is behind but holds what is saved: nothing to do
    if not changed:
        return locked
    for name in TEXT_SECTIONS:
        setattr(locked, name, new_texts[name])
    locked.results = new_results
    locked.willing_to_mentor = willing_to_mentor
    locked.revision += 1
    locked.full_clean()
    locked._history_user = by
    locked.save()
    # A burst of autosaves by one person is one entry.
    log_action(
        locked,
        actions.RESULT_REPORT_CHANGED,
        user=by,
        round_id=locked.participation.round_id,
        data={"fields": changed},
        merge=merge_fields,
    )
    return locked


@transaction.atomic
def result_report_submit(*, report: ResultReport, by) -> ResultReport:
    """Submit the report to SKR: every section written and the question of mentoring answered.
    Submitted, it is read by project leaders and the group's mentors, and an organisation that
    says it is willing to mentor is marked so for later rounds."""
    locked = _lock(report)
    if locked.is_submitted:
        raise _submitted_refusal()
    missing = missing_for_submission(locked)
    if missing:
        raise DomainError(
            _("Fill in every section before submitting; missing: %(sections)s.")
            % {"sections": ", ".join(missing)}
        )
    locked.status = ResultReport.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = by
    locked.revision += 1
    locked.full_clean()
    locked._history_user = by
    locked.save()
    participation = locked.participation
    marked_willing = bool(locked.willing_to_mentor) and not participation.willing_to_mentor
    if marked_willing:
        participation.willing_to_mentor = True
        participation._history_user = by
        participation.save(update_fields=["willing_to_mentor", "updated_at"])
    log_action(
        locked,
        actions.RESULT_REPORT_SUBMITTED,
        user=by,
        round_id=participation.round_id,
        data={
            "year": locked.year,
            "again": locked.reopened_at is not None,
            "marked_willing": marked_willing,
        },
    )
    return locked


@transaction.atomic
def result_report_save_and_submit(
    *,
    report: ResultReport,
    texts: Mapping[str, str],
    results: Sequence[Mapping] | None = None,
    willing_to_mentor: bool | object | None = KEEP,
    by,
    revision: int | None = None,
) -> ResultReport:
    """What the confirmed Submit does: save what the form holds and submit it, under one
    lock, so that nobody's save lands in between."""
    current = ResultReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    saved = result_report_save(
        report=current,
        texts=texts,
        results=results,
        willing_to_mentor=willing_to_mentor,
        by=by,
        revision=revision,
    )
    if saved.is_submitted:
        return saved
    return result_report_submit(report=saved, by=by)


@transaction.atomic
def result_report_reopen(*, report: ResultReport, by, reason: str) -> ResultReport:
    """A project leader reopens a submitted report for changes, giving the reason; it is a
    draft of its organisation again (and leaves the mentors' view) until submitted again."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for reopening the result report."))
    locked = _lock(report)
    if not locked.is_submitted:
        raise DomainError(_("The result report is a draft; it can be changed as it is."))
    locked.status = ResultReport.Status.DRAFT
    locked.submitted_at = None
    locked.submitted_by = None
    locked.mark_reopened(by=by, reason=reason)
    locked.revision += 1
    locked._history_user = by
    locked._change_reason = "reopened"
    locked.save()
    log_action(
        locked,
        actions.RESULT_REPORT_REOPENED,
        user=by,
        round_id=locked.participation.round_id,
        data={"reason": reason, "year": locked.year},
    )
    return locked


COMMENT_MAX_CHARS = 5_000


@transaction.atomic
def result_report_comment_add(*, report: ResultReport, author, text: str) -> ResultReportComment:
    """Someone of the organisation (the politician, the manager) comments on its report."""
    text = text.strip()
    if not text:
        raise DomainError(_("Write a comment."))
    if len(text) > COMMENT_MAX_CHARS:
        raise DomainError(
            _("A comment has at most %(max)s characters.") % {"max": COMMENT_MAX_CHARS}
        )
    comment = ResultReportComment(report=report, author=author, text=text)
    comment.full_clean()
    comment.save()
    log_action(
        report,
        actions.RESULT_REPORT_COMMENTED,
        user=author,
        round_id=report.participation.round_id,
        data={"comment": comment.pk},
    )
    return comment


@transaction.atomic
def result_report_due_set(
    *, round: Round, year: int, due_on: dt.date | None, by=None
) -> ResultReportDue | None:
    """Set (or, with None, clear) the day the result reports of a year of the round are due."""
    if year not in YEARS:
        raise DomainError(_("A round has a year one and a year two."))
    current = ResultReportDue.objects.select_for_update().filter(round=round, year=year).first()
    old = current.due_on if current else None
    if old == due_on:
        return current
    if due_on is None:
        current.delete()
        current = None
    elif current is None:
        current = ResultReportDue(round=round, year=year, due_on=due_on)
        current.full_clean()
        current.save()
    else:
        current.due_on = due_on
        current.full_clean()
        current.save(update_fields=["due_on", "updated_at"])
    log_action(
        round,
        actions.RESULT_REPORT_DUE_SET,
        user=by,
        round_id=round.pk,
        data={
            "year": year,
            "old": old.isoformat() if old else None,
            "new": due_on.isoformat() if due_on else None,
        },
    )
    return current


@transaction.atomic
def result_report_record(
    *,
    participation: Participation,
    year: int,
    texts: Mapping[str, str],
    results: Sequence[Mapping],
    willing_to_mentor: bool | None,
    submitted_at: dt.datetime | None,
    by=None,
) -> ResultReport:
    """Record a report as it was made earlier (a round archive): `submitted_at` None records a
    draft. A submitted report needs every section, as one submitted on the page."""
    if not participation.is_participant:
        raise DomainError(_("Only participants of a round write result reports."))
    if year not in YEARS:
        raise DomainError(_("A round has a year one and a year two."))
    cleaned, problems = clean_results(results, work_ids=_work_ids(participation.pk))
    problems += [
        _("Unknown section: %(name)s.") % {"name": name}
        for name in sorted(texts)
        if name not in TEXT_SECTIONS
    ]
    if problems:
        raise DomainError(problems)
    report = ResultReport.objects.filter(participation=participation, year=year).first()
    created = report is None
    if created:
        report = ResultReport(participation=participation, year=year)
    for name in TEXT_SECTIONS:
        setattr(report, name, (texts.get(name) or "").strip())
    report.results = cleaned
    report.willing_to_mentor = willing_to_mentor
    if submitted_at is not None:
        missing = missing_for_submission(report)
        if missing:
            raise DomainError(
                _("A submitted result report has every section; missing: %(sections)s.")
                % {"sections": ", ".join(missing)}
            )
        report.status = ResultReport.Status.SUBMITTED
        report.submitted_at = submitted_at
    else:
        report.status = ResultReport.Status.DRAFT
        report.submitted_at = None
    report.revision += 1
    report.full_clean()
    report._history_user = by
    report._change_reason = "recorded"
    report.save()
    log_action(
        report,
        actions.RESULT_REPORT_RECORDED,
        user=by,
        round_id=participation.round_id,
        data={
            "year": year,
            "created": created,
            "submitted_at": submitted_at.isoformat() if submitted_at else None,
        },
    )
    return report


# Reminders, on the round's notice schedule


def reminder_email_send(*, due: ResultReportDue, person, participation) -> None:
    """The e-mail reminding a strategist that the organisation's result report is due."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "due": due,
            "round": due.round,
            "person": person,
            "participation": participation,
            "site_url": settings.SITE_URL,
            "contacts": list(due.round.contacts.all()),
        }
        subject = _("Reminder: the result report of year %(year)s of %(round)s") % {
            "year": due.year,
            "round": due.round,
        }
        body = render_to_string("rounds/email/result_report_reminder.txt", context)
    EmailMessage(subject, body, to=[person.email]).send()


def _send_once(*, due: ResultReportDue, assignment, days_before: int) -> bool:
    """Send one reminder unless it has been sent; the row and the e-mail succeed together."""
    try:
        with transaction.atomic():
            ResultReportReminder.objects.create(
                due=due, person=assignment.person, due_on=due.due_on, days_before=days_before
            )
            reminder_email_send(
                due=due, person=assignment.person, participation=assignment.participation
            )
    except IntegrityError:  # another run sent it a moment ago
        return False
    except OSError:  # the mail server refused; the next run tries again
        logger.exception(
            "Could not send the result report reminder %s to %s", due.pk, assignment.person_id
        )
        return False
    return True


def result_report_reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail the strategists of each organisation that has not submitted the result report of
    a year that is due: N days before the due date, N the round's reminder days (as for
    self-assessments). Only the latest reminder due is sent, once per person and due date."""
    today = today or timezone.localdate()
    sent = 0
    dues = ResultReportDue.objects.filter(
        round__status=Round.Status.ACTIVE, due_on__gte=today
    ).select_related("round")
    for due in dues:
        days_left = (due.due_on - today).days
        due_days = [d for d in due.round.reminder_days if days_left <= d]
        if not due_days:
            continue
        days_before = min(due_days)
        submitted = ResultReport.objects.filter(
            year=due.year,
            participation__round_id=due.round_id,
            status=ResultReport.Status.SUBMITTED,
        ).values("participation_id")
        participations = Participation.objects.filter(
            round_id=due.round_id,
            role=Participation.Role.PARTICIPANT,
            withdrawn_on__isnull=True,
        ).exclude(pk__in=submitted)
        already = set(
            ResultReportReminder.objects.filter(
                due=due, due_on=due.due_on, days_before=days_before
            ).values_list("person_id", flat=True)
        )
        strategists = FunctionAssignment.objects.filter(
            participation__in=participations, function="strateg", person__is_active=True
        ).select_related("person", "participation__organisation", "participation__round")
        for assignment in strategists:
            if assignment.person_id in already:
                continue
            if _send_once(due=due, assignment=assignment, days_before=days_before):
                already.add(assignment.person_id)
                sent += 1
    return sent

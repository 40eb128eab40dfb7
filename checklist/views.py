"""The self-assessment: filled in by the organisation's strategists before a meeting, read by
everyone of the organisation, and by the group and its mentors once submitted."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.forms import BoundField
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from checklist import document, importing, selectors, services
from checklist.forms import (
    AssessmentForm,
    ChecklistVersionForm,
    ItemFormSet,
    RemarkForm,
    ReopenForm,
    RoundChecklistForm,
    ScaleStepFormSet,
)
from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion, SelfAssessment
from modellkoncept.errors import DomainError
from modellkoncept.mixins import DocumentImportMixin, RoundMixin
from modellkoncept.policy import PolicyRequiredMixin, get_visible_object_or_404, require, visible
from modellkoncept.service_calls import service_call
from participants.selectors import participation_for
from rounds.models import Meeting


class AssessmentMixin(PolicyRequiredMixin):
    """Views of one self-assessment, fetched through the policy."""

    policy_lookup = {"pk": "pk"}

    def get_policy_queryset(self):
        return selectors.assessment_for_page(pk=self.kwargs["pk"])

    def fetch_policy_object(self):
        return selectors.with_meeting_round(super().fetch_policy_object())

    @property
    def assessment(self) -> SelfAssessment:
        return self.get_policy_object()

    def build_form(self, page, data=None):
        form = AssessmentForm(
            data,
            items=[row.item for row in page.rows],
            scale_steps=page.scale_steps,
            initial=self.initial(page),
        )
        return form

    def build_autosave_form(self, data):
        """The form of an autosave, which answers with a status line, not the page: it needs
        the checklist's items and scale, not the page's reads."""
        parts = selectors.assessment_form(assessment=self.assessment)
        return AssessmentForm(data, items=parts.items, scale_steps=parts.scale_steps)

    @staticmethod
    def initial(page):
        initial = {"revision": page.assessment.revision}
        for row in page.rows:
            initial[f"score_{row.item.number}"] = row.answer.score
            initial[f"comment_{row.item.number}"] = row.answer.comment
        return initial

    def render_page(self, page, form, *, status=200, conflict=None, missing=()):
        return render(
            self.request,
            "checklist/assessment.html",
            {
                "page": page,
                "assessment": page.assessment,
                "form": form,
                "remark_form": RemarkForm(items=[row.item for row in page.rows]),
                "conflict": conflict,
                "missing": missing,
                # The form's items as it writes them out: only a page that may edit shows it.
                "fields": [
                    _field_row(row, form, page.scale_steps, has_previous=page.has_previous)
                    for row in page.rows
                ]
                if page.may_edit
                else [],
            },
            status=status,
        )


@dataclass(frozen=True)
class FieldRow:
    """One item of the answers' form as the page writes it out: what its template would
    otherwise look up again for every step of the scale."""

    row: selectors.ItemRow
    number: int
    text: str  # the item's, in the active language
    guidance: str
    score: BoundField
    score_name: str
    score_errors: list
    comment: BoundField
    comment_name: str
    comment_label: str
    comment_id: str
    comment_value: str
    choices: list[tuple[object, str, bool]]  # (value, label, chosen) per step of the scale
    last_time: str  # the score of the organisation's previous assessment, or that it has none


def _field_row(row, form, scale_steps, *, has_previous: bool) -> FieldRow:
    number = row.item.number
    score, comment = form[f"score_{number}"], form[f"comment_{number}"]
    chosen = str(score.value())  # as posted (a string) or as stored (a number): compare as text
    value = comment.value()
    return FieldRow(
        row=row,
        number=number,
        text=row.item.text,
        guidance=row.item.guidance,
        score=score,
        score_name=score.html_name,
        score_errors=score.errors,
        comment=comment,
        comment_name=comment.html_name,
        comment_label=comment.label,
        comment_id=comment.id_for_label,
        comment_value="" if value is None else value,
        choices=[(step.value, step.label, str(step.value) == chosen) for step in scale_steps],
        last_time=(
            _("Last time: %(score)s")
            % {"score": "–" if row.previous_score is None else row.previous_score}
            if has_previous
            else _("No earlier self-assessment.")
        ),
    )


def _progress(form) -> dict:
    """How many items have a score, of how many, as the page now holds them."""
    scores = form.scores()
    return {
        "scored": sum(1 for score in scores.values() if score is not None),
        "total": len(scores),
    }


class AssessmentDetailView(AssessmentMixin, View):
    permission_required = "checklist.view_assessment"

    def get(self, request, pk):
        page = selectors.assessment_page(assessment=self.assessment, user=request.user)
        return self.render_page(page, self.build_form(page))


class AssessmentSaveView(AssessmentMixin, View):
    """Save the draft: as you go (htmx, answers with a status line) or with the button."""

    permission_required = "checklist.edit_assessment"
    http_method_names = ["post"]

    def post(self, request, pk):
        if request.htmx:  # every answer is answered with a status line, never the page
            page, form = None, self.build_autosave_form(request.POST)
        else:
            page = selectors.assessment_page(assessment=self.assessment, user=request.user)
            form = self.build_form(page, request.POST)
        if not form.is_valid():
            if request.htmx:
                return render(request, "checklist/_save_status.html", {"invalid": True}, status=422)
            return self.render_page(page, form, status=422)
        try:
            saved = services.assessment_save(
                assessment=self.assessment,
                scores=form.scores(),
                comments=form.comments(),
                by=request.user,
                revision=form.expected_revision(),
            )
        except services.StaleAssessment:
            current = SelfAssessment.objects.get(pk=pk)
            conflict = {
                "revision": current.revision,
                "differences": selectors.differences(current, form.scores(), form.comments()),
            }
            if request.htmx:
                # Shown at once beside the form (site.js lets htmx swap this 409 in).
                return render(
                    request,
                    "checklist/_save_status.html",
                    {
                        "conflict": conflict,
                        "assessment": self.assessment,
                        "progress": _progress(form),
                    },
                    status=409,
                )
            return self.render_page(page, form, status=409, conflict=conflict)
        except services.AssessmentSubmitted as error:
            # Read-only once submitted: refused, nothing saved, and the page says why.
            if request.htmx:
                return render(request, "checklist/_save_status.html", {"error": error}, status=409)
            form.add_error(None, error)
            return self.render_page(page, form, status=409)
        except DomainError as error:
            if request.htmx:
                return render(request, "checklist/_save_status.html", {"error": error}, status=422)
            form.add_error(None, error)
            return self.render_page(page, form, status=422)
        if request.htmx:
            return render(
                request,
                "checklist/_save_status.html",
                {"saved": saved, "progress": _progress(form)},
            )
        messages.success(request, _("The draft is saved."))
        return redirect("checklist:assessment", pk=pk)


class AssessmentSubmitView(AssessmentMixin, View):
    """Save what the form holds, then submit: every item must have a score."""

    permission_required = "checklist.edit_assessment"
    http_method_names = ["post"]

    def post(self, request, pk):
        page = selectors.assessment_page(assessment=self.assessment, user=request.user)
        form = self.build_form(page, request.POST)
        if not form.is_valid():
            return self.render_page(page, form, status=422)
        missing = [n for n, score in form.scores().items() if score is None]
        if missing:
            for number in missing:
                form.add_error(f"score_{number}", _("Choose a score for this item."))
            form.add_error(
                None,
                _("Give a score for every item before submitting; missing: %(items)s.")
                % {"items": ", ".join(str(n) for n in missing)},
            )
            return self.render_page(page, form, status=422, missing=missing)
        try:
            services.assessment_save_and_submit(
                assessment=self.assessment,
                scores=form.scores(),
                comments=form.comments(),
                by=request.user,
                revision=form.expected_revision(),
            )
        except services.StaleAssessment:
            current = SelfAssessment.objects.get(pk=pk)
            conflict = {
                "revision": current.revision,
                "differences": selectors.differences(current, form.scores(), form.comments()),
            }
            return self.render_page(page, form, status=409, conflict=conflict)
        except services.AssessmentSubmitted as error:
            form.add_error(None, error)
            return self.render_page(page, form, status=409)
        except ValidationError as error:  # a DomainError, or the models' own checks
            form.add_error(None, error.messages)
            return self.render_page(page, form, status=422)
        messages.success(request, _("The self-assessment is submitted. Your group can now see it."))
        return redirect("checklist:assessment", pk=pk)


class AssessmentLockView(AssessmentMixin, View):
    """A project leader closes the assessment before its meeting is over."""

    permission_required = "checklist.close_assessment"
    http_method_names = ["post"]

    def post(self, request, pk):
        with service_call(request) as call:
            services.assessment_close(assessment=self.assessment, by=request.user)
        if call.succeeded:
            messages.success(request, _("The self-assessment is closed."))
        return redirect("checklist:assessment", pk=pk)


class AssessmentReopenView(AssessmentMixin, View):
    """Reopen a submitted (or locked) assessment for changes, giving the reason: its
    strategists until the meeting starts, a project leader at any time."""

    permission_required = "checklist.reopen_assessment"
    template_name = "checklist/assessment_reopen.html"

    def get(self, request, pk):
        return self.render_form(ReopenForm())

    def post(self, request, pk):
        form = ReopenForm(request.POST)
        if form.is_valid():
            with service_call(form=form) as call:
                services.assessment_reopen(
                    assessment=self.assessment, by=request.user, reason=form.cleaned_data["reason"]
                )
            if call.succeeded:
                messages.success(
                    request,
                    _(
                        "The self-assessment is open for changes again. The group sees the "
                        "version last submitted until you submit it again."
                    ),
                )
                return redirect("checklist:assessment", pk=pk)
        return self.render_form(form, status=422)

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"assessment": self.assessment, "form": form},
            status=status,
        )


class AssessmentRemarkView(AssessmentMixin, View):
    """Anyone of the organisation may comment on its assessment."""

    permission_required = "checklist.comment_assessment"
    http_method_names = ["post"]

    def post(self, request, pk):
        page = selectors.assessment_page(assessment=self.assessment, user=request.user)
        form = RemarkForm(request.POST, items=[row.item for row in page.rows])
        if form.is_valid():
            with service_call(request) as call:
                services.remark_add(
                    assessment=self.assessment,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    item_number=form.cleaned_data["item"],
                )
            if call.succeeded:
                messages.success(request, _("Your comment is saved."))
        else:
            messages.error(request, _("Write a comment."))
        return redirect(reverse("checklist:assessment", args=[pk]) + "#remarks")


class AssessmentHistoryView(AssessmentMixin, TemplateView):
    permission_required = "checklist.view_history"
    template_name = "checklist/assessment_history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            assessment=self.assessment,
            entries=selectors.assessment_history(assessment=self.assessment),
            **kwargs,
        )


def _opens_later(meeting):
    """The day the assessment before `meeting` opens, if that is still to come."""
    opens_on = meeting.assessment_opens_on
    return opens_on if opens_on and opens_on > timezone.localdate() else None


class AssessmentStartView(PolicyRequiredMixin, View):
    """The way into an organisation's assessment before a meeting: open it if it exists,
    otherwise (for its strategists) create the draft. `?level=committee` (a form field when
    posting) asks for the committee/department level's, where year two has it due."""

    permission_required = "participants.view_participation"

    def level(self, meeting):
        level = self.request.POST.get("level") or self.request.GET.get("level")
        level = level or ChecklistVersion.Level.ORGANISATION
        if level not in meeting.assessment_levels:
            raise Http404  # no such assessment is due: as for a meeting without one
        return level

    def fetch_policy_object(self):
        return participation_for(
            self.request.user, round_slug=self.kwargs["round_slug"], code=self.kwargs["code"]
        )

    def meeting(self, participation):
        return get_visible_object_or_404(
            Meeting.objects.filter(
                round_id=participation.round_id, assessment_due=True
            ).select_related("round"),
            self.request.user,
            pk=self.kwargs["meeting_pk"],
        )

    def get(self, request, **kwargs):
        participation = self.get_policy_object()
        meeting = self.meeting(participation)
        level = self.level(meeting)
        # Through the policy: a mentor must not learn from a redirect that a draft exists.
        existing = (
            visible(SelfAssessment, request.user)
            .filter(participation=participation, meeting=meeting, level=level)
            .first()
        )
        if existing is not None:
            return redirect("checklist:assessment", pk=existing.pk)
        return render(
            request,
            "checklist/assessment_start.html",
            {
                "participation": participation,
                "meeting": meeting,
                "level": level,
                "level_label": ChecklistVersion.Level(level).label,
                "may_start": request.user.has_perm(
                    "checklist.edit_assessment",
                    SelfAssessment(participation=participation, meeting=meeting),
                ),
                # Not offered before it opens (the meeting's own date says when).
                "opens_on": _opens_later(meeting),
            },
        )

    def post(self, request, **kwargs):
        participation = self.get_policy_object()
        meeting = self.meeting(participation)
        level = self.level(meeting)
        require(
            request.user,
            "checklist.edit_assessment",
            SelfAssessment(participation=participation, meeting=meeting),
        )
        opens_on = _opens_later(meeting)
        if opens_on:
            messages.error(
                request,
                _("The self-assessment opens on %(date)s.") % {"date": opens_on.isoformat()},
            )
            return redirect(request.path)
        with service_call(request) as call:
            assessment = services.assessment_start(
                participation=participation, meeting=meeting, by=request.user, level=level
            )
        if call.failed:
            return redirect(
                "participants:participation_detail",
                round_slug=participation.round.slug,
                code=participation.organisation.code,
            )
        return redirect("checklist:assessment", pk=assessment.pk)


class ChecklistVersionListView(PolicyRequiredMixin, TemplateView):
    permission_required = "checklist.manage_versions"
    template_name = "checklist/version_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(versions=selectors.checklist_versions(), **kwargs)


class ChecklistVersionDetailView(PolicyRequiredMixin, DetailView):
    permission_required = "checklist.manage_versions"
    model = ChecklistVersion
    slug_field = "slug"
    template_name = "checklist/version_detail.html"
    context_object_name = "version"

    def get_queryset(self):
        return ChecklistVersion.objects.prefetch_related("items__part", "scale_steps")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sections=selectors.sections(self.object.items.all()), **kwargs
        )


class ChecklistVersionExportView(PolicyRequiredMixin, View):
    """Download a version as a checklist file (docs/checklist-format.md)."""

    permission_required = "checklist.manage_versions"
    http_method_names = ["get"]

    def get(self, request, *args, slug, **kwargs):
        version = get_visible_object_or_404(ChecklistVersion, request.user, slug=slug)
        text = document.document_to_json(document.export_document(version))
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{version.slug}.json"'
        return response


class ChecklistVersionImportView(DocumentImportMixin, PolicyRequiredMixin, TemplateView):
    """Upload a checklist file, see the version it will create (or every problem, with its
    JSON path), and import it, as the round archive is (`DocumentImportMixin`)."""

    permission_required = "checklist.manage_versions"
    template_name = "checklist/version_import.html"
    session_key = "checklist:version_upload"
    upload_url_name = "checklist:version_import"
    document_module = document
    document_error = document.ChecklistFileError

    def imported(self, result):
        messages.success(
            self.request,
            _("Checklist version “%(name)s” (%(slug)s) imported.")
            % {"name": result.name, "slug": result.slug},
        )
        return redirect("checklist:version", slug=result.slug)


def _rows(formset) -> list[dict]:
    """The filled-in rows of a formset, without the ones ticked for deletion."""
    return [
        {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
        for form in formset
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _parts_and_items(rows: list[dict]) -> tuple[list, list]:
    """The form names an item's part by its title; the version keeps each title once, as a
    part keyed from its Swedish title, in the order the titles first appear."""
    parts: dict[tuple[str, str], services.PartSpec] = {}
    items = []
    for row in rows:
        title_sv, title_en = row.pop("part_sv").strip(), row.pop("part_en").strip()
        key = None
        if title_sv or title_en:
            found = (title_sv or title_en, title_en)
            if found not in parts:
                base = slugify(found[0])[:50] or "part"
                key, n = base, 1
                while key in {p.key for p in parts.values()}:
                    n += 1
                    key = f"{base}-{n}"
                parts[found] = services.PartSpec(key=key, title_sv=found[0], title_en=title_en)
            key = parts[found].key
        items.append(services.ItemSpec(part=key, **row))
    return list(parts.values()), items


class ChecklistVersionCreateView(PolicyRequiredMixin, TemplateView):
    """A new checklist version, started from a copy of an existing one (the classic ten-item
    checklist by default) so that only what differs has to be typed."""

    permission_required = "checklist.manage_versions"
    template_name = "checklist/version_form.html"

    def base_version(self):
        """The version to copy (?from=<slug>); none when the parameter names none."""
        slug = self.request.GET.get("from") or DEFAULT_CHECKLIST_SLUG
        try:
            # Not a slug, such as text with a NUL character (which PostgreSQL refuses in a
            # query): it names no version.
            validate_slug(slug)
        except ValidationError:
            return None
        return ChecklistVersion.objects.filter(slug=slug).first()

    def forms(self, data=None):
        base = self.base_version()
        steps, items, initial = [], [], {}
        if base is not None:
            initial = {
                "level": base.level,
                "scale_min": base.scale_min,
                "scale_max": base.scale_max,
            }
            steps = [
                {"value": s.value, "label_sv": s.label_sv, "label_en": s.label_en}
                for s in base.scale_steps.all()
            ]
            items = [
                {
                    "part_sv": i.part.title_sv if i.part else "",
                    "part_en": i.part.title_en if i.part else "",
                    # The site's own help belongs to its version; a new version starts without.
                    "guidance_sv": "" if base.guidance_is_site_help else i.guidance_sv,
                    "guidance_en": "" if base.guidance_is_site_help else i.guidance_en,
                    "text_sv": i.text_sv,
                    "text_en": i.text_en,
                }
                for i in base.items.select_related("part")
            ]
        return (
            ChecklistVersionForm(data, initial=initial),
            ScaleStepFormSet(data, prefix="steps", initial=steps),
            ItemFormSet(data, prefix="items", initial=items),
        )

    def get_context_data(self, **kwargs):
        if "version_form" not in kwargs:
            version_form, steps, items = self.forms()
            kwargs.update(version_form=version_form, steps=steps, items=items)
        return super().get_context_data(
            base=self.base_version(), versions=ChecklistVersion.objects.all(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        version_form, steps, items = self.forms(request.POST)
        valid = version_form.is_valid() & steps.is_valid() & items.is_valid()
        if valid:
            with service_call(form=version_form) as call:
                parts, item_specs = _parts_and_items(_rows(items))
                version = services.checklist_version_create(
                    **version_form.cleaned_data,
                    steps=[services.StepSpec(**data) for data in _rows(steps)],
                    parts=parts,
                    items=item_specs,
                )
            if call.succeeded:
                messages.success(request, _("The checklist version is created."))
                return redirect("checklist:version", slug=version.slug)
        return self.render_to_response(
            self.get_context_data(version_form=version_form, steps=steps, items=items), status=422
        )


class RoundChecklistView(RoundMixin, View):
    """Choose the checklist version a round uses at a level (`level`: organisation, the
    default, or committee), before any assessment is made with it at that level."""

    permission_required = "rounds.change_round"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RoundChecklistForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a checklist version."))
        else:
            with service_call(request) as call:
                services.round_choose_checklist(
                    round=self.round,
                    version=form.cleaned_data["version"],
                    level=form.cleaned_data["level"],
                )
            if call.succeeded:
                messages.success(request, _("The round's checklist is chosen."))
        return redirect("rounds:round_detail", slug=self.round.slug)


class AssessmentImportView(RoundMixin, View):
    """Bring in older self-assessments from a CSV or Excel file. The upload is checked first
    and what it would do is shown, saving nothing; a second step imports it. The checked rows
    wait in the session, so the file is uploaded once, and the import checks them again as it
    saves."""

    permission_required = "rounds.change_round"
    template_name = "checklist/import.html"
    max_problems_shown = 200

    def get(self, request, *args, **kwargs):
        return self.render_page(importing.AssessmentImportForm())

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = importing.AssessmentImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=422)
        filename = form.cleaned_data["file"].name
        try:
            plan = importing.assessments_import_plan(round=self.round, rows=form.rows)
            digest = importing.pending_keep(
                request.session, round=self.round, rows=form.rows, filename=filename
            )
        except DomainError as error:
            importing.pending_forget(request.session, round=self.round)
            return self.render_page(form, problems=error.messages, filename=filename, status=422)
        return self.render_page(
            importing.AssessmentImportForm(), plan=plan, digest=digest, filename=filename
        )

    def confirm(self, request):
        pending = importing.pending_rows(
            request.session, round=self.round, digest=request.POST.get("digest", "")
        )
        if pending is None:
            messages.error(
                request, _("The checked file is no longer waiting to be imported. Upload it again.")
            )
            return redirect("checklist:assessment_import", round_slug=self.round.slug)
        rows, filename = pending
        try:
            result = importing.assessments_import(round=self.round, rows=rows, by=request.user)
        except DomainError as error:
            importing.pending_forget(request.session, round=self.round)
            return self.render_page(
                importing.AssessmentImportForm(),
                problems=error.messages,
                filename=filename,
                status=422,
            )
        importing.pending_forget(request.session, round=self.round)
        messages.success(
            request,
            _(
                "%(filename)s is imported: %(rows)s rows, %(created)s self-assessments created "
                "and %(updated)s updated."
            )
            % {
                "filename": filename,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
            },
        )
        return redirect("rounds:round_detail", slug=self.round.slug)

    def render_page(self, form, *, problems=(), plan=None, digest="", filename="", status=200):
        problems = list(problems)
        return render(
            self.request,
            self.template_name,
            {
                "round": self.round,
                "version": self.round.checklist_version,
                "form": form,
                "problems": problems[: self.max_problems_shown],
                "problem_count": len(problems) + len(form.errors.get("file", [])),
                "more_problems": max(0, len(problems) - self.max_problems_shown),
                "plan": plan,
                "digest": digest,
                "filename": filename,
            },
            status=status,
        )

"""Views of the programme's learning loop: meeting material and the programme library."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from modellkoncept.policy import PolicyRequiredMixin, require
from modellkoncept.service_calls import service_call
from rounds import evaluations, learning_selectors, material, mentoring
from rounds.learning_forms import (
    AgendaForm,
    DocumentUploadForm,
    EvaluationForm,
    EvaluationStatementsForm,
    MentorNoteForm,
    MentorRoleForm,
    ProgrammeDocumentForm,
)
from rounds.models import (
    EVALUATED_KINDS,
    BenchmarkingGroup,
    Meeting,
    MeetingMaterial,
    ProgrammeDocument,
    Round,
)


def private_download(document, *, missing: str) -> FileResponse:
    """A stored document as an attachment that no shared cache keeps."""
    if not document.file:
        raise Http404(missing)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.file_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class MeetingMixin(PolicyRequiredMixin):
    """A view of one meeting, addressed by the round's slug and the meeting's pk."""

    policy_queryset = Meeting.objects.select_related("round", "group", "host")
    policy_lookup = {"round__slug": "round_slug", "pk": "pk"}

    @property
    def meeting(self) -> Meeting:
        return self.get_policy_object()


# Meeting material


class MeetingMaterialView(MeetingMixin, TemplateView):
    """The host's page for the meeting's agenda and files."""

    permission_required = "rounds.change_meeting_material"
    template_name = "rounds/meeting_material.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("agenda_form", AgendaForm(initial={"agenda": self.meeting.agenda}))
        kwargs.setdefault("upload_form", DocumentUploadForm())
        return super().get_context_data(
            meeting=self.meeting,
            round=self.meeting.round,
            material=learning_selectors.meeting_material(meeting=self.meeting),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        meeting = self.meeting
        if request.POST.get("form") == "agenda":
            form = AgendaForm(request.POST)
            if form.is_valid():
                with service_call(form=form, field="agenda") as call:
                    material.meeting_agenda_set(
                        meeting=meeting, agenda=form.cleaned_data["agenda"], by=request.user
                    )
                if call.succeeded:
                    messages.success(request, _("The agenda is saved."))
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(agenda_form=form), status=422)
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            with service_call(form=form, field="file") as call:
                material.meeting_material_add(
                    meeting=meeting,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                )
            if call.succeeded:
                messages.success(request, _("The file is added to the meeting's material."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(upload_form=form), status=422)


class MaterialMixin(MeetingMixin):
    def material(self) -> MeetingMaterial:
        try:
            document = self.meeting.material.get(pk=self.kwargs["material_pk"])
        except MeetingMaterial.DoesNotExist:
            raise Http404(_("No such page, or it is not yours to see.")) from None
        document.meeting = self.meeting
        return document


class MaterialDownloadView(MaterialMixin, View):
    """A file of the meeting, for whoever may see the meeting."""

    permission_required = "rounds.view_meeting"
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return private_download(
            self.material(), missing=_("The file is listed, but not kept on this site.")
        )


class MaterialDeleteView(MaterialMixin, View):
    permission_required = "rounds.change_meeting_material"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        document = self.material()
        with service_call(request) as call:
            material.meeting_material_remove(material=document, by=request.user)
        if call.succeeded:
            messages.success(request, _("“%(title)s” is removed.") % {"title": document.title})
        return redirect(
            "rounds:meeting_material", round_slug=self.meeting.round.slug, pk=self.meeting.pk
        )


# The programme library


class ProgrammeLibraryView(PolicyRequiredMixin, TemplateView):
    """The programme's method material; project leaders add and remove documents here."""

    permission_required = "rounds.view_programme_library"
    template_name = "rounds/programme_library.html"

    def get_context_data(self, **kwargs):
        may_change = self.request.user.has_perm("rounds.change_programme_library")
        if may_change:
            kwargs.setdefault("form", ProgrammeDocumentForm())
        return super().get_context_data(
            documents=learning_selectors.programme_library(), may_change=may_change, **kwargs
        )

    def post(self, request, *args, **kwargs):
        require(request.user, "rounds.change_programme_library")
        form = ProgrammeDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            with service_call(form=form, field="file") as call:
                material.programme_document_add(
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                )
            if call.succeeded:
                messages.success(request, _("The document is added to the library."))
                return redirect("rounds:programme_library")
        return self.render_to_response(self.get_context_data(form=form), status=422)


class ProgrammeDocumentMixin(PolicyRequiredMixin):
    policy_queryset = ProgrammeDocument.objects.all()
    policy_lookup = {"pk": "pk"}


class ProgrammeDocumentDownloadView(ProgrammeDocumentMixin, View):
    permission_required = "rounds.view_programme_library"
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return private_download(
            self.get_policy_object(), missing=_("The file is not kept on this site.")
        )


class ProgrammeDocumentDeleteView(ProgrammeDocumentMixin, View):
    permission_required = "rounds.change_programme_library"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        document = self.get_policy_object()
        material.programme_document_remove(document=document, by=request.user)
        messages.success(request, _("“%(title)s” is removed.") % {"title": document.title})
        return redirect("rounds:programme_library")


# The mentor's voice


class GroupNotesView(PolicyRequiredMixin, TemplateView):
    """The mentors' notes to a group: its organisations, mentors and the project leaders read
    them; the group's mentors write them here."""

    permission_required = "rounds.view_group"
    template_name = "rounds/group_notes.html"
    policy_queryset = BenchmarkingGroup.objects.select_related("round")
    policy_lookup = {"round__slug": "round_slug", "pk": "pk"}

    @property
    def group(self) -> BenchmarkingGroup:
        return self.get_policy_object()

    def get_context_data(self, **kwargs):
        may_write = self.request.user.has_perm("rounds.write_mentor_note", self.group)
        if may_write:
            kwargs.setdefault("form", MentorNoteForm(group=self.group))
        return super().get_context_data(
            group=self.group,
            round=self.group.round,
            notes=mentoring.group_notes(group=self.group),
            may_write=may_write,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        require(request.user, "rounds.write_mentor_note", self.group)
        form = MentorNoteForm(request.POST, group=self.group)
        if form.is_valid():
            with service_call(form=form, field="text") as call:
                mentoring.mentor_note_write(
                    group=self.group,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    meeting=form.cleaned_data["meeting"],
                )
            if call.succeeded:
                messages.success(request, _("Your note is sent to the group."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class MentorRoleView(PolicyRequiredMixin, TemplateView):
    """The project leaders describe the mentor's role, shown on the mentor workspace."""

    permission_required = "rounds.change_mentor_role"
    template_name = "rounds/mentor_role.html"

    def get_context_data(self, **kwargs):
        role = mentoring.mentor_role()
        kwargs.setdefault("form", MentorRoleForm(initial={"text": role.text if role else ""}))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = MentorRoleForm(request.POST)
        if form.is_valid():
            with service_call(form=form, field="text") as call:
                mentoring.mentor_role_set(text=form.cleaned_data["text"], by=request.user)
            if call.succeeded:
                messages.success(request, _("The description of the mentor's role is saved."))
                return redirect("rounds:mentor_workspace")
        return self.render_to_response(self.get_context_data(form=form), status=422)


# Evaluations of meetings


class EvaluationAnswerView(MeetingMixin, TemplateView):
    """A person invited to a meeting evaluates it once it has ended."""

    permission_required = "rounds.answer_evaluation"
    template_name = "rounds/evaluation_answer.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        state = evaluations.evaluation_state(meeting=meeting, user=self.request.user)
        if state == "open":
            kwargs.setdefault(
                "form", EvaluationForm(statements=evaluations.statements(meeting.kind))
            )
        return super().get_context_data(meeting=meeting, round=meeting.round, state=state, **kwargs)

    def post(self, request, *args, **kwargs):
        meeting = self.meeting
        state = evaluations.evaluation_state(meeting=meeting, user=request.user)
        if state != "open":
            return self.render_to_response(self.get_context_data(), status=409)
        form = EvaluationForm(request.POST, statements=evaluations.statements(meeting.kind))
        if form.is_valid():
            with service_call(form=form) as call:
                evaluations.evaluation_submit(
                    meeting=meeting,
                    person=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            if call.succeeded:
                messages.success(request, _("Thank you for your evaluation."))
                return redirect(
                    "rounds:meeting_detail", round_slug=meeting.round.slug, pk=meeting.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=422)


class EvaluationResultsView(PolicyRequiredMixin, TemplateView):
    """The round's meetings with their response rates and scores, for project leaders."""

    permission_required = "rounds.view_evaluation_results"
    template_name = "rounds/evaluation_results.html"
    policy_queryset = Round.objects.all()
    policy_lookup = {"slug": "round_slug"}

    def get_context_data(self, **kwargs):
        round_ = self.get_policy_object()
        return super().get_context_data(
            round=round_, results=evaluations.round_results(round=round_), **kwargs
        )


class EvaluationStatementsView(PolicyRequiredMixin, TemplateView):
    """Project leaders edit the statements asked after each kind of meeting."""

    permission_required = "rounds.change_evaluation_statements"
    template_name = "rounds/evaluation_statements.html"

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            initial = {
                kind: "\n".join(s.text for s in evaluations.statements(kind))
                for kind in EVALUATED_KINDS
            }
            kwargs["form"] = EvaluationStatementsForm(initial=initial)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = EvaluationStatementsForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for kind in EVALUATED_KINDS:
                        with service_call(form=form, field=kind):
                            evaluations.evaluation_statements_set(
                                meeting_kind=kind,
                                texts=form.lines(form.cleaned_data[kind]),
                                by=request.user,
                            )
                    if form.errors:
                        raise _Refused
            except _Refused:
                pass
            else:
                messages.success(request, _("The evaluation statements are saved."))
                return redirect("rounds:evaluation_statements")
        return self.render_to_response(self.get_context_data(form=form), status=422)


class _Refused(Exception):
    """Rolls back the statements of every kind when one kind's are refused."""

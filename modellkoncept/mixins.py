"""View mixins the apps share, below every app that uses them.

The core imports no app, so a mixin names the model it fetches by its label ("rounds.Round"),
as a foreign key does; the access policy fetches it (`PolicyRequiredMixin`)."""

import hashlib
from types import ModuleType

from django.apps import apps
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from modellkoncept.policy import PolicyRequiredMixin


class RoundMixin(PolicyRequiredMixin):
    """Views of something within a round, addressed by the round's slug; the policy is
    checked on the round."""

    policy_lookup = {"slug": "round_slug"}

    def get_policy_queryset(self):
        round_model = apps.get_model("rounds", "Round")
        return round_model.objects.select_related(
            "checklist_version", "committee_checklist_version"
        )

    @property
    def round(self):
        """The round of the URL (a `rounds.models.Round`), fetched once through the policy."""
        return self.get_policy_object()


class DocumentImportMixin:
    """Upload a document (a round archive, a checklist file), see what importing it would
    create or every problem with its place in the file, and import it on a second step. The
    checked document waits in the session between the steps, under a digest the confirming
    form sends back, and is checked again on import, since the database may have changed in
    between. For a `TemplateView`; the view names the module that reads and imports its kind
    of document, and what the page does after an import."""

    session_key: str
    # The URL name of the upload page, where a lost upload starts again.
    upload_url_name: str
    # The module that reads and imports the kind of document: its MAX_DOCUMENT_BYTES,
    # parse_document, preview (with `is_valid` and `problems`), document_to_json and
    # import_document, which raise `document_error` (with its `problems`).
    document_module: ModuleType
    document_error: type[Exception]

    @property
    def max_document_bytes(self) -> int:
        return self.document_module.MAX_DOCUMENT_BYTES

    def import_document(self, parsed):
        return self.document_module.import_document(parsed)

    def imported(self, result):
        """The response after a successful import of what `import_document` returned."""
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            max_megabytes=self.max_document_bytes // (1024 * 1024), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request)
        upload = request.FILES.get("file")
        if upload is None:
            return self.problems([_("Choose a file to upload.")], status=400)
        if upload.size > self.max_document_bytes:
            return self.problems(
                [
                    _("The file is larger than %(size)s MB.")
                    % {"size": self.max_document_bytes // (1024 * 1024)}
                ],
                filename=upload.name,
            )
        try:
            parsed = self.document_module.parse_document(upload.read())
        except self.document_error as error:
            return self.problems(error.problems, filename=upload.name)
        preview = self.document_module.preview(parsed)
        if not preview.is_valid:
            return self.problems(preview.problems, filename=upload.name)
        text = self.document_module.document_to_json(parsed)
        digest = hashlib.sha256(text.encode()).hexdigest()
        request.session[self.session_key] = {
            "digest": digest,
            "filename": upload.name,
            "document": text,
        }
        return self.render_to_response(
            self.get_context_data(preview=preview, filename=upload.name, digest=digest)
        )

    def confirm(self, request):
        held = request.session.get(self.session_key)
        if not held or held.get("digest") != request.POST.get("digest"):
            messages.error(
                request, _("The checked file is no longer at hand; upload it again, please.")
            )
            return redirect(self.upload_url_name)
        try:
            result = self.import_document(self.document_module.parse_document(held["document"]))
        except self.document_error as error:
            request.session.pop(self.session_key, None)
            return self.problems(error.problems, filename=held.get("filename", ""))
        request.session.pop(self.session_key, None)
        return self.imported(result)

    def problems(self, problems, *, filename="", status=422):
        context = self.get_context_data(problems=problems, filename=filename)
        return self.render_to_response(context, status=status)

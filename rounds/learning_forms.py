"""Forms of the programme's learning loop: meeting material, the programme library."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from modellkoncept.forms import BoundedModelChoiceField
from rounds import material, mentoring
from rounds.models import Meeting

ACCEPTED_FILES = (
    ".pdf,.docx,.pptx,.xlsx,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class AgendaForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=material.AGENDA_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Plain text, one paragraph per blank line; or simple HTML: <p>, <strong>, <em>, "
            "<ul>, <ol>, <li>, <h3>, <h4>, <a href>. Anything else is removed."
        ),
    )


class DocumentUploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word (.docx), PowerPoint (.pptx) or Excel (.xlsx), at most %(max)s."
        ) % {"max": filesizeformat(material.max_upload_bytes())}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.checked = material.check_upload(upload)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return upload


class ProgrammeDocumentForm(DocumentUploadForm):
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )


class MentorNoteForm(forms.Form):
    meeting = BoundedModelChoiceField(
        label=_("After the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("(no particular meeting)"),
    )
    text = forms.CharField(
        label=_("Note"),
        max_length=mentoring.NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The group's organisations and the project leaders read it."),
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = mentoring.group_meetings(group=group)


class MentorRoleForm(forms.Form):
    text = forms.CharField(
        label=_("The mentor's role"),
        required=False,
        max_length=material.AGENDA_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "What the programme expects of a mentor, and what mentors did well in earlier "
            "rounds. Plain text, one paragraph per blank line; or simple HTML: <p>, <strong>, "
            "<em>, <ul>, <ol>, <li>, <h3>, <h4>, <a href>."
        ),
    )

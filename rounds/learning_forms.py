"""Forms of the programme's learning loop: meeting material, the programme library."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from modellkoncept.forms import BoundedModelChoiceField
from rounds import evaluations, material, mentoring
from rounds.models import EVALUATED_KINDS, Meeting

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
            "Plain text, one paragraph per blank line; or simple HTML with the tags p, strong, "
            "em, ul, ol, li, h3, h4 and a (links). Anything else is removed."
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
            "rounds. Plain text, one paragraph per blank line; or simple HTML with the tags p, "
            "strong, em, ul, ol, li, h3, h4 and a (links)."
        ),
    )


SCORE_CHOICES = [
    (1, _("1 – do not agree at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – agree completely")),
]


class EvaluationForm(forms.Form):
    """A score from 1 to 5 for each statement asked, and a comment."""

    comment = forms.CharField(
        label=_("Anything else you want to tell the project leaders?"),
        required=False,
        max_length=evaluations.COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only SKR's project leaders read your answers; others see totals only."),
    )

    def __init__(self, *args, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        scored = {
            f"statement_{s.pk}": forms.TypedChoiceField(
                label=s.text, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
            )
            for s in statements
        }
        self.fields = {**scored, "comment": self.fields["comment"]}

    def scores(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data[f"statement_{s.pk}"] for s in self.statements}


class EvaluationStatementsForm(forms.Form):
    """The statements for each kind of meeting evaluated, one per line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in EVALUATED_KINDS:
            self.fields[kind] = forms.CharField(
                label=Meeting.Kind(kind).label.capitalize(),
                max_length=evaluations.MAX_STATEMENTS * (evaluations.STATEMENT_MAX_CHARS + 2),
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("One statement a line, at most %(max)s; each is scored 1–5.")
                % {"max": evaluations.MAX_STATEMENTS},
            )

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.strip()]

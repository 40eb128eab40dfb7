"""The upload form of the score import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklist.importing.parsing import MAX_FILE_BYTES, parse_rows


class AssessmentImportForm(forms.Form):
    # It lives here rather than in forms.py because it reads the file with `parse_rows` and
    # serves the import alone.
    file = forms.FileField(
        label=gettext_lazy("File with self-assessments"),
        help_text=gettext_lazy(
            "A CSV file (UTF-8, values separated by comma or semicolon) or an Excel workbook "
            "(.xlsx), at most 5 MB. The first line names the columns: organisation (the "
            "organisation's code), meeting (the meeting's key), item (its number), score and, "
            "if you like, comment. One line per organisation, meeting and item."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        upload.seek(0)
        self.rows = parse_rows(upload, upload.name)
        return upload

    def full_clean(self):
        super().full_clean()
        if self.is_bound and "file" in self.errors:
            self.fields["file"].widget.attrs["class"] = "form-control is-invalid"

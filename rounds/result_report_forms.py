"""The forms of the result reports (rounds/services/result_reports.py)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import ImprovementWork
from rounds.services.result_reports import (
    COMMENT_MAX_CHARS,
    MAX_RESULTS,
    RESULT_MAX_CHARS,
    TEXT_MAX_CHARS,
)

# Empty rows offered below the results already written, for the next ones.
EMPTY_RESULT_ROWS = 2
_ROW_KEY = re.compile(r"^result_(\d{1,2})_(?:step|text|work)$")

WILLING_CHOICES = [
    ("yes", _("Yes, we are willing to mentor a group in a later round")),
    ("no", _("No, not now")),
]


def _textarea(rows: int = 5):
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


class ResultReportForm(forms.Form):
    """The report's sections, and its results as numbered rows (place on the result chain,
    text, improvement work): the rows written so far and two empty ones."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # Sent by the conflict's "save mine" button: the revision the person has now seen.
    overwrite_revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    aims = forms.CharField(
        label=_("Aims"),
        help_text=_("What your organisation set out to achieve with the work this year."),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=_textarea(),
    )
    organisation_of_work = forms.CharField(
        label=_("How the work was organised"),
        help_text=_(
            "The people who took part, the decisions taken and how the work is anchored in "
            "the organisation's governance."
        ),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=_textarea(),
    )
    lessons = forms.CharField(
        label=_("Lessons learnt"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=_textarea(),
    )
    advice = forms.CharField(
        label=_("Advice to others"),
        help_text=_("What you would tell an organisation that starts the programme."),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=_textarea(),
    )
    willing_to_mentor = forms.ChoiceField(
        label=_("Is your organisation willing to mentor a group in a later round?"),
        choices=WILLING_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, data=None, *, works, results=(), **kwargs):
        super().__init__(data, **kwargs)
        self.works = list(works)
        count = len(results) + EMPTY_RESULT_ROWS
        if data is not None:
            sent = [int(m.group(1)) + 1 for key in data if (m := _ROW_KEY.match(key))]
            count = max([count, *sent])
        self.row_count = min(count, MAX_RESULTS)
        step_choices = [("", _("Choose a place on the chain")), *ImprovementWork.ChainStep.choices]
        work_choices = [("", _("No improvement work")), *[(w.pk, w.title) for w in self.works]]
        for index in range(self.row_count):
            initial = results[index] if index < len(results) else {}
            self.fields[f"result_{index}_step"] = forms.ChoiceField(
                label=_("Place on the result chain"),
                choices=step_choices,
                required=False,
                initial=initial.get("chain_step", ""),
            )
            self.fields[f"result_{index}_text"] = forms.CharField(
                label=_("Result"),
                required=False,
                max_length=RESULT_MAX_CHARS,
                widget=_textarea(3),
                initial=initial.get("text", ""),
            )
            self.fields[f"result_{index}_work"] = forms.TypedChoiceField(
                label=_("Improvement work"),
                choices=work_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=initial.get("work") or "",
            )

    def clean(self):
        data = super().clean()
        for index in range(self.row_count):
            text = (data.get(f"result_{index}_text") or "").strip()
            work = data.get(f"result_{index}_work")
            if (text or work is not None) and not data.get(f"result_{index}_step"):
                self.add_error(
                    f"result_{index}_step", _("Choose the result's place on the result chain.")
                )
        return data

    @property
    def result_rows(self) -> list[tuple]:
        """(step, text, work) bound fields of each row, for the template."""
        return [
            (
                index + 1,
                self[f"result_{index}_step"],
                self[f"result_{index}_text"],
                self[f"result_{index}_work"],
            )
            for index in range(self.row_count)
        ]

    def texts(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name) or ""
            for name in ("aims", "organisation_of_work", "lessons", "advice")
        }

    def results(self) -> list[dict]:
        return [
            {
                "chain_step": self.cleaned_data.get(f"result_{index}_step") or "",
                "text": (self.cleaned_data.get(f"result_{index}_text") or "").strip(),
                "work": self.cleaned_data.get(f"result_{index}_work"),
            }
            for index in range(self.row_count)
        ]

    def willing(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("willing_to_mentor"))

    def expected_revision(self) -> int | None:
        overwrite = self.cleaned_data.get("overwrite_revision")
        return overwrite if overwrite is not None else self.cleaned_data.get("revision")


class ResultReportCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ResultReportReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        help_text=_("The organisation and the history see it."),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResultReportDueForm(forms.Form):
    """The due dates of the round's result reports, one per year (empty: none set)."""

    due_1 = forms.DateField(
        label=_("Due, year one"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_2 = forms.DateField(
        label=_("Due, year two"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def dues(self) -> dict[int, object]:
        return {1: self.cleaned_data.get("due_1"), 2: self.cleaned_data.get("due_2")}

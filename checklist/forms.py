from django import forms
from django.utils.translation import gettext_lazy as _

from checklist.models import ChecklistVersion


class AssessmentForm(forms.Form):
    """The whole checklist on one page: a score and a comment per item.

    `revision` carries the revision the page was loaded with, so that a save made on stale data
    is noticed; `overwrite_revision` is sent only when the user chose to keep their answers
    over someone else's newer ones.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    overwrite_revision = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, items, scale_steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        choices = [(step.value, f"{step.value} – {step.label}") for step in scale_steps]
        for item in self.items:
            self.fields[f"score_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{item.number}"] = forms.CharField(
                label=_("Comment on item %(number)s") % {"number": item.number},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict[int, int | None]:
        return {i.number: self.cleaned_data.get(f"score_{i.number}") for i in self.items}

    def comments(self) -> dict[int, str]:
        return {i.number: self.cleaned_data.get(f"comment_{i.number}", "") for i in self.items}

    def expected_revision(self) -> int:
        overwrite = self.cleaned_data.get("overwrite_revision")
        return self.cleaned_data["revision"] if overwrite is None else overwrite


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it reopened?"),
        help_text=_("The history of the self-assessment shows the reason."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    item = forms.TypedChoiceField(
        label=_("On"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("the whole self-assessment"))] + [
            (item.number, _("item %(number)s") % {"number": item.number}) for item in items
        ]


class ChecklistVersionForm(forms.ModelForm):
    class Meta:
        model = ChecklistVersion
        fields = ["slug", "name_sv", "name_en", "level", "scale_min", "scale_max"]


class ScaleStepForm(forms.Form):
    value = forms.IntegerField(label=_("Score"), min_value=0, max_value=20)
    label_sv = forms.CharField(label=_("Label (Swedish)"), max_length=200)
    label_en = forms.CharField(label=_("Label (English)"), max_length=200, required=False)


class ItemForm(forms.Form):
    part_sv = forms.CharField(label=_("Part (Swedish)"), max_length=200, required=False)
    part_en = forms.CharField(label=_("Part (English)"), max_length=200, required=False)
    text_sv = forms.CharField(
        label=_("Text (Swedish)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    text_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    guidance_sv = forms.CharField(
        label=_("Guidance (Swedish)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )
    guidance_en = forms.CharField(
        label=_("Guidance (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )


# Empty extra rows let a version grow without scripts; ticking "delete" removes a row. A posted
# form count beyond `absolute_max` builds no more rows than that and is refused with the
# formset's error, so a forged management form cannot make the page build thousands of rows.
ScaleStepFormSet = forms.formset_factory(
    ScaleStepForm, extra=2, max_num=21, absolute_max=21 + 2, validate_max=True, can_delete=True
)
ItemFormSet = forms.formset_factory(
    ItemForm, extra=3, max_num=60, absolute_max=60 + 3, validate_max=True, can_delete=True
)


class RoundChecklistForm(forms.Form):
    """The round's checklist at a level: the organisation-wide one (required), or the
    committee/department one (empty: none)."""

    level = forms.ChoiceField(
        label=_("Level"),
        choices=ChecklistVersion.Level.choices,
        initial=ChecklistVersion.Level.ORGANISATION,
        required=False,
    )
    version = forms.ModelChoiceField(
        label=_("Checklist version"), queryset=ChecklistVersion.objects.all(), required=False
    )

    def clean(self):
        data = super().clean()
        data["level"] = data.get("level") or ChecklistVersion.Level.ORGANISATION
        if data["level"] == ChecklistVersion.Level.ORGANISATION and not data.get("version"):
            self.add_error("version", _("Choose a checklist version."))
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from modellkoncept.forms import BoundedModelChoiceField, BoundedModelMultipleChoiceField
from modellkoncept.validators import validate_programme_year
from participants.models import Function, Organisation, Participation
from rounds.models import BenchmarkingGroup, Meeting, Round


class DaysField(forms.CharField):
    """Whole numbers of days, written "7, 2"."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value.strip():
            return []
        try:
            days = sorted(
                {int(part) for part in value.replace(";", ",").split(",") if part.strip()},
                reverse=True,
            )
        except ValueError:
            raise forms.ValidationError(
                _("Write whole numbers of days separated by commas, like “7, 2”.")
            ) from None
        if any(not 0 < day <= 60 for day in days):
            raise forms.ValidationError(_("Give whole numbers of days between 1 and 60."))
        return days

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(day) for day in value)
        return value


class LinesField(forms.CharField):
    """A list of texts, one a line (empty lines left out)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, max_line_length: int = 200, **kwargs):
        self.max_line_length = max_line_length
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        if any(len(line) > self.max_line_length for line in lines):
            raise forms.ValidationError(_("Give each theme as a line of at most 200 characters."))
        return lines

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value


class RoundForm(forms.ModelForm):
    reminder_days = DaysField(
        label=_("Reminders, days before a self-assessment is due"),
        help_text=_(
            "For example “7, 2”: strategists who have not submitted are reminded a week "
            "and two days before."
        ),
        required=False,
    )

    year_two_themes = LinesField(
        label=_("Themes of year two's learning meetings"),
        help_text=_(
            "One theme a line, in the order of the learning meetings of year two. The default "
            "schedule gives them to those meetings; without them they have no theme."
        ),
        required=False,
    )

    class Meta:
        model = Round
        fields = [
            "name",
            "slug",
            "kind",
            "starts_on",
            "ends_on",
            "current_year",
            "year_two_themes",
            "checklist_version",
            "description",
            "accepts_applications",
            "application_deadline",
            "decision_by",
            "reminder_days",
            "meeting_notice_days",
            "contacts",
        ]
        widgets = {
            "contacts": forms.CheckboxSelectMultiple,
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "application_deadline": forms.DateInput(attrs={"type": "date"}),
            "decision_by": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on", "application_deadline", "decision_by"):
            self.fields[name].validators.append(validate_programme_year)
        if self.instance.pk:
            # The address and the instrument are fixed once the round exists (the checklist is
            # chosen on the round page, while no assessment uses it).
            del self.fields["slug"]
            del self.fields["checklist_version"]


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(
        label=Meeting._meta.get_field("online_url").verbose_name,
        required=False,
        assume_scheme="https",
    )
    audience = forms.MultipleChoiceField(
        label=_("Invited functions"),
        choices=Function.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Who is invited, expected and counted at the meeting. Leave all unticked for the "
            "default of its kind: the strategists and key persons for a strategist meeting, "
            "every function for the others."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "number",
            "theme",
            "group",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "host",
            "assessment_due",
            "year",
            "assessment_opens_on",
            "audience",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "assessment_opens_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        if not self.instance.pk:  # a new meeting belongs to the year the round is in
            self.initial.setdefault("year", round.current_year)
        self.fields["group"].queryset = BenchmarkingGroup.objects.filter(round=round)
        self.fields["group"].empty_label = _("the whole round")
        self.fields["host"].queryset = Organisation.objects.filter(
            participations__round=round, participations__role=Participation.Role.PARTICIPANT
        ).order_by("name")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        for name in ("starts_at", "ends_at", "assessment_opens_on"):
            self.fields[name].validators.append(validate_programme_year)
        if self.instance.pk:
            self.initial["audience"] = self.instance.invited_functions

    def clean(self):
        cleaned = super().clean()
        starts = cleaned.get("starts_at")
        moving = self.instance.pk and "starts_at" in self.changed_data
        if moving and starts and "ends_at" not in self.changed_data:
            # Moving the start alone moves the end by as much: the meeting keeps its length.
            cleaned["ends_at"] = self.instance.ends_at + (starts - self.instance.starts_at)
        if not cleaned.get("year"):  # left out: as it was, or the round's year
            cleaned["year"] = self.instance.year if self.instance.pk else self.round.current_year
        # That it ends after it starts is the model's own check (`Meeting.clean`): said once.
        return cleaned


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    theme = forms.CharField(
        label=_("Theme or track"),
        max_length=200,
        required=False,
        help_text=_("For example “Folkhälsa och social hållbarhet”."),
    )
    members = BoundedModelMultipleChoiceField(
        label=_("Members"),
        queryset=Participation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Groups have two or three organisations."),
    )

    def __init__(self, *args, round, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        free = round.participations.filter(
            role=Participation.Role.PARTICIPANT, withdrawn_on__isnull=True
        ).select_related("organisation", "group")
        self.fields["members"].queryset = free.order_by("organisation__name")
        self.fields["members"].label_from_instance = lambda p: (
            f"{p.organisation.name} ({p.group.name})"
            if p.group_id and p.group != group
            else p.organisation.name
        )

    def clean_members(self):
        members = self.cleaned_data["members"]
        if len(members) == 1:
            raise forms.ValidationError(_("A benchmarking group needs at least two organisations."))
        return members


class MentorAddForm(forms.Form):
    organisation = BoundedModelChoiceField(
        label=_("Mentor organisation"), queryset=Organisation.objects.order_by("name")
    )
    is_primary = forms.TypedChoiceField(
        label=_("Role"),
        choices=[("1", _("primary mentor")), ("0", _("supporting mentor"))],
        coerce=lambda value: value == "1",
        initial="1",
    )


class MentorSetForm(forms.Form):
    """The mentor set by hand on the proposal page, named by its organisation code (a code
    with a NUL character in it is refused here, before it reaches a query)."""

    organisation = forms.ModelChoiceField(
        label=_("Mentor organisation"), queryset=Organisation.objects.all(), to_field_name="code"
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the round, for whoever wonders later."),
    )

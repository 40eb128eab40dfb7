from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modellkoncept.validators import validate_programme_year
from participants.models import Application, Function, ImprovementWork, Organisation
from rounds.models import Meeting


class PersonInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    functions = forms.MultipleChoiceField(
        label=_("Functions"),
        choices=Function.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every participant needs a politician, a manager and a strategist."),
    )


class PersonForm(forms.Form):
    """Correct a person's name, address and functions for one organisation."""

    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    functions = forms.MultipleChoiceField(
        label=_("Functions"),
        choices=Function.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "county_code", "county_name", "latitude", "longitude"]
        help_texts = {
            "latitude": _("Decimal degrees, such as 65.58415; used to propose groups and mentors."),
            "longitude": _("Decimal degrees, such as 22.15465."),
        }


class SetPasswordForm(forms.Form):
    """Choose a password when accepting an invitation."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, person=None, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        if second:
            password_validation.validate_password(second, self.person)
        return second


class ImprovementWorkForm(forms.ModelForm):
    class Meta:
        model = ImprovementWork
        fields = ["title", "description", "phase", "chain_step", "level", "origin_meeting"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "level" not in (kwargs.get("initial") or {}):
            # New work starts at the level of the round's year: committee level in year two.
            self.initial["level"] = participation.round.default_level
        # Only the meetings of the organisation's own schedule.
        self.fields["origin_meeting"].queryset = Meeting.objects.filter(
            round_id=participation.round_id
        ).filter(Q(group__isnull=True) | Q(group_id=participation.group_id))


class ProgressNoteForm(forms.Form):
    noted_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_programme_year],
    )
    text = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplicationForm(forms.ModelForm):
    """The public expression of interest for a round."""

    class Meta:
        model = Application
        fields = [
            "organisation",
            "organisation_name",
            "contact_name",
            "contact_email",
            "contact_phone",
            "decision_on",
            "decision_kind",
            "politician_name",
            "politician_email",
            "manager_name",
            "manager_email",
            "strategist_name",
            "strategist_email",
            "willing_to_mentor",
            "message",
        ]
        widgets = {
            "decision_on": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 4}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }
        help_texts = {
            "decision_on": _(
                "Taking part requires a political decision on gender mainstreaming, for example "
                "a signed CEMR declaration."
            ),
            "willing_to_mentor": _(
                "Organisations that have completed a round mentor the groups of later rounds."
            ),
        }

    # A honeypot: hidden from people (and from screen readers and the keyboard), filled in by
    # the robots that post the form wherever they find one.
    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = _("– not in the list –")
        self.fields["organisation"].label = _("Municipality, region or federation")
        self.fields["decision_on"].validators.append(validate_programme_year)

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.cleaned_data.get("leave_empty"))

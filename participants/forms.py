from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modellkoncept.validators import validate_programme_year
from participants.models import (
    Application,
    Function,
    ImprovementWork,
    Organisation,
    Participation,
)
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


class MomentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.text}"


class ImprovementWorkForm(forms.ModelForm):
    # Not among Meta.fields: the moments are set by their own service after the work's fields.
    moments = MomentChoiceField(
        label=_("Checklist moments"),
        queryset=ImprovementWork.moments.field.related_model.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The moments of the checklist the work is meant to move."),
    )

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
        # The moments of the round's checklist.
        self.fields[
            "moments"
        ].queryset = ImprovementWork.moments.field.related_model.objects.filter(
            version_id=participation.round.checklist_version_id
        ).order_by("number")
        if self.instance.pk:
            self.initial["moments"] = list(self.instance.moments.values_list("pk", flat=True))


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
            "decision_reference",
            "anchoring",
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
            "anchoring": forms.Textarea(attrs={"rows": 3}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }
        help_texts = {
            "decision_on": _(
                "Taking part requires a political decision on gender mainstreaming, for example "
                "a signed CEMR declaration. Give its date, or a reference below."
            ),
            "anchoring": _(
                "Who in the management decided that your organisation applies, and when: for "
                "example “the municipal executive board, 12 March”."
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
        # SKR asks how the application is anchored in the management (FAQ, 2019).
        self.fields["anchoring"].required = True

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.cleaned_data.get("leave_empty"))


class ApplicationAcceptForm(forms.Form):
    """Accepting an application that breaks one of the round's rules takes a reason; the
    problems are shown beside the field."""

    override_reason = forms.CharField(
        label=_("Why accept it anyway"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the round's history with the decision."),
    )

    def __init__(self, *args, problems: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.problems = problems
        self.fields["override_reason"].required = bool(problems)

    def clean_override_reason(self):
        return self.cleaned_data["override_reason"].strip()


class ApplicationDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the applicant"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The contact person reads it in the e-mail telling them of the decision."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write why the application is declined."))
        return reason


class ParticipationFeeForm(forms.Form):
    """One organisation's fee on the round's fee page."""

    fee = forms.IntegerField(
        label=Participation._meta.get_field("fee").verbose_name,
        min_value=0,
        max_value=100_000_000,
        required=False,
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
    )
    fee_invoiced = forms.BooleanField(
        label=Participation._meta.get_field("fee_invoiced").verbose_name, required=False
    )

    def __init__(self, *args, participation: Participation, **kwargs):
        kwargs.setdefault(
            "initial", {"fee": participation.fee, "fee_invoiced": participation.fee_invoiced}
        )
        super().__init__(*args, prefix=f"p{participation.pk}", **kwargs)
        self.participation = participation

    def clean(self):
        data = super().clean()
        if data.get("fee_invoiced") and data.get("fee") is None and "fee" not in self.errors:
            self.add_error("fee", _("Give the fee before marking it invoiced."))
        return data


class WithdrawForm(forms.Form):
    """A participation withdrawn from its round, on a day and for a reason."""

    withdrawn_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_programme_year],
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SharingForm(forms.Form):
    """How widely the organisation shares an improvement work."""

    sharing = forms.ChoiceField(
        label=_("Share the work with"),
        choices=ImprovementWork.Sharing.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The group sees the work at learning meeting 2 (benchmarking improvement work). "
            "The whole programme (every participant and mentor, in any round, in the library of "
            "good examples) sees it once a project leader has approved it. Sharing less takes "
            "effect at once."
        ),
    )


class ApprovalForm(forms.Form):
    """A project leader approves a work for the programme, or withdraws the approval."""

    APPROVE, WITHDRAW = "approve", "withdraw"
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (WITHDRAW, _("Withdraw the approval"))]
    )


class LibraryFilterForm(forms.Form):
    """The library's search and filters (a GET form); the choices come from the library."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    chain_step = forms.ChoiceField(label=_("Place on the result chain"), required=False)
    moment = forms.TypedChoiceField(
        label=_("Checklist moment"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=_("Kind of organisation"), required=False)
    round = forms.ChoiceField(label=_("Round"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["chain_step"].choices = every + [
            (value, str(label).capitalize()) for value, label in choices["chain_steps"]
        ]
        self.fields["moment"].choices = every + [
            (version, [(str(pk), text) for pk, text in items])
            for version, items in choices["moments"]
        ]
        self.fields["kind"].choices = every + [
            (value, str(label).capitalize()) for value, label in choices["kinds"]
        ]
        self.fields["round"].choices = every + list(choices["rounds"])
        self.fields["year"].choices = every + [(str(y), str(y)) for y in choices["years"]]

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from modellkoncept.queue import enqueue_on_commit


class SignInForm(AuthenticationForm):
    """Sign-in with the e-mail address, in whatever case it is typed."""

    username = forms.EmailField(
        label=_("E-mail address"),
        # As long as an address can be (RFC 5321); a longer one is refused here, before
        # django-axes records the failed attempt in its 255 characters.
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class QueuedPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the e-mail sent by a task after the response rather than inside
    the request: an address with an account and one without take the same time to answer."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        domain = domain_override or (request.get_host() if request else "")
        enqueue_on_commit(
            "accounts.tasks.send_password_reset",
            self.cleaned_data["email"],
            domain,
            use_https,
            translation.get_language() or "sv",
        )


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ["email", "full_name", "is_project_leader"]
        field_classes: dict = {}


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes: dict = {}

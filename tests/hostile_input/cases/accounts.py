"""The form cases of accounts, and the language switch."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import strategies as st

from accounts.models import User
from participants.models import Invitation
from tests.accounts.factories import PASSWORD
from tests.hostile import field as either
from tests.hostile import form as post_data
from tests.hostile import hostile_emails, hostile_text, hostile_urls, valid
from tests.hostile_input.harness import Post, anything, form_case

# accounts


@form_case("sign-in", "accounts:login", user=None, writes=(User,))
def _sign_in(w, draw):
    data = draw(
        post_data(
            {
                "username": either(
                    valid("pl@skr.se", "STRATEG@aby.se", "nobody@x.se"), hostile_emails()
                ),
                "password": either(valid(PASSWORD, "wrong"), hostile_text()),
            }
        )
    )
    return Post(reverse("accounts:login"), data)


@form_case("sign-out", "accounts:logout", user="strategist_a1")
def _sign_out(w, draw):
    return Post(reverse("accounts:logout"), draw(anything()))


@form_case("password reset", "accounts:password_reset", user=None)
def _password_reset(w, draw):
    data = draw(post_data({"email": either(valid("strateg@aby.se", "x@y.se"), hostile_emails())}))
    return Post(reverse("accounts:password_reset"), data)


@form_case(
    "password reset: new password", "accounts:password_reset_confirm", user=None, writes=(User,)
)
def _password_reset_confirm(w, draw):
    person = w.strategist_a1
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    link = reverse("accounts:password_reset_confirm", args=[uid, token])
    password = draw(st.one_of(valid("Ny-Jämställd-2027!"), hostile_text()))
    second = draw(st.one_of(st.just(password), hostile_text()))
    data = draw(
        post_data(
            {
                "new_password1": either(st.just(password), hostile_text()),
                "new_password2": either(st.just(second), hostile_text()),
            }
        )
    )
    set_password = reverse("accounts:password_reset_confirm", args=[uid, "set-password"])
    return Post(set_password, data, prepare=lambda client: client.get(link))


@form_case("calendar settings", "accounts:calendar", user="strategist_a1", writes=(User,))
def _calendar(w, draw):
    data = draw(post_data({"action": either(valid("revoke", "reset"), hostile_text())}))
    return Post(reverse("accounts:calendar"), data)


@form_case("person erase", "accounts:person_erase", user="leader", writes=(User, Invitation))
def _person_erase(w, draw):
    person = draw(st.sampled_from([w.strategist_a2, w.outsider, w.invited, w.leader]))
    data = draw(post_data({"confirm": either(valid("erase"), hostile_text())}))
    return Post(reverse("accounts:person_erase", args=[person.pk]), data)


@form_case("language", "set_language", user=None)
def _set_language(w, draw):
    data = draw(
        post_data(
            {
                "language": either(valid("sv", "en"), hostile_text()),
                "next": either(valid("/", "/about/"), hostile_urls()),
            }
        )
    )
    return Post(reverse("set_language"), data)

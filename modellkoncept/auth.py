"""Sign-in protection."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out for every sign-in made through a request (the sign-in page, the
    admin). An authentication without a request, from the shell or a test, has no address to
    key the lock-out on; Axes would refuse it outright, so it is left to the next backend."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_username(request, credentials) -> str:
    """The account a failed sign-in was for, as stored: e-mail addresses in lower case, so
    that “Eva@…” and “eva@…” count as the same account."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()

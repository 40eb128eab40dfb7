from django.conf import settings
from django.http import Http404


class PermissionsPolicyMiddleware:
    """Turn off the browser features the site never uses (camera, microphone, location …),
    so that nothing injected into a page could use them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NulInPathMiddleware:
    """A path with a NUL character in it names nothing: answer “not found” (the site's 404
    page) before a view passes a segment such as an organisation code or a calendar key to a
    query, which PostgreSQL refuses with an error (a 500).

    Values in the query string and in posted forms are left to the forms, whose fields refuse
    NUL characters with an error beside the field; the few views that read a parameter
    themselves check it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        return self.get_response(request)


class PrivatePagesMiddleware:
    """A signed-in person's pages are theirs: no shared cache (a proxy) may keep them, and the
    browser keeps no copy on disk to be shown after signing out, as the downloads already do.
    A response that says how it may be kept (a calendar feed, say) keeps its own header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Cache-Control")
        ):
            response["Cache-Control"] = "private, no-store"
        return response

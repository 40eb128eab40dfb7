from django.conf import settings


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

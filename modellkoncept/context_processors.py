from django.utils.functional import SimpleLazyObject

from modellkoncept.policy import standing


def navigation(request):
    """The user's standing, for navigation by role; read only when a template asks."""
    user = getattr(request, "user", None)
    return {"standing": SimpleLazyObject(lambda: standing(user))}

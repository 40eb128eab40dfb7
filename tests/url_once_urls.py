"""A URLconf of its own for `tests/test_url_once.py`: the rounds' addresses elsewhere."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("rounds.urls"))]

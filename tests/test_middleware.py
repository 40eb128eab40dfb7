"""The site's own middleware (modellkoncept/middleware.py)."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from modellkoncept.middleware import PrivatePagesMiddleware

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/rounds/omgang-a/organisations/%00/",  # a <str:code> segment
        "/reports/rounds/omgang-a/organisations/91%0001/",
        "/calendar/%00.ics",  # public: no sign-in
        "/%00",
        "/rounds/omgang-a/%00/",
    ],
)
@pytest.mark.parametrize("who", ["leader", None])
def test_a_nul_character_in_the_path_is_the_sites_page_not_found(world, path, who):
    client = Client(headers={"accept-language": "en"})
    if who:
        client.force_login(getattr(world, who))

    response = client.get(path)

    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    assert "Page not found" in response.content.decode()


def test_a_path_without_nul_is_served_as_before(client, world):
    client.force_login(world.leader)

    assert client.get("/rounds/omgang-a/organisations/9101/").status_code == 200
    assert client.get("/rounds/omgang-a/organisations/%2500/").status_code == 404  # "%00"


# Signed-in pages are kept by no cache


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("leader", "/"),
        ("leader", "/rounds/omgang-a/"),
        ("leader", "/rounds/omgang-a/organisations/9101/"),
        ("strategist_a1", "/rounds/omgang-a/organisations/9101/"),
        ("mentor_m1", "/"),
    ],
)
def test_a_signed_in_page_is_private_and_not_stored(world, who, path):
    client = Client()
    client.force_login(getattr(world, who))

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "private, no-store"


def test_a_page_served_again_from_the_page_cache_is_still_not_stored(world):
    client = Client()
    client.force_login(world.leader)
    client.get("/rounds/omgang-a/")

    again = client.get("/rounds/omgang-a/")

    assert again["Cache-Control"] == "private, no-store"


def test_a_signed_in_persons_error_page_is_not_stored_either(world):
    client = Client()
    client.force_login(world.strategist_a1)

    response = client.get("/rounds/omgang-b/")

    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_a_page_for_everyone_signed_out_is_left_as_it_was(world):
    response = Client().get("/apply/")

    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_a_response_that_says_how_it_is_kept_keeps_its_header(world):
    def view(request):
        response = HttpResponse("<p>kept a quarter</p>")
        response["Cache-Control"] = "private, max-age=900"
        return response

    request = RequestFactory().get("/")
    request.user = world.leader

    response = PrivatePagesMiddleware(view)(request)

    assert response["Cache-Control"] == "private, max-age=900"

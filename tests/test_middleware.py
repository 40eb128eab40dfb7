"""The site's own middleware (modellkoncept/middleware.py)."""

import pytest
from django.test import Client

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

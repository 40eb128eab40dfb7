"""A politician's or manager's start page points to the self-assessments their organisation
submitted lately, for them to read and comment on; a comment shows its author's function."""

import pytest
from django.urls import reverse

from checklist import services as checklist_services
from tests.participants.test_views import main_of

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _submit_aby(world):
    checklist_services.assessment_save(
        assessment=world.draft_a1, scores=dict.fromkeys(range(1, 11), 2)
    )
    return checklist_services.assessment_submit(assessment=world.draft_a1, by=world.strategist_a1)


def test_a_politician_is_pointed_to_a_newly_submitted_assessment_until_commenting(client, world):
    client.force_login(world.politician_a1)
    assert "Newly submitted" not in main_of(client.get("/", **EN).text)

    assessment = _submit_aby(world)

    html = main_of(client.get("/", **EN).text)
    assert "Newly submitted: read and comment" in html
    assert reverse("checklist:assessment", kwargs={"pk": assessment.pk}) in html
    # The strategist who submitted it is not a reader of it.
    client.force_login(world.strategist_a2)
    assert "Newly submitted" not in main_of(client.get("/", **EN).text)

    checklist_services.remark_add(
        assessment=assessment, author=world.politician_a1, text="Bra, men punkt 6?"
    )
    client.force_login(world.politician_a1)
    assert "Newly submitted" not in main_of(client.get("/", **EN).text)


def test_a_comment_shows_its_authors_function(client, world):
    assessment = _submit_aby(world)
    checklist_services.remark_add(
        assessment=assessment, author=world.manager_a1, text="Vi tar det i ledningsgruppen."
    )
    client.force_login(world.strategist_a1)

    html = main_of(
        client.get(reverse("checklist:assessment", kwargs={"pk": assessment.pk}), **EN).text
    )

    assert "<strong>Cecilia Chef</strong>, manager" in html

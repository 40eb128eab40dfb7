"""The pages around checklist files: upload (preview, then import), download, and the parts and
guidance labels on the version's and the assessment's pages."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from checklist import document as checklist_document
from checklist import services
from checklist.models import ChecklistVersion
from participants import services as participant_services
from rounds import services as round_services
from rounds.models import Meeting
from tests.checklist.test_document import four_step_document
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("checklist:version_import")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _upload(document, name="prov.json"):
    return SimpleUploadedFile(
        name, json.dumps(document, ensure_ascii=False).encode(), content_type="application/json"
    )


def test_a_project_leader_checks_then_imports_a_checklist_file(client, leader):
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    preview = client.post(IMPORT_URL, {"file": _upload(four_step_document())})

    assert preview.status_code == 200
    assert not ChecklistVersion.objects.filter(slug="prov-1-4").exists()
    html = preview.content.decode()
    assert "Provchecklista (1–4)" in html
    assert '<h4 class="h6 mt-3">Del A</h4>' in html
    digest = preview.context["digest"]

    done = client.post(IMPORT_URL, {"confirm": "1", "digest": digest})

    assert done.status_code == 302
    assert done["Location"] == reverse("checklist:version", kwargs={"slug": "prov-1-4"})
    version = ChecklistVersion.objects.get(slug="prov-1-4")
    assert checklist_document.export_document(version) == four_step_document()


def test_a_bad_file_lists_every_problem_with_its_path_and_saves_nothing(client, leader):
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    document = four_step_document()
    document["items"][2]["part"] = "analys"
    document["parts"][0]["colour"] = "red"

    response = client.post(IMPORT_URL, {"file": _upload(document, "fel.json")})

    assert response.status_code == 422
    assert response.context["problems"] == [
        "$.parts[0].colour: The format has no key “colour” here.",
    ]
    assert "fel.json has a problem. Nothing is saved." in response.content.decode()
    document["parts"][0].pop("colour")
    response = client.post(IMPORT_URL, {"file": _upload(document, "fel.json")})
    assert response.context["problems"] == [
        "$.items[2].part: “analys” is not the key of one of $.parts.",
    ]
    assert not ChecklistVersion.objects.filter(slug="prov-1-4").exists()


def test_a_confirmation_without_the_checked_file_imports_nothing(client, leader):
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(IMPORT_URL, {"confirm": "1", "digest": "0" * 64})

    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    assert not ChecklistVersion.objects.filter(slug="prov-1-4").exists()


def test_a_file_imported_meanwhile_under_the_same_name_is_refused_at_confirmation(client, leader):
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    preview = client.post(IMPORT_URL, {"file": _upload(four_step_document())})
    checklist_document.import_document(four_step_document())

    response = client.post(IMPORT_URL, {"confirm": "1", "digest": preview.context["digest"]})

    assert response.status_code == 422
    assert response.context["problems"][0].startswith(
        "$.slug: A checklist version with the short name “prov-1-4” exists already."
    )
    assert ChecklistVersion.objects.filter(slug="prov-1-4").count() == 1


def test_a_project_leader_downloads_a_version_as_a_file(client, leader):
    checklist_document.import_document(four_step_document())
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.get(reverse("checklist:version_export", kwargs={"slug": "prov-1-4"}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="prov-1-4.json"'
    assert response.content.decode() == checklist_document.document_to_json(four_step_document())


def test_the_version_page_shows_parts_as_headings_and_labels_the_sites_help(client, leader):
    checklist_document.import_document(four_step_document())
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    html = client.get(reverse("checklist:version", kwargs={"slug": "prov-1-4"})).content.decode()
    assert '<h3 class="h5 mt-3">Part A</h3>' in html
    assert html.index("Part A") < html.index("Item one") < html.index("Del B")
    assert "Guidance:" in html
    assert "Help from this site:" not in html

    classic = client.get(reverse("checklist:version", kwargs={"slug": "skr-10-1-3"}))
    html = classic.content.decode()
    assert html.count("Help from this site:") == 10
    assert "Guidance:" not in html


def _assessment_with_parts():
    version = checklist_document.import_document(four_step_document())
    round_ = round_services.round_create(
        name="Omgång P",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        checklist_version=version,
    )
    participation = participant_services.participation_add(
        round=round_, organisation=OrganisationFactory(code="9301", name="Pby")
    )
    start = timezone.now() + dt.timedelta(days=10)
    meeting = round_services.meeting_create(
        round=round_,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=1,
        title="LT1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    return services.assessment_start(participation=participation, meeting=meeting)


def test_the_assessment_page_shows_the_parts_as_headings(client, leader):
    assessment = _assessment_with_parts()
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    html = client.get(
        reverse("checklist:assessment", kwargs={"pk": assessment.pk})
    ).content.decode()

    assert '<h2 class="h4 mt-4 checklist-part">Part A</h2>' in html
    assert '<h2 class="h4 mt-4 checklist-part">Del B</h2>' in html
    assert html.count("checklist-part") == 2  # one heading per run of items, none for item 4
    assert html.index("Part A") < html.index("Item two") < html.index("Del B")
    assert html.index("Del B") < html.index("Moment tre")
    assert "Guidance two" in html
    assert "Help from this site" not in html


def test_the_classic_assessment_labels_its_guidance_as_the_sites_help(client, world):
    client.force_login(world.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    url = reverse("checklist:assessment", kwargs={"pk": world.draft_a1.pk})
    html = client.get(url).content.decode()

    assert html.count("Help from this site") == 10
    assert "<summary>Guidance" not in html
    assert "checklist-part" not in html


def test_the_swedish_pages_call_the_items_moment(client, leader):
    client.force_login(leader)
    with translation.override("sv"):
        html = client.get(
            reverse("checklist:version", kwargs={"slug": "skr-10-1-3"}), HTTP_ACCEPT_LANGUAGE="sv"
        ).content.decode()
    assert "<h2>Moment</h2>" in html
    assert "Punkter" not in html
    assert "Webbplatsens hjälptext:" in html

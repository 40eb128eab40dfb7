"""Meeting material and the programme library: files checked by their content, the agenda
sanitised, and who may upload, read and download."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from modellkoncept.errors import DomainError
from rounds import material, services
from rounds.models import DocumentKind, MeetingMaterial, ProgrammeDocument, Round
from tests.rounds import documents

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def hosted(world):
    """GA1's first learning meeting, hosted by A1."""
    services.meeting_update(meeting=world.meeting_ga1, host=world.a1.organisation)
    world.meeting_ga1.refresh_from_db()
    return world


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _material_url(w):
    return reverse("rounds:meeting_material", args=["omgang-a", w.meeting_ga1.pk])


# What a file is, from its content


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (documents.pdf(), DocumentKind.PDF),
        (documents.ooxml("docx"), DocumentKind.WORD),
        (documents.ooxml("pptx"), DocumentKind.POWERPOINT),
        (documents.xlsx(), DocumentKind.EXCEL),
    ],
)
def test_documents_are_known_by_their_content(data, kind):
    assert material.document_kind(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        documents.executable(),
        documents.html(),
        documents.plain_zip(),
        documents.ooxml("docm"),  # macros
        documents.zip_bomb(),
        b"PK\x03\x04" + b"\x00" * 100,
        b"",
    ],
    ids=["exe", "html", "zip", "macros", "zip-bomb", "broken-zip", "empty"],
)
def test_anything_else_is_refused_whatever_its_name(data):
    with pytest.raises(DomainError):
        material.check_upload(_upload("dagordning.pdf", data))


def test_the_name_kept_has_the_extension_of_the_content():
    checked = material.check_upload(_upload("../../etc/Presentation\x00.pdf", documents.xlsx()))

    assert checked.file_name == "Presentation.xlsx"
    assert checked.kind == DocumentKind.EXCEL


def test_a_file_over_the_limit_is_refused(settings):
    settings.MATERIAL_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(DomainError, match="högst 1000"):
        material.check_upload(_upload("stor.pdf", documents.pdf() + b" " * 1000))


def test_the_agenda_keeps_the_small_tag_set_only():
    dirty = (
        '<h3>Dagordning</h3><p onclick="x()">Välkomna <strong>alla</strong></p>'
        '<script>alert(1)</script><a href="javascript:alert(1)">klick</a>'
        '<a href="https://skr.se">SKR</a><img src=x onerror=alert(1)><iframe></iframe>'
    )

    clean = material.clean_agenda(dirty)

    assert "<h3>Dagordning</h3>" in clean
    assert "<p>Välkomna <strong>alla</strong></p>" in clean
    assert '<a href="https://skr.se" rel="noopener noreferrer">SKR</a>' in clean
    for bad in ("script", "onclick", "javascript", "img", "onerror", "iframe"):
        assert bad not in clean


def test_a_plain_text_agenda_becomes_paragraphs():
    assert material.clean_agenda("9.00 Välkomna\n\n10.00 <Fika> & prat") == (
        "<p>9.00 Välkomna</p>\n\n<p>10.00 &lt;Fika&gt; &amp; prat</p>"
    )


# The services


def test_material_is_stored_with_its_checksum(hosted):
    data = documents.ooxml("pptx")
    added = material.meeting_material_add(
        meeting=hosted.meeting_ga1,
        title="Bildspel",
        upload=_upload("bilder.pptx", data),
        by=hosted.strategist_a1,
    )

    row = MeetingMaterial.objects.get(pk=added.pk)
    assert (row.title, row.file_name, row.kind, row.size) == (
        "Bildspel",
        "bilder.pptx",
        "pptx",
        len(data),
    )
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    with row.file.open("rb") as stored:
        assert stored.read() == data
    assert "bilder" not in row.file.name  # stored under a random name


def test_a_completed_round_keeps_its_material_as_it_is(hosted):
    material.meeting_material_add(
        meeting=hosted.meeting_ga1, title="", upload=_upload("a.pdf", documents.pdf())
    )
    Round.objects.filter(pk=hosted.round_a.pk).update(status=Round.Status.COMPLETED)
    hosted.meeting_ga1.refresh_from_db()

    with pytest.raises(DomainError, match="är avslutad"):
        material.meeting_agenda_set(meeting=hosted.meeting_ga1, agenda="Ny")
    assert MeetingMaterial.objects.filter(meeting=hosted.meeting_ga1).count() == 1


# The pages


def test_the_host_uploads_and_a_group_peer_downloads(client, hosted):
    client.force_login(hosted.strategist_a1)
    response = client.post(
        _material_url(hosted), {"form": "agenda", "agenda": "<p>Välkomna</p><script>x</script>"}
    )
    assert response.status_code == 302
    data = documents.pdf("Gruppens underlag")
    response = client.post(
        _material_url(hosted),
        {"form": "upload", "title": "Underlag", "file": _upload("underlag.pdf", data)},
    )
    assert response.status_code == 302
    document = MeetingMaterial.objects.get(meeting=hosted.meeting_ga1)

    client.force_login(hosted.strategist_a2)
    page = client.get(reverse("rounds:meeting_detail", args=["omgang-a", hosted.meeting_ga1.pk]))
    html = page.content.decode()
    assert "<p>Välkomna</p>" in html
    assert "<script>x</script>" not in html
    assert document.download_url in html
    assert f"'{_material_url(hosted)}'" not in html.replace('"', "'")  # A2 hosts not
    download = client.get(document.download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Disposition"] == 'attachment; filename="underlag.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Type"] == "application/pdf"

    assert client.get(_material_url(hosted)).status_code == 403
    client.force_login(hosted.strategist_a3)  # another group
    assert client.get(document.download_url).status_code == 404


def test_a_refused_upload_is_shown_beside_the_field_and_stores_nothing(client, hosted):
    client.force_login(hosted.strategist_a1)
    response = client.post(
        _material_url(hosted),
        {"form": "upload", "title": "", "file": _upload("faktura.pdf", documents.executable())},
    )

    assert response.status_code == 422
    assert response.context["upload_form"].errors["file"] == [
        "Filen är inte ett PDF-, Word-, PowerPoint- eller Excel-dokument (innehållet "
        "kontrollerades, inte namnet)."
    ]
    assert not MeetingMaterial.objects.exists()


def test_the_host_removes_a_file(client, hosted):
    document = material.meeting_material_add(
        meeting=hosted.meeting_ga1, title="Gammal", upload=_upload("a.pdf", documents.pdf())
    )
    document.meeting = hosted.meeting_ga1
    client.force_login(hosted.strategist_a2)
    assert client.post(document.delete_url).status_code == 403
    client.force_login(hosted.manager_a1)

    assert client.post(document.delete_url).status_code == 302
    assert not MeetingMaterial.objects.exists()


def test_the_meeting_page_reads_its_material_in_one_query(
    client, hosted, django_assert_num_queries
):
    for n in range(3):
        material.meeting_material_add(
            meeting=hosted.meeting_ga1, title=f"Fil {n}", upload=_upload("a.pdf", documents.pdf())
        )
    client.force_login(hosted.strategist_a2)
    url = reverse("rounds:meeting_detail", args=["omgang-a", hosted.meeting_ga1.pk])
    client.get(url)  # the session and the standing warm up
    # session, user, standing, the meeting, its own organisations (an assessment is due), files
    with django_assert_num_queries(6) as counted:
        response = client.get(url)
    assert response.status_code == 200
    assert sum("rounds_meetingmaterial" in q["sql"] for q in counted.captured_queries) == 1


def test_the_programme_library_is_for_every_participant(client, world):
    client.force_login(world.strategist_a1)
    upload = {"title": "Mall", "description": "", "file": _upload("mall.pdf", documents.pdf())}
    assert client.post(reverse("rounds:programme_library"), upload).status_code == 403
    assert not ProgrammeDocument.objects.exists()

    client.force_login(world.leader)
    upload["file"] = _upload("mall.pdf", documents.pdf())
    assert client.post(reverse("rounds:programme_library"), upload).status_code == 302
    document = ProgrammeDocument.objects.get()

    for person in (world.strategist_b1, world.mentor_m2):
        client.force_login(person)
        page = client.get(reverse("rounds:programme_library"))
        assert document.download_url in page.content.decode()
        download = client.get(document.download_url)
        assert download.status_code == 200
        assert download["Cache-Control"] == "private, no-store"
        assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(world.outsider)  # in no round: the library is not there for them
    assert client.get(reverse("rounds:programme_library")).status_code == 403
    assert client.get(document.download_url).status_code == 404


# The round archive lists the material without the files


def test_the_archive_lists_material_and_round_trips_it(hosted):
    from rounds import archive

    data = documents.ooxml("docx")
    material.meeting_material_add(
        meeting=hosted.meeting_ga1, title="Program", upload=_upload("program.docx", data)
    )

    document = archive.export_document(hosted.round_a)
    meeting = next(m for m in document["meetings"] if m["key"] == hosted.meeting_ga1.key)
    assert meeting["material"] == [
        {
            "title": "Program",
            "file_name": "program.docx",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "kind": "docx",
        }
    ]
    assert "material" not in next(m for m in document["meetings"] if m["key"] != meeting["key"])

    document["round"]["slug"] = "omgang-a-kopia"
    copy = Round.objects.get(slug=archive.import_document(document).round.slug)
    listed = MeetingMaterial.objects.get(meeting__round=copy)
    assert not listed.file  # the archive carries no contents
    again = archive.export_document(copy)
    assert [m.get("material") for m in again["meetings"]] == [
        m.get("material") for m in document["meetings"]
    ]


def test_the_archive_refuses_a_malformed_material_list(hosted):
    from rounds import archive

    material.meeting_material_add(
        meeting=hosted.meeting_ga1, title="Program", upload=_upload("a.pdf", documents.pdf())
    )
    document = archive.export_document(hosted.round_a)
    document["round"]["slug"] = "omgang-a-kopia"
    meeting = next(m for m in document["meetings"] if m.get("material"))
    meeting["material"][0]["sha256"] = "inte-en-kontrollsumma"

    problems = archive.validate_document(document)

    assert any(".material[0].sha256" in problem for problem in problems), problems

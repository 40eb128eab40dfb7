"""The mentor's voice: notes to the group and the description of the mentor's role."""

import pytest
from django.urls import reverse

from modellkoncept.errors import DomainError
from rounds import mentoring
from rounds.models import MentorNote, MentorRole

pytestmark = pytest.mark.django_db


def _notes(w, group=None):
    return reverse("rounds:group_notes", args=["omgang-a", (group or w.ga1).pk])


def test_the_groups_mentor_writes_a_note_that_the_group_reads(client, world):
    client.force_login(world.mentor_m1)
    response = client.post(
        _notes(world), {"text": "Ta med era beslutsunderlag.", "meeting": world.meeting_ga1.pk}
    )
    assert response.status_code == 302

    note = MentorNote.objects.get()
    assert (note.group, note.participation, note.author, note.meeting) == (
        world.ga1,
        world.m1,
        world.mentor_m1,
        world.meeting_ga1,
    )
    for reader in (world.politician_a1, world.strategist_a2, world.leader, world.mentor_m1):
        client.force_login(reader)
        page = client.get(_notes(world))
        html = page.content.decode()
        assert "Ta med era beslutsunderlag." in html
        assert "Mentorstad, Maja Mentor" in html
    for outsider in (world.strategist_a3, world.mentor_m2, world.strategist_b1):
        client.force_login(outsider)
        response = client.get(_notes(world))
        assert response.status_code == 404
        assert "beslutsunderlag" not in response.content.decode()


def test_a_mentor_removed_from_the_group_leaves_its_notes(world):
    from rounds import services as round_services
    from rounds.models import GroupMentor

    mentoring.mentor_note_write(group=world.ga1, author=world.mentor_m1, text="Ett råd")

    round_services.mentor_remove(mentorship=GroupMentor.objects.get(group=world.ga1))

    assert [n.text for n in mentoring.group_notes(group=world.ga1)] == ["Ett råd"]


def test_only_the_groups_mentors_write_to_it(client, world):
    for person in (world.strategist_a1, world.leader):
        client.force_login(person)
        assert client.post(_notes(world), {"text": "Hej"}).status_code == 403
    client.force_login(world.mentor_m2)  # mentors another group
    assert client.post(_notes(world), {"text": "Hej"}).status_code == 404
    with pytest.raises(DomainError):
        mentoring.mentor_note_write(group=world.ga1, author=world.mentor_m2, text="Hej")
    assert not MentorNote.objects.exists()


def test_a_note_needs_text_and_a_meeting_of_the_group(client, world):
    with pytest.raises(DomainError):
        mentoring.mentor_note_write(group=world.ga1, author=world.mentor_m1, text="  ")
    with pytest.raises(DomainError):
        mentoring.mentor_note_write(
            group=world.ga1, author=world.mentor_m1, text="Hej", meeting=world.meeting_ga2
        )
    client.force_login(world.mentor_m1)
    response = client.post(_notes(world), {"text": "Hej", "meeting": world.meeting_ga2.pk})
    assert response.status_code == 422
    assert "meeting" in response.context["form"].errors
    assert not MentorNote.objects.exists()


def test_the_notes_page_reads_in_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    for n in range(4):
        mentoring.mentor_note_write(group=world.ga1, author=world.mentor_m1, text=f"Mentorsråd {n}")
    client.force_login(world.strategist_a1)
    client.get(_notes(world))
    with django_assert_num_queries(5):  # session, user, standing, the group, the notes
        response = client.get(_notes(world))
    assert response.content.decode().count("Mentorsråd ") == 4


def test_project_leaders_describe_the_mentors_role(client, world):
    client.force_login(world.mentor_m1)
    assert client.get(reverse("rounds:mentor_role")).status_code == 403
    client.force_login(world.leader)
    response = client.post(
        reverse("rounds:mentor_role"),
        {"text": "<p>Mentorn <strong>lyssnar</strong>.</p><script>alert(1)</script>"},
    )
    assert response.status_code == 302
    assert MentorRole.objects.get().text == "<p>Mentorn <strong>lyssnar</strong>.</p>"

    client.force_login(world.mentor_m1)
    html = client.get(reverse("rounds:mentor_workspace")).content.decode()
    assert "<p>Mentorn <strong>lyssnar</strong>.</p>" in html
    assert "alert(1)" not in html
    assert reverse("rounds:mentor_role") not in html
    assert _notes(world) in html


def test_the_learning_loops_services_write_the_action_log(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from modellkoncept.models import LogEntry
    from rounds import material
    from tests.rounds import documents

    settings.MEDIA_ROOT = tmp_path / "media"
    mentoring.mentor_note_write(group=world.ga1, author=world.mentor_m1, text="Ett råd")
    material.meeting_material_add(
        meeting=world.meeting_ga1,
        title="Underlag",
        upload=SimpleUploadedFile("a.pdf", documents.pdf()),
        by=world.leader,
    )

    entries = {e.action_type: e for e in LogEntry.objects.filter(round_id=world.round_a.pk)}
    assert entries["rounds.mentor_note.written"].data == {"group": "GA1"}
    assert entries["rounds.material.added"].data == {
        "meeting": world.meeting_ga1.title,
        "title": "Underlag",
    }

"""Evaluations of meetings: who answers, once; who sees what; the response rate."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from modellkoncept.errors import DomainError
from rounds import evaluations
from rounds import services as round_services
from rounds.models import EvaluationScore, EvaluationStatement, Meeting, MeetingEvaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world):
    """GA1's learning meeting held ten days ago."""
    start = timezone.now() - dt.timedelta(days=10)
    world.held = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
    )
    world.statements = evaluations.statements(Meeting.Kind.LEARNING_MEETING)
    return world


def _answer_url(w, meeting=None):
    return reverse("rounds:evaluation_answer", args=["omgang-a", (meeting or w.held).pk])


def _answers(w, scores=(4, 5, 3), comment=""):
    data = {f"statement_{s.pk}": str(v) for s, v in zip(w.statements, scores, strict=False)}
    data["comment"] = comment
    return data


def test_the_default_statements_are_there_for_each_kind_evaluated():
    asked = {
        kind: len(evaluations.statements(kind))
        for kind in (
            Meeting.Kind.LEARNING_MEETING,
            Meeting.Kind.STARTUP_CONFERENCE,
            Meeting.Kind.MIDTERM_CONFERENCE,
            Meeting.Kind.RESULT_CONFERENCE,
        )
    }
    assert asked == dict.fromkeys(asked, 3)
    assert evaluations.statements(Meeting.Kind.STRATEGIST_MEETING) == []


def test_an_attendee_answers_once(client, held):
    client.force_login(held.strategist_a2)
    response = client.post(_answer_url(held), _answers(held, comment="Bra träff."))
    assert response.status_code == 302

    evaluation = MeetingEvaluation.objects.get()
    assert (evaluation.meeting, evaluation.person, evaluation.comment) == (
        held.held,
        held.strategist_a2,
        "Bra träff.",
    )
    assert sorted(evaluation.scores.values_list("score", flat=True)) == [3, 4, 5]
    again = client.post(_answer_url(held), _answers(held, scores=(1, 1, 1)))
    assert again.status_code == 409
    assert MeetingEvaluation.objects.count() == 1
    with pytest.raises(DomainError), transaction.atomic():
        evaluations.evaluation_submit(
            meeting=held.held,
            person=held.strategist_a2,
            scores={s.pk: 2 for s in held.statements},
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingEvaluation.objects.create(meeting=held.held, person=held.strategist_a2)


def test_every_statement_needs_a_score_from_one_to_five(client, held):
    client.force_login(held.strategist_a1)
    response = client.post(_answer_url(held), _answers(held, scores=(4, 6)))

    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {f"statement_{s.pk}" for s in held.statements[1:]}
    assert not MeetingEvaluation.objects.exists()
    assert not EvaluationScore.objects.exists()


def test_a_meeting_is_evaluated_after_it_ends_by_the_people_invited(client, held):
    client.force_login(held.strategist_a1)
    future = client.get(_answer_url(held, held.meeting_ga1))
    assert future.context["state"] == "soon"
    assert client.post(_answer_url(held, held.meeting_ga1), _answers(held)).status_code == 409
    client.force_login(held.strategist_a3)  # another group: the meeting is not theirs
    assert client.get(_answer_url(held)).status_code == 404
    client.force_login(held.leader)
    assert client.post(_answer_url(held), _answers(held)).status_code == 403
    with pytest.raises(DomainError):
        evaluations.evaluation_submit(
            meeting=held.held, person=held.strategist_a3, scores={s.pk: 3 for s in held.statements}
        )
    assert not MeetingEvaluation.objects.exists()


def test_the_start_and_meeting_pages_offer_the_evaluation_until_it_is_answered(client, held):
    client.force_login(held.manager_a1)
    assert _answer_url(held) in client.get(reverse("home")).content.decode()
    meeting_page = reverse("rounds:meeting_detail", args=["omgang-a", held.held.pk])
    assert _answer_url(held) in client.get(meeting_page).content.decode()

    evaluations.evaluation_submit(
        meeting=held.held, person=held.manager_a1, scores={s.pk: 3 for s in held.statements}
    )

    assert _answer_url(held) not in client.get(reverse("home")).content.decode()
    assert _answer_url(held) not in client.get(meeting_page).content.decode()


def test_project_leaders_see_the_results_with_the_response_rate(
    client, held, django_assert_max_num_queries
):
    first, second, third = held.statements
    for person, scores, comment in (
        (held.strategist_a1, (5, 4, 2), "Mer tid för grupparbete."),
        (held.strategist_a2, (3, 4, 4), ""),
    ):
        evaluations.evaluation_submit(
            meeting=held.held,
            person=person,
            scores=dict(zip([first.pk, second.pk, third.pk], scores, strict=True)),
            comment=comment,
        )

    with django_assert_max_num_queries(7):
        (result,) = evaluations.round_results(round=held.round_a)
    # Invited: A1's politician, manager and strategist, A2's strategist, M1's mentor.
    assert (result.meeting, result.invited, result.answers, result.response_rate) == (
        held.held,
        5,
        2,
        40,
    )
    assert [(row.mean, row.counts) for row in result.statements] == [
        (4.0, [0, 0, 1, 0, 1]),
        (4.0, [0, 0, 0, 2, 0]),
        (3.0, [0, 1, 0, 1, 0]),
    ]
    assert result.comments == ["Mer tid för grupparbete."]

    url = reverse("rounds:evaluation_results", args=["omgang-a"])
    client.force_login(held.leader)
    html = client.get(url).content.decode()
    assert "2 av 5 inbjudna svarade (40 %)." in html
    assert "Mer tid för grupparbete." in html
    assert "Sara Strateg" not in html
    for person in (held.strategist_a1, held.mentor_m1):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_leaders_edit_the_statements_and_old_answers_keep_theirs(client, held):
    first, second, third = held.statements
    evaluations.evaluation_submit(
        meeting=held.held, person=held.strategist_a1, scores={s.pk: 4 for s in held.statements}
    )
    client.force_login(held.leader)
    data = {
        "learning_meeting": f"{third.text}\nVi lärde oss något nytt.\n{first.text}",
        "startup_conference": "Bra start.",
        "midterm_conference": "Bra mitt.",
        "result_conference": "Bra slut.",
    }

    response = client.post(reverse("rounds:evaluation_statements"), data)

    assert response.status_code == 302
    assert [s.text for s in evaluations.statements("learning_meeting")] == [
        third.text,
        "Vi lärde oss något nytt.",
        first.text,
    ]
    assert EvaluationStatement.objects.get(pk=second.pk).active is False
    (result,) = evaluations.round_results(round=held.round_a)
    assert [(row.text, row.answers) for row in result.statements] == [
        (third.text, 1),
        ("Vi lärde oss något nytt.", 0),
        (first.text, 1),
        (second.text, 1),
    ]


def test_statements_are_refused_whole_when_one_kind_is_wrong(client, held):
    client.force_login(held.leader)
    before = list(EvaluationStatement.objects.values_list("pk", "text", "active"))
    data = {
        "learning_meeting": "Ny fråga",
        "startup_conference": "x" * 301,
        "midterm_conference": "Bra mitt.",
        "result_conference": "Bra slut.",
    }

    response = client.post(reverse("rounds:evaluation_statements"), data)

    assert response.status_code == 422
    assert "startup_conference" in response.context["form"].errors
    assert list(EvaluationStatement.objects.values_list("pk", "text", "active")) == before

"""Each role's start page, drawn from the rounds and the participants below them."""

from django.shortcuts import render

from modellkoncept.policy import standing
from participants.selectors import start_page
from rounds.evaluations import evaluations_to_answer
from rounds.selectors import round_list


def home(request):
    """Each role's start page: project leaders their rounds; participants their organisation,
    group, next meeting and what is due; mentors their groups."""
    if standing(request.user).is_project_leader:
        return render(
            request, "home_project_leader.html", {"rounds": round_list(user=request.user)}
        )
    return render(
        request,
        "home.html",
        {
            "page": start_page(user=request.user),
            "evaluations": evaluations_to_answer(user=request.user),
        },
    )

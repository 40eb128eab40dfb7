"""The round list, a round's page, and its lists of groups and meetings."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q

from modellkoncept.policy import standing, visible
from participants.models import Participation
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round


def round_list(*, user):
    """The rounds a user may see, newest first, with their sizes."""
    return (
        visible(Round, user)
        .annotate(
            participant_count=Count(
                "participations", filter=Q(participations__role="participant"), distinct=True
            ),
            group_count=Count("groups", distinct=True),
        )
        .order_by("-starts_on", "name")
    )


def _members_prefetch():
    return Prefetch(
        "members",
        queryset=Participation.objects.select_related("organisation").order_by(
            "organisation__name"
        ),
    )


def _mentors_prefetch():
    return Prefetch(
        "mentorships",
        queryset=GroupMentor.objects.select_related("participation__organisation").order_by(
            "-is_primary", "participation__organisation__name"
        ),
    )


def round_page(*, round: Round, user) -> dict:
    """The round as a participant or mentor sees it: their own groups with members and
    mentors, and the meetings they may attend. A project leader's page is `round_dashboard`."""
    own = standing(user)
    groups = (
        BenchmarkingGroup.objects.filter(round=round, pk__in=own.visible_group_ids)
        .prefetch_related(_members_prefetch(), _mentors_prefetch())
        .order_by("name")
    )
    meetings = (
        visible(Meeting, user)
        .filter(round=round)
        .select_related("round", "group")
        .order_by("starts_at", "pk")
    )
    return {"round": round, "groups": list(groups), "meetings": list(meetings)}


# What `rounds/_meeting_list.html` and the schedules need of a meeting.
_MEETING_LIST_FIELDS = (
    "id",
    "round_id",
    "group_id",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "assessment_due",
    "kind",
    "audience",
    "year",
)


def _page(queryset, *, per_page: int, number, count: int | None = None):
    """A page of the queryset and the page numbers to offer around it. `count`, where the
    caller knows it already, saves the count query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not asked of the database
    page = paginator.get_page(number)
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


GROUP_LIST_PAGE_SIZE = 25


def round_groups(*, round: Round, user, page_number=1):
    """The round's groups the user may see, by name, with their members and mentors, a page
    at a time: (page, page range). Four queries, whatever the size of the round."""
    groups = (
        visible(BenchmarkingGroup, user)
        .filter(round=round)
        .prefetch_related(_members_prefetch(), _mentors_prefetch())
        .order_by("name", "pk")
    )
    return _page(groups, per_page=GROUP_LIST_PAGE_SIZE, number=page_number)


MEETING_LIST_PAGE_SIZE = 50


def round_meetings(*, round: Round, user, page_number=1):
    """The round's schedule as the user may see it (a participant: the round's own meetings
    and their group's), in time order, a page at a time: (page, page range)."""
    meetings = (
        visible(Meeting, user)
        .filter(round=round)
        .select_related("group", "host")
        .order_by("starts_at", "pk")
    )
    return _page(meetings, per_page=MEETING_LIST_PAGE_SIZE, number=page_number)

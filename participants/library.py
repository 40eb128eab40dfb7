"""Reads for the programme's library of good examples: the improvement work that
organisations shared with the whole programme and a project leader approved, across every
round and year, and the project leaders' queue of work awaiting approval.

The search is PostgreSQL's full-text search with its Swedish configuration (stemming:
"jämställdhetsanalyser" finds "jämställdhetsanalys"), over the work's title and description
and its notes of progress, through the GIN indexes of migration
`participants.0005_improvement_work_sharing`; the expressions below are the ones those
indexes hold. SQLite (development) has no such search, and falls back on `icontains`.

Like the rest of the participants' reads, these do not import the rounds or checklist apps:
the filters' choices are read from the library's own works.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from participants.models import (
    Function,
    FunctionAssignment,
    ImprovementWork,
    Organisation,
    ProgressNote,
)

SEARCH_CONFIG = "swedish"
# As in the migration's indexes, so that the planner can use them.
WORK_DOCUMENT = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "description", weight="B", config=SEARCH_CONFIG
)
NOTE_DOCUMENT = SearchVector("text", config=SEARCH_CONFIG)


class SwedishQuery(SearchQuery):
    """What a person types, as PostgreSQL's `websearch_to_tsquery` reads it (quotes, "or", a
    minus sign; never a syntax error), with each word stemmed once more and matched as a
    prefix. Snowball's Swedish stemmer is not idempotent: "jämställdhetsanalyser" stems to
    "jämställdhetsanalys", but "jämställdhetsanalys" in a text to "jämställdhetsanaly"; the
    second stemming and the prefix let the plural find the singular (and "jämställd" find
    both), and GIN indexes answer prefix queries."""

    # Each lexeme of the query's text form ('analys' & !'budget'), its quotes doubled inside,
    # gets the prefix mark and goes through the dictionary again.
    LEXEME = r"'''((?:[^'']|'''')+)'''"
    PREFIXED = r"'''\1'':*'"

    def __init__(self, value):
        super().__init__(value, config=SEARCH_CONFIG, search_type="websearch")

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        return (
            f"to_tsquery('{SEARCH_CONFIG}'::regconfig, "
            f"regexp_replace(({sql})::text, {self.LEXEME}, {self.PREFIXED}, 'g'))",
            params,
        )


# Longer queries are cut: nobody searches with a page of text, and it bounds the work.
MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20


def in_library() -> QuerySet[ImprovementWork]:
    """Work the whole programme may see: shared with it, and approved by a project leader."""
    return ImprovementWork.objects.filter(
        sharing=ImprovementWork.Sharing.PROGRAMME, approved_on__isnull=False
    )


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    chain_step: str = ""
    moment: int | None = None
    kind: str = ""
    round: str = ""  # a round's slug
    year: int | None = None

    @property
    def active(self) -> bool:
        return any((self.q, self.chain_step, self.moment, self.kind, self.round, self.year))


def _search(works: QuerySet, q: str) -> QuerySet:
    q = q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return works
    if connection.vendor == "postgresql":
        query = SwedishQuery(q)
        # Two index scans, one per table, joined as one list of ids (an OR across the two
        # tables would read every work).
        matching = (
            ImprovementWork.objects.annotate(document=WORK_DOCUMENT)
            .filter(document=query)
            .values("pk")
            .union(
                ProgressNote.objects.annotate(document=NOTE_DOCUMENT)
                .filter(document=query)
                .values("work_id")
            )
        )
        return (
            works.filter(pk__in=matching)
            .annotate(rank=SearchRank(WORK_DOCUMENT, query))
            .order_by("-rank", "-approved_on", "title")
        )
    notes = ProgressNote.objects.filter(work_id=OuterRef("pk"), text__icontains=q)
    return works.filter(Q(title__icontains=q) | Q(description__icontains=q) | Exists(notes))


def _filtered(works: QuerySet, filters: LibraryFilters) -> QuerySet:
    if filters.chain_step:
        works = works.filter(chain_step=filters.chain_step)
    if filters.moment:
        works = works.filter(moments__id=filters.moment)
    if filters.kind:
        works = works.filter(participation__organisation__kind=filters.kind)
    if filters.round:
        works = works.filter(participation__round__slug=filters.round)
    if filters.year:
        # The years a round spans.
        works = works.filter(
            participation__round__starts_on__year__lte=filters.year,
            participation__round__ends_on__year__gte=filters.year,
        )
    return _search(works, filters.q)


def _with_history(works: QuerySet) -> QuerySet:
    """What each entry shows: its organisation and round, its moments, its PDSA history (the
    notes of progress, oldest first) and the organisation's contact (its active
    strategists/key persons in that round). A fixed number of queries, whatever the size."""
    return works.select_related(
        "participation__organisation", "participation__round"
    ).prefetch_related(
        Prefetch(
            "notes",
            queryset=ProgressNote.objects.order_by("noted_on", "id"),
            to_attr="history",
        ),
        Prefetch(
            "participation__function_assignments",
            queryset=FunctionAssignment.objects.filter(
                function=Function.STRATEGIST, person__is_active=True
            )
            .select_related("person")
            .order_by("person__full_name", "person__email"),
            to_attr="contacts",
        ),
        "moments",
    )


def library_choices() -> dict:
    """The filters' choices, from the library's own works (no empty choices): chain steps and
    kinds of organisation as (value, label), rounds as (slug, name), years, and moments as
    (checklist name, [(id, "3. text")]). Three queries."""
    works = in_library()
    rounds = (
        works.order_by("-participation__round__starts_on", "participation__round__name")
        .values_list(
            "participation__round__slug",
            "participation__round__name",
            "participation__round__starts_on",
            "participation__round__ends_on",
        )
        .distinct()
    )
    rounds = list(dict.fromkeys(rounds))
    years = sorted(
        {year for *_, starts, ends in rounds for year in range(starts.year, ends.year + 1)},
        reverse=True,
    )
    english = (get_language() or "sv").startswith("en")
    moments: dict[str, list] = {}
    rows = (
        works.filter(moments__isnull=False)
        .values_list(
            "moments__id",
            "moments__number",
            "moments__text_sv",
            "moments__text_en",
            "moments__version__name_sv",
            "moments__version__name_en",
        )
        .order_by("moments__version__slug", "moments__number")
        .distinct()
    )
    for pk, number, text_sv, text_en, version_sv, version_en in rows:
        text = text_en if english and text_en else text_sv
        version = version_en if english and version_en else version_sv
        moments.setdefault(version, []).append((pk, f"{number}. {text}"))
    kinds = set(works.values_list("participation__organisation__kind", flat=True).distinct())
    return {
        "chain_steps": list(ImprovementWork.ChainStep.choices),
        "kinds": [(k, label) for k, label in Organisation.Kind.choices if k in kinds],
        "rounds": [(slug, name) for slug, name, *_ in rounds],
        "years": years,
        "moments": list(moments.items()),
    }


def library_works(*, filters: LibraryFilters) -> QuerySet[ImprovementWork]:
    """The approved work matching the filters, newest approval first (best match first when
    searching), with what each entry shows; a page of it takes a fixed number of queries."""
    matching = _filtered(in_library(), filters)
    if not filters.q:
        matching = matching.order_by("-approved_on", "title", "pk")
    return _with_history(matching)


def approval_queue() -> list[ImprovementWork]:
    """Work its organisation shared with the whole programme that no project leader has
    approved yet, oldest request first (by the work's last change), with what a project leader
    needs to decide."""
    return list(
        _with_history(
            ImprovementWork.objects.filter(
                sharing=ImprovementWork.Sharing.PROGRAMME, approved_on__isnull=True
            ).order_by("updated_at", "pk")
        )
    )


def approved_works() -> QuerySet[ImprovementWork]:
    """The library's works for a project leader's list of approvals (to withdraw one)."""
    return (
        in_library()
        .select_related("participation__organisation", "participation__round")
        .order_by(F("approved_on").desc(), "title")
    )

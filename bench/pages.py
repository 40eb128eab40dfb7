"""Server time and SQL queries of the main pages, measured with Django's test client in this
process (no network, no browser): each request runs the whole stack, middleware, view,
selectors, templates, against the benchmark database.

What is measured is the page as a person gets it right after somebody changed the round. The
values a round's pages show alike to every viewer (the dashboard's figures, the organisation
page's result-report due dates, group names: `modellkoncept.roundvalues`) are kept for up to
300 s under stamps of the round that the services changing what they read renew on commit; a
figure taken with them kept says little about a busy round. So before each measured request of
a page, untimed, one real change is made to that page's round (`RoundChange`): a strategist of
another organisation of the round renames its improvement work, toggling the title between two
values, through `participants.services.improvement_work_update`, committed (the benchmark runs
outside any transaction, so the commit's hooks renew the stamps). It renews what reads the
round's improvement work (the dashboard's spread of it) and leaves what reads none kept (the
round's groups and meetings), as the same change does in a round where people work. An
autosave of a self-assessment would not do: it changes none of the kept values and is declared
so (`checklist.actions`), so it leaves them kept.

That change renews only what reads the round's improvement work (the dashboard's spread of it):
a round's kept values are renewed by aspect (`modellkoncept.roundvalues`), and the groups,
meetings and people a page keeps are not changed by it. So beside the judged figure, each page
is also measured right after a change to the whole round (`RoundWideChange`: the project leader
renames the round, an action that renews every aspect), `wide_median_ms`: what the page costs
when every value it keeps is read afresh. Judged on nothing; shown so that the judged figure is
not read as more than it is.

For each page and size: three warm-up requests; one request after a change whose SQL queries
are counted (`queries`; by a wrapper around the database cursor's execute, as
`CaptureQueriesContext` would, but not timed, so that counting slows no timed request), then
one right after it with the values kept (`kept_queries`); fifteen timed requests, each after a
change, of which the median counts (`median_ms`: the target is judged on it); then fifteen timed
requests with no change in between (`kept_median_ms`), which show what the kept values save.
The bare page is the About page, which has the same layout (navigation by role, messages,
footer) and nothing else. It is requested by the same person right after each timed request of
a page, in both series, so that both see the machine in the same state (other processes come
and go); each page is compared with the median of the bare requests of its after-a-change
series (`bare_median_ms`). Wall time is what counts; the process's CPU time is kept beside it,
being less disturbed by other processes.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import asdict, dataclass

from django.db import connection
from django.test import Client
from django.urls import reverse

from modellkoncept.actions import acting_as
from participants.models import Function, FunctionAssignment, ImprovementWork
from participants.services import improvement_work_update
from rounds.services import round_update

WARM_UPS = 3
RUNS = 15
# A page at national size, rendered right after a change to its round, may take this many times
# the bare page, at most.
TIME_TARGET = 4.0


@dataclass
class Timing:
    page: str
    size: str  # "small" or "national"
    viewer: str
    url: str
    status: int
    queries: int
    median_ms: float
    min_ms: float
    p90_ms: float
    cpu_median_ms: float
    kib: float
    bare_median_ms: float | None = None  # the bare page, requested between this page's runs
    bare_cpu_median_ms: float | None = None
    # The same page with the round's values kept (no change before the request).
    kept_queries: int | None = None
    kept_median_ms: float | None = None
    kept_cpu_median_ms: float | None = None
    # The same page right after a change to the whole round (`RoundWideChange`): every kept
    # value of the round read afresh. Shown beside the judged figure, judged on nothing.
    wide_queries: int | None = None
    wide_median_ms: float | None = None
    wide_cpu_median_ms: float | None = None


REVISED = " (reviderad)"


def _toggled(text: str) -> tuple[str, str]:
    """The text as found and the other of the two a change toggles between, so that the first
    change is a real one whatever an earlier run left (on the load test's database, which is
    kept, say)."""
    base = text.removesuffix(REVISED)
    return text, base if text != base else f"{base}{REVISED}"


class RoundChange:
    """One real change to a round, as somebody working in it makes one: a strategist of an
    organisation of the round (not `besides`, the measured one, whose pages it would change)
    renames its improvement work, the title toggling between two values, through the service,
    which logs it and so renews the round's kept values that read improvement work once it
    commits. Call it outside any transaction, so that it commits."""

    def __init__(self, round_, *, besides):
        self.work = (
            ImprovementWork.objects.filter(participation__round=round_)
            .exclude(participation=besides)
            .select_related("participation__round")
            .order_by("participation__organisation__code", "pk")
            .first()
        )
        if self.work is None:
            raise LookupError(f"No improvement work of another organisation in {round_}.")
        self.by = (
            FunctionAssignment.objects.filter(
                participation=self.work.participation, function=Function.STRATEGIST
            )
            .select_related("person")
            .order_by("pk")
            .first()
            .person
        )
        self.titles = _toggled(self.work.title)
        self.made = 0

    def __call__(self) -> None:
        self.made += 1
        with acting_as(self.by):
            improvement_work_update(work=self.work, title=self.titles[self.made % 2])


class RoundWideChange:
    """A change to the whole round, as a project leader makes one now and then: the round is
    renamed (the name toggling between two values) through `rounds.services.round_update`,
    whose action renews every aspect of the round's kept values, so that every value the page
    keeps is read afresh. Call it outside any transaction, so that it commits."""

    def __init__(self, round_, *, by):
        self.round = round_
        self.by = by
        self.names = _toggled(round_.name)
        self.made = 0

    def __call__(self) -> None:
        self.made += 1
        with acting_as(self.by):
            self.round = round_update(round=self.round, name=self.names[self.made % 2])


class QueryCounter:
    """Counts the SQL statements run while it wraps the connection. (CaptureQueriesContext
    relies on the connection's query log, which every request empties as it starts.)"""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count(client: Client, url: str) -> tuple[int, int, int]:
    """(status, SQL queries, bytes) of one GET `url`."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = client.get(url)
    return response.status_code, counter.count, len(response.content)


def sample(client: Client, url: str) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of one GET `url`."""
    wall, cpu = time.perf_counter(), time.process_time()
    client.get(url)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def summary(samples: list[tuple[float, float]]) -> dict:
    walls = sorted(w for w, _ in samples)
    return {
        "median_ms": round(statistics.median(walls), 2),
        "min_ms": round(walls[0], 2),
        "p90_ms": round(walls[max(0, round(0.9 * len(walls)) - 1)], 2),
        "cpu_median_ms": round(statistics.median(c for _, c in samples), 2),
    }


def pages_of(built, leader) -> list[tuple[str, str, object, str]]:
    """(page, viewer name, viewer, address) of the main pages of one measured round."""
    round_slug = built.round.slug
    return [
        (
            "round dashboard",
            "project leader",
            leader,
            reverse("rounds:round_detail", kwargs={"slug": round_slug}),
        ),
        (
            "group page",
            "strategist",
            built.strategist,
            reverse("rounds:group_detail", kwargs={"round_slug": round_slug, "pk": built.group.pk}),
        ),
        (
            "organisation page",
            "strategist",
            built.strategist,
            reverse(
                "participants:participation_detail",
                kwargs={"round_slug": round_slug, "code": built.measured.organisation.code},
            ),
        ),
        (
            "self-assessment page",
            "strategist",
            built.strategist,
            reverse("checklist:assessment", kwargs={"pk": built.draft.pk}),
        ),
        ("mentor workspace", "mentor", built.mentor, reverse("rounds:mentor_workspace")),
    ]


def dashboard_layout(html: str) -> dict:
    """What the project leader's round page shows at once: the dashboard's rows on this page,
    whether it is paginated, and how many groups and meetings the page itself lists (the
    groups and the whole schedule have pages of their own)."""
    section = html.split('id="dashboard-heading"', 1)[-1].split("</section>", 1)[0]
    groups = html.split('id="groups-heading"', 1)[1:]
    meetings = html.split('id="meetings-heading"', 1)[-1].split("</section>", 1)[0]
    return {
        "dashboard_rows_on_page": section.count('<th scope="row">'),
        "dashboard_paginated": bool(re.search(r'class="[^"]*pagination', section)),
        "groups_listed": groups[0].split("</section>", 1)[0].count("<article") if groups else 0,
        "meetings_listed": meetings.count("<li"),
    }


def run(rounds: dict, leader, *, runs: int = RUNS, warm_ups: int = WARM_UPS) -> dict:
    """Measure every page at both sizes, after a change and with the round's values kept, each
    with the bare page between its runs."""
    if connection.in_atomic_block:
        raise RuntimeError("The pages are measured outside any transaction (see RoundChange).")
    timings: list[Timing] = []
    bare_samples: dict[tuple[str, str], list] = {}
    bare_counts: dict[tuple[str, str], tuple] = {}
    clients: dict[int, Client] = {}
    bare_url = reverse("about")

    def client_for(person) -> Client:
        if person.pk not in clients:
            clients[person.pk] = Client()
            clients[person.pk].force_login(person)
        return clients[person.pk]

    layout = {}
    for size in ("small", "national"):
        change = RoundChange(rounds[size].round, besides=rounds[size].measured)
        wide_change = RoundWideChange(rounds[size].round, by=leader)
        for page, viewer_name, viewer, url in pages_of(rounds[size], leader):
            client = client_for(viewer)
            for _ in range(warm_ups):
                change()
                client.get(url)
                client.get(bare_url)
            change()
            status, queries, size_bytes = count(client, url)
            _, kept_queries, _ = count(client, url)
            bare_counts[viewer_name, size] = count(client, bare_url)
            wide_change()
            _, wide_queries, _ = count(client, url)
            page_runs, bare_runs, kept_runs, kept_bare_runs = [], [], [], []
            wide_runs, wide_bare_runs = [], []
            for _ in range(runs):
                change()  # untimed, committed: what reads improvement work is read afresh
                page_runs.append(sample(client, url))
                bare_runs.append(sample(client, bare_url))
            for _ in range(runs):
                kept_runs.append(sample(client, url))
                kept_bare_runs.append(sample(client, bare_url))
            for _ in range(runs):
                wide_change()  # untimed, committed: every kept value of the round read afresh
                wide_runs.append(sample(client, url))
                wide_bare_runs.append(sample(client, bare_url))
            bare_samples.setdefault((viewer_name, size), []).extend(
                bare_runs + kept_bare_runs + wide_bare_runs
            )
            bare, kept, wide = summary(bare_runs), summary(kept_runs), summary(wide_runs)
            timings.append(
                Timing(
                    page=page,
                    size=size,
                    viewer=viewer_name,
                    url=url,
                    status=status,
                    queries=queries,
                    kib=round(size_bytes / 1024, 1),
                    bare_median_ms=bare["median_ms"],
                    bare_cpu_median_ms=bare["cpu_median_ms"],
                    kept_queries=kept_queries,
                    kept_median_ms=kept["median_ms"],
                    kept_cpu_median_ms=kept["cpu_median_ms"],
                    wide_queries=wide_queries,
                    wide_median_ms=wide["median_ms"],
                    wide_cpu_median_ms=wide["cpu_median_ms"],
                    **summary(page_runs),
                )
            )
            if page == "round dashboard":
                layout[size] = dashboard_layout(client.get(url).content.decode())
    bare = [
        Timing(
            page="bare page (About)",
            size=size,
            viewer=viewer,
            url=bare_url,
            status=bare_counts[viewer, size][0],
            queries=bare_counts[viewer, size][1],
            kib=round(bare_counts[viewer, size][2] / 1024, 1),
            **summary(samples),
        )
        for (viewer, size), samples in bare_samples.items()
    ]
    layout["national"]["organisations"] = rounds["national"].counts["organisations"]
    return {
        "pages": [asdict(t) for t in timings],
        "bare": [asdict(t) for t in bare],
        "round_page_layout": layout,
        "targets": targets(timings, bare, layout),
    }


def targets(timings: list[Timing], bare: list[Timing], layout: dict) -> dict:
    """The issue's targets, each with the figures it was judged on: those of the requests after
    a change (the kept figures beside them for the reader, judged on nothing)."""
    by = {(t.page, t.size): t for t in timings}
    same_queries, within_time = {}, {}
    for page in dict.fromkeys(t.page for t in timings):
        small, national = by[page, "small"], by[page, "national"]
        same_queries[page] = {
            "small": small.queries,
            "national": national.queries,
            "kept_small": small.kept_queries,
            "kept_national": national.kept_queries,
            "met": small.queries == national.queries,
        }
        ratio = national.median_ms / national.bare_median_ms
        within_time[page] = {
            "national_ms": national.median_ms,
            "bare_ms": national.bare_median_ms,
            "ratio": round(ratio, 2),
            "cpu_ratio": round(national.cpu_median_ms / national.bare_cpu_median_ms, 2),
            "growth_small_to_national": round(national.median_ms / small.median_ms, 2),
            "kept_national_ms": national.kept_median_ms,
            "kept_ratio": round(national.kept_median_ms / national.bare_median_ms, 2),
            "wide_national_ms": national.wide_median_ms,
            "wide_ratio": round(national.wide_median_ms / national.bare_median_ms, 2),
            "met": ratio <= TIME_TARGET,
        }
    national_layout = layout["national"]
    readable = {
        **national_layout,
        "met": national_layout["dashboard_paginated"]
        and national_layout["dashboard_rows_on_page"] < national_layout["organisations"],
    }
    return {
        "same_query_count_at_both_sizes": same_queries,
        "national_within_4x_bare_page": within_time,
        "round_dashboard_readable_at_national_size": readable,
        "all_met": all(v["met"] for v in same_queries.values())
        and all(v["met"] for v in within_time.values())
        and readable["met"],
    }


def markdown(result: dict) -> str:
    """The figures as Markdown tables."""
    pages = result["pages"]
    by = {(t["page"], t["size"]): t for t in pages["pages"]}
    bare = {(t["viewer"], t["size"]): t for t in pages["bare"]}
    target = pages["targets"]
    data = result["data"]
    lines = [
        f"Pages, median server time of {result['method']['runs']} requests, each right after a "
        "change to the page's round (a strategist of another organisation renames its "
        "improvement work, untimed and committed, so the round's kept values are read afresh), "
        f"after {result['method']['warm_ups']} warm-ups ({result['machine']['database']}, "
        f"{result['machine']['cpus']} CPUs, Python {result['machine']['python']}); "
        f"small = {data['small']['organisations']} organisations, national = "
        f"{data['national']['organisations']}; × bare = national after a change ÷ the bare "
        f"page requested between its runs; kept = another {result['method']['runs']} requests "
        "with no change in between (the round's values kept), and round-wide = another "
        f"{result['method']['runs']} each right after the project leader renames the round "
        "(every kept value of the round read afresh), both for comparison only:",
        "",
        "| page | viewer | queries after a change (small) | queries after a change (national) "
        "| queries kept (national) | ms after a change (small) | ms after a change (national) "
        "| ms kept (national) | ms after a round-wide change (national) | × bare | targets |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in dict.fromkeys(t["page"] for t in pages["pages"]):
        small, national = by[page, "small"], by[page, "national"]
        same = target["same_query_count_at_both_sizes"][page]["met"]
        within = target["national_within_4x_bare_page"][page]
        verdict = ", ".join(
            [
                "same queries" if same else "**queries grow**",
                f"≤ {TIME_TARGET:g}× bare" if within["met"] else f"**> {TIME_TARGET:g}× bare**",
            ]
        )
        lines.append(
            f"| {page} | {small['viewer']} | {small['queries']} | {national['queries']} | "
            f"{national['kept_queries']} | {small['median_ms']:.1f} | "
            f"{national['median_ms']:.1f} | {national['kept_median_ms']:.1f} | "
            f"{national['wide_median_ms']:.1f} | {within['ratio']:.1f} | {verdict} |"
        )
    for viewer in dict.fromkeys(t["viewer"] for t in pages["bare"]):
        small, national = bare[viewer, "small"], bare[viewer, "national"]
        lines.append(
            f"| bare page (About) | {viewer} | {small['queries']} | {national['queries']} | "
            f"{national['queries']} | {small['median_ms']:.1f} | {national['median_ms']:.1f} | "
            f"{national['median_ms']:.1f} | {national['median_ms']:.1f} | 1.0 | |"
        )
    layout = target["round_dashboard_readable_at_national_size"]
    lines += [
        "",
        f"Round page at national size: the dashboard shows {layout['dashboard_rows_on_page']} of "
        f"{layout['organisations']} organisations a page "
        f"({'paginated' if layout['dashboard_paginated'] else '**not paginated**'}); the page "
        f"also lists {layout['groups_listed']} groups and {layout['meetings_listed']} meetings "
        "(those of the whole round); the groups and the whole schedule have pages of their own.",
        "",
        f"All targets met: {'yes' if target['all_met'] else '**no**'}.",
    ]
    return "\n".join(lines)

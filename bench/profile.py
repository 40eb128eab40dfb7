"""Where one request's time goes, measured in this process and independent of the machine's load:
CPU milliseconds (`time.process_time`, median of --runs), SQL statements, and with --profile a
cProfile of the request (cumulative time, the top --top functions).

Runs against the load test's database (`bench/load.py`, LOAD_DATABASE_NAME, built there by
`make loadtest`), with Django's test client, as the load test's users: a strategist's
self-assessment page and autosave, their group and organisation pages, the round dashboard
(project leader), the mentor workspace, and the bare page (About).

With --after-change, each measured request (the counted one, the timed ones and the profiled
ones) comes right after one real change to the round, untimed and committed
(`bench.pages.RoundChange`: a strategist of another organisation renames its improvement work),
so the round's kept values (`modellkoncept.roundvalues`) are read afresh, as `make bench`
measures the pages; without it they stay kept between requests.

    LOAD_DATABASE_NAME=mk_load python -m bench.profile [--runs 20] [--profile "autosave"]
        [--after-change]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from collections import Counter


class Split:
    """CPU milliseconds spent rendering templates (outermost render only) and in the ORM's
    SQL execution (compiling excluded: the driver's execute and the wait for the server)."""

    def __init__(self):
        self.template = self.sql_cpu = self.sql_wall = 0.0
        self.depth = 0

    def install(self):
        from django.template import base

        original = base.Template.render
        split = self

        def render(template, context):
            if split.depth:
                return original(template, context)
            split.depth += 1
            started = time.process_time()
            try:
                return original(template, context)
            finally:
                split.template += (time.process_time() - started) * 1000
                split.depth -= 1

        base.Template.render = render

    def __call__(self, execute, sql, params, many, context):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_cpu += (time.process_time() - cpu) * 1000
            self.sql_wall += (time.perf_counter() - wall) * 1000


class Statements:
    def __init__(self):
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", action="append", default=[], help="request type to profile")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print each request's statements")
    parser.add_argument("--only", action="append", default=[], help="measure only these types")
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="make one untimed, committed change to the round before each measured request",
    )
    args = parser.parse_args(argv)

    from bench import load

    env = load._environment()
    os.environ.update({k: v for k, v in env.items() if k != "server"})
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench import build
    from bench.pages import RoundChange
    from checklist.models import Answer, SelfAssessment
    from participants.models import Function, FunctionAssignment
    from rounds.models import Round

    round_ = Round.objects.get(slug=build.NATIONAL_SLUG)
    draft = (
        SelfAssessment.objects.filter(
            participation__round=round_,
            meeting__number=build.LEARNING_MEETINGS,
            status=SelfAssessment.Status.DRAFT,
            locked_at__isnull=True,
        )
        .select_related("participation__organisation")
        .order_by("participation__organisation__code")
        .first()
    )
    participation = draft.participation
    strategist = (
        FunctionAssignment.objects.filter(participation=participation, function=Function.STRATEGIST)
        .select_related("person")
        .first()
        .person
    )
    User = get_user_model()
    leader = User.objects.get(email="projektledare@bench.example")
    mentor = User.objects.filter(email__startswith="mentor.fn").order_by("email").first()
    clients = {}
    for name, person in (("strategist", strategist), ("leader", leader), ("mentor", mentor)):
        clients[name] = Client()
        clients[name].force_login(person)

    slug = round_.slug
    step = [0]

    def autosave_data():
        step[0] += 1
        answers = list(Answer.objects.filter(assessment=draft).select_related("item"))
        revision = SelfAssessment.objects.get(pk=draft.pk).revision
        data = {"revision": str(revision)}
        for answer in answers:
            data[f"score_{answer.item.number}"] = "" if answer.score is None else answer.score
            data[f"comment_{answer.item.number}"] = answer.comment
        number = answers[step[0] % len(answers)].item.number
        data[f"comment_{number}"] = f"Ändrad {step[0]} {time.time_ns()}"
        return data

    save_url = reverse("checklist:assessment_save", kwargs={"pk": draft.pk})
    requests = {
        "bare page": ("strategist", "get", reverse("about"), None),
        "self-assessment page": (
            "strategist",
            "get",
            reverse("checklist:assessment", kwargs={"pk": draft.pk}),
            None,
        ),
        "autosave": ("strategist", "post", save_url, autosave_data),
        "group page": (
            "strategist",
            "get",
            reverse(
                "rounds:group_detail", kwargs={"round_slug": slug, "pk": participation.group_id}
            ),
            None,
        ),
        "organisation page": (
            "strategist",
            "get",
            reverse(
                "participants:participation_detail",
                kwargs={"round_slug": slug, "code": participation.organisation.code},
            ),
            None,
        ),
        "round dashboard": (
            "leader",
            "get",
            reverse("rounds:round_detail", kwargs={"slug": slug}),
            None,
        ),
        "mentor workspace": ("mentor", "get", reverse("rounds:mentor_workspace"), None),
        "bare page (leader)": ("leader", "get", reverse("about"), None),
        "bare page (mentor)": ("mentor", "get", reverse("about"), None),
    }

    def prepared(kind):
        """The request, ready to send: what it posts is read before it is timed."""
        who, method, url, data = requests[kind]
        client = clients[who]
        if method == "get":
            return lambda: client.get(url)
        body = data()
        return lambda: client.post(url, body, headers={"HX-Request": "true"})

    def call(kind):
        return prepared(kind)()

    change = RoundChange(round_, besides=participation) if args.after_change else None

    def before():
        """The round changed, untimed, when asked (--after-change)."""
        if change is not None:
            change()

    split = Split()
    split.install()
    print(
        f"{'request':24} {'status':>6} {'queries':>7} {'cpu ms':>8} {'min cpu':>8} "
        f"{'template':>8} {'sql wall':>8} {'wall ms':>8}"
    )
    for kind in requests:
        if args.only and kind not in args.only:
            continue
        for _ in range(3):
            call(kind)
        statements = Statements()
        before()
        send = prepared(kind)
        with connection.execute_wrapper(statements):
            response = send()
        cpus, walls, templates, sql = [], [], [], []
        for _ in range(args.runs):
            before()
            send = prepared(kind)
            split.template = split.sql_wall = 0.0
            wall, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(split):
                send()
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
            templates.append(split.template)
            sql.append(split.sql_wall)
        print(
            f"{kind:24} {response.status_code:>6} {len(statements.sql):>7} "
            f"{statistics.median(cpus):8.1f} {min(cpus):8.1f} {statistics.median(templates):8.1f} "
            f"{statistics.median(sql):8.1f} {statistics.median(walls):8.1f}",
            flush=True,
        )
        if args.sql:
            for sql, n in Counter(statements.sql).most_common():
                print(f"    {n} × {sql[:300]}")
        if kind in args.profile:
            profiler = cProfile.Profile()
            for _ in range(args.runs):
                before()
                send = prepared(kind)
                profiler.enable()
                send()
                profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

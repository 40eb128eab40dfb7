"""`make loadtest`: the real server under "the week before a learning meeting".

1. A database of its own, `mk_load` on the PostgreSQL server LOAD_DATABASE_URL names
   (default postgres://postgres@127.0.0.1:5432/postgres), built once by the benchmark's builder
   (`bench/build.py`: ten earlier rounds and the national round of 311 organisations) and kept
   for the next run (--rebuild builds it afresh). Redis (LOAD_REDIS_URL, default
   redis://127.0.0.1:6379/0) is the cache and the broker, as in production.
2. gunicorn, 4 sync workers, on a free port of 127.0.0.1 (loopback only), DEBUG off.
3. For each number of users (10, 60, 120) a run of a fixed length (60 s): each user is a thread
   with its own session and connection, as a browser would be:
   - strategists (8 in 10) open their organisation's self-assessment before the sixth learning
     meeting, then every ~2 s change one answer (a comment, now and then a score) and autosave
     the whole form as the page's htmx does; every fifth time they open their group's page
     or their organisation's page;
   - project leaders (1 in 10) reload the round dashboard (a page of it) every ~2 s;
   - mentors (1 in 10) open their workspace every ~2 s;
   - every user asks for the bare page (About: the same layout, no content) every fifth time,
     so that it is measured under the same load.
4. After each run: every strategist's last acknowledged autosave must be what the database
   holds (all scores and comments of the assessment); a difference is a lost autosave.

Writes `bench/load.json` and prints a table. Latencies are measured by the client (request
sent to response read), so they include gunicorn's queue under load.

Why a small script on httpx with threads rather than Locust: the scenario needs each user's
state (the form's answers and revision) and a check against the database afterwards, which is
plain Python here; one thread per user with one httpx client is what a browser tab is (one
connection, cookies, requests in turn); and it adds one small, well-kept pure-Python dependency
instead of gevent's monkey-patching and a web UI. The client shares the machine with the
server, which a report of its own CPU time (`client_cpu_seconds`) makes visible.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "bench" / "load.json"
# Another name (LOAD_DATABASE_NAME) lets two runs share one server.
LOAD_DATABASE = os.environ.get("LOAD_DATABASE_NAME", "mk_load")
WORKERS = 4
THINK_SECONDS = (1.5, 2.5)  # between one user's actions, about 2 s
REVISION = re.compile(r'name="revision" value="(\d+)"')


def _environment() -> dict:
    server = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if urlsplit(server).scheme not in ("postgres", "postgresql"):
        sys.exit(f"LOAD_DATABASE_URL must name a PostgreSQL server, not {server!r}.")
    redis = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/0")
    return {
        "server": server,
        "DATABASE_URL": urlunsplit(urlsplit(server)._replace(path=f"/{LOAD_DATABASE}")),
        "CACHE_URL": redis,
        "CELERY_BROKER_URL": redis,
        # Nothing the scenario does queues a task; should one be, no worker takes it here.
        "CELERY_TASK_DEFAULT_QUEUE": "loadtest",
        "DJANGO_SETTINGS_MODULE": "modellkoncept.settings",
        "DJANGO_PRODUCTION": "false",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def _postgres(server_url: str, statement: str) -> list:
    import psycopg2

    parts = urlsplit(server_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


# The data, the people and their sessions (in this process, through Django)


def prepare(rebuild: bool) -> None:
    """The national round in `mk_load`: built if missing (or asked to)."""
    import django

    env = _environment()
    exists = _postgres(
        env["server"],
        f"SELECT 1 FROM pg_database WHERE datname = '{LOAD_DATABASE}'",  # noqa: S608 - a constant
    )
    if rebuild or not exists:
        _postgres(env["server"], f'DROP DATABASE IF EXISTS "{LOAD_DATABASE}" WITH (FORCE)')
        _postgres(env["server"], f'CREATE DATABASE "{LOAD_DATABASE}"')
    os.environ.update({k: v for k, v in env.items() if k != "server"})
    django.setup()
    from django.core.management import call_command

    from bench import build
    from rounds.models import Round

    call_command("migrate", verbosity=0)
    if Round.objects.filter(slug=build.NATIONAL_SLUG).exists():
        print(f"Using the national round already built in {LOAD_DATABASE}.")
    else:
        print(f"Building the national round in {LOAD_DATABASE} (ten seconds or so)…", flush=True)
        _, summary = build.build()
        print(f"Built in {summary['build_seconds']} s.")
    _analyze()


def _analyze() -> None:
    """Vacuum the database and give the planner statistics, so that every run starts alike:
    the server may run with autovacuum off, some plans of a freshly filled database are poor
    without statistics, and a reused database holds the dead rows earlier runs and the
    benchmark's changes left (one run at 120 users, on a database with ten times as many dead
    rows of improvement work as live ones, queued at p95 600–700 ms against 390 ms after a
    vacuum). A few seconds, also when reused."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # outside a transaction: Django's autocommit


@dataclass
class Strategist:
    session: str
    assessment: int
    group: int
    code: str
    scores: dict[int, int | None]
    comments: dict[int, str]
    revision: int
    # The state of the last autosave the server acknowledged, and the one sent after it (a
    # request that failed may still have been saved).
    acknowledged: tuple | None = None
    attempted: list = field(default_factory=list)

    def state(self) -> tuple:
        return tuple(sorted(self.scores.items())), tuple(sorted(self.comments.items()))


def _session_for(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value


def people(users: int) -> tuple[list[Strategist], list[str], list[str], str]:
    """Sessions of the strategists (each with a draft self-assessment of the national round's
    sixth meeting), project leaders and mentors of a run of `users`, and the round's slug."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench import build
    from checklist import services as checklist_services
    from checklist.models import SelfAssessment
    from participants.models import Function, FunctionAssignment, Participation
    from rounds.models import Meeting, Round

    User = get_user_model()
    leaders = max(1, users // 10)
    mentors = max(1, users // 10)
    wanted = users - leaders - mentors
    round_ = Round.objects.get(slug=build.NATIONAL_SLUG)
    sixth = {
        m.group_id: m for m in Meeting.objects.filter(round=round_, number=build.LEARNING_MEETINGS)
    }
    participations = list(
        Participation.objects.filter(round=round_, group__isnull=False)
        .select_related("organisation", "round__checklist_version")
        .order_by("organisation__code")
    )
    drafts = {
        a.participation_id: a
        for a in SelfAssessment.objects.filter(
            participation__round=round_, meeting__number=build.LEARNING_MEETINGS
        ).select_related("meeting")
    }
    today = timezone.localdate()
    strategists = []
    for participation in participations:
        if len(strategists) == wanted:
            break
        meeting = sixth[participation.group_id]
        if meeting.assessment_opens_on and meeting.assessment_opens_on > today:
            continue  # the week before the meeting, but its assessment is not open yet
        assessment = drafts.get(participation.pk)
        if assessment is not None and (
            assessment.status != SelfAssessment.Status.DRAFT or assessment.is_locked
        ):
            continue
        if assessment is None:  # not begun: begun now, as the strategist would
            assessment, _ = checklist_services.assessment_record(
                participation=participation,
                meeting=meeting,
                scores={1: 1},
                submitted_at=None,
            )
        person = (
            FunctionAssignment.objects.filter(
                participation=participation, function=Function.STRATEGIST
            )
            .select_related("person")
            .first()
            .person
        )
        answers = list(assessment.answers.select_related("item"))
        strategists.append(
            Strategist(
                session=_session_for(person),
                assessment=assessment.pk,
                group=participation.group_id,
                code=participation.organisation.code,
                scores={a.item.number: a.score for a in answers},
                comments={a.item.number: a.comment for a in answers},
                revision=SelfAssessment.objects.get(pk=assessment.pk).revision,
            )
        )
    leader = User.objects.get(email="projektledare@bench.example")
    mentor_people = list(User.objects.filter(email__startswith="mentor.fn").order_by("email"))
    return (
        strategists,
        [_session_for(leader) for _ in range(leaders)],
        [_session_for(mentor_people[i % len(mentor_people)]) for i in range(mentors)],
        round_.slug,
    )


def lost_autosaves(strategists: list[Strategist]) -> int:
    """Strategists whose assessment in the database is not their last acknowledged autosave
    (nor a later one whose answer was lost on the way back)."""
    from checklist.models import Answer

    lost = 0
    for strategist in strategists:
        if strategist.acknowledged is None:
            continue
        answers = Answer.objects.filter(assessment_id=strategist.assessment).select_related("item")
        held = (
            tuple(sorted((a.item.number, a.score) for a in answers)),
            tuple(sorted((a.item.number, a.comment) for a in answers)),
        )
        if held != strategist.acknowledged and held not in strategist.attempted:
            lost += 1
    return lost


# The server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, **{k: v for k, v in _environment().items() if k != "server"}}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            gunicorn,
            "modellkoncept.wsgi:application",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at once (exit status {server.returncode}).")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/about/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(server)
    sys.exit("gunicorn did not answer within 60 s.")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# The users


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def request(self, client, kind: str, method: str, url: str, expect=200, **kwargs):
        started = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)
            ok = response.status_code == expect
        except Exception:  # a refused or timed-out request is an error like a 500
            response, ok = None, False
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times.setdefault(kind, []).append(elapsed)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
        return response if ok else None


def _client(base: str, session: str):
    import httpx
    from django.conf import settings

    client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret Django accepts as it is
    client.cookies.set(settings.SESSION_COOKIE_NAME, session)
    client.cookies.set(settings.CSRF_COOKIE_NAME, csrf)
    client.headers["X-CSRFToken"] = csrf
    return client


def strategist_user(base, me: Strategist, slug: str, recorder: Recorder, until: float, rng):
    from django.urls import reverse

    page = reverse("checklist:assessment", kwargs={"pk": me.assessment})
    save = reverse("checklist:assessment_save", kwargs={"pk": me.assessment})
    others = [
        ("group page", reverse("rounds:group_detail", kwargs={"round_slug": slug, "pk": me.group})),
        (
            "organisation page",
            reverse(
                "participants:participation_detail", kwargs={"round_slug": slug, "code": me.code}
            ),
        ),
    ]
    bare = reverse("about")
    with _client(base, me.session) as client:
        recorder.request(client, "self-assessment page", "GET", page)
        step = 0
        while time.monotonic() < until:
            time.sleep(rng.uniform(*THINK_SECONDS))
            if time.monotonic() >= until:
                break
            step += 1
            item = rng.choice(sorted(me.comments))
            if step % 4 == 0:
                me.scores[item] = rng.choice([1, 2, 3])
            else:
                me.comments[item] = f"Ändrad {step} ({secrets.token_hex(3)})"
            data = {"revision": str(me.revision)}
            for number in me.comments:
                score = me.scores[number]
                data[f"score_{number}"] = "" if score is None else str(score)
                data[f"comment_{number}"] = me.comments[number]
            me.attempted.append(me.state())
            response = recorder.request(
                client, "autosave", "POST", save, data=data, headers={"HX-Request": "true"}
            )
            if response is not None:
                me.acknowledged, me.attempted = me.state(), []
                found = REVISION.search(response.text)
                if found:
                    me.revision = int(found.group(1))
            if step % 5 == 0:
                kind, url = others[(step // 5) % 2]
                recorder.request(client, kind, "GET", url)
                recorder.request(client, "bare page", "GET", bare)


def reader_user(base, session, kind, urls, recorder, until, rng):
    from django.urls import reverse

    bare = reverse("about")
    with _client(base, session) as client:
        step = 0
        while time.monotonic() < until:
            step += 1
            recorder.request(client, kind, "GET", rng.choice(urls))
            if step % 5 == 0:
                recorder.request(client, "bare page", "GET", bare)
            time.sleep(rng.uniform(*THINK_SECONDS))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index], 1)


def run(base: str, users: int, seconds: float) -> dict:
    from django.urls import reverse

    strategists, leaders, mentors, slug = people(users)
    dashboard = reverse("rounds:round_detail", kwargs={"slug": slug})
    dashboards = [dashboard] + [f"{dashboard}?page={n}" for n in range(2, 6)]
    workspace = [reverse("rounds:mentor_workspace")]
    recorder = Recorder()
    seed = random.Random(users)  # noqa: S311 - think times, not secrets
    threads = []
    start = time.monotonic()
    until = start + seconds
    for me in strategists:
        rng = random.Random(seed.random())  # noqa: S311
        threads.append(
            threading.Thread(target=strategist_user, args=(base, me, slug, recorder, until, rng))
        )
    for session in leaders:
        rng = random.Random(seed.random())  # noqa: S311
        threads.append(
            threading.Thread(
                target=reader_user,
                args=(base, session, "round dashboard", dashboards, recorder, until, rng),
            )
        )
    for session in mentors:
        rng = random.Random(seed.random())  # noqa: S311
        threads.append(
            threading.Thread(
                target=reader_user,
                args=(base, session, "mentor workspace", workspace, recorder, until, rng),
            )
        )
    cpu = time.process_time()
    for thread in threads:
        thread.start()
        time.sleep(min(0.05, 2.0 / len(threads)))  # users arrive over the first seconds
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    cpu = time.process_time() - cpu
    lost = lost_autosaves(strategists)
    bare = recorder.times.pop("bare page", [])
    bare_errors = recorder.errors.pop("bare page", 0)
    result = {
        "users": users,
        "seconds": round(elapsed, 1),
        "errors": sum(recorder.errors.values()) + bare_errors,
        "lost_autosaves": lost,
        "types": {
            kind: {
                "count": len(times),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": percentile(times, 95),
                "p99_ms": percentile(times, 99),
            }
            for kind, times in sorted(recorder.times.items())
        },
        "bare": {
            "p50_ms": round(statistics.median(bare), 1) if bare else 0.0,
            "p95_ms": percentile(bare, 95) if bare else 0.0,
        },
    }
    autosaves = sum(1 for s in strategists if s.acknowledged is not None)
    requests = sum(t["count"] for t in result["types"].values()) + len(bare)
    print(
        f"{users} users: {requests} requests in {elapsed:.0f} s ({requests / elapsed:.0f}/s), "
        f"{result['errors']} errors, {lost} lost autosaves of {autosaves} users who saved; "
        f"client CPU {cpu:.1f} s",
        flush=True,
    )
    return result


def table(runs: list[dict]) -> str:
    lines = [
        "| users | request type | count | p50 ms | p95 ms | p99 ms | p95 ÷ bare p95 |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in runs:
        bare = result["bare"]["p95_ms"] or 1
        for kind, t in result["types"].items():
            lines.append(
                f"| {result['users']} | {kind} | {t['count']} | {t['p50_ms']:.0f} | "
                f"{t['p95_ms']:.0f} | {t['p99_ms']:.0f} | {t['p95_ms'] / bare:.1f} |"
            )
        lines.append(
            f"| {result['users']} | bare page | | {result['bare']['p50_ms']:.0f} | "
            f"{result['bare']['p95_ms']:.0f} | | 1.0 |"
        )
        lines.append(
            f"| {result['users']} | errors {result['errors']}, lost autosaves "
            f"{result['lost_autosaves']} | | | | | |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="10,60,120", help="users of each run (10,60,120)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each run (60)")
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    prepare(args.rebuild)
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    runs = []
    try:
        for users in [int(n) for n in args.users.split(",")]:
            runs.append(run(base, users, args.seconds))
    finally:
        stop_server(server)
    args.output.write_text(json.dumps({"runs": runs}, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(runs))
    print(f"\nWritten to {os.path.relpath(args.output, REPO)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

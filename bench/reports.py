"""Benchmark of the PDF reports at national scale: `python -m bench.reports`.

Builds a throwaway database (a PostgreSQL database `modellkoncept_bench_reports` on the server
DATABASE_URL names, or an SQLite file in a temporary directory) and builds in it the national
round of the page benchmark (`bench/build.py`): all 290 municipalities and 21 regions in groups
of two or three, each with three to five people, a piece of improvement work and six learning
meetings, the first five with submitted self-assessments and the sixth three weeks ahead
(submitted by a third, started by a third). Then it measures:

- WeasyPrint's time for a plain one-page document (bare, and with the reports' stylesheet and
  fonts), the yardstick for the rest;
- seconds per organisation report (a sample, after a warm-up) and for the round report,
  in this process, with the peak memory of this process;
- the wall time of all reports of the round (one task per organisation and group plus the round
  report) with one and with two worker processes: real `celery worker` processes through Redis
  when a broker is configured (CELERY_BROKER_URL or REDIS_URL), else a multiprocessing pool
  calling the same service, and the peak memory (VmHWM) of a worker process in each run.

It prints a table and writes `bench/reports-results.json`. Nothing outside the throwaway
database and its temporary media directory is touched; both are removed at the end (keep
them with --keep).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "reports-results.json"
# Its own name: it never meets the page benchmark's `modellkoncept_bench` on a shared server.
BENCH_DATABASE = "modellkoncept_bench_reports"
SLUG = "bench-nationell"  # bench.build.NATIONAL_SLUG (that module needs Django set up)


# Setting up the throwaway database, before Django reads its settings.


def _prepare_environment(keep: bool) -> dict:
    """Point DATABASE_URL and the media root at throwaway places; returns what to clean."""
    workdir = Path(tempfile.mkdtemp(prefix="modellkoncept-bench-"))
    original = os.environ.get("DATABASE_URL", "")
    cleanup = {"workdir": workdir, "keep": keep, "postgres": None}
    if original.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(original)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
        _postgres(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        _postgres(admin_url, f'CREATE DATABASE "{BENCH_DATABASE}"')
        os.environ["DATABASE_URL"] = bench_url
        cleanup["postgres"] = admin_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modellkoncept.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    return cleanup


def _postgres(admin_url: str, statement: str) -> None:
    import psycopg2

    parts = urlsplit(admin_url)
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
    finally:
        connection.close()


def _cleanup(cleanup: dict) -> None:
    if cleanup["keep"]:
        print(f"Kept: {os.environ['DATABASE_URL']} and {cleanup['workdir']}")
        return
    from django.db import connections

    connections.close_all()
    if cleanup["postgres"]:
        _postgres(cleanup["postgres"], f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    shutil.rmtree(cleanup["workdir"], ignore_errors=True)


# The national round: the page benchmark's (bench/build.py), without its earlier rounds.


def build_national_round() -> dict:
    from bench import build
    from participants.models import Organisation

    started = time.perf_counter()
    builder = build.Builder()
    builder.reference()
    national = builder.national()
    assert national.round.slug == SLUG
    kinds = list(
        national.round.participations.filter(role="participant").values_list(
            "organisation__kind", flat=True
        )
    )
    return {
        "organisations": len(kinds),
        "municipalities": kinds.count(Organisation.Kind.MUNICIPALITY),
        "regions": kinds.count(Organisation.Kind.REGION),
        "groups": national.counts["groups"],
        "meetings": national.counts["meetings"],
        "assessments": national.counts["self_assessments"],
        "build_seconds": round(time.perf_counter() - started, 1),
    }


# Measuring in this process.


def _peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_in_process(sample: int) -> dict:
    import weasyprint
    from pypdf import PdfReader

    from reports import rendering, services
    from reports.models import ReportJob
    from rounds.models import Round

    round_ = Round.objects.get(slug=SLUG)
    plain = (
        "<html><body><h1>Rapport</h1><p>"
        + "Jämställdhetsintegrering i styrning och ledning. " * 30
        + "</p></body></html>"
    )

    def best_of(function, runs=7, clock=time.perf_counter):
        times = []
        for _ in range(runs):
            started = clock()
            function()
            times.append(clock() - started)
        return min(times)

    bare = best_of(lambda: weasyprint.HTML(string=plain).write_pdf())
    bare_cpu = best_of(lambda: weasyprint.HTML(string=plain).write_pdf(), clock=time.process_time)
    styled = best_of(lambda: rendering.html_to_pdf(plain))

    participations = list(
        round_.participations.filter(role="participant").order_by("organisation__code")
    )
    chosen = random.Random(7).sample(  # noqa: S311 - a reproducible sample
        participations, k=min(sample, len(participations))
    )
    jobs = [
        ReportJob(kind=ReportJob.Kind.ORGANISATION, round=round_, participation=p, language="sv")
        for p in chosen
    ]
    services.report_pdf(jobs[0])  # warm-up: imports, fonts, stylesheet
    organisation_times, organisation_cpu, pages = [], [], []
    for job in jobs:
        started, cpu = time.perf_counter(), time.process_time()
        pdf = services.report_pdf(job)
        organisation_times.append(time.perf_counter() - started)
        organisation_cpu.append(time.process_time() - cpu)
        pages.append(len(PdfReader(io.BytesIO(pdf)).pages))
    round_job = ReportJob(kind=ReportJob.Kind.ROUND, round=round_, language="sv")
    round_times = []
    for _ in range(3):
        started = time.perf_counter()
        round_pdf = services.report_pdf(round_job)
        round_times.append(time.perf_counter() - started)
    round_pages = len(PdfReader(io.BytesIO(round_pdf)).pages)
    mean = statistics.fmean(organisation_times)
    return {
        "plain_one_page_bare_seconds": round(bare, 4),
        "plain_one_page_bare_cpu_seconds": round(bare_cpu, 4),
        "plain_one_page_with_report_stylesheet_seconds": round(styled, 4),
        "organisation_report": {
            "sample": len(organisation_times),
            "mean_seconds": round(mean, 4),
            "mean_cpu_seconds": round(statistics.fmean(organisation_cpu), 4),
            "median_seconds": round(statistics.median(organisation_times), 4),
            "max_seconds": round(max(organisation_times), 4),
            "pages": sorted(set(pages)),
            "times_plain_bare": round(mean / bare, 1),
            "cpu_times_plain_bare_cpu": round(statistics.fmean(organisation_cpu) / bare_cpu, 1),
        },
        "round_report": {
            "best_seconds": round(min(round_times), 3),
            "pages": round_pages,
            "bytes": len(round_pdf),
        },
        "peak_rss_mib_this_process": round(_peak_rss_mib(), 1),
    }


# Measuring the whole batch with one and with two worker processes.


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        for task in tasks:
            text = (task / "children").read_text()
            found += [int(c) for c in text.split()]
    except OSError:
        return []
    return found + [g for c in found for g in _children(c)]


def _hwm_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _wait_for_batch(batch, timeout: float, watch_pid: int | None = None) -> tuple[float, float]:
    """Seconds until every job of the batch finished; the highest VmHWM seen in the worker."""
    from reports import selectors

    peak = 0.0
    started = time.perf_counter()
    while True:
        progress = selectors.batch_progress(batch=batch)
        if watch_pid:
            for pid in [watch_pid, *_children(watch_pid)]:
                peak = max(peak, _hwm_mib(pid))
        if progress.is_complete:
            return time.perf_counter() - started, peak
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"The batch did not finish in {timeout} s: {progress}")
        time.sleep(0.1)


def _batch_with_celery(concurrency: int, broker: str, timeout: float) -> dict:
    from django.db import transaction

    from modellkoncept.celery import app
    from reports import selectors, services
    from rounds.models import Round

    queue = f"bench-{uuid.uuid4().hex[:10]}"
    cpu_before, load_before = _children_cpu(), os.getloadavg()[0]
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "modellkoncept",
            "worker",
            "--queues",
            queue,
            "--concurrency",
            str(concurrency),
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app.conf.broker_url = broker
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("The Celery worker did not start.")
        round_ = Round.objects.get(slug=SLUG)
        with transaction.atomic():  # the tasks are queued when this commits
            batch = services.report_batch_request(round=round_, language="sv")
        seconds, peak = _wait_for_batch(batch, timeout, watch_pid=worker.pid)
        progress = selectors.batch_progress(batch=batch)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    load = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return _batch_result(concurrency, seconds, peak, progress, _children_cpu() - cpu_before, load)


def _render_in_child(job_id: int) -> int:
    from reports import services

    services.report_job_render(job_id=job_id)
    return os.getpid()


def _child_start() -> None:
    from django.db import connections

    connections.close_all()  # never share the parent's connection


def _batch_with_processes(concurrency: int, timeout: float) -> dict:
    import multiprocessing
    from unittest import mock

    from django.db import connections, transaction

    from reports import selectors, services
    from rounds.models import Round

    round_ = Round.objects.get(slug=SLUG)
    with mock.patch.object(services, "_queue"), transaction.atomic():
        batch = services.report_batch_request(round=round_, language="sv")
    ids = list(batch.jobs.order_by("pk").values_list("pk", flat=True))
    connections.close_all()
    context = multiprocessing.get_context("fork")
    cpu_before, load_before = _children_cpu(), os.getloadavg()[0]
    started = time.perf_counter()
    with context.Pool(concurrency, initializer=_child_start, maxtasksperchild=50) as pool:
        pids = set(pool.map(_render_in_child, ids, chunksize=1))
        peak = max(_hwm_mib(pid) for pid in pids) if pids else 0.0
    seconds = time.perf_counter() - started
    load = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    progress = selectors.batch_progress(batch=batch)
    return _batch_result(concurrency, seconds, peak, progress, _children_cpu() - cpu_before, load)


def _children_cpu() -> float:
    """User and system CPU seconds of every finished child process (and their children)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _batch_result(concurrency, seconds, peak, progress, cpu, load) -> dict:
    return {
        "worker_processes": concurrency,
        "wall_seconds": round(seconds, 2),
        "worker_cpu_seconds": round(cpu, 1),
        "load_average_before_after": load,
        "reports": progress.total,
        "done": progress.done,
        "failed": progress.failed,
        "peak_worker_rss_mib": round(peak, 1),
    }


def _broker() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:
        print(f"The broker at {url} does not answer ({error}); using processes instead.")
        return None
    return url


# Putting it together.


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=40, help="organisation reports to time")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per batch at most")
    parser.add_argument("--keep", action="store_true", help="keep the database and the files")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--no-batch", action="store_true", help="time single reports only (quick look)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the batches this many times, alternating 1 and 2 workers; the best counts "
        "(on a machine other work shares, the best run is the one least disturbed)",
    )
    args = parser.parse_args(argv)

    cleanup = _prepare_environment(args.keep)
    broker = _broker()
    os.environ.pop("CELERY_BROKER_URL", None)  # this process renders in-process, eagerly
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    try:
        print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; building…")
        call_command("migrate", verbosity=0)
        data = build_national_round()
        print(
            f"Built {data['organisations']} organisations in {data['groups']} groups with "
            f"{data['assessments']} assessments in {data['build_seconds']} s; measuring…"
        )
        in_process = measure_in_process(args.sample)
        runs = []
        for concurrency in () if args.no_batch else (1, 2) * args.repeat:
            if broker:
                runs.append(_batch_with_celery(concurrency, broker, args.timeout))
            else:
                runs.append(_batch_with_processes(concurrency, args.timeout))
        result = {
            "when": datetime.now().isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
                "weasyprint": __import__("weasyprint").__version__,
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "workers": "celery worker processes through Redis"
                if broker
                else "multiprocessing pool (no broker configured)",
            },
            "data": data,
            **in_process,
            "batch": runs,
            "speed_up_two_workers": _speed_up(runs),
        }
    finally:
        _cleanup(cleanup)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    _print_table(result)
    print(f"\nWritten to {args.output}")
    return result


def _speed_up(runs: list[dict]) -> float | None:
    best = {}
    for run in runs:
        n = run["worker_processes"]
        best[n] = min(best.get(n, float("inf")), run["wall_seconds"])
    return round(best[1] / best[2], 2) if {1, 2} <= best.keys() else None


def _print_table(result: dict) -> None:
    org = result["organisation_report"]
    rows = [
        ("Workers", result["machine"]["workers"]),
        ("Database", result["machine"]["database"]),
        (
            "Round",
            f"{result['data']['organisations']} organisations, "
            f"{result['data']['groups']} groups, {result['data']['assessments']} assessments",
        ),
        ("Plain one-page PDF (WeasyPrint alone)", f"{result['plain_one_page_bare_seconds']:.3f} s"),
        (
            "Plain one-page PDF (report stylesheet, fonts)",
            f"{result['plain_one_page_with_report_stylesheet_seconds']:.3f} s",
        ),
        (
            "Organisation report (mean of sample)",
            f"{org['mean_seconds']:.3f} s (median {org['median_seconds']:.3f}, max "
            f"{org['max_seconds']:.3f}; {org['times_plain_bare']}× the plain page; "
            f"{'/'.join(map(str, org['pages']))} pages; n={org['sample']})",
        ),
        (
            "Round report",
            f"{result['round_report']['best_seconds']:.2f} s "
            f"({result['round_report']['pages']} pages)",
        ),
        ("Peak memory, this process", f"{result['peak_rss_mib_this_process']:.0f} MiB"),
    ]
    for run in result["batch"]:
        rows.append(
            (
                f"All {run['reports']} reports, {run['worker_processes']} worker process(es)",
                f"{run['wall_seconds']:.1f} s wall, {run['worker_cpu_seconds']:.0f} s CPU "
                f"({run['done']} done, {run['failed']} failed; peak worker memory "
                f"{run['peak_worker_rss_mib']:.0f} MiB; load {run['load_average_before_after']})",
            )
        )
    rows.append(("Speed-up with two workers", f"{result['speed_up_two_workers']}×"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")


if __name__ == "__main__":
    main()

"""`make bench`: the main pages at national scale, and the reports' own benchmark.

1. A throwaway database: an SQLite file in a temporary directory, or, when BENCH_DATABASE_URL
   names a PostgreSQL server (postgres://user@host:5432/anything), a database
   `modellkoncept_bench` made afresh on that server. Both are removed at the end (--keep keeps
   them). Nothing else is touched: the settings are pointed at it before Django starts.
2. The data (`bench/build.py`): ten earlier rounds, a national round of all 311 municipalities
   and regions, and a ten-organisation round of the same make.
   On PostgreSQL the database is then analysed (`ANALYZE`): the server may run without
   autovacuum, and a planner without statistics chooses poor plans for tables just filled.
3. The pages (`bench/pages.py`): median server time and SQL queries of the round dashboard, a
   group page, an organisation page, a self-assessment page and the mentor workspace at both
   sizes, each requested right after a change to its round (untimed and committed, so the
   round's kept values are read afresh) and, for comparison, with those values kept; and the
   bare page, in this process with Django's test client. Then the import of the national
   round's archive (`bench/archive.py`), rolled back afterwards.
4. The reports (`bench/reports.py`, when present): run as its own process, on its own
   throwaway database of the same kind, and its figures taken into `bench/results.json`.

It prints the figures as Markdown and writes them to `bench/results.json`. The targets: each
page's query count after a change the same at both sizes, each page at national size, rendered
right after a change to its round, within 4× the bare page (the figures with the round's values
kept are printed beside them and judged on nothing), the round dashboard readable (paginated)
at 311 organisations, and the national round's archive imported within 15 s
(`bench/archive.py`). Each is reported with its verdict; with --strict a missed target makes the
exit status 1. It is 2 when the reports' benchmark fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results.json"
# Another name (BENCH_DATABASE_NAME) lets two runs share one server.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE_NAME", "modellkoncept_bench")


def _postgres(server_url: str, statement: str) -> None:
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
    finally:
        connection.close()


def prepare(keep: bool) -> dict:
    """Point the settings at a throwaway database; what to remove afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="modellkoncept-bench-pages-"))
    server = os.environ.get("BENCH_DATABASE_URL", "").strip()
    cleanup = {"workdir": workdir, "server": None, "keep": keep}
    if server:
        if urlsplit(server).scheme not in ("postgres", "postgresql"):
            sys.exit(f"BENCH_DATABASE_URL must name a PostgreSQL server, not {server!r}.")
        _postgres(server, f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        _postgres(server, f'CREATE DATABASE "{BENCH_DATABASE}"')
        bench_url = urlunsplit(urlsplit(server)._replace(path=f"/{BENCH_DATABASE}"))
        os.environ["DATABASE_URL"] = bench_url
        cleanup["server"] = server
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    # A development site without DEBUG's query log, answering the test client's host; no broker
    # (nothing here queues a task), media in the temporary directory.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "modellkoncept.settings",
            "DJANGO_PRODUCTION": "false",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "CELERY_BROKER_URL": "",
        }
    )
    return cleanup


def analyze() -> None:
    """Give PostgreSQL's planner statistics of the tables just filled (the server may run with
    autovacuum off, and without them some plans are poor); SQLite needs none here."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def remove(cleanup: dict) -> None:
    from django.db import connections

    connections.close_all()
    if cleanup["keep"]:
        print(f"Kept {os.environ['DATABASE_URL']} and {cleanup['workdir']}.")
        return
    if cleanup["server"]:
        _postgres(cleanup["server"], f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    shutil.rmtree(cleanup["workdir"], ignore_errors=True)


def reports_benchmark(environment: dict) -> dict | None:
    """Run bench/reports.py in its own process, on a throwaway database of the same kind as
    this run's (PostgreSQL when BENCH_DATABASE_URL is given, else SQLite); its figures."""
    if not (REPO / "bench" / "reports.py").exists():
        print("\nbench/reports.py is not there; no report figures.")
        return None
    env = {k: v for k, v in environment.items() if k != "DATABASE_URL"}
    options = []
    if environment.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = environment["BENCH_DATABASE_URL"]
    else:
        # All reports of a round are rendered by two processes writing at once, which SQLite
        # refuses ("database is locked"); that part needs PostgreSQL.
        options.append("--no-batch")
        print(
            "\nOn SQLite the reports' benchmark times single reports only; for all reports of "
            "the round with one and two workers, give BENCH_DATABASE_URL (PostgreSQL)."
        )
    print("\nThe reports' benchmark (bench/reports.py), in its own process:", flush=True)
    # Its figures go into results.json; its own results file is left to its own runs.
    with tempfile.TemporaryDirectory(prefix="modellkoncept-bench-reports-") as directory:
        output = Path(directory) / "reports-results.json"
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.reports", "--output", str(output), *options],
            cwd=REPO,
            env=env,
            check=False,
        )
        if done.returncode != 0 or not output.exists():
            print(f"The reports' benchmark failed (exit status {done.returncode}).")
            return {"failed": done.returncode}
        return json.loads(output.read_text())


def reports_markdown(reports: dict) -> str:
    org, whole = reports["organisation_report"], reports.get("batch") or []
    lines = [
        "Reports (bench/reports.py, "
        f"{reports['data']['organisations']} organisations, {reports['machine']['database']}, "
        f"{reports['machine']['workers']}):",
        "",
        "| report | figure |",
        "| --- | --- |",
        "| plain one-page PDF (WeasyPrint alone) | "
        f"{reports['plain_one_page_bare_seconds']:.3f} s |",
        f"| organisation report, mean of {org['sample']} | {org['mean_seconds']:.2f} s "
        f"({org['times_plain_bare']}× the plain page) |",
        f"| round report | {reports['round_report']['best_seconds']:.2f} s "
        f"({reports['round_report']['pages']} pages) |",
    ]
    for run in whole:
        lines.append(
            f"| all {run['reports']} reports, {run['worker_processes']} worker process(es) | "
            f"{run['wall_seconds']:.0f} s ({run['done']} done, {run['failed']} failed, peak "
            f"worker memory {run['peak_worker_rss_mib']:.0f} MiB) |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page")
    parser.add_argument("--warm-ups", type=int, default=3, help="untimed requests first")
    parser.add_argument("--skip-reports", action="store_true", help="leave out bench/reports.py")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    environment = dict(os.environ)
    cleanup = prepare(args.keep)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench import archive, build, pages

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    try:
        print(f"Benchmark database: {database}, throwaway. Building (ten seconds or so)…")
        call_command("migrate", verbosity=0)
        rounds, summary = build.build()
        analyze()
        print(
            f"Built in {summary['build_seconds']} s: {summary['earlier_rounds']} earlier rounds, "
            f"the national round ({rounds['national'].counts['organisations']} organisations) "
            f"and a small one ({rounds['small'].counts['organisations']}). Measuring pages…",
            flush=True,
        )
        leader = build.User.objects.get(email="projektledare@bench.example")
        measured = pages.run(rounds, leader, runs=args.runs, warm_ups=args.warm_ups)
        print("Importing the national round's archive…", flush=True)
        imported = archive.run(rounds["national"].round, leader)
    finally:
        remove(cleanup)
    result = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "database": database,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "method": {
            "client": "django.test.Client in the benchmark's process, signed in with force_login",
            "runs": args.runs,
            "warm_ups": args.warm_ups,
            "statistic": "median server time of the timed requests, each right after a change "
            "to the page's round (untimed, committed); queries of one extra request after a "
            "change; kept_* the same with no change in between (the round's values kept)",
            "change": "a strategist of another organisation of the round renames its improvement "
            "work (participants.services.improvement_work_update), which renews the round's "
            "kept values that read improvement work on commit",
            "time_target": f"national size, after a change, within {pages.TIME_TARGET:g}× the "
            "bare page",
        },
        "data": {
            "summary": summary,
            "national": rounds["national"].counts,
            "small": rounds["small"].counts,
            "national_mentor_groups": rounds["national"].mentored_groups,
            "small_mentor_groups": rounds["small"].mentored_groups,
        },
        "pages": measured,
        "archive_import": imported,
    }
    print()
    print(pages.markdown(result))
    print()
    print(archive.markdown(imported))
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    all_met = measured["targets"]["all_met"] and imported["met"]
    status = 1 if args.strict and not all_met else 0
    if not args.skip_reports:
        reports = reports_benchmark(environment)
        result["reports"] = reports
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        if reports and "failed" not in reports:
            print()
            print(reports_markdown(reports))
        elif reports:
            status = 2
    print(f"\nWritten to {os.path.relpath(args.output, REPO)}.")
    return status


if __name__ == "__main__":
    sys.exit(main())

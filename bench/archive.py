"""Importing the national round's archive: the time and the SQL statements of
`rounds.archive.import_document` for the document `export_document` writes of the benchmark's
national round, imported again under another short name (in a transaction rolled back after,
so the benchmark's data stays as it was). Parsing the JSON is timed apart from the import.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from rounds import archive

# The import of the national round may take this long, at most.
TARGET_SECONDS = 15.0


class _Rollback(Exception):
    pass


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run(round_, leader) -> dict:
    text = archive.document_to_json(archive.export_document(round_))
    started = time.perf_counter()
    document = archive.parse_document(text)
    parse_seconds = time.perf_counter() - started
    document["round"]["slug"] = f"{round_.slug}-import"
    counter = StatementCounter()
    try:
        with transaction.atomic(), connection.execute_wrapper(counter):
            started, cpu = time.perf_counter(), time.process_time()
            summary = archive.import_document(document, by=leader)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            raise _Rollback
    except _Rollback:
        pass
    return {
        "archive_kib": round(len(text.encode()) / 1024),
        "parse_seconds": round(parse_seconds, 2),
        "import_seconds": round(seconds, 2),
        # This process's CPU time: the steadier figure on a machine shared with others.
        "import_cpu_seconds": round(cpu, 2),
        "statements": counter.count,
        "organisations": summary.organisations,
        "people": summary.people_created + summary.people_reused,
        "meetings": summary.meetings,
        "self_assessments": summary.assessments,
        "target_seconds": TARGET_SECONDS,
        "met": seconds <= TARGET_SECONDS,
    }


def markdown(result: dict) -> str:
    return (
        f"Archive import of the national round ({result['archive_kib']} KiB, "
        f"{result['organisations']} organisations, {result['people']} people, "
        f"{result['meetings']} meetings, {result['self_assessments']} self-assessments): "
        f"{result['import_seconds']:.1f} s ({result['import_cpu_seconds']:.1f} s CPU) and "
        f"{result['statements']:,} SQL statements "
        f"(parsing {result['parse_seconds']:.2f} s); target ≤ {result['target_seconds']:g} s: "
        f"{'met' if result['met'] else '**missed**'}."
    )

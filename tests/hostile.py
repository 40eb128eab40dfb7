"""Hypothesis strategies for hostile input, shared by the tests that feed it to the site.

Everything here is text that can travel in an HTTP request: a form value, a query parameter, a
path segment. Lone surrogates cannot (they are not UTF-8), so they are left out; everything
else a browser, a script or an attacker might send is in: nothing at all, very long text, NUL
bytes, direction overrides, markup, SQL, paths, emoji, Swedish letters, whitespace only,
numbers out of every range, and dates and times that do not exist or lack their offset.

Also here, shared by the tests of hostile input and of CSRF: `fingerprint` (what a request may
have changed) and `post_endpoints` (every view that takes a POST, so that a new one cannot go
untested).
"""

from __future__ import annotations

import functools
import hashlib
import weakref
from dataclasses import dataclass

from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import strategies as st

LONG = 10_000

WHITESPACE = ["", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u2003\u2009", " \t\r\n "]

TEXTS = [
    "x" * LONG,
    "å" * LONG,
    "😀" * (LONG // 2),
    "\x00",
    "a\x00b",
    "\x00" * 10,
    "\u202egpj.exe",  # right-to-left override
    "\u200f\u200e\u202a\u202b\u202c\u2066\u2069",  # direction marks and isolates
    "\u200b\ufeff\u2060",  # zero-width characters
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE rounds_round; --",
    "' OR '1'='1",
    '" OR ""="',
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "file:///etc/passwd",
    "😀👩‍👩‍👧‍👦🇸🇪",
    "Åsa Örn från Älvdalen",
    "ÅÄÖåäö",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "%(name)s %s %d %n",
    "line\r\nBcc: evil@example.com",
    "null",
    "None",
    "undefined",
    "[]",
    "{}",
    "\\",
    "\ud7ff\ue000\uffff",
    "\U0010ffff",
    "Z\u0351\u0352\u0353\u0354\u0355",  # combining characters
]

NUMBERS = [
    "0",
    "-1",
    "-0",
    "1",
    "2",
    "3",
    "4",
    "21",
    "60",
    "61",
    "32767",
    "32768",
    "65536",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(10**20),
    "9" * 400,
    "1.5",
    "2,5",
    "1e3",
    "1e309",
    "-1e309",
    "0x10",
    " 3 ",
    "３",  # full-width digit
    "٣",  # Arabic-Indic digit
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "+2",
    "--1",
]

DATES = [
    "2026-02-30",
    "2026-02-29",
    "2024-02-29",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-13-01",
    "2026-00-10",
    "2026-1-1",
    "26-01-01",
    "2026/01/01",
    "1.1.2026",
    "01/02/2026",
    "2026-01-01T10:00",
    "-2026-01-01",
    "２０２６-０１-０１",
]

DATETIMES = [
    "2026-01-01T10:00",  # no offset: read in Swedish time
    "2026-01-01 10:00",
    "2026-01-01T10:00:00+14:00",
    "2026-01-01T10:00:00Z",
    "2026-03-29T02:30",  # does not exist in Stockholm (summer time starts)
    "2026-10-25T02:30",  # exists twice in Stockholm (summer time ends)
    "2026-01-01T25:00",
    "2026-01-01T10:60",
    "2026-02-30T10:00",
    "0001-01-01T00:00",
    "0001-01-01T00:30",
    "9999-12-31T23:59",
    "0000-00-00T00:00",
    "2026-01-01",
    "10:00",
]

EMAILS = [
    "a@b",
    "@",
    "a@",
    "@example.se",
    "a" * 300 + "@example.se",
    "åsa@exämple.se",
    "Åsa.Örn@Example.SE",
    "x@example.se\r\nBcc: evil@example.com",
    "x@example.se, y@example.se",
    '"quoted"@example.se',
    "x@[127.0.0.1]",
    "x@localhost",
    "x\x00@example.se",
]

URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example.com",
    "http://evil.example.com/",
    "https://evil.example.com/path",
    "http:evil.example.com",
    "/\\evil.example.com",
    "\\\\evil.example.com",
    "/%09/evil.example.com",
    "https://127.0.0.1:8000@evil.example.com/",
    "http://[::1",
    "https://" + "a" * 300 + ".se/",
]

HOSTILE_CONSTANTS = sorted(
    set(WHITESPACE + TEXTS + NUMBERS + DATES + DATETIMES + EMAILS + URLS),
    key=lambda s: (len(s), s),
)

# Any Unicode text except surrogates (no HTTP request can carry a lone one).
_characters = st.characters(exclude_categories=("Cs",))

# The strategies below are made once (`functools.cache`) and shared: strategies do not change,
# and the form cases ask for them on every example they draw, where a new one costs building it
# and Hypothesis working out its properties again (about a tenth of these tests' time).


@functools.cache
def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """A hostile value: one of the known troublemakers, random text, or the two joined."""
    constant = st.sampled_from(HOSTILE_CONSTANTS)
    random = st.text(_characters, max_size=max_size)
    return st.one_of(
        constant,
        constant,
        random,
        st.builds(lambda a, b: a + b, constant, random),
    )


@functools.cache
def hostile_numbers() -> st.SearchStrategy[str]:
    """Numbers, as a form sends them: out of every range, negative, huge, not whole, not a
    number at all."""
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        hostile_text(),
    )


@functools.cache
def hostile_dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(DATES),
        st.dates().map(lambda d: d.isoformat()),
        st.builds(
            lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
            st.integers(0, 10_000),
            st.integers(0, 13),
            st.integers(0, 32),
        ),
        hostile_text(),
    )


@functools.cache
def hostile_datetimes() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(DATETIMES),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
        hostile_text(),
    )


@functools.cache
def hostile_emails() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(EMAILS), st.emails(), hostile_text())


@functools.cache
def hostile_urls() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(URLS), hostile_text())


@functools.cache
def hostile_value() -> st.SearchStrategy[str]:
    """Any hostile scalar: for a field whose kind does not matter."""
    return st.one_of(
        hostile_text(), hostile_numbers(), hostile_dates(), hostile_datetimes(), hostile_emails()
    )


@functools.cache
def hostile_path_segment() -> st.SearchStrategy[str]:
    """A path segment (no "/", which would change the route): unicode, very long, encoded."""
    return st.one_of(
        st.sampled_from([s for s in HOSTILE_CONSTANTS if "/" not in s and s]),
        st.text(_characters.filter(lambda c: c not in "/?#"), min_size=1, max_size=300),
        st.just("a" * LONG),
    )


# Choosing valid values now and then lets hostile input reach the deeper checks (services,
# database constraints) rather than always stopping at the first field.


def field(valid: st.SearchStrategy[str] | None, hostile: st.SearchStrategy[str]):
    """A form field's value: valid, hostile, or left out (`None`)."""
    options = [hostile, hostile, st.none()]
    if valid is not None:
        options.insert(0, valid)
    return st.one_of(*options)


def valid(*values) -> st.SearchStrategy[str]:
    return st.sampled_from([str(v) for v in values])


def form(fields: dict, *, extra: bool = True) -> st.SearchStrategy[dict]:
    """POST data: each field valid, hostile or missing; a value may come as a list (a field
    sent twice); unknown fields may come along."""
    base = st.fixed_dictionaries(fields)
    unknown = (
        st.dictionaries(
            st.text(_characters, min_size=1, max_size=20).filter(lambda k: k not in fields),
            hostile_text(),
            max_size=2,
        )
        if extra
        else st.just({})
    )

    def build(values, more):
        data = {name: value for name, value in values.items() if value is not None}
        data.update(more)
        return data

    return st.builds(build, base, unknown)


def repeated(value: st.SearchStrategy[str], max_size: int = 4) -> st.SearchStrategy[list]:
    """A field sent several times (checkboxes, a multiple choice)."""
    return st.lists(value, max_size=max_size)


# What a request may change


def watched_models() -> tuple:
    """The tables whose every row the tests compare before and after a request."""
    from accounts.models import User
    from checklist.models import (
        Answer,
        AssessmentComment,
        ChecklistItem,
        ChecklistPart,
        ChecklistVersion,
        ScaleStep,
        SelfAssessment,
    )
    from participants.models import (
        Application,
        FunctionAssignment,
        ImprovementWork,
        Invitation,
        Organisation,
        Participation,
        ProgressNote,
    )
    from reports.models import OrganisationSummary, ReportBatch, ReportJob
    from rounds.models import (
        Attendance,
        BenchmarkingGroup,
        GroupMentor,
        Meeting,
        ResultReport,
        ResultReportComment,
        ResultReportDue,
        Round,
    )

    return (
        Round,
        Meeting,
        BenchmarkingGroup,
        GroupMentor,
        Participation,
        FunctionAssignment,
        User,
        Invitation,
        SelfAssessment,
        Answer,
        AssessmentComment,
        ImprovementWork,
        ProgressNote,
        Application,
        ChecklistVersion,
        ChecklistItem,
        ChecklistPart,
        ScaleStep,
        Organisation,
        Attendance,
        ReportBatch,
        ReportJob,
        OrganisationSummary,
        ResultReport,
        ResultReportComment,
        ResultReportDue,
    )


# Signing in stamps the account; that is not a change a form makes.
UNWATCHED_COLUMNS = {"last_login"}


def fingerprint() -> dict[str, tuple[int, str]]:
    """Every watched table as (row count, digest of every column of every row)."""
    prints = table_prints(watched_models(), unwatched=UNWATCHED_COLUMNS)
    return {label.partition(".")[2]: value for label, value in prints.items()}


def table_prints(models, *, unwatched=frozenset()) -> dict[str, tuple[int, str]]:
    """Each model's table, by its label ("rounds.Round"), as (row count, digest of its rows in
    primary-key order, every column but the `unwatched` ones). On PostgreSQL the server
    digests them, and only those whose rows may have changed since a print this transaction
    took (`_PRINTS`); elsewhere they are read and hashed here, one query per table."""
    columns = {
        model: tuple(f for f in model._meta.concrete_fields if f.attname not in unwatched)
        for model in models
    }
    if connection.vendor != "postgresql":
        result = {}
        for model, fields in columns.items():
            rows = list(
                model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
            )
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            result[model._meta.label] = (len(rows), digest)
        return result
    transaction_key, writes = _written(columns)
    savepoints = tuple(connection.savepoint_ids)
    kept = _PRINTS.get(connection.connection)
    if kept is None or kept[0] != transaction_key:
        kept = _PRINTS[connection.connection] = (transaction_key, {})
    result, stale = {}, {}
    for model, fields in columns.items():
        # The counts only grow within a transaction: a print of another count never holds again.
        count = writes[model._meta.label]
        prints = kept[1].setdefault((model, fields), [])
        prints[:] = [
            p
            for p in prints
            if p.writes == count and savepoints[: len(p.savepoints)] == p.savepoints
        ]
        if prints:
            result[model._meta.label] = prints[0].value
        else:
            stale[model] = fields
    for model, value in _digests(stale).items():
        kept[1][model, stale[model]].append(_Print(savepoints, writes[model._meta.label], value))
        result[model._meta.label] = value
    return {model._meta.label: result[model._meta.label] for model in columns}


@dataclass(frozen=True)
class _Print:
    savepoints: tuple  # the savepoints open when it was taken (Django's, innermost last)
    writes: int  # the rows of the table this transaction had written then
    value: tuple[int, str]


# The prints this connection took in its current transaction: DB-API connection → (the
# transaction, {(model, columns): [_Print, …]}). When one still holds, its table need not be
# digested again. The thousands of requests that take prints before and after run in the
# test's transaction on the test's connection (Django's test client), and PostgreSQL counts
# the rows this transaction inserted, updated and deleted in each table, in savepoints rolled
# back too (`pg_stat_get_xact_tuples_*`, `_written`). Rows change by a write, which the count
# shows, or by rolling a savepoint back, which it does not: so a print holds while its table's
# count has not moved and every savepoint open when it was taken is still open (Django names
# each savepoint of a transaction anew and closes the blocks it opens in order). Not seen:
# another connection's writes (a live server's, a worker's) and TRUNCATE (Django's flush,
# between tests), which no request of these tests makes. Outside a transaction each statement
# is one, so every print there is taken anew.
_PRINTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _written(columns: dict) -> tuple[str, dict[str, int]]:
    """The transaction this connection is in, and how many rows of each table it has written
    in it (`_PRINTS`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid() || ' ' || transaction_timestamp(), array_agg("
            "pg_stat_get_xact_tuples_inserted(t.oid) + pg_stat_get_xact_tuples_updated(t.oid)"
            " + pg_stat_get_xact_tuples_deleted(t.oid) ORDER BY t.n) "
            "FROM unnest(%s::regclass[]) WITH ORDINALITY AS t(oid, n)",
            [[connection.ops.quote_name(model._meta.db_table) for model in columns]],
        )
        transaction_key, counts = cursor.fetchone()
    return transaction_key, dict(
        zip((model._meta.label for model in columns), counts or (), strict=True)
    )


def _digests(columns: dict) -> dict[object, tuple[int, str]]:
    """Each model's table as (row count, md5 of its rows in primary-key order, the given
    columns only), all in one query."""
    if not columns:
        return {}
    quote = connection.ops.quote_name
    selects = [
        # A row of the subquery as text is every column's value: its digest changes with any.
        f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY "  # noqa: S608 - names from the models
        f"t.{quote(model._meta.pk.column)}), '')) FROM (SELECT "
        f"{', '.join(quote(f.column) for f in fields)} FROM {quote(model._meta.db_table)}) AS t"
        for model, fields in columns.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), [model._meta.label for model in columns])
        printed = {name: (count, digest) for name, count, digest in cursor.fetchall()}
    return {model: printed[model._meta.label] for model in columns}


def changed_tables(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


# Every view that takes a POST

# Function views cannot be asked which methods they take; each is listed here, so that a new
# one fails `post_endpoints` until someone says whether it takes a POST.
FUNCTION_VIEWS = {
    "home": False,
    "about": False,
    "accessibility": False,
    "set_language": True,
    "accounts:calendar": True,
    "participants:invitation_accept": True,
    "participants:application_rounds": False,
    "participants:application_create": True,
    "rounds:calendar_feed": False,
}

# Django's admin has its own CSRF protection and tests; the project adds no view to it.
SKIPPED_NAMESPACES = {"admin"}


def _patterns(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def post_endpoints() -> set[str]:
    """The names of every URL whose view takes a POST (class-based views by their
    `http_method_names` and `post` method, function views by `FUNCTION_VIEWS`)."""
    names = set()
    for name, pattern in _patterns(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None:
            takes_post = "post" in view_class.http_method_names and hasattr(view_class, "post")
        elif name in FUNCTION_VIEWS:
            takes_post = FUNCTION_VIEWS[name]
        else:
            raise AssertionError(
                f"The function view {name} is new: add it to FUNCTION_VIEWS in tests/hostile.py "
                "(does it take a POST?)."
            )
        if takes_post:
            names.add(name)
    return names

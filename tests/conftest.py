"""Shared fixtures: a small programme ("world") built through the services, and the real
services (PostgreSQL, Redis with a Celery worker) for the tests that need them.

Tests marked `postgres` or `redis` skip, with the reason, where the service is missing; under
CI (`CI` set) they fail instead, so a green CI run has really used the service.

Time is an input: the whole session runs on a fixed clock (time-machine), started before the
tests are collected and ticking from there, in this process (so also in the live server's
thread) and in every Celery worker a test starts. `--clock` (or `TEST_CLOCK`) sets another
instant, so the suite can be run at any point of a round (`make test-dates`).
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import io
import os
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.test import Client, override_settings
from django.test.testcases import QuietWSGIRequestHandler
from django.utils import timezone, translation

from checklist import services as checklist_services
from participants import services as participant_services
from participants.models import Participation
from rounds import demo
from rounds import services as round_services
from rounds.models import Meeting, Round
from tests import snapshot
from tests.accounts.factories import ProjectLeaderFactory, UserFactory
from tests.participants.factories import OrganisationFactory

REPO = Path(__file__).resolve().parent.parent
UNDER_CI = bool(os.environ.get("CI"))
# Under pytest-xdist (`make test`), the worker this process is ("gw0", …); "main" without it.
# Each worker has its own test database (pytest-django's test_<name>_gw0, …), media directory,
# live server port and Celery queues; see `_per_process_settings` and `celery_worker`.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

# The instant the suite runs at unless told otherwise: mid-way through the demo's active round
# (2025-09-01 – 2027-06-30), on a Tuesday morning in Stockholm.
DEFAULT_CLOCK = "2026-11-24T10:00:00+01:00"
_TRAVEL = pytest.StashKey[time_machine.travel]()


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("TEST_CLOCK") or DEFAULT_CLOCK,
        help=(
            "ISO date or date-time (with offset; a date means 10:00 in Stockholm) the tests run "
            f"at, ticking from there; default {DEFAULT_CLOCK} or $TEST_CLOCK."
        ),
    )


def clock_start(value: str) -> dt.datetime:
    """The instant `--clock` names: an ISO date-time with its offset, or a date at 10:00 in
    Stockholm."""
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise pytest.UsageError(f"--clock: {error}") from None
    if len(value) == 10:  # a date alone
        instant = instant.replace(hour=10, tzinfo=ZoneInfo("Europe/Stockholm"))
    elif instant.tzinfo is None:
        raise pytest.UsageError("--clock: give the date-time with its offset, e.g. +01:00")
    return instant


def pytest_configure(config):
    travel = time_machine.travel(clock_start(config.getoption("clock")), tick=True)
    travel.start()
    config.stash[_TRAVEL] = travel


def pytest_unconfigure(config):
    travel = config.stash.get(_TRAVEL, None)
    if travel is not None:
        travel.stop()


def pytest_collection_finish(session):
    """Fewer and cheaper garbage collections in the test process. What is alive once the tests
    are collected (Django, the apps, the test modules: 450,000 objects) lives to the end, so it
    is moved out of the collector's sight (`gc.freeze`), and the youngest generation is
    collected every 5,000 allocations instead of 700 (Django allocates in bursts: most of a
    request's objects are gone by then). Measured on the access matrix and the hostile forms
    (2,575 tests): 7.0 s of collections, now 4.2 s (the full collections 4.4 s, now 1.4 s)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(5_000, 10, 10)


# The day the shared test world (`world`) runs on: inside its rounds' written-out dates.
WORLD_DAY = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))

# The day the demo data was written for (rounds/demo.py): its active round has meetings on both
# sides of it, attendance recorded for the past ones and assessments open for the next.
DEMO_DAY = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture
def demo_day():
    """Run a test on the demo's day, whatever `--clock` says: what the demo holds (attendance,
    open assessments, a completed earlier round) is written for that day."""
    with time_machine.travel(DEMO_DAY, tick=True):
        yield DEMO_DAY


@pytest.fixture(scope="module")
def demo_day_module():
    """`demo_day` for a module whose demo is built once for all its tests."""
    with time_machine.travel(DEMO_DAY, tick=True):
        yield DEMO_DAY


_DEMOS = snapshot.Snapshots()


def seed_demo() -> Round:
    """The demo as `manage.py seed_demo` loads it (its active round is returned): run on the
    demo's day (`demo_day`), before the test writes anything. The first test of a process that
    asks runs the command (2.5–3.5 s); the later ones get its rows back from a snapshot
    (tests/snapshot.py), or run it again where the database holds more than the migrations
    made."""
    return _DEMOS.keep(_seed_demo)


def _seed_demo() -> Round:
    call_command("seed_demo", stdout=io.StringIO())
    return Round.objects.get(slug=demo.ACTIVE_SLUG)


def pytest_report_header(config):
    return f"clock: the tests run at {clock_start(config.getoption('clock')).isoformat()} (--clock)"


def _missing_service(reason: str):
    if UNDER_CI:
        pytest.fail(f"{reason} (CI is set, so this test must not be skipped)")
    pytest.skip(reason)


def _redis_reachable() -> str | None:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "no Celery broker configured (set CELERY_BROKER_URL or REDIS_URL)"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"Redis at {url} is not reachable: {exc}"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # A test that does not share the open world (below) must not see it: roll it back first.
    if _OPEN and (not item.stash.get(_SHARES, False) or _module_of(item) != _OPEN[0].module):
        _close_shared_world()
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] not in (
        "django.db.backends.postgresql",
    ):
        _missing_service("PostgreSQL is not configured (set DATABASE_URL=postgres://…)")
    if item.get_closest_marker("redis"):
        problem = _redis_reachable()
        if problem:
            _missing_service(problem)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database; on PostgreSQL, its commits do not wait for the disk
    (`synchronous_commit = off`, for every session on it: this process's, the live server's and
    the workers'). A crash could lose the last commits of a database thrown away anyway; the
    tests that commit (flushing every table after each) run about a quarter faster.

    The flush after a test that commits deletes the rows, table by table, instead of Django's
    `TRUNCATE`, which makes every table and its indexes anew on disk: 0.01 s instead of 0.35 s
    for the hundred small tables. Django makes every foreign key `DEFERRABLE INITIALLY
    DEFERRED` and flushes in one transaction, so the order of the tables does not matter; a
    flush that resets the sequences or cascades is left to Django.

    When the tests are over, every session still open on it is ended, so that the database can
    be dropped: Django's teardown closes the connection of the context it runs in only, not one
    opened in another (Django's connections are per context, and Playwright's sync API runs the
    browser tests' fixtures in greenlets of their own), nor a killed worker's that the server has
    not noticed yet."""
    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(
                ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Names from the models, quoted.
        return ["; ".join(f"DELETE FROM {ops.quote_name(table)}" for table in tables)]  # noqa: S608

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield from _postgresql_test_database(django_db_blocker)


def _postgresql_test_database(django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        cursor.execute("SET synchronous_commit = off")
    with django_db_blocker.unblock():
        snapshot.remember_migrated()
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(scope="session", autouse=True)
def _live_server_answers_at_once():
    """The live server (pytest-django's `live_server`, Django's `LiveServerThread`) sends each
    response as soon as it is written. Its request handler writes the head and the body of a
    response separately and leaves Nagle's algorithm on, so on a connection kept alive the body
    waits for the browser's delayed acknowledgement of the head: 40 ms on every request
    (measured on loopback: a static file 44 ms, the sign-in page 48 ms; 1.2 ms and 3.7 ms with
    the option of Python's `socketserver` that turns the algorithm off)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QuietWSGIRequestHandler, "disable_nagle_algorithm", True)
        yield


@pytest.fixture(scope="session", autouse=True)
def _per_process_settings(tmp_path_factory):
    """Settings for the whole test process, module-wide data and the live server included:
    - files the tests write (reports, uploads) go to a directory of this process's own, not to
      the repository's media/, which parallel workers (whose rows have the same ids) would share;
    - passwords are hashed with a fast hasher: the production one takes a quarter of a second a
      password by design, and the tests hash hundreds (Django's advice for test settings)."""
    with override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    """Tests see the site as users do (Swedish by default) and send mail to memory."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()  # values kept by an earlier test (their keys name no database)
    # Each test starts in the site's language: a request in English (LocaleMiddleware
    # activates the language and leaves it active) must not carry over to the next test.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def eager_tasks():
    """Tasks run in-process, in the caller's thread, even where a broker is configured: for the
    tests that look at what a task does, not at how it travels (those start `celery_worker`)."""
    from modellkoncept.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


_TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "celery_worker"}


# The rows the data migrations create (the classic checklist, its guidance as the site's help,
# the default evaluation statements). A transactional test empties every table when it ends,
# with Django's `flush`, which then sends `post_migrate` as a migration does: content types and
# permissions are made again on it, and these rows too, here. So every test starts from the
# database as migrated, whatever ran before it in its process, and the browser tests can run
# first (tests/e2e/conftest.py), not only after all the others.
_MIGRATION_DATA = {
    "checklist": (
        ("checklist.migrations.0003_classic_checklist", "create_classic_checklist"),
        ("checklist.migrations.0004_checklist_parts", "mark_classic_guidance_as_site_help"),
    ),
    "rounds": (("rounds.migrations.0007_default_evaluation_statements", "add_defaults"),),
}


def _restore_migration_data(sender, **kwargs) -> None:
    from importlib import import_module

    from django.apps import apps

    for module, function in _MIGRATION_DATA.get(sender.label, ()):
        getattr(import_module(module), function)(apps, None)  # each is idempotent


post_migrate.connect(_restore_migration_data, dispatch_uid="tests-migration-data")


@pytest.fixture
def leader(db):
    return ProjectLeaderFactory(email="projektledare@skr.se", full_name="Pia Projektledare")


def _person(email, name):
    return UserFactory(email=email, full_name=name)


# Data built once per module: `world`, and the fixtures a module makes with `module_data`


@dataclass(frozen=True, eq=False)
class _Builder:
    build: Callable[[], object]
    day: dt.datetime | None  # the instant it is built at and its tests run from; None: the clock
    # Where the rows are put back from in the later modules of the process (`snapshot=True`).
    snapshots: snapshot.Snapshots | None = None


def _snapshots() -> snapshot.Snapshots:
    return snapshot.Snapshots()  # `module_data`'s argument hides the module's name


def module_data(
    name: str,
    build: Callable[[], object],
    *,
    day: dt.datetime | None = None,
    snapshot: bool = False,
):
    """A fixture `name` whose rows `build()` makes once per test module, as `world`'s are.

    The rows are made before the module's first test that uses the fixture, in the transaction
    that holds the module's shared data (`_shared_world`); each test runs in a savepoint of its
    own, rolled back after it, and gets its own copy of the objects. With `day`, the data is
    built on that day and each test runs from the instant the build ended; without, on the
    suite's clock. A transactional test gets data built for it alone. Assign the fixture to a
    module attribute: `small = module_data("small", lambda: build_round(...))`.

    With `snapshot`, for data many modules use (`world`): the first module of a process that
    asks builds it and takes a snapshot of the database (tests/snapshot.py, PostgreSQL); a
    later module gets the same rows back from it, and a copy of the first build's objects,
    where the database holds only what the migrations made (else it builds anew), and its
    tests run from the instant the first build ended."""
    builder = _Builder(build, day, _snapshots() if snapshot else None)

    def fixture(db, request):
        shared = request.node.stash.get(_SHARED, None)
        if shared is None:  # a transactional test
            with time_machine.travel(day, tick=True) if day else nullcontext():
                yield build()
            return
        value, built_at = shared.values[builder]
        with time_machine.travel(built_at, tick=True) if day else nullcontext():
            yield copy.deepcopy(value)

    fixture.__doc__ = build.__doc__
    fixture.module_data = builder
    return pytest.fixture(fixture, name=name)


def _module_data_of(item) -> list[_Builder]:
    """The `module_data` fixtures the test uses (as pytest resolved its fixture names)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    found = []
    for name in item.fixturenames:
        definitions = info.name2fixturedefs.get(name)
        if definitions:
            builder = getattr(definitions[-1].func, "module_data", None)
            if builder is not None:
                found.append(builder)
    return found


# The module's shared data, in the transaction that holds its rows


@dataclass
class _Shared:
    """The data of one module, in the transaction that holds its rows."""

    module: str
    values: dict  # _Builder → (objects, the instant their build ended)
    atomic: transaction.Atomic
    blocker: object


# The open shared data (at most one); on each test that shares it, whether it does and the data.
_OPEN: list[_Shared] = []
_SHARES = pytest.StashKey[bool]()
_SHARED = pytest.StashKey[_Shared]()
_BUILDS = pytest.StashKey[list]()
_SHARED_FIXTURE = "_shared_world"


def commits(item) -> bool:
    """Whether the test commits (pytest-django's rule, plus the fixtures that need it)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction", False) or marker.kwargs.get("reset_sequences", False)
    ):
        return True
    return bool(_TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def _module_of(item) -> str:
    module = item.getparent(pytest.Module)
    return module.nodeid if module is not None else item.nodeid


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Let the tests of a module that share its data (`world` or a `module_data` fixture, not
    transactional) run one after the other, and set the data up before anything else they use
    (before `db` opens the test's own transaction, which is nested in the module's).

    Only the order within a run of one module's tests changes (pytest-django has already put
    the tests that commit after the others); the order is the same in every xdist worker."""
    ordered, run = [], []

    def flush():
        ordered.extend(sorted(run, key=lambda item: not item.stash.get(_SHARES, False)))
        run.clear()

    for item in items:
        builders = _module_data_of(item)
        if builders and not commits(item):
            item.stash[_SHARES] = True
            item.stash[_BUILDS] = builders
            # A list of the item's own (parametrized tests share their definition's list).
            item.fixturenames = [_SHARED_FIXTURE, *item.fixturenames]
        if run and _module_of(run[-1]) != _module_of(item):
            flush()
        run.append(item)
    flush()
    items[:] = ordered


@pytest.fixture
def _shared_world(request, django_db_setup, django_db_blocker, _per_process_settings):
    """Open the module's shared data unless it is open already, and build what this test uses
    that is not built yet; it is closed after the module's last test that uses it
    (`pytest_runtest_setup` above), or with the module. It is the test's first fixture, so it
    asks for the process's settings, which would otherwise come after it."""
    module = _module_of(request.node)
    if _OPEN and _OPEN[0].module == module:
        shared = _OPEN[0]
    else:
        _close_shared_world()
        blocker = django_db_blocker.unblock()
        blocker.__enter__()
        atomic = transaction.atomic()
        atomic.__enter__()
        # Services may open durable blocks; inside a test they are nested in the test's own
        # transaction, which Django allows for a TestCase's blocks.
        connection.atomic_blocks[-1]._from_testcase = True
        shared = _Shared(module, {}, atomic, blocker)
        _OPEN.append(shared)
        # Closed with the module at the latest, in turn with the module's other fixtures.
        request.node.getparent(pytest.Module).addfinalizer(lambda: _close_shared_world(shared))
    request.node.stash[_SHARED] = shared
    for builder in request.node.stash.get(_BUILDS, []):
        if builder not in shared.values:
            shared.values[builder] = _build_shared(builder)


def _build_shared(builder: _Builder) -> tuple[object, dt.datetime]:
    def build() -> tuple[object, dt.datetime]:
        return builder.build(), timezone.now()

    try:
        with (
            time_machine.travel(builder.day, tick=True) if builder.day else nullcontext(),
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            translation.override(settings.LANGUAGE_CODE),
        ):
            value, built_at = builder.snapshots.keep_value(build) if builder.snapshots else build()
        cache.clear()
    except BaseException:
        _close_shared_world()
        raise
    finally:
        mail.outbox = []
    return value, built_at


def _close_shared_world(only: _Shared | None = None) -> None:
    if not _OPEN or (only is not None and _OPEN[0] is not only):
        return
    shared = _OPEN.pop()
    if not connection.atomic_blocks or connection.atomic_blocks[-1] is not shared.atomic:
        raise RuntimeError(
            f"The shared data of {shared.module} is not the innermost transaction, so it cannot "
            "be rolled back: a module-scoped fixture opened a transaction after it. Use `world` "
            "(or the module's `module_data` fixture) in that module's tests, or that fixture, "
            "not both."
        )
    transaction.set_rollback(True)
    shared.atomic.__exit__(None, None, None)
    shared.blocker.__exit__(None, None, None)


def build_world() -> SimpleNamespace:
    """The `world`'s rows and objects (call it on `WORLD_DAY`)."""
    w = SimpleNamespace()
    w.leader = ProjectLeaderFactory(email="pl@skr.se", full_name="Pia Projektledare")
    orgs = {
        code: OrganisationFactory(code=code, name=name)
        for code, name in [
            ("9101", "Aby"),
            ("9102", "Bby"),
            ("9103", "Cby"),
            ("9104", "Dby"),
            ("9201", "Mentorstad"),
            ("9202", "Stödstad"),
            ("9301", "Eby"),
            ("9302", "Fby"),
        ]
    }
    w.round_a = round_services.round_create(
        name="Omgång A",
        slug="omgang-a",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    w.round_b = round_services.round_create(
        name="Omgång B",
        slug="omgang-b",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    add = participant_services.participation_add
    w.a1 = add(round=w.round_a, organisation=orgs["9101"])
    w.a2 = add(round=w.round_a, organisation=orgs["9102"])
    w.a3 = add(round=w.round_a, organisation=orgs["9103"])
    w.a4 = add(round=w.round_a, organisation=orgs["9104"])
    w.m1 = add(round=w.round_a, organisation=orgs["9201"], role=Participation.Role.MENTOR)
    w.m2 = add(round=w.round_a, organisation=orgs["9202"], role=Participation.Role.MENTOR)
    w.b1 = add(round=w.round_b, organisation=orgs["9301"])
    w.b2 = add(round=w.round_b, organisation=orgs["9302"])
    w.ga1 = round_services.group_create(round=w.round_a, name="GA1", members=[w.a1, w.a2])
    w.ga2 = round_services.group_create(round=w.round_a, name="GA2", members=[w.a3, w.a4])
    w.gb = round_services.group_create(round=w.round_b, name="GB", members=[w.b1, w.b2])
    for p in (w.a1, w.a2, w.a3, w.a4, w.b1, w.b2):
        p.refresh_from_db()
    round_services.mentor_assign(group=w.ga1, participation=w.m1)
    round_services.mentor_assign(group=w.ga2, participation=w.m2)

    assign = participant_services.function_assign
    w.politician_a1 = _person("politiker@aby.se", "Per Politiker")
    w.manager_a1 = _person("chef@aby.se", "Cecilia Chef")
    w.strategist_a1 = _person("strateg@aby.se", "Sara Strateg")
    w.strategist_a2 = _person("strateg@bby.se", "Sven Strateg")
    w.strategist_a3 = _person("strateg@cby.se", "Siv Strateg")
    w.mentor_m1 = _person("mentor@mentorstad.se", "Maja Mentor")
    w.mentor_m2 = _person("mentor@stodstad.se", "Mats Mentor")
    w.strategist_b1 = _person("strateg@eby.se", "Stina Strateg")
    w.outsider = _person("utanfor@example.se", "Ulf Utanför")
    assign(participation=w.a1, person=w.politician_a1, function="politiker")
    assign(participation=w.a1, person=w.manager_a1, function="chef")
    assign(participation=w.a1, person=w.strategist_a1, function="strateg")
    assign(participation=w.a2, person=w.strategist_a2, function="strateg")
    assign(participation=w.a3, person=w.strategist_a3, function="strateg")
    assign(participation=w.m1, person=w.mentor_m1, function="strateg")
    assign(participation=w.m2, person=w.mentor_m2, function="strateg")
    assign(participation=w.b1, person=w.strategist_b1, function="strateg")

    start = timezone.now() + dt.timedelta(days=20)
    w.startup = round_services.meeting_create(
        round=w.round_a,
        kind=Meeting.Kind.STARTUP_CONFERENCE,
        title="Uppstartskonferens",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
    )
    # The first learning meeting of each group, on days of their own.
    for name, round_, group, days in (
        ("meeting_ga1", w.round_a, w.ga1, 30),
        ("meeting_ga2", w.round_a, w.ga2, 32),
        ("meeting_gb", w.round_b, w.gb, 31),
    ):
        meeting = round_services.meeting_create(
            round=round_,
            group=group,
            kind=Meeting.Kind.LEARNING_MEETING,
            number=1,
            title=f"Lärandeträff 1 {group.name}",
            starts_at=start + dt.timedelta(days=days),
            ends_at=start + dt.timedelta(days=days, hours=6),
            assessment_due=True,
        )
        setattr(w, name, meeting)
    full = dict.fromkeys(range(1, 11), 2)
    w.draft_a1 = checklist_services.assessment_start(participation=w.a1, meeting=w.meeting_ga1)
    checklist_services.assessment_save(assessment=w.draft_a1, scores={1: 3}, by=w.strategist_a1)
    w.submitted_a2 = checklist_services.assessment_start(participation=w.a2, meeting=w.meeting_ga1)
    checklist_services.assessment_save(assessment=w.submitted_a2, scores=full)
    w.submitted_a2 = checklist_services.assessment_submit(
        assessment=w.submitted_a2, by=w.strategist_a2
    )
    w.submitted_a3 = checklist_services.assessment_start(participation=w.a3, meeting=w.meeting_ga2)
    checklist_services.assessment_save(assessment=w.submitted_a3, scores=full)
    w.submitted_a3 = checklist_services.assessment_submit(
        assessment=w.submitted_a3, by=w.strategist_a3
    )
    w.draft_a1.refresh_from_db()
    return w


# Two rounds. Round A has groups GA1 (A1, A2; mentor M1) and GA2 (A3, A4; mentor M2); round B
# has group GB (B1, B2). People in every function that the policy tells apart. The rounds have
# written-out dates (2026–2027), so the world and the test using it run on a day within them,
# `WORLD_DAY`, whatever `--clock` says; its meetings are a few weeks later. Built once per module
# (`module_data`); a transactional test (`transaction=True`, `live_server`, `celery_worker`)
# commits what it writes, so it gets a world built for it alone.
world = module_data("world", build_world, day=WORLD_DAY, snapshot=True)


# A real Celery worker, in its own process, against Redis and the test database.


@pytest.fixture(scope="session")
def _worker_fork_server(django_db_setup):
    """The process that forks this test process's Celery workers (tests/clocked_worker.py),
    started when a test first needs a worker, against this process's test database."""
    from tests.clocked_worker import ForkServer

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        database_url = f"sqlite:///{db['NAME']}"
    server = ForkServer(
        {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "DJANGO_SETTINGS_MODULE": "modellkoncept.settings",
            # Celery's switch for Django's system checks at worker start: `make test` has run
            # them (`make lint`), and here they would import every view.
            "CELERY_SKIP_CHECKS": "1",
        }
    )
    yield server
    server.stop()


@pytest.fixture
def celery_worker(transactional_db, tmp_path, request):
    """Start `celery worker` on a queue of this test's own, against the test database.

    The test must use `transactional_db` (this fixture requests it) so that what it writes is
    committed and visible to the worker. E-mail the worker sends lands in `worker.mail_dir`;
    the worker writes files (reports) to this process's `MEDIA_ROOT` as it is when the worker
    starts, and links in its e-mails point to `SITE_URL` as it is then.
    """
    problem = _redis_reachable()
    if problem:
        _missing_service(problem)
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        _missing_service("the worker needs a database file or server, not in-memory SQLite")
    from modellkoncept.celery import app
    from tests.clocked_worker import worker_argv

    # A queue of this test's own (named after the xdist worker too, for the logs): no other
    # test's worker, in this process or another, ever takes its tasks.
    queue = f"test-{XDIST_WORKER}-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = request.getfixturevalue("_worker_fork_server").start(
        argv=worker_argv(queue, hostname=queue, concurrency=2),
        # The worker runs on the tests' clock, from now on.
        clock=timezone.now().isoformat(),
        settings={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SITE_URL": settings.SITE_URL,
        },
        log=tmp_path / "worker.log",
        application_name=queue,
    )
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        try:
            worker.wait_until_ready(timeout=60)
        except RuntimeError as error:
            pytest.fail(str(error))
        yield SimpleNamespace(pid=worker.pid, queue=queue, mail_dir=mail_dir, app=app)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        # Killed with its pool: the test is over and the queue was its own, so nothing the
        # worker still holds is wanted (a warm or cold shutdown waits seconds for the pool).
        worker.stop()
        _end_connections(queue)


def tasks_ended(worker, name: str, count: int, timeout: float = 30.0) -> bool:
    """Whether the test's worker (`celery_worker`) has run `count` tasks called `name` to their
    end within `timeout` seconds: it has started that many (its own count of the tasks it took,
    `inspect().stats()`) and runs none now (`inspect().active()`). A test that must show that a
    task did nothing more waits for this rather than for a while."""
    node = f"{worker.queue}@{os.uname().nodename}"
    inspect = worker.app.control.inspect(destination=[node], timeout=2.0)

    def ended() -> bool:
        stats = (inspect.stats() or {}).get(node)
        if not stats or stats.get("total", {}).get(name, 0) < count:
            return False
        return (inspect.active() or {}).get(node) == []

    return bool(wait_for(ended, timeout=timeout, interval=0.1))


def _end_connections(application_name: str, timeout: float = 10.0) -> None:
    """End the database sessions of a worker killed (the server notices a closed connection
    only when it next reads from it): the tables can then be emptied, and the test database
    dropped, without waiting for them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        deadline = time.monotonic() + timeout
        while True:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s",
                [application_name],
            )
            if not cursor.fetchone()[0] or time.monotonic() > deadline:
                return
            time.sleep(0.05)


# Signing in once for many requests


def new_session(user) -> str:
    """The key of a new session in which `user` is signed in. A test that sends many requests
    as one person signs in once (a write: the session, `last_login`) and gives each request's
    client the key (`client_in`); writes a request makes to the session are rolled back with
    the test's savepoint, as any other."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def client_in(session_key: str, user, **defaults) -> Client:
    """A new client (no cookie of an earlier request's) in that session, checked to be
    `user`'s: were it not, every request would be refused alike, and pass as refused."""
    client = Client(**defaults)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert client.session.get("_auth_user_id") == str(user.pk)
    return client


# Django's file backend ends each message with a line of 79 dashes.
MAIL_END = b"-" * 79 + b"\n"


def mail_files(directory: Path) -> list[Path]:
    """The e-mail files a worker has finished writing to `directory` (one it is still writing,
    which a busy machine lets a test see, is left for the next look)."""
    return [path for path in sorted(directory.iterdir()) if path.read_bytes().endswith(MAIL_END)]


def wait_for(condition, timeout: float = 30.0, interval: float = 0.2):
    """Poll `condition` until it returns something truthy; the value, or None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return None

"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright for Python.

- **The browser** is the system's Chromium from Debian's `chromium` sources, never one that
  Playwright downloads: its headless build `/usr/bin/chromium-headless-shell` (package
  `chromium-headless-shell`) where it is installed, else the desktop build `/usr/bin/chromium`
  (package `chromium`); see `CHROMIUMS`. `.ci/run` installs them (see the README); when neither
  is there the tests skip with the reason (under CI, `CI` set, they fail instead).
- **The site** is pytest-django's `live_server`: the real WSGI application on a free port, in a
  thread of this process, against the test database (`transactional_db`, so that what a test
  writes is committed and seen by the server, and by a worker).
- **Celery.** With no broker configured, tasks run eagerly in the process that queues them, as
  the settings say, so in the live server's thread. With a broker (as under CI) a journey starts
  a real worker, the repository's `celery_worker` fixture, on a queue of its own against the
  test database: the invitations and the PDF reports are then sent and rendered by the worker
  as in production, the progress bar really moves, and the worker's e-mail lands in files that
  `Site.inbox` reads. Nothing is forced eager under CI.
- **Failures** leave the HTML of every page the journey checked, as the browser had it then
  (its DOM, `page.content()`), and a screenshot of every open page as it was when the test
  failed, in `tests/artifacts/<test>/` (ignored by git).

Playwright's sync API keeps an asyncio loop marked as running in this thread while it is
started, which makes Django refuse ORM calls from the test ("async unsafe"). The browser is
therefore a package fixture: started for a run of this package's tests in a process and stopped
when the process moves on to other tests (pytest-xdist may send it more browser tests later), and
`DJANGO_ALLOW_ASYNC_UNSAFE` is set only meanwhile: the test code itself is synchronous, one
thread, as in every other test.

**Where the journeys run.** `make test` runs the suite on pytest-xdist's processes, the journeys
in whichever is free; each writes what it found to a file of the run when it ends, and the page
checks of test_accessibility.py, run last, read them all (`findings`).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from playwright.sync_api import expect, sync_playwright

from accounts.forms import SignInForm
from checklist import services as checklist_services
from participants import services as participant_services
from participants.models import Organisation, Participation
from rounds import demo
from rounds import services as round_services
from rounds.models import GroupMentor, Meeting, Round
from rounds.schedule import default_schedule
from tests.conftest import UNDER_CI, commits, wait_for
from tests.e2e import axe
from tests.snapshot import Snapshots

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR.parent / "artifacts"
# Debian builds both from its chromium sources, at the same version: the headless shell is the
# build for automation that Playwright itself runs headless (the same Blink and V8, without the
# desktop browser's windowing), and it costs far less CPU (measured on tests/e2e, two
# processes: Chromium's processes 299 → 169 core-seconds, 240 → 167 s); the desktop build, when
# the shell is missing, renders and checks the same pages.
CHROMIUMS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
# As this machine's notes ask: no sandbox (root in a container), no GPU, and none of the
# background connections Chromium makes to Google's servers, which a closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCALE = "sv-SE"
ACTION_TIMEOUT_MS = 10_000
REPORTS = pytest.StashKey[dict]()


# Order, reports, and what the journeys found


def _in_e2e(item) -> bool:
    return Path(str(item.path)).parent == E2E_DIR


def _is_page_check(item) -> bool:
    return item.path.name == "test_accessibility.py" and item.name.startswith("test_journey_page")


def _is_journey(item) -> bool:
    return item.path.name.startswith("test_journeys") and "journey" in getattr(
        item, "fixturenames", ()
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """The longest tests run first, so that pytest-xdist's processes end together: the browser
    tests, the crawl at their head, then the other tests that commit (most start a Celery
    worker and wait for it; pytest-django would put them last), then the rest. The page checks,
    which read what every journey found, run last (in whichever process: `findings` waits for
    journeys still running in another, which by then is rarely any). A test that commits empties
    the tables when it ends; the data the migrations made is restored after it
    (tests/conftest.py), so the tests after it start as from a migrated database."""
    e2e = [item for item in items if _in_e2e(item) and not _is_page_check(item)]
    checks = [item for item in items if _is_page_check(item)]
    others = [item for item in items if not _in_e2e(item)]
    longest_first = sorted(e2e, key=lambda item: item.path.name != "test_crawl.py")
    committing = [item for item in others if commits(item)]
    rest = [item for item in others if not commits(item)]
    items[:] = longest_first + committing + rest + checks


def findings_directory(config) -> Path:
    """Where the journeys of this run write what they found: one directory per run, shared by
    pytest-xdist's workers (named by xdist's test run id; a run without xdist has its own)."""
    workerinput = getattr(config, "workerinput", None)
    run = workerinput["testrunuid"] if workerinput else config.stash.setdefault(_RUN, uuid4().hex)
    root = Path(tempfile.gettempdir()) / "modellkoncept-e2e"
    return root / run


_RUN = pytest.StashKey[str]()
_JOURNEY = pytest.StashKey["Journey"]()
# How long the page checks wait for journeys still running in another process.
FINDINGS_TIMEOUT = 30 * 60


@pytest.fixture(scope="session")
def findings(request) -> axe.Findings:
    """What every journey of this run found (`axe.findings`)."""
    directory = findings_directory(request.config)
    forget_old_runs(directory)
    journeys = {item.nodeid for item in request.session.items if _is_journey(item)}
    return axe.findings(directory, journeys, FINDINGS_TIMEOUT)


def forget_old_runs(current: Path) -> None:
    """Remove what the runs before this one found, a day after they ran. Their age is read on
    the file system's clock (the time this run's directory was last written), never from
    `time.time()`, which the suite's clock moves: with `--clock` a year ahead, every run would
    look old, this one too, and the page checks would wait for journeys whose files were gone."""
    current.mkdir(parents=True, exist_ok=True)
    now = current.stat().st_mtime
    for run in current.parent.iterdir():
        if run != current and run.stat().st_mtime < now - 24 * 3600:
            shutil.rmtree(run, ignore_errors=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, for the artifacts of a failure; when a journey
    has ended, whatever its outcome, write what it found for the page checks."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    if report.when == "teardown" and _is_journey(item):
        journey = item.stash.get(_JOURNEY, None)
        axe.journey_ended(
            findings_directory(item.config),
            item.nodeid,
            ran=journey is not None,
            checks=list(journey.checked.values()) if journey is not None else [],
        )
    return report


def _went_wrong(item) -> bool:
    reports = item.stash.get(REPORTS, {})
    return any(r.failed or hasattr(r, "wasxfail") for r in reports.values())


# The browser


def skip_or_fail(reason: str) -> NoReturn:
    if UNDER_CI:
        pytest.fail(f"{reason} (CI is set, so the end-to-end tests must not be skipped)")
    pytest.skip(reason)


def _chromium() -> Path:
    """The first of `CHROMIUMS` installed. Debian's Chromium must be installed beforehand
    (`.ci/run` installs it; see the README); a test never installs it. Without it the tests skip
    with the reason (fail under CI)."""
    for chromium in CHROMIUMS:
        if chromium.exists():
            return chromium
    skip_or_fail(
        f"Neither {' nor '.join(map(str, CHROMIUMS))} is installed: install Debian's Chromium "
        "(apt-get install chromium-headless-shell, or chromium)"
    )


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless, started once for a run of the end-to-end tests."""
    executable = _chromium()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(executable),
                headless=True,  # Playwright adds --headless itself
                args=[flag for flag in CHROMIUM_FLAGS if flag != "--headless"],
            )
            try:
                yield chromium
            finally:
                chromium.close()
        finally:
            playwright.stop()


# The site


@dataclass
class Site:
    """The live server, and the e-mail it (or its worker) sent."""

    url: str
    worker: object | None = None

    @property
    def tasks(self) -> str:
        return "a real Celery worker" if self.worker else "eagerly, in the server's thread"

    def _messages(self) -> list[tuple[list[str], str, str]]:
        """(recipients, subject, body) of every e-mail sent so far."""
        if self.worker is None:
            return [(list(m.to), m.subject, m.body) for m in mail.outbox]
        found = []
        for path in sorted(self.worker.mail_dir.iterdir()):
            # Django's file backend: one message after another, each closed by 79 dashes.
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if not chunk.strip():
                    continue
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                body = message.get_body(preferencelist=("plain",))
                found.append(
                    (
                        [a.strip() for a in message.get("To", "").split(",")],
                        str(message.get("Subject", "")),
                        body.get_content() if body else "",
                    )
                )
        return found

    def inbox(self, address: str, *, subject: str = "", timeout: float = 30.0):
        """The e-mails to `address` (whose subject contains `subject`), waiting for the worker
        to send them; fails when none came."""

        def arrived():
            return [
                (s, b) for to, s, b in self._messages() if address in to and subject in s
            ] or None

        messages = arrived() if self.worker is None else wait_for(arrived, timeout=timeout)
        assert messages, (
            f"No e-mail to {address} with “{subject}” in its subject; sent: "
            + "; ".join(f"{to} {s!r}" for to, s, _b in self._messages())
        )
        return messages

    def link_in(self, body: str) -> str:
        links = re.findall(r"https?://\S+", body)
        ours = [link for link in links if link.startswith(self.url)]
        assert ours, f"No link to {self.url} in the e-mail:\n{body}"
        return ours[0]


@pytest.fixture
def site(live_server, settings, request) -> Site:
    """The live server, with links in e-mails pointing at it, and its tasks run by a worker
    when a broker is configured (see the module's description)."""
    settings.SITE_URL = live_server.url  # the worker, started next, takes it from here
    worker = request.getfixturevalue("celery_worker") if settings.CELERY_BROKER_URL else None
    return Site(url=live_server.url, worker=worker)


# The interface's texts


class Texts:
    """The texts the browser shows, looked up as the site looks them up: Swedish from the
    catalogue, or the English source where the Swedish is not written yet. Selectors built from
    them keep working when the translations are finished."""

    language = "sv"

    @staticmethod
    def escape(text: str) -> str:
        """re.escape, and “/” too: Playwright writes the pattern into a /…/ selector."""
        return re.escape(text).replace("/", r"\/")

    def __call__(self, message: str, **params) -> str:
        with translation.override(self.language):
            text = translation.gettext(message)
        return text % params if params else text

    def plural(self, singular: str, plural: str, count: int, **params) -> str:
        with translation.override(self.language):
            text = translation.ngettext(singular, plural, count)
        return text % {"count": count, **params}

    def exact(self, message: str, **params) -> re.Pattern:
        """The whole accessible name of a button or link."""
        return re.compile(rf"^\s*{self.escape(self(message, **params))}\s*$")

    def starts(self, message: str, **params) -> re.Pattern:
        return re.compile(rf"^\s*{self.escape(self(message, **params))}")

    def field(self, form, name: str) -> re.Pattern:
        """A form field's label as rendered (crispy marks a required one with “*”); `form` is
        a form class, or a form whose labels its `__init__` sets."""
        fields = form.base_fields if isinstance(form, type) else form.fields
        with translation.override(self.language):
            label = str(fields[name].label)
        return re.compile(rf"^\s*{self.escape(label)}\s*\*?\s*$")

    def text(self, value: str) -> re.Pattern:
        """A data value (a name typed in, a date) as a whole accessible name."""
        return re.compile(rf"^\s*{self.escape(value)}\s*$")


@pytest.fixture(scope="session")
def ui() -> Texts:
    return Texts()


# A journey: the people in it, each in their own browser, and what they saw.


@dataclass
class Journey:
    browser: object
    base_url: str
    name: str
    contexts: list = field(default_factory=list)
    pages: dict = field(default_factory=dict)  # who → page
    visited: dict = field(default_factory=dict)  # url → who
    checked: dict = field(default_factory=dict)  # key → PageCheck
    # (key, the page's HTML as the browser had it when it was checked), for a failure's artifacts
    seen: list = field(default_factory=list)

    def person(self, who: str):
        """A browser window of its own for `who` (cookies are not shared), in Swedish."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=LOCALE,
            timezone_id="Europe/Stockholm",
            viewport=axe.DESKTOP,
            accept_downloads=True,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        axe.add_axe(context)
        self.contexts.append(context)
        page = context.new_page()
        page.on("framenavigated", lambda frame: self._navigated(who, page, frame))
        self.pages[who] = page
        return page

    def _navigated(self, who, page, frame):
        if frame == page.main_frame and frame.url.startswith(self.base_url):
            self.visited.setdefault(frame.url, who)

    @staticmethod
    def view_name(url: str) -> str:
        try:
            return resolve(urlsplit(url).path).view_name
        except Resolver404:
            return urlsplit(url).path

    def check(self, page, state: str = "") -> axe.PageCheck:
        """Run the accessibility checks on the page as it is now, and keep its HTML."""
        page.wait_for_load_state("load")
        view = self.view_name(page.url)
        key = f"{view}#{state}" if state else view
        assert key in axe.JOURNEY_PAGES, f"{key} is not listed in tests/e2e/axe.JOURNEY_PAGES"
        assert key not in self.checked, f"{key} is checked twice in {self.name}"
        # Kept only for a failure's artifacts: the DOM as text costs Chromium 1–3 ms, where a
        # screenshot of the whole page (laid out at its full height, painted, encoded) cost
        # 50–200 ms on every page checked, failure or not.
        self.seen.append((key, page.content()))
        violations, overflow = axe.check_widths(page, axe.AXE_VIEWPORTS, axe.REFLOW_VIEWPORTS)
        result = axe.PageCheck(
            key=key,
            url=page.url.removeprefix(self.base_url),
            title=page.title(),
            journey=self.name,
            violations=violations,
            overflow=overflow,
        )
        self.checked[key] = result
        return result

    def assert_every_page_checked(self):
        """Every page the browser was shown in this journey has had its checks."""
        checked_views = {key.split("#")[0] for key in self.checked}
        missed = {
            self.view_name(url): url
            for url in self.visited
            if self.view_name(url) not in checked_views
        }
        assert not missed, (
            "These pages were reached but not checked (call journey.check on them): "
            + ", ".join(f"{view} ({url})" for view, url in missed.items())
        )

    def save_artifacts(self, directory: Path) -> None:
        """The HTML of each page checked, numbered in the journey's order, and a screenshot of
        each person's page as it is now."""
        directory.mkdir(parents=True, exist_ok=True)
        for number, (key, html) in enumerate(self.seen, start=1):
            slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
            (directory / f"{number:02d}-{slug}.html").write_text(html, encoding="utf-8")
        for who, page in self.pages.items():
            if not page.is_closed():
                try:
                    page.screenshot(path=directory / f"last-{who}.png", full_page=True)
                except Exception as error:  # the page may be gone with the failure
                    (directory / f"last-{who}.txt").write_text(f"{page.url}\n{error}\n")

    def close(self):
        for context in self.contexts:
            context.close()


def _journey(browser, base_url, request):
    current = Journey(browser=browser, base_url=base_url, name=request.node.nodeid)
    try:
        yield current
    finally:
        if _went_wrong(request.node):
            directory = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            shutil.rmtree(directory, ignore_errors=True)
            current.save_artifacts(directory)
        current.close()


@pytest.fixture
def journey(browser, site, request):
    """The people of a journey in their browsers, on the site with its tasks running."""
    for current in _journey(browser, site.url, request):
        request.node.stash[_JOURNEY] = current
        yield current


@pytest.fixture
def browsing(browser, live_server, request):
    """Browsers on the live server for a test that queues no task (no worker needed)."""
    yield from _journey(browser, live_server.url, request)


# What a person does on every visit


def sign_in(journey: Journey, page, ui: Texts, email_address: str, password: str) -> None:
    """Open the site, be sent to the sign-in page, and sign in."""
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name=ui.exact("Sign in"))).to_be_visible()
    if "accounts:login" not in journey.checked:
        journey.check(page)
    page.get_by_label(ui.field(SignInForm, "username")).fill(email_address)
    page.get_by_label(ui.field(SignInForm, "password")).fill(password)
    page.get_by_role("button", name=ui.exact("Sign in")).click()
    expect(page.get_by_role("button", name=ui.exact("Sign out"))).to_be_visible()


def expect_message(page, text: str) -> None:
    """A message of the messages framework (role status or alert) says `text`."""
    expect(page.locator(".messages").get_by_text(text, exact=False)).to_be_visible()


def is_save(response) -> bool:
    """The self-assessment's save-as-you-go request."""
    return response.request.method == "POST" and response.url.endswith("/save/")


# The programme the journeys work in, built through the services where a journey does not
# build it in the browser itself.

User = get_user_model()

# The project leader and the mentors' people come from the demo builder, with its password.
DEMO_PASSWORD = demo.DEMO_PASSWORD
# What an invited person chooses on the invitation page.
NEW_PASSWORD = "Jämställd-Benchmarking-2026"


@dataclass(frozen=True)
class Applicant:
    """An organisation that applies for the new round through the public form."""

    code: str
    name: str  # as in the reference list
    contact: tuple[str, str]  # (name, e-mail)
    politician: tuple[str, str]
    manager: tuple[str, str]
    strategist: tuple[str, str] | None
    decided_on: dt.date
    decision_kind: str
    willing_to_mentor: bool
    message: str = ""
    anchoring: str = "Kommunstyrelsen beslutade i oktober att kommunen ansöker."


APPLICANTS = (
    Applicant(
        code="1281",
        name="Lund",
        contact=("Karin Ek", "karin.ek@lund.se"),
        politician=("Per Holm", "per.holm@lund.se"),
        manager=("Eva Strand", "eva.strand@lund.se"),
        strategist=None,  # not appointed yet: the project leader invites her later
        decided_on=dt.date(2023, 3, 27),
        decision_kind=Organisation.DecisionKind.CEMR,
        willing_to_mentor=True,
        message="Vi vill lära oss hur andra för in jämställdhetsanalyser i budgetprocessen.",
    ),
    Applicant(
        code="1285",
        name="Eslöv",
        contact=("Omar Said", "omar.said@eslov.se"),
        politician=("Lena Berg", "lena.berg@eslov.se"),
        manager=("Jonas Lind", "jonas.lind@eslov.se"),
        strategist=("Omar Said", "omar.said@eslov.se"),
        decided_on=dt.date(2024, 5, 20),
        decision_kind=Organisation.DecisionKind.COUNCIL,
        willing_to_mentor=False,
    ),
)
LUND, ESLOV = APPLICANTS
# Lund's strategist, whom the project leader invites at the end of journey 1.
STRATEGIST = ("Sara Åkesson", "sara.akesson@lund.se")
GROUP_NAME, GROUP_THEME = "Grupp Skåne", "Styrning och ledning"
# The two self-assessments before the first learning meeting: Lund's (the strategist's, in
# journey 2) and Eslöv's (its peer's).
STRATEGIST_SCORES = {1: 3, 2: 2, 3: 2, 4: 1, 5: 2, 6: 1, 7: 2, 8: 1, 9: 1, 10: 2}
PEER_SCORES = {1: 2, 2: 2, 3: 1, 4: 1, 5: 3, 6: 2, 7: 1, 8: 1, 9: 1, 10: 1}


def round_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """A two-year round whose first learning meeting is at least a week ahead while its
    self-assessment is open (the default schedule opens it four weeks before), so that the
    strategist can fill it in today. Searched, since the schedule steps round holidays."""
    for days_back in range(30, 240):
        starts = today - dt.timedelta(days=days_back)
        ends = starts + dt.timedelta(days=729)
        first = next(m for m in default_schedule(starts, ends) if m.assessment_due)
        if first.day - dt.timedelta(days=28) <= today <= first.day - dt.timedelta(days=7):
            return starts, ends
    raise AssertionError(f"No round period puts a self-assessment within reach on {today}")


def round_names(starts: dt.date, ends: dt.date) -> tuple[str, str]:
    """The new round's name and short name, as the project leader writes them."""
    return (
        f"Modellkoncept {starts.year}–{ends.year}",
        f"modellkoncept-{starts.year}-{ends.year}",
    )


_MENTOR_POOLS = Snapshots()


def mentor_pool() -> User:
    """The reference organisations, SKR's project leader, and the demo's completed round
    2019–2020, whose willing participants (Olofström, Östra Göinge, Örnsköldsvik) may mentor
    new groups. Built through the services by the first test of a process that asks, and put
    back from its snapshot in the later ones (tests/snapshot.py): call it before the test
    writes anything, as the journeys do, or it is built again."""
    return _MENTOR_POOLS.keep(_mentor_pool_build)


def _mentor_pool_build() -> User:
    participant_services.organisations_load()
    builder = demo._Builder({o.code: o for o in Organisation.objects.all()})
    leader = builder.person(demo.PROJECT_LEADER_NAME, is_project_leader=True)
    demo._create_earlier_round(builder)
    return leader


def person_with_password(email: str, full_name: str, password: str = NEW_PASSWORD) -> User:
    person = User.objects.create_user(email=email, full_name=full_name)
    person.set_password(password)
    person.save(update_fields=["password"])
    return person


@dataclass
class Programme:
    leader: User
    round: Round
    meeting: Meeting  # the first meeting with a self-assessment
    participations: dict  # applicant name → Participation
    group: object
    mentor: Organisation
    strategist: User | None = None
    peer: User | None = None


def programme_set_up(*, invitations: bool) -> Programme:
    """What journey 1 leaves behind, built through the services: the new round with its
    schedule, Lund and Eslöv accepted and grouped, a mentor from the pool, and Lund's
    strategist. With `invitations` the applications and the invitations go through the
    services that e-mail them (a task each); without, the people are made directly, so that
    no task is queued."""
    leader = mentor_pool()
    starts, ends = round_period(timezone.localdate())
    name, slug = round_names(starts, ends)
    round_ = round_services.round_create(name=name, slug=slug, starts_on=starts, ends_on=ends)
    round_ = round_services.round_update(round=round_, accepts_applications=True)
    round_services.schedule_generate(round=round_)
    participations = {}
    for applicant in APPLICANTS:
        organisation = Organisation.objects.get(code=applicant.code)
        if invitations:
            application = participant_services.application_submit(
                round=round_,
                organisation=organisation,
                contact_name=applicant.contact[0],
                contact_email=applicant.contact[1],
                decision_on=applicant.decided_on,
                decision_kind=applicant.decision_kind,
                politician_name=applicant.politician[0],
                politician_email=applicant.politician[1],
                manager_name=applicant.manager[0],
                manager_email=applicant.manager[1],
                strategist_name=(applicant.strategist or ("", ""))[0],
                strategist_email=(applicant.strategist or ("", ""))[1],
                willing_to_mentor=applicant.willing_to_mentor,
            )
            participation = participant_services.application_accept(
                application=application, by=leader
            )
        else:
            participation = participant_services.participation_add(
                round=round_, organisation=organisation
            )
            named = [("politiker", applicant.politician), ("chef", applicant.manager)]
            if applicant.strategist:
                named.append(("strateg", applicant.strategist))
            for function, (full_name, address) in named:
                participant_services.function_assign(
                    participation=participation,
                    person=person_with_password(address, full_name),
                    function=function,
                )
        participations[applicant.name] = participation
    group = round_services.group_create(
        round=round_,
        name=GROUP_NAME,
        theme=GROUP_THEME,
        members=list(participations.values()),
    )
    (mentorship,) = round_services.mentor_proposal_accept(round=round_)
    programme = Programme(
        leader=leader,
        round=Round.objects.get(pk=round_.pk),
        meeting=Meeting.objects.filter(round=round_, assessment_due=True).earliest("starts_at"),
        participations={n: Participation.objects.get(pk=p.pk) for n, p in participations.items()},
        group=group,
        mentor=mentorship.participation.organisation,
    )
    full_name, address = STRATEGIST
    if invitations:
        participant_services.person_invite(
            participation=programme.participations[LUND.name],
            email=address,
            full_name=full_name,
            functions=["strateg"],
            invited_by=leader,
        )
        programme.strategist = User.objects.get(email=address)
    else:
        programme.strategist = person_with_password(address, full_name)
        participant_services.function_assign(
            participation=programme.participations[LUND.name],
            person=programme.strategist,
            function="strateg",
        )
    programme.peer = User.objects.get(email=ESLOV.strategist[1])
    return programme


def peer_submits(programme: Programme) -> None:
    """Eslöv's strategist submits Eslöv's self-assessment before the first learning meeting."""
    checklist_services.assessment_record(
        participation=programme.participations[ESLOV.name],
        meeting=programme.meeting,
        scores=PEER_SCORES,
        submitted_at=timezone.now(),
        by=programme.peer,
    )


def both_submitted(programme: Programme) -> None:
    checklist_services.assessment_record(
        participation=programme.participations[LUND.name],
        meeting=programme.meeting,
        scores=STRATEGIST_SCORES,
        comments={7: "Mallen för beslutsunderlag används ännu inte av alla förvaltningar."},
        submitted_at=timezone.now(),
        by=programme.strategist,
    )
    peer_submits(programme)


def mentor_person(programme: Programme) -> User:
    """The mentor organisation's strategist from the earlier round, now following the new
    group for it (the demo's people sign in with the demo password)."""
    earlier = (
        programme.mentor.participations.exclude(round=programme.round)
        .get(role=Participation.Role.PARTICIPANT)
        .function_assignments.select_related("person")
        .get(function="strateg")
        .person
    )
    participation = GroupMentor.objects.get(group=programme.group, is_primary=True).participation
    participant_services.function_assign(
        participation=participation, person=earlier, function="strateg"
    )
    return earlier

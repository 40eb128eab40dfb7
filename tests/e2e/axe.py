"""Accessibility checks in the browser: axe-core's WCAG 2.1 A and AA rules, and reflow.

axe-core is the copy the `axe-playwright-python` package ships (`axe_playwright_python/axe.min.js`,
MPL-2.0, by Deque Systems); `pip install` brings it with the `dev` extra, so nothing is
downloaded at test time. `AXE_VERSION` says which axe-core it is.

The journeys (`test_journeys*.py`) call `Journey.check` on every page they reach: axe runs on the
page as it is at that moment (signed in as that person, with that data, errors shown), in a
desktop window and on a 360 px wide screen (there every rule but colour contrast, which does
not change with the width: `AXE_VIEWPORTS`), and the page's width is measured at 360 CSS pixels
and at 200 % zoom. When a journey ends, what it found is written to a file of the run
(`journey_ended`), so that the journeys may run in any of pytest-xdist's processes, and
`test_accessibility.py` turns each page of `JOURNEY_PAGES` into a test of its own (reading every
journey's file, `findings`), so that a problem is reported, and can be marked as known, page by
page.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What fails a page; "minor" and "moderate" findings are listed in the message, not failed on.
BLOCKING_IMPACTS = ("serious", "critical")
# Before a run axe-core loads the page's media's metadata (for `no-autoplay-audio`) and, unless
# told otherwise, fetches and parses every style sheet into its own CSSOM, which only its
# `css-orientation-lock` rule reads: a rule tagged "experimental" that the WCAG tags above do not
# run. The style sheets are not fetched again (a tenth of a desktop run, the same violations).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
    "preload": {"assets": ["media"]},
}
_version = re.search(r"axe v(\d+\.\d+\.\d+)", AXE_SCRIPT[:200])
AXE_VERSION = _version.group(1) if _version else "unknown"

# The desktop window the journeys use; 200 % zoom of it is a viewport of half the size in CSS
# pixels (WCAG 1.4.4 and 1.4.10: 1280 px at 200 % reflows like 640 px), and 360 px is a phone.
DESKTOP = {"width": 1280, "height": 800}
ZOOM_200 = {"width": 640, "height": 400}
PHONE = {"width": 360, "height": 800}
# axe runs at both ends: some problems (a table that scrolls sideways with no way to reach it
# by keyboard, a control shown only on a phone) show only on a narrow screen. On the phone it
# runs every rule but colour contrast, the costliest (more than half of axe's time): the site's
# style sheets set no colour by width (static/css/site.css; Bootstrap's breakpoints change the
# layout, not the colours), so the contrast found at 1280 px holds at 360 px.
WIDTH_INDEPENDENT_RULES = ("color-contrast",)
NARROW_OPTIONS = {
    **AXE_OPTIONS,
    "rules": {rule: {"enabled": False} for rule in WIDTH_INDEPENDENT_RULES},
}
AXE_VIEWPORTS = {"1280 px": (DESKTOP, AXE_OPTIONS), "360 px": (PHONE, NARROW_OPTIONS)}

# Every page the journeys reach, by view name (and, after "#", the state it is checked in).
# test_accessibility.py makes one test of each; a journey that reaches a page missing here, or
# reaches a view it does not check, fails, so this list cannot fall behind the journeys.
JOURNEY_PAGES = {
    # Journey 1: the project leader sets up a round.
    "accounts:login": "sign-in",
    "home#project-leader": "the project leader's start page (rounds)",
    "rounds:round_create": "new round form",
    "rounds:round_detail#new": "a round just created, before its schedule",
    "rounds:meeting_list": "the round's whole schedule",
    "participants:application_rounds": "public: rounds open for expressions of interest",
    "participants:application_create": "public: the expression of interest form",
    "participants:application_create#thanks": "public: thank you after applying",
    "participants:application_list": "the round's expressions of interest",
    "rounds:group_create": "new benchmarking group form",
    "rounds:group_update": "the group just saved, with its mentors",
    "rounds:mentor_proposal": "mentor proposal for the groups",
    "rounds:round_detail#dashboard": "the round with its key figures and dashboard",
    "rounds:group_list": "the round's groups with their members and mentors",
    "participants:participation_detail": "an organisation in the round (missing strategist)",
    "participants:person_invite": "invite a person",
    # Journey 1b: the call with its last day, an override and a decline with a reason.
    "participants:application_rounds#call": "public: the rounds with their call's last day",
    "participants:application_create#call": "public: the form with the call's dates and costs",
    "participants:application_list#problems": "expressions of interest, one breaking the rules",
    "participants:application_decide": "decide on an application: accept with a reason, decline",
    "participants:application_decide#error": "accepting against the rules without a reason",
    "participants:application_create#closed": "public: the call is closed after its last day",
    "participants:participation_fees": "the organisations' fees",
    # Journey 2: the strategist.
    "participants:invitation_accept": "the invitation link: choose a password",
    "home#participant": "a participant's start page",
    "checklist:assessment_start": "start the self-assessment",
    "checklist:assessment": "the self-assessment form",
    "checklist:assessment_submit#error": "the self-assessment refused: an item left empty",
    "checklist:assessment#submitted": "the submitted self-assessment",
    "rounds:group_detail#comparison": "the group page with the comparison and group mean",
    # Self-assessment integrity: two strategists at once; reopening a submission.
    "checklist:assessment#conflict": "the self-assessment: another's save shown beside the form",
    "checklist:assessment_reopen": "reopen a submitted self-assessment, with the reason",
    "checklist:assessment#reopened": "a reopened self-assessment, a draft again",
    # Journey 3: the mentor and the reports.
    "home#mentor": "a mentor's start page",
    "rounds:mentor_workspace": "the groups a mentor follows",
    "rounds:group_detail#mentor": "the group page as its mentor sees it",
    "reports:group_reports": "the group's reports",
    "rounds:round_detail#assessed": "the round page once self-assessments are submitted",
    "reports:round_reports": "the round's reports",
    "reports:batch_detail": "all reports of the round: the progress bar at 100 %",
    # Journey 4: meeting material.
    "rounds:meeting_detail#host": "the meeting page as its host sees it, before the agenda",
    "rounds:meeting_material": "the host's agenda and files",
    "rounds:meeting_material#saved": "the agenda saved and a file uploaded",
    "rounds:meeting_detail#peer": "the meeting page with its agenda and file, as a peer sees it",
    # Journey 5: the mentor's note.
    "rounds:group_notes": "the mentor's notes to a group, with the form to write one",
    "rounds:group_notes#sent": "the mentor's note sent",
    "rounds:group_detail#member": "the group page as a member sees it",
    "rounds:group_notes#member": "the mentors' notes as a member of the group reads them",
    # Journey 6: an attendee evaluates a meeting.
    "home#evaluation": "a participant's start page offering an evaluation",
    "rounds:evaluation_answer": "the evaluation of a meeting that has ended",
    "rounds:meeting_detail#evaluated": "the meeting page once the evaluation is sent",
    # Journey 7: the one-page summary for the political leadership.
    "participants:participation_detail#strategist": "an organisation as its strategist sees it",
    "reports:organisation_summary": "the one-page summary: its next steps and its PDFs",
    "reports:summary_next_steps#error": "the summary's next steps refused: too many lines",
    "reports:organisation_summary#saved": "the summary's next steps saved",
    "reports:organisation_summary#ready": "the summary's PDF ready to download",
    "reports:summary_print": "the one-page summary's print view",
    # Journey 8: improvement work shared with the group, and approved for the programme.
    "participants:participation_detail#works": "an organisation's page with its improvement work",
    "participants:improvement_work": "an improvement work, with the form to share it",
    "participants:improvement_work#shared": "an improvement work just shared with the group",
    "participants:improvement_work#awaiting": "an improvement work awaiting approval",
    "participants:participation_detail#group-works": "a member's page: work its group shares",
    "participants:improvement_work#peer": "a work a group peer shares, read-only",
    "participants:library#empty": "the library of good examples, nothing approved yet",
    "participants:approval_queue": "the project leaders' queue of work awaiting approval",
    "participants:approval_queue#approved": "the queue once the work is approved",
    "participants:library": "the library of good examples, as a participant of another round",
    "participants:library#search": "the library: a Swedish search that finds the work",
    "participants:improvement_work#library": "a good example read from the library",
    # Journey 4: the project leader replaces a mentor, completes the round and reopens it.
    "rounds:mentor_proposal#replaced": "mentor proposal after a mentor was replaced by hand",
    "rounds:round_detail#active": "an active round, with the step that completes it",
    "rounds:round_status#complete": "completing the round: what will follow, asked first",
    "rounds:round_status#reopen": "reopening a completed round, with a reason",
    "rounds:round_detail#completed": "a completed round, with the step that reopens it",
    # Journey 7: two levels, year one and year two.
    "rounds:round_detail#levels": "the round with its organisation-wide and committee checklists",
    "rounds:round_update#year-two": "the round's form, moving it to year two with its themes",
    "home#year-two": "a strategist's start page with both levels due",
    "checklist:assessment_start#committee": "start the self-assessment at committee level",
    "checklist:assessment#committee": "the committee-level self-assessment under its parts",
    "rounds:group_detail#committee": "the group page comparing at committee level",
    # Journey 8: a strategist writes and submits the result report.
    "participants:participation_detail#reports": "an organisation's page, with its result report",
    "rounds:result_report_start": "start the result report of a year",
    "rounds:result_report": "the result report form, saved as it is written",
    "rounds:result_report#saved": "the result report with its draft saved",
    "rounds:result_report_submit": "submitting the result report: what will follow, asked first",
    "rounds:result_report#submitted": "the submitted result report, read-only",
}


@dataclass
class PageCheck:
    """What was found on one page of a journey."""

    key: str
    url: str
    title: str
    journey: str
    violations: list[dict] = field(default_factory=list)  # every impact
    # viewport name → (CSS px the page is too wide, the elements that stick out)
    overflow: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    @property
    def blocking(self) -> list[dict]:
        return [v for v in self.violations if v.get("impact") in BLOCKING_IMPACTS]

    def axe_report(self) -> str:
        lines = [
            f"{self.key} – {self.title} ({self.url}), reached in {self.journey}; "
            f"axe-core {AXE_VERSION}, rules tagged {', '.join(WCAG_TAGS)}:"
        ]
        lines += [describe(v) for v in self.violations]
        return "\n".join(lines)

    def reflow_report(self) -> str:
        lines = [f"{self.key} – {self.title} ({self.url}), reached in {self.journey}:"]
        for viewport, (pixels, elements) in self.overflow.items():
            if pixels:
                lines.append(f"- at {viewport} the page scrolls sideways by {pixels} px: ")
                lines += [f"    {element}" for element in elements]
        return "\n".join(lines)


# What the journeys found, shared by the processes of one run: one file per journey, written
# when it ends (whatever its outcome), in a directory of the run (`tests/e2e/conftest.py`).


def journey_ended(directory: Path, journey: str, *, ran: bool, checks: list[PageCheck]) -> None:
    """Write what `journey` (a node id) found; `ran`: whether it got as far as its browsers."""
    directory.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(journey.encode(), usedforsecurity=False).hexdigest()
    data = {"journey": journey, "ran": ran, "checks": [asdict(check) for check in checks]}
    temporary = directory / f"{name}.part"
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.rename(directory / f"{name}.json")  # whole, or not there


@dataclass
class Findings:
    results: dict[str, list[PageCheck]]  # page key → what each journey found on it
    ran: set[str]  # the journeys that ran (node ids), whether or not they got to the end
    missing: set[str]  # the journeys of the run that never ended (their process died)


def findings(directory: Path, journeys: set[str], timeout: float) -> Findings:
    """What `journeys` found, waiting up to `timeout` seconds for those still running in
    another process to end."""
    deadline = time.monotonic() + timeout
    while True:
        ended = {}
        for path in directory.glob("*.json") if directory.is_dir() else ():
            data = json.loads(path.read_text(encoding="utf-8"))
            ended[data["journey"]] = data
        if journeys <= ended.keys() or time.monotonic() > deadline:
            break
        time.sleep(1)
    results: dict[str, list[PageCheck]] = {}
    for journey in sorted(journeys & ended.keys()):
        for check in ended[journey]["checks"]:
            check["overflow"] = {k: tuple(v) for k, v in check["overflow"].items()}
            results.setdefault(check["key"], []).append(PageCheck(**check))
    ran = {journey for journey in journeys & ended.keys() if ended[journey]["ran"]}
    return Findings(results=results, ran=ran, missing=journeys - ended.keys())


def describe(violation: dict, max_nodes: int = 6) -> str:
    """One violation, readable in a test failure: the rule, its impact, where, and why."""
    widths = " and ".join(violation.get("viewports", []))
    lines = [
        f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}"
        f"{f' – at {widths}' if widths else ''} [{violation.get('helpUrl', '')}]"
    ]
    for node in violation.get("nodes", [])[:max_nodes]:
        target = " ".join(str(t) for t in node.get("target", []))
        html = " ".join(node.get("html", "").split())[:200]
        summary = " ".join(node.get("failureSummary", "").split())[:300]
        lines.append(f"    at {target}: {html}\n      {summary}")
    hidden = len(violation.get("nodes", [])) - max_nodes
    if hidden > 0:
        lines.append(f"    … and {hidden} more elements")
    return "\n".join(lines)


def _axe(page, options: dict = AXE_OPTIONS) -> list[dict]:
    """axe-core, run on the page; put into it first unless it is there (a page keeps it until it
    is left, and a journey's windows have it from the start, `add_axe`). Only the violations
    come back from the browser, not the other results."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def add_axe(context) -> None:
    """Give every page the browser context opens axe-core from its start. Measured on twenty
    demo pages checked at two widths: Chromium works about 5 % less than when the script is put
    into each page as it is checked."""
    context.add_init_script(script=AXE_SCRIPT)


# The widths the page's reflow is measured at (WCAG 1.4.10): a phone, and 200 % zoom.
REFLOW_VIEWPORTS = {"360 px wide": PHONE, "200 % zoom": ZOOM_200}


def check_widths(
    page, viewports: dict[str, tuple[dict, dict]], reflow: dict[str, dict]
) -> tuple[list[dict], dict[str, tuple[int, list[str]]]]:
    """axe-core's WCAG 2.1 A and AA rules in each of `viewports` (name → (size, axe's
    options)) and the page's horizontal overflow, with what sticks out, in each of `reflow`
    (name → size): every violation found, with the names of the viewports it was found in, and
    the overflow by name. The window is set to each size once, in the order given, and put
    back at the end: each change of size lays the page out and paints it again."""
    steps: dict[tuple[int, int], list[tuple[str, str, dict | None]]] = {}
    for name, (size, options) in viewports.items():
        steps.setdefault((size["width"], size["height"]), []).append(("axe", name, options))
    for name, size in reflow.items():
        steps.setdefault((size["width"], size["height"]), []).append(("reflow", name, None))
    before = page.viewport_size
    found: dict[tuple, dict] = {}
    overflow: dict[str, tuple[int, list[str]]] = {}
    try:
        for (width, height), actions in steps.items():
            if page.viewport_size != {"width": width, "height": height}:
                page.set_viewport_size({"width": width, "height": height})
            for kind, name, options in actions:
                if kind == "reflow":
                    overflow[name] = overflow_now(page)
                    continue
                for violation in _axe(page, options):
                    targets = tuple(
                        " ".join(map(str, n.get("target", []))) for n in violation["nodes"]
                    )
                    seen = found.setdefault(
                        (violation["id"], targets), {**violation, "viewports": []}
                    )
                    seen["viewports"].append(name)
    finally:
        if page.viewport_size != before:
            page.set_viewport_size(before)
    return list(found.values()), {name: overflow[name] for name in reflow}


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the window (0: no horizontal scroll)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


# The elements that stick out past the window's right edge, outside any container that
# scrolls or clips them itself (a wide table in .table-responsive is allowed: WCAG 1.4.10
# exempts content that needs two dimensions, and the page itself does not scroll).
_TOO_WIDE = """() => {
  const width = window.innerWidth;
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + [...e.classList].slice(0, 3).map((c) => "." + c).join("");
  // Inside a container that scrolls or clips sideways, unless positioned absolutely, as
  // Bootstrap's .visually-hidden is: such a box escapes a container that is not positioned.
  const contained = (e) => {
    if (["absolute", "fixed"].includes(getComputedStyle(e).position)) return false;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow !== "visible" && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const found = [];
  for (const e of document.body.querySelectorAll("*")) {
    const box = e.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !contained(e)) {
      found.push(`${name(e)} (right edge at ${Math.round(box.right)} px)`);
    }
  }
  return found.slice(0, 8);
}"""


def overflow_now(page) -> tuple[int, list[str]]:
    """The horizontal overflow in the window as it is, and what sticks out (nothing is
    looked for when the page does not scroll sideways)."""
    overflow = horizontal_overflow(page)
    return overflow, (page.evaluate(_TOO_WIDE) if overflow else [])


def overflow_at(page, viewport: dict) -> tuple[int, list[str]]:
    """`overflow_now` with the window set to `viewport`; the window is put back as it was."""
    before = page.viewport_size
    page.set_viewport_size(viewport)
    try:
        return overflow_now(page)
    finally:
        page.set_viewport_size(before)

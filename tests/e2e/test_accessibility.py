"""Accessibility: WCAG 2.1 A and AA in a real browser.

- Every page the journeys reach is checked by axe-core with the rules tagged wcag2a, wcag2aa,
  wcag21a and wcag21aa, as the page was when the journey reached it (`Journey.check`); no
  violation of impact serious or critical is allowed. One test per page of
  `axe.JOURNEY_PAGES`, so a known problem is marked on its page alone.
- The same pages reflow: no horizontal scrolling on a 360 px wide screen, nor at 200 % zoom
  (a 1280 × 800 window at 200 % is 640 × 400 CSS pixels).
- The self-assessment is filled in and submitted with the keyboard alone (Tab, the arrow keys
  within a radio group, Space, Enter), with the focus visible on every control on the way.
- The self-assessment on a 360 px wide screen, saved as `tests/artifacts/assessment-360.png`.

The page tests read what the journeys found, in whichever process they ran (conftest.py runs
the page tests last, and `findings` waits for journeys still running in another process).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from checklist import services as checklist_services
from checklist.models import SelfAssessment
from tests.e2e import axe
from tests.e2e.conftest import (
    ARTIFACTS,
    LUND,
    NEW_PASSWORD,
    STRATEGIST,
    expect_message,
    is_save,
    programme_set_up,
    sign_in,
    skip_or_fail,
)

pytestmark = pytest.mark.e2e

# Problems found in the templates, to be fixed there: a page listed here is marked as failing
# (strictly: once the page is fixed its test passes, fails as XPASS, and the entry goes).
KNOWN_AXE_PROBLEMS: dict[str, str] = {}
KNOWN_REFLOW_PROBLEMS: dict[str, str] = {}


def _pages(known: dict[str, str]):
    return [
        pytest.param(
            key,
            id=key,
            marks=[pytest.mark.xfail(strict=True, reason=known[key])] if key in known else [],
        )
        for key in axe.JOURNEY_PAGES
    ]


def _found(findings: axe.Findings, key: str) -> list[axe.PageCheck]:
    checks = findings.results.get(key)
    if checks:
        return checks
    if findings.missing:
        pytest.fail(
            f"{key}: these journeys never ended (their process stopped): "
            + ", ".join(sorted(findings.missing))
        )
    if not findings.ran:
        skip_or_fail("the journeys (tests/e2e/test_journeys*.py) did not run in this session")
    pytest.fail(
        f"No journey reached {key} ({axe.JOURNEY_PAGES[key]}); the journeys that ran: "
        f"{', '.join(sorted(findings.ran))}. See their failures."
    )


@pytest.mark.parametrize("key", _pages(KNOWN_AXE_PROBLEMS))
def test_journey_page_has_no_serious_axe_violation(findings, key):
    checks = _found(findings, key)
    failing = [check for check in checks if check.blocking]
    assert not failing, "\n\n".join(check.axe_report() for check in failing)


@pytest.mark.parametrize("key", _pages(KNOWN_REFLOW_PROBLEMS))
def test_journey_page_reflows_at_360_px_and_200_percent(findings, key):
    checks = _found(findings, key)
    failing = [check for check in checks if any(px for px, _ in check.overflow.values())]
    assert not failing, "\n\n".join(check.reflow_report() for check in failing)


# The self-assessment: keyboard alone, and a phone.

KEYBOARD_SCORES = {number: 1 + number % 3 for number in range(1, 11)}
KEYBOARD_COMMENT = (4, "Kompetensplanen tas upp i ledningsgruppen i vår.")

_FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(),
    type: e.getAttribute("type"),
    name: e.getAttribute("name"),
    value: e.value,
    checked: !!e.checked,
    formaction: e.getAttribute("formaction") || "",
    visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    label: (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText || "").trim(),
  };
}"""


# Transactional for the live server; the migrations' data is put back after each flush.
in_the_browser = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(transactional_db):
    """Lund's strategist with an empty draft before the first learning meeting."""
    programme = programme_set_up(invitations=False)
    assessment = checklist_services.assessment_start(
        participation=programme.participations[LUND.name], meeting=programme.meeting
    )
    return programme, assessment


@in_the_browser
def test_self_assessment_with_the_keyboard_alone(browsing, ui, draft):
    _programme, assessment = draft
    page = browsing.person("strateg")
    sign_in(browsing, page, ui, STRATEGIST[1], NEW_PASSWORD)
    page.goto(reverse("checklist:assessment", kwargs={"pk": assessment.pk}))
    expect(page.locator("#assessment-form")).to_be_visible()

    answered: set[int] = set()
    commented = submitted = False
    unseen_focus = []
    moved = False  # the focus has just moved on by itself (leaving a comment with Tab)
    for _step in range(400):  # the page has some 60 stops; a loop that never ends is a failure
        if not moved:
            page.keyboard.press("Tab")
        moved = False
        focused = page.evaluate(_FOCUSED)
        if not focused["visible"]:
            unseen_focus.append(f"{focused['tag']} “{focused['label'][:40]}”")
        name = focused["name"] or ""
        if focused["type"] == "radio" and name.startswith("score_"):
            number = int(name.removeprefix("score_"))
            if number in answered:
                continue
            # Into the group: Space picks the first score, each arrow the next one; each
            # choice is saved as it is made.
            with page.expect_response(is_save):
                page.keyboard.press("Space")
            for _ in range(KEYBOARD_SCORES[number] - 1):
                with page.expect_response(is_save):
                    page.keyboard.press("ArrowRight")
            answered.add(number)
        elif name == f"comment_{KEYBOARD_COMMENT[0]}" and not commented:
            with page.expect_response(is_save):  # saved a moment after typing stops
                page.keyboard.type(KEYBOARD_COMMENT[1])
            with page.expect_response(is_save):  # and again as the field is left
                page.keyboard.press("Tab")
            commented = moved = True
        elif focused["formaction"].endswith("/submit/") and answered == set(KEYBOARD_SCORES):
            page.keyboard.press("Enter")
            submitted = True
            break
    assert submitted, f"The Submit button was never reached by Tab; items answered: {answered}"
    expect_message(page, ui("The self-assessment is submitted. Your group can now see it."))
    assert not unseen_focus, f"No visible focus on: {', '.join(unseen_focus)}"

    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.SUBMITTED
    assert {a.item.number: a.score for a in assessment.answers.select_related("item")} == (
        KEYBOARD_SCORES
    )
    assert assessment.answers.get(item__number=KEYBOARD_COMMENT[0]).comment == KEYBOARD_COMMENT[1]


@in_the_browser
def test_self_assessment_on_a_phone_and_at_200_percent(browsing, ui, draft):
    _programme, assessment = draft
    page = browsing.person("strateg")
    sign_in(browsing, page, ui, STRATEGIST[1], NEW_PASSWORD)
    address = reverse("checklist:assessment", kwargs={"pk": assessment.pk})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for viewport, picture in ((axe.PHONE, "assessment-360.png"), (axe.ZOOM_200, None)):
        page.set_viewport_size(viewport)
        page.goto(address)
        expect(page.locator("#assessment-form")).to_be_visible()
        if picture:
            page.screenshot(path=ARTIFACTS / picture, full_page=True)
        overflow, elements = axe.overflow_at(page, viewport)
        assert overflow == 0, (
            f"At {viewport['width']} × {viewport['height']} CSS px the self-assessment scrolls "
            f"sideways by {overflow} px: {', '.join(elements)}"
        )
    # Still usable there: a score chosen by tapping its card is saved.
    page.set_viewport_size(axe.PHONE)
    with page.expect_response(is_save):
        page.get_by_role("group", name=ui.starts("1. ")).get_by_role("radio").nth(2).click()
    assert assessment.answers.get(item__number=1).score == 3

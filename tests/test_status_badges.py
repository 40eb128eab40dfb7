"""Every status badge a template shows has its colours: a class without CSS renders Bootstrap's
white badge text on the white page (1:1), which axe-core leaves undecided."""

import re
from pathlib import Path

from django.conf import settings

from checklist.models import SelfAssessment
from rounds.models import ResultReport, Round

BASE = Path(settings.BASE_DIR)
CSS = (BASE / "static" / "css" / "site.css").read_text()
# A badge whose modifier comes from a model's status: the values it can take.
DYNAMIC = {
    "round.status": Round.Status.values,
    "assessment.status": SelfAssessment.Status.values,
    "assessment.shown_status": SelfAssessment.Status.values,
    "report.status": ResultReport.Status.values,
}


def _templates():
    for directory in [BASE / "templates", *BASE.glob("*/templates")]:
        yield from directory.rglob("*.html")


def _badges_used() -> dict[str, str]:
    """Modifier → a template that uses it."""
    used = {}
    for template in _templates():
        text = template.read_text()
        for name in re.findall(r"status-badge--([a-z]+)", text):
            used.setdefault(name, str(template.relative_to(BASE)))
        for expression in re.findall(r"status-badge--\{\{\s*([\w.]+)\s*\}\}", text):
            assert expression in DYNAMIC, f"{template}: which values can {expression} take?"
            for name in DYNAMIC[expression]:
                used.setdefault(name, str(template.relative_to(BASE)))
        stray = re.findall(r"class=\"[^\"]*\bstatus-(?!badge)[\w{]", text)
        assert not stray, f"{template}: a status class outside the status-badge family: {stray}"
    return used


def _coloured() -> set[str]:
    """The modifiers with a rule that sets both the text colour and the background."""
    coloured = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", CSS):
        if re.search(r"(^|[;\s])color:", body) and "background-color:" in body:
            coloured |= set(re.findall(r"\.status-badge--([a-z]+)(?![\w:-])", selectors))
    return coloured


def test_every_status_badge_in_a_template_has_its_colours():
    used = _badges_used()
    missing = {name: where for name, where in used.items() if name not in _coloured()}

    assert {"locked", "active", "completed", "planning", "draft", "submitted"} <= set(used)
    assert not missing, f"Status badges without colours in static/css/site.css: {missing}"

"""The round dashboard's rows and lists, built in Python.

A national round's dashboard page has 25 rows of a few hundred cells (an organisation at an
assessment point); written as template code, or as a template tag per cell, the rows cost more
than the rest of the page, so they are built here, as Django's admin builds the rows of its
change lists. The markup that does not depend on the row is made once per page and kept in the
template's render context. The values are plain strings from the database, escaped with the
standard library's `html.escape`, which is what Django's `escape` calls (without its check for
lazy strings, made for each of many values). The page's other lists of many alike items (its
column headings, the round's tasks, its mentor organisations) are built here too: in template
code each item costs a loop, a variable and a translation, some fifteen microseconds.
"""

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from modellkoncept.templatetags.date_once import date_once

register = template.Library()


def _fragments() -> dict[str, str]:
    """The cells' fixed markup, translated and escaped."""

    def badge(kind: str, text: str) -> str:
        return f'<span class="status-badge status-badge--{kind}">{escape(text)}</span>'

    def emphasis(text: str) -> str:
        return f'<span class="text-danger-emphasis">{escape(text)}</span>'

    return {
        "submitted": escape(gettext("submitted")),
        "draft": escape(gettext("draft")),
        "missing": badge("danger", gettext("missing")),
        # Not yet due: the meeting is ahead, nothing is late.
        "due": badge("neutral", gettext("to do")),
        "all": f"<span>✓ {escape(gettext('all three'))}</span>",
        "partial": emphasis(f"! {gettext('not all three')}"),
        "none": emphasis(f"✗ {gettext('nobody recorded')}"),
        "withdrew": badge("neutral", gettext("withdrew")),
    }


def _cache(context) -> dict:
    cache = context.render_context.setdefault(__name__, {"dates": {}, "labels": {}})
    if "fragments" not in cache:
        cache["fragments"] = _fragments()
    return cache


def _coverage(cache: dict, row) -> str:
    """How many people hold each of the three functions; a function nobody holds stands out."""
    labels = cache["labels"]
    parts = []
    for label, count in row.coverage:
        text = labels.get(id(label))
        if text is None:
            text = labels[id(label)] = escape(str(label))
        warn = "" if count else " text-danger-emphasis fw-semibold"
        parts.append(f'<span class="text-nowrap{warn}">{text}: {count}</span>')
    return f'<td class="small">{", ".join(parts)}</td>'


def _cells(cache: dict, row) -> str:
    """The row's cells, one per assessment point: the self-assessment's status (a link to it
    when it exists) and whether the three functions attended (the meeting's date, before it is
    held)."""
    fragments, dates = cache["fragments"], cache["dates"]
    cells = []
    for cell in row.cells:
        if cell.meeting is None:
            cells.append('<td class="small"></td>')
            continue
        if cell.url:
            status = (
                f'<a href="{escape(cell.url)}" class="status-badge '
                f'status-badge--{cell.status}">{fragments[cell.status]}</a>'
            )
        else:
            status = fragments[cell.status]
        if cell.attendance:
            attendance = fragments[cell.attendance]
        else:  # not held yet: when it is
            meeting = cell.meeting
            if meeting.pk not in dates:
                starts = timezone.localtime(meeting.starts_at)
                day = escape(date_once(starts, "SHORT_DATE_FORMAT"))
                dates[meeting.pk] = f'<span class="text-body-secondary">{day}</span>'
            attendance = dates[meeting.pk]
        cells.append(f'<td class="small">{status}<br>{attendance}</td>')
    return "".join(cells)


@register.simple_tag(takes_context=True)
def dashboard_rows(context, rows) -> SafeString:
    """The dashboard's table rows, a `<tr>` per `rounds.selectors.DashboardRow`: the
    organisation (a link to its page in the round, marked if it withdrew), its group, its
    function coverage and its cells."""
    cache = _cache(context)
    withdrew = " " + cache["fragments"]["withdrew"]
    html = []
    for row in rows:
        html.append(
            f'<tr><th scope="row"><a href="{escape(row.url)}">'
            f"{escape(row.organisation_name)}</a>"
            f"{withdrew if row.withdrawn else ''}</th>"
            f"<td>{escape(row.group_name) if row.group_name else '–'}</td>"
            f"{_coverage(cache, row)}{_cells(cache, row)}</tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 - built of escaped parts above


@register.simple_tag
def dashboard_group_options(groups, chosen: str) -> SafeString:
    """The group filter's options, a group (id, name) each, the chosen one selected."""
    return mark_safe(  # noqa: S308 - built of escaped parts
        "".join(
            f'<option value="{pk}"{" selected" if str(pk) == chosen else ""}>{escape(name)}'
            "</option>"
            for pk, name in groups
        )
    )


@register.simple_tag
def dashboard_points(points) -> SafeString:
    """The table's column heading of each assessment point."""
    heading = gettext("Assessment %(point)s")
    return mark_safe(  # noqa: S308 - built of escaped parts
        "".join(f'<th scope="col">{escape(heading % {"point": point})}</th>' for point in points)
    )


# The round's tasks by stage, each a page of the round by the name of its view (the page's
# `links`, `rounds.views.rounds.ROUND_PAGES`) and what its link says.
TASKS = {
    "prepare": (
        ("round_update", _("Edit the round")),
        ("application_list", _("Expressions of interest")),
        ("participation_fees", _("Fees")),
        ("meeting_create", _("New meeting")),
        ("meeting_list", _("The whole schedule")),
    ),
    "groups": (
        ("group_proposal", _("Propose groups")),
        ("group_create", _("New group")),
        ("mentor_proposal", _("Mentors for the groups")),
        ("group_list", _("All benchmarking groups")),
    ),
    "follow": (
        ("assessment_import", _("Import self-assessments")),
        ("round_reports", _("Reports")),
        ("round_audit", _("History of changes")),
        ("evaluation_results", _("Evaluations of the meetings")),
        ("result_reports", _("Result reports")),
    ),
    "data": (
        ("round_scores_xlsx", _("Scores as Excel")),
        ("round_scores_csv", _("Scores as CSV")),
        ("round_export", _("Download as JSON")),
    ),
}


@register.simple_tag
def dashboard_tasks(links, stage: str) -> SafeString:
    """A list item linking each of the stage's tasks (`TASKS`) at its address in `links`."""
    return dashboard_links((links[name], str(label)) for name, label in TASKS[stage])


@register.simple_tag
def dashboard_links(pairs) -> SafeString:
    """A list item with a link for each (address, text)."""
    return mark_safe(  # noqa: S308 - built of escaped parts
        "".join(f'<li><a href="{escape(url)}">{escape(text)}</a></li>' for url, text in pairs)
    )

"""The round dashboard's rows, built in Python.

A national round's dashboard has a few hundred cells (an organisation at an assessment point);
written as template tags each cell costs more than the rest of its row, so the cells are built
here, as Django's admin builds the cells of its change lists. The markup that does not depend on
the cell is made once per page and kept in the template's render context.
"""

from django import template
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _fragments() -> dict[str, str]:
    """The cells' fixed markup, translated and escaped."""
    return {
        "submitted": escape(gettext("submitted")),
        "draft": escape(gettext("draft")),
        "missing": format_html(
            '<span class="status-badge status-badge--danger">{}</span>', gettext("missing")
        ),
        # Not yet due: the meeting is ahead, nothing is late.
        "due": format_html(
            '<span class="status-badge status-badge--neutral">{}</span>', gettext("to do")
        ),
        "all": format_html("<span>✓ {}</span>", gettext("all three")),
        "partial": format_html(
            '<span class="text-danger-emphasis">! {}</span>', gettext("not all three")
        ),
        "none": format_html(
            '<span class="text-danger-emphasis">✗ {}</span>', gettext("nobody recorded")
        ),
        "withdrew": format_html(
            '<span class="status-badge status-badge--neutral">{}</span>', gettext("withdrew")
        ),
    }


def _cache(context) -> dict:
    cache = context.render_context.setdefault(__name__, {"dates": {}})
    if "fragments" not in cache:
        cache["fragments"] = _fragments()
    return cache


@register.simple_tag(takes_context=True)
def dashboard_cells(context, row) -> SafeString:
    """A `rounds.selectors.DashboardRow`'s cells, one per assessment point: the
    self-assessment's status (a link to it when it exists) and whether the three functions
    attended (the meeting's date, before it is held)."""
    return mark_safe(_cells(_cache(context), row))  # noqa: S308 - built of escaped parts


def _cells(cache: dict, row) -> str:
    fragments, dates = cache["fragments"], cache["dates"]
    cells = []
    for cell in row.cells:
        if cell.meeting is None:
            cells.append('<td class="small"></td>')
            continue
        if cell.url:
            status = (
                f'<a href="{escape(cell.url)}" class="status-badge '
                f'status-badge--{escape(cell.status)}">{fragments[cell.status]}</a>'
            )
        else:
            status = fragments[cell.status]
        if cell.attendance:
            attendance = fragments[cell.attendance]
        else:  # not held yet: when it is
            meeting = cell.meeting
            if meeting.pk not in dates:
                starts = timezone.localtime(meeting.starts_at)
                day = formats.date_format(starts, "SHORT_DATE_FORMAT")
                dates[meeting.pk] = format_html('<span class="text-body-secondary">{}</span>', day)
            attendance = dates[meeting.pk]
        cells.append(f'<td class="small">{status}<br>{attendance}</td>')
    return "".join(cells)


@register.simple_tag(takes_context=True)
def dashboard_rows(context, rows) -> SafeString:
    """The dashboard's table rows, a `<tr>` per `rounds.selectors.DashboardRow`: the
    organisation (a link to its page in the round, marked if it withdrew), its group, its
    function coverage and its cells. Built here, as Django's admin builds its change lists'
    rows: as template code, the rows of a page cost more than the rest of the page."""
    cache = _cache(context)
    withdrew = cache["fragments"]["withdrew"]
    html = []
    for row in rows:
        participation = row.participation
        group = participation.group
        html.append(
            f'<tr><th scope="row"><a href="{escape(row.url)}">'
            f"{escape(participation.organisation.name)}</a>"
            f"{' ' + withdrew if participation.withdrawn_on else ''}</th>"
            f"<td>{escape(group.name) if group is not None and group.name else '–'}</td>"
            f"{dashboard_coverage(row)}{_cells(cache, row)}</tr>"
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


@register.filter
def dashboard_coverage(row) -> SafeString:
    """How many people hold each of the three functions; a function nobody holds stands out."""
    parts = [
        format_html(
            '<span class="text-nowrap{}">{}: {}</span>',
            "" if count else " text-danger-emphasis fw-semibold",
            label,
            count,
        )
        for label, count in row.coverage
    ]
    return format_html('<td class="small">{}</td>', mark_safe(", ".join(parts)))  # noqa: S308

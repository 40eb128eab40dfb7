"""`{% scrollregion %}<table>…</table>{% endscrollregion %}`: a wide table in a box that scrolls
sideways on its own, so the page never does (WCAG 1.4.10), and that a keyboard can reach
(WCAG 2.1.1, axe's `scrollable-region-focusable`): the box takes focus (`tabindex="0"`), so the
arrow keys scroll it, and it is a region named by the table's caption, so a screen reader says
what the stop is.

The caption names it (the tag gives the caption an id when it has none); a table without a
caption names it with `label=`: `{% scrollregion label=_("Versions") %}`. One without either
is refused, as every scroll box needs a name.
"""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_CAPTION = re.compile(r"<caption\b([^>]*)>", re.IGNORECASE)
_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")


def _next_number(context) -> int:
    """1, 2, … within one rendering of a page, includes and all (the render context's bottom
    layer lasts for the whole rendering), so the ids are the same each time the page is shown."""
    state = context.render_context.dicts[0]
    state["scrollregion"] = state.get("scrollregion", 0) + 1
    return state["scrollregion"]


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        html = self.nodelist.render(context)
        if self.label is not None:
            name = format_html('aria-label="{}"', self.label.resolve(context))
        else:
            caption = _CAPTION.search(html)
            if caption is None:
                raise template.TemplateSyntaxError(
                    "{% scrollregion %} needs a table with a <caption>, or label=…"
                )
            found = _ID.search(caption.group(1))
            if found:
                caption_id = found.group(1)
            else:
                caption_id = f"scroll-region-{_next_number(context)}"
                html = (
                    html[: caption.start()]
                    + f'<caption id="{caption_id}"{caption.group(1)}>'
                    + html[caption.end() :]
                )
            name = format_html('aria-labelledby="{}"', caption_id)
        return format_html(
            '<div class="table-responsive" tabindex="0" role="region" {}>{}</div>',
            name,
            mark_safe(html),  # noqa: S308 - the template's own rendered, escaped output
        )


@register.tag("scrollregion")
def do_scrollregion(parser, token):
    bits = token.split_contents()
    label = None
    for bit in bits[1:]:
        if not bit.startswith("label="):
            raise template.TemplateSyntaxError(f"'{bits[0]}' takes only label=…, not {bit!r}.")
        label = parser.compile_filter(bit.removeprefix("label="))
    nodelist = parser.parse(("endscrollregion",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, label)

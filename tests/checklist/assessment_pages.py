"""What the tests of the self-assessment pages share: reading a page as a browser does (its
tables, its form, its messages), the data an autosave posts, and past meetings with recorded
assessments."""

import datetime as dt
import re
from html.parser import HTMLParser

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from checklist import services
from checklist.models import Answer
from rounds import services as round_services
from rounds.models import Meeting

HTMX = {"HTTP_HX_REQUEST": "true"}


# Helpers


def _sv(text: str, **params) -> str:
    """The Swedish page's wording for a message id, as escaped in the HTML."""
    with translation.override("sv"):
        translated = translation.gettext(text)
    return escape(translated % params if params else translated)


def _url(name: str, assessment) -> str:
    return reverse(f"checklist:{name}", args=[assessment.pk])


def _stored(assessment) -> dict[int, int | None]:
    return dict(
        Answer.objects.filter(assessment_id=assessment.pk).values_list("item__number", "score")
    )


def _post_data(scores: dict, *, revision: int, comments: dict | None = None, **extra) -> dict:
    """What the assessment form posts: a checked radio per scored item, every comment box."""
    data = {"revision": revision, **extra}
    for number in range(1, 11):
        if scores.get(number) is not None:
            data[f"score_{number}"] = scores[number]
        data[f"comment_{number}"] = (comments or {}).get(number, "")
    return data


def _item_section(html: str, number: int) -> str:
    """The part of the assessment form about one item."""
    start = html.index(f'id="item-{number}-legend"')
    end = html.find('aria-labelledby="item-', start)
    return html[start : end if end != -1 else len(html)]


def _checked(html: str, number: int) -> int | None:
    section = _item_section(html, number)
    match = re.search(r'value="(\d+)"\s+checked', section)
    return int(match.group(1)) if match else None


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class _Tables(HTMLParser):
    """Every table of a page: its caption and attributes, and its rows as lists of texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self._open, self._row, self._text = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._open.append({"attrs": dict(attrs), "caption": "", "rows": []})
        elif self._open and tag == "tr":
            self._row = []
        elif self._open and tag in ("td", "th", "caption"):
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption") and self._text is not None:
            text = " ".join("".join(self._text).split())
            if tag == "caption":
                self._open[-1]["caption"] = text
            elif self._row is not None:
                self._row.append(text)
            self._text = None
        elif tag == "tr" and self._row is not None:
            self._open[-1]["rows"].append(self._row)
            self._row = None
        elif tag == "table" and self._open:
            self.tables.append(self._open.pop())

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def _tables(response) -> list[dict]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def _table(response, caption_start: str, *, nth: int | None = None) -> list[list[str]]:
    """The rows of the table whose caption starts so (the nth of several, if asked)."""
    found = [t for t in _tables(response) if t["caption"].startswith(caption_start)]
    if nth is None:
        assert len(found) == 1, [t["caption"] for t in _tables(response)]
        nth = 0
    return found[nth]["rows"]


class _Form(HTMLParser):
    """What a browser would post from a page's form, untouched: every field's current value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value") or "on"
                return
            self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _browser_form(response) -> dict:
    main = response.content.decode()
    main = main[main.index("<main") : main.index("</main>")]
    parser = _Form()
    parser.feed(main)
    parser.data.pop("csrfmiddlewaretoken", None)
    # A textarea's content starts after one newline the browser drops.
    return {k: v.removeprefix("\n") for k, v in parser.data.items()}


def _past_meeting(world, *, days_ago: int, group=None, title: str = "Tidigare träff"):
    starts = timezone.now() - dt.timedelta(days=days_ago)
    return round_services.meeting_create(
        round=world.round_a,
        group=world.ga1 if group is None else group,
        kind=Meeting.Kind.LEARNING_MEETING,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        assessment_due=True,
    )


def _record(participation, meeting, values, by=None):
    """An assessment submitted a week before a past meeting."""
    assessment, _ = services.assessment_record(
        participation=participation,
        meeting=meeting,
        scores=dict(enumerate(values, start=1)),
        submitted_at=meeting.starts_at - dt.timedelta(days=7),
        by=by,
    )
    return assessment

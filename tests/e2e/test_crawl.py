"""Every page each role reaches, checked for accessibility: a crawl in Debian's Chromium.

With the demo data (`rounds.demo`, as `seed_demo` loads it) each role of `demo.SIGN_INS`, and
an anonymous visitor, signs in and follows every same-site link from the start page, breadth
first, GET only. Nobody lists the pages: a page added tomorrow is crawled as soon as a link
leads to it. Not followed: other sites, the admin, signing out and switching language (forms,
never links), and anything that is not an HTML page (downloads, calendar feeds: a
Content-Disposition or a content type other than text/html).

Each role reads at most `FETCH_PER_VIEW` pages of one view (its links, its title and the text
of its <main>), and each view is opened in the browser and checked for at most `OPEN_PER_VIEW`
roles, once per role: every view any role reaches is checked at least once, as up to three
roles see it, and the crawl stays within two minutes on two cores. The pages checked get:

- axe-core with the rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa, at 1280 px, and its
  `scrollable-region-focusable` rule again at 320 px, where tables start to scroll: any
  violation fails, whatever its impact;
- the contrast of every visible text, from the computed colours with the backgrounds of its
  ancestors composed (axe leaves text on a badge or overlaid "undecided"): at least 4.5:1,
  3:1 for large text (24 px, or 18.66 px bold);
- reflow at 320 px (WCAG 1.4.10): the page does not scroll sideways;
- the title: no two different pages share one, over every role (two addresses are one page
  when they show the same content, as a group page and its latest assessment point do; a
  `next` parameter changes nothing).

A link that answers with an error (4xx or 5xx) is a problem too: the page offered it.

The demo's dates are fixed (its active round runs 2025–2027 and spans 2026-11-24); what the
pages show depends on the clock (what is open, due or next), and the crawl follows whatever
links they offer and lists nothing, so it holds on any date the suite's clock is set to,
before, during or after that round.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import time_machine
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from accounts.forms import SignInForm
from rounds import demo
from tests.conftest import DEMO_DAY, seed_demo
from tests.e2e import axe

pytestmark = pytest.mark.e2e

# Pages of one view read (links and title) per role, and opened in the browser: at most one
# per role and `OPEN_PER_VIEW` in all, so that every view reached is checked at least once, as
# up to three different roles see it, and the crawl stays within two minutes on two cores.
FETCH_PER_VIEW = 4
OPEN_PER_VIEW = 3
# Query parameters that do not change what a page shows (where to go after signing in).
NEUTRAL_PARAMETERS = ("next",)
NARROW = {"width": 320, "height": 800}
ROLES = (("anonymous", None, None), *demo.SIGN_INS)
# Never followed: the admin has its own (Django's) interface.
SKIPPED_PREFIXES = ("/admin/",)
SKIPPED_VIEWS = {"accounts:logout", "set_language"}
NARROW_AXE = {
    "runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]},
    "preload": axe.AXE_OPTIONS["preload"],
}

# Every visible text node's contrast against the background composed from its ancestors'
# background colours (with their alpha) over white; elements with a background image are
# left out (the colour behind the text is not known), as are disabled controls (exempt).
_CONTRAST = r"""() => {
  const canvas = document.createElement("canvas").getContext("2d");
  const parse = (value) => {
    let m = value.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
    if (!m) {
      canvas.fillStyle = "#000";
      canvas.fillStyle = value;
      canvas.clearRect(0, 0, 1, 1);
      canvas.fillRect(0, 0, 1, 1);
      const d = canvas.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2], d[3] / 255];
    }
    return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + [...e.classList].slice(0, 3).map((c) => "." + c).join("");
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== "none" && !style.backgroundImage.startsWith("url(")) {
        return null;
      }
      const colour = parse(style.backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const found = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || seen.has(element)) continue;
    if (element.closest("script, style, template, noscript, [hidden], [aria-hidden='true'], "
      + ":disabled, [aria-disabled='true'], option")) continue;
    const style = getComputedStyle(element);
    if (style.visibility !== "visible" || parseFloat(style.opacity) === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // visually hidden text
    let clipped = false;
    for (let e = element; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") clipped = true;
      if (s.display === "none") clipped = true;
    }
    if (clipped) continue;
    seen.add(element);
    const behind = background(element);
    if (!behind) continue;
    let opacity = 1;
    for (let e = element; e; e = e.parentElement) {
      opacity *= parseFloat(getComputedStyle(e).opacity);
    }
    const colour = parse(style.color);
    colour[3] *= opacity;
    const fore = over(colour, behind);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    const needed = large ? 3 : 4.5;
    const measured = ratio(fore, behind);
    if (measured + 0.005 < needed) {
      const hex = (c) => "#" + c.slice(0, 3)
        .map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
      found.push(`${name(element)} “${text.slice(0, 40)}”: ${measured.toFixed(2)}:1 `
        + `(${hex(fore)} on ${hex(behind)}, needs ${needed}:1)`);
    }
  }
  return found;
}"""


class _PageReader(HTMLParser):
    """An HTML page's links (<a href>, unless marked for download), its title, and the text of
    its <main> (what tells two pages apart)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.title = ""
        self.main: list[str] = []
        self._in_title = self._title_done = False
        self._main_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append(attributes["href"])
        elif tag == "title" and not self._title_done:
            self._in_title = True  # the document's; an <svg> chart's come later
        elif tag == "main" or (self._main_depth and tag == "main"):
            self._main_depth += 1

    def handle_endtag(self, tag):
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True
        elif tag == "main" and self._main_depth:
            self._main_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._main_depth:
            self.main.append(data)


def _view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def _page_address(url: str) -> str:
    """The address without its fragment and without the parameters that change nothing."""
    parts = urlsplit(urldefrag(url).url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k not in NEUTRAL_PARAMETERS]
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass
class Page:
    role: str
    url: str
    view: str
    title: str
    content: str  # the text of <main>, whitespace collapsed


@dataclass
class Crawl:
    """What the crawl found: the pages of each role, and the problems of each page."""

    base_url: str
    pages: dict = field(default_factory=lambda: defaultdict(dict))  # role → url → Page
    opened: list = field(default_factory=list)  # (role, url)
    problems: dict = field(default_factory=lambda: defaultdict(list))  # (role, url) → lines
    downloads: set = field(default_factory=set)  # views that answer with a file
    opened_per_view: dict = field(default_factory=lambda: defaultdict(set))  # view → roles
    seconds: dict = field(default_factory=lambda: defaultdict(float))  # reading, checking
    rules: int = 0  # axe-core's rules with the WCAG tags

    def local(self, url: str) -> str:
        return url.removeprefix(self.base_url)

    def follow(self, href: str, page_url: str) -> str | None:
        """The same-site page address `href` on `page_url` leads to, or None to skip it."""
        url = _page_address(urljoin(page_url, href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not url.startswith(self.base_url):
            return None
        view = _view_name(parts.path)
        if parts.path.startswith(SKIPPED_PREFIXES) or view in SKIPPED_VIEWS | self.downloads:
            return None
        return url

    def crawl(self, role: str, page) -> None:
        """Breadth first from the start page. A page of a view that is still to be checked is
        read in the browser and checked there; any other is read with a plain request."""
        start = f"{self.base_url}/"
        queue, queued = deque([start]), {start}
        fetched_per_view: dict[str, int] = defaultdict(int)
        while queue:
            url = queue.popleft()
            view = _view_name(urlsplit(url).path)
            if view in self.downloads or fetched_per_view[view] >= FETCH_PER_VIEW:
                continue
            seen_by = self.opened_per_view.get(view, set())
            in_browser = role not in seen_by and len(seen_by) < OPEN_PER_VIEW
            read = self.open(page, url) if in_browser else None
            if read is None:
                read = self.read(page, url)
            status, final, kind, html = read
            if status >= 400:
                self.problems[(role, self.local(url))].append(
                    f"- a link leads here and the page answers {status}"
                )
                continue
            if not kind.startswith("text/html"):
                self.downloads.add(view)
                continue
            final = _page_address(final)
            view = _view_name(urlsplit(final).path)
            if final in self.pages[role] or not final.startswith(self.base_url):
                continue
            fetched_per_view[view] += 1
            reader = _PageReader()
            reader.feed(html)
            self.pages[role][final] = Page(
                role=role,
                url=self.local(final),
                view=view,
                title=" ".join(reader.title.split()),
                content=" ".join(" ".join(reader.main).split()),
            )
            if in_browser:
                self.opened_per_view[view].add(role)
                self.check(role, page, final)
            for href in reader.links:
                target = self.follow(href, final)
                if target and target not in queued:
                    queued.add(target)
                    queue.append(target)

    def read(self, page, url: str) -> tuple[int, str, str, str]:
        """(status, final address, content type, HTML) with a request in the person's session;
        a file to download counts as not HTML."""
        started = time.monotonic()
        response = page.request.get(url, max_redirects=5)
        self.seconds["reading"] += time.monotonic() - started
        kind = response.headers.get("content-type", "")
        if "content-disposition" in response.headers:
            kind = "attachment"
        html = response.text() if kind.startswith("text/html") else ""
        return response.status, response.url, kind, html

    def open(self, page, url: str) -> tuple[int, str, str, str] | None:
        """The same, opened in the browser (to be checked there); None for a download."""
        started = time.monotonic()
        try:
            page.set_viewport_size(axe.DESKTOP)
            response = page.goto(url)
            page.wait_for_load_state("load")
        except PlaywrightError:  # "Download is starting": read it again as a file
            return None
        finally:
            self.seconds["checking"] += time.monotonic() - started
        kind = response.headers.get("content-type", "")
        html = page.content() if kind.startswith("text/html") else ""
        return response.status, page.url, kind, html

    def check(self, role: str, page, url: str) -> None:
        """The page open in the browser: axe-core, contrast and reflow."""
        started = time.monotonic()
        self.opened.append((role, url))
        found = self.problems[(role, self.local(url))]
        try:
            found += [axe.describe(v) for v in axe._axe(page)]
            if not self.rules:
                self.rules = page.evaluate("tags => axe.getRules(tags).length", axe.WCAG_TAGS)
            found += [f"- contrast: {line}" for line in page.evaluate(_CONTRAST)]
            page.set_viewport_size(NARROW)
            overflow, elements = axe.overflow_now(page)
            if overflow:
                found.append(
                    f"- at 320 px the page scrolls sideways by {overflow} px: "
                    + ", ".join(elements)
                )
            narrow = axe._axe(page, NARROW_AXE)
            found += [axe.describe({**v, "viewports": ["320 px"]}) for v in narrow]
        finally:
            page.set_viewport_size(axe.DESKTOP)
            self.seconds["checking"] += time.monotonic() - started

    def shared_titles(self) -> dict[str, list[str]]:
        """Titles that different pages share, over every role. Two addresses are one page when
        they show the same content (the group page and its latest point), and one address is
        one page whoever looks at it."""
        by_title: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for pages in self.pages.values():
            for found in pages.values():
                by_title[found.title][found.url].add(found.content)
        shared = {}
        for title, contents in by_title.items():
            clusters: list[tuple[set[str], set[str]]] = []  # (urls, contents)
            for url, texts in contents.items():
                joined = [c for c in clusters if c[1] & texts]
                urls, texts = {url}, set(texts)
                for c in joined:
                    clusters.remove(c)
                    urls |= c[0]
                    texts |= c[1]
                clusters.append((urls, texts))
            if len(clusters) > 1:
                shared[title] = sorted(min(urls) for urls, _texts in clusters)
        return shared

    def report(self) -> str:
        lines = []
        for (role, url), found in sorted(self.problems.items()):
            if found:
                lines.append(f"{url} as {role}:")
                lines += [f"  {line}" for line in "\n".join(found).splitlines()]
        for title, urls in sorted(self.shared_titles().items()):
            lines.append(
                f"The title “{title}” is shared by {len(urls)} different pages: {', '.join(urls)}"
            )
        return "\n".join(lines)


@pytest.fixture
def demo_data(transactional_db):
    """The demo, built on the day it was written for (its attendance and submissions lie
    before that day); the crawl itself runs at the suite's clock, whatever it says."""
    with time_machine.travel(DEMO_DAY, tick=True):
        seed_demo()
    return {row.role: row.email for row in demo.demo_sign_ins()}


def _sign_in(page, ui, email: str) -> None:
    page.goto(reverse("accounts:login"))
    page.get_by_label(ui.field(SignInForm, "username")).fill(email)
    page.get_by_label(ui.field(SignInForm, "password")).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name=ui.exact("Sign in")).click()
    page.get_by_role("button", name=ui.exact("Sign out")).wait_for()


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_is_accessible(browsing, ui, demo_data):
    started = time.monotonic()
    crawl = Crawl(base_url=browsing.base_url)
    for role, _full_name, _code in ROLES:
        page = browsing.person(re.sub(r"\W+", "-", role))
        if role != "anonymous":
            _sign_in(page, ui, demo_data[role])
        crawl.crawl(role, page)
    seconds = time.monotonic() - started

    fetched = sum(len(pages) for pages in crawl.pages.values())
    views = {found.view for pages in crawl.pages.values() for found in pages.values()}
    summary = (
        f"{len(ROLES)} roles, {fetched} pages read, {len(views)} views, {len(crawl.opened)} "
        f"pages checked in the browser, {len(crawl.downloads)} download views skipped, in "
        f"{seconds:.0f} s (reading {crawl.seconds['reading']:.0f} s, checking "
        f"{crawl.seconds['checking']:.0f} s); axe-core {axe.AXE_VERSION}, {crawl.rules} rules "
        f"tagged {', '.join(axe.WCAG_TAGS)}"
    )
    print(summary)
    # Every view reached was checked in the browser at least once.
    assert views == set(crawl.opened_per_view), views ^ set(crawl.opened_per_view)
    # Each role reaches more than its start page: a crawl that signed in wrongly, or found no
    # links, would check nothing and pass.
    for role, _full_name, _code in ROLES:
        assert len(crawl.pages[role]) >= 3, (role, list(crawl.pages[role]))
    report = crawl.report()
    assert not report, f"{summary}\n\n{report}"

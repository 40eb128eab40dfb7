"""HTML to PDF with WeasyPrint: the only module that imports it.

WeasyPrint and its dependencies take about half a second to import and hold on to memory, so
they are imported inside the functions here, on first use in a worker, and never by a web
process that only queues reports.

Every resource a report needs (its print stylesheet and the fonts the project ships) is a local
file. WeasyPrint fetches everything through `ReportURLFetcher`, which serves only files under the
project's own static directories and `data:` URLs, and refuses everything else (`http:`,
`https:`, `file:` elsewhere, `ftp:` …): text that users typed is escaped by the templates, and
even a tag that slipped through could not make a report read the server's files or the network.
"""

from __future__ import annotations

import atexit
import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

STYLESHEET = "reports/print.css"
# (family, weight, file under the static files); the charts name "DejaVu Sans" first.
FONTS = (
    ("DejaVu Sans", 400, "fonts/DejaVuSans.ttf"),
    ("DejaVu Sans", 700, "fonts/DejaVuSans-Bold.ttf"),
)
# WeasyPrint logs every step of every document at INFO; its warnings (a refused URL, say) stay.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

ALLOWED_SUFFIXES = {".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png", ".jpg", ".jpeg"}


class RefusedURL(ValueError):
    """A report asked for a resource outside the project's static files."""


def static_roots() -> tuple[Path, ...]:
    """The directories a report may read from: the project's static directories and the
    reports app's own static directory, resolved (no symbolic link leads out of them)."""
    roots = [
        Path(entry[1] if isinstance(entry, tuple | list) else entry)
        for entry in settings.STATICFILES_DIRS
    ]
    roots.append(Path(apps.get_app_config("reports").path) / "static")
    return tuple(dict.fromkeys(root.resolve() for root in roots))


def static_path(name: str) -> Path:
    """The file of a static asset (`reports/print.css`), from the project's sources."""
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"The static file {name} is missing.")
    return Path(found).resolve()


@dataclass
class FetchPolicy:
    """Decides what WeasyPrint may read; remembers what it refused, for the log and tests."""

    roots: tuple[Path, ...]
    refused: list[str] = field(default_factory=list)

    def local_file(self, url: str) -> Path:
        """The file a `file:` URL names, if it lies under one of the roots; else refuse."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise self.refuse(url)
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            raise self.refuse(url) from None
        inside = any(path.is_relative_to(root) for root in self.roots)
        if not inside or not path.is_file() or path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise self.refuse(url)
        return path

    def refuse(self, url: str) -> RefusedURL:
        self.refused.append(url)
        return RefusedURL(f"Reports read only the project's own static files, not {url[:200]}")

    def check(self, url: str) -> tuple[str, Path | None]:
        """("data", None) for a data: URL, ("file", path) for an allowed file; else refuse."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return "data", None
        if scheme == "file":
            return "file", self.local_file(url)
        raise self.refuse(url)


def _fetcher_class():
    """WeasyPrint's URL fetcher, restricted by a `FetchPolicy` (WeasyPrint ≥ 66 takes a
    `URLFetcher` object; earlier versions a function, which `_function_fetcher` makes)."""
    from weasyprint import urls

    base = getattr(urls, "URLFetcher", None)
    if base is None:  # pragma: no cover - WeasyPrint before 66
        return None

    class ReportURLFetcher(base):
        def __init__(self, policy: FetchPolicy):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.policy = policy

        def fetch(self, url, headers=None):
            kind, path = self.policy.check(url)
            if kind == "data":
                return super().fetch(url, headers)
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return urls.URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": mime_type}
            )

    return ReportURLFetcher


def _function_fetcher(policy: FetchPolicy):  # pragma: no cover - WeasyPrint before 66
    from weasyprint import default_url_fetcher

    def fetch(url, *args, **kwargs):
        kind, path = policy.check(url)
        if kind == "data":
            return default_url_fetcher(url, *args, **kwargs)
        return {
            "string": path.read_bytes(),
            "mime_type": mimetypes.guess_type(path.name)[0],
            "redirected_url": path.as_uri(),
        }

    return fetch


def url_fetcher(policy: FetchPolicy | None = None):
    """A WeasyPrint URL fetcher that only reads the project's static files and data: URLs."""
    policy = policy or FetchPolicy(static_roots())
    cls = _fetcher_class()
    return cls(policy) if cls is not None else _function_fetcher(policy)


def font_face_css() -> str:
    """`@font-face` rules for the fonts the project ships, as file URLs."""
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{static_path(name).as_uri()}") format("truetype"); }}'
        for family, weight, name in FONTS
    )


@dataclass
class _Assets:
    """The parsed print stylesheet and the loaded fonts, kept per worker process: loading them
    for every report would cost as much as rendering a short one. Worker processes are
    recycled after a number of tasks, which also lets WeasyPrint's memory go."""

    stylesheet: object = None
    font_config: object = None


_assets = _Assets()
_assets_lock = threading.Lock()


def _load_assets() -> _Assets:
    with _assets_lock:
        if _assets.stylesheet is None:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            font_config = FontConfiguration()
            css_path = static_path(STYLESHEET)
            _assets.stylesheet = CSS(
                string=font_face_css() + "\n" + css_path.read_text(encoding="utf-8"),
                base_url=css_path.as_uri(),
                url_fetcher=url_fetcher(),
                font_config=font_config,
            )
            _assets.font_config = font_config
    return _assets


@atexit.register
def _forget_assets() -> None:
    # Let the font configuration go while its C library is still loaded: at interpreter exit
    # its finaliser would otherwise complain that the library has gone.
    _assets.stylesheet = _assets.font_config = None


def preload() -> None:
    """Import WeasyPrint (half a second), for a worker's main process to do before forking."""
    import weasyprint.text.fonts  # noqa: F401 - imports weasyprint itself too


@cache
def _base_url() -> str:
    return static_path(STYLESHEET).parent.as_uri() + "/"


def html_to_pdf(html: str, *, policy: FetchPolicy | None = None) -> bytes:
    """The PDF of an HTML document, with the reports' print stylesheet and fonts."""
    from weasyprint import HTML

    assets = _load_assets()
    policy = policy or FetchPolicy(static_roots())
    document = HTML(string=html, base_url=_base_url(), url_fetcher=url_fetcher(policy))
    return document.write_pdf(
        stylesheets=[assets.stylesheet], font_config=assets.font_config, uncompressed_pdf=False
    )


def render_html(template_name: str, context: dict, *, language: str) -> str:
    """The HTML a report's PDF is made from (for tests and for looking at a report quickly)."""
    with translation.override(language):
        return render_to_string(template_name, context)

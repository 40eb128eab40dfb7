"""The one charting module: plain SVG written directly, used by the pages and the PDF reports
alike, so a page and its PDF show the same chart.

Plain shapes and text lay out fast in WeasyPrint (a plotting library's SVG is several times
slower). Each chart has a title and a description for screen readers, and the pages and reports
show the same figures in a table beside it. Series differ in shape as well as colour.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
INK = "#212529"
GRID = "#8a9096"
SERIES = ["#0a58ca", "#b02a37", "#146c43", "#8a4b08", "#6f42c1", "#0b6b7c"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]
MARKERS = ["circle", "square", "diamond", "triangle", "circle", "square"]

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(
    width: int, height: int, title: str, description: str, body: list[str], key: str = ""
) -> SafeString:
    # Ids stable for the same chart (a page and its PDF match) and unique per chart; a page
    # that could show two charts of the same figures names them apart with `key`.
    digest = zlib.crc32((key + title + description + "".join(body)).encode())
    key = f"chart-{digest:08x}"
    return mark_safe(  # noqa: S308 - every text in it is escaped here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{key}-title {key}-desc" class="chart">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<polygon points="{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y)} '
            f'{_num(x)},{_num(y + 5)} {_num(x - 5)},{_num(y)}" fill="{colour}"/>'
        )
    if kind == "triangle":
        return (
            f'<polygon points="{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y + 4)} '
            f'{_num(x - 5)},{_num(y + 4)}" fill="{colour}"/>'
        )
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>'


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def line_chart(
    *,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_min: float,
    y_max: float,
    width: int = 640,
    height: int = 300,
    key: str = "",
) -> SafeString:
    """Lines over points (totals per assessment, say); a gap where a value is missing."""
    left, right, top, bottom = 44, 16, 16, 40 + 18 * ((len(series) + 1) // 2)
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (y_max - y_min) or 1

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(len(x_labels), 1))

    def y_at(v: float) -> float:
        return top + plot_h - (v - y_min) / span * plot_h

    body = []
    steps = 5
    for k in range(steps + 1):
        value = y_min + span * k / steps
        y = y_at(value)
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" font-size="11" '
            f'fill="{INK}" {FONT}>{_num(value)}</text>'
        )
    for i, label in enumerate(x_labels):
        body.append(
            f'<text x="{_num(x_at(i))}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="11" fill="{INK}" {FONT}>{escape(label)}</text>'
        )
    for n, one in enumerate(series):
        colour, dash, marker = SERIES[n % 6], DASHES[n % 6], MARKERS[n % 6]
        run: list[str] = []
        runs = [run]
        for i, value in enumerate(one.values):
            if value is None:
                run = []
                runs.append(run)
                continue
            run.append(f"{_num(x_at(i))},{_num(y_at(value))}")
            body.append(_marker(marker, x_at(i), y_at(value), colour))
        for points in runs:
            if len(points) > 1:
                body.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2" stroke-dasharray="{dash}"/>'
                )
        lx = left + (n % 2) * (plot_w / 2)
        ly = top + plot_h + 34 + 18 * (n // 2)
        body.append(
            f'<line x1="{_num(lx)}" x2="{_num(lx + 24)}" y1="{ly - 4}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            + _marker(marker, lx + 12, ly - 4, colour)
            + f'<text x="{_num(lx + 30)}" y="{ly}" font-size="11" fill="{INK}" {FONT}>'
            f"{escape(one.label)}</text>"
        )
    return _svg(width, height, title, description, body, key)


def paired_bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    first: Sequence[float | None],
    latest: Sequence[float | None],
    first_label: str,
    latest_label: str,
    scale_min: float,
    scale_max: float,
    width: int = 640,
    key: str = "",
) -> SafeString:
    """Two horizontal bars per item (first and latest): outlined and solid, not only two
    colours."""
    left, right, top = 44, 16, 28
    row_h, bar_h = 30, 11
    plot_w = width - left - right
    height = top + row_h * len(labels) + 30
    span = scale_max or 1

    def w_of(v: float) -> float:
        return plot_w * v / span

    body = [
        f'<rect x="{left}" y="4" width="14" height="10" fill="#fff" stroke="{SERIES[0]}" '
        f'stroke-width="2"/><text x="{left + 20}" y="13" font-size="11" fill="{INK}" {FONT}>'
        f"{escape(first_label)}</text>"
        f'<rect x="{left + plot_w / 2}" y="4" width="14" height="10" fill="{SERIES[1]}"/>'
        f'<text x="{_num(left + plot_w / 2 + 20)}" y="13" font-size="11" fill="{INK}" {FONT}>'
        f"{escape(latest_label)}</text>"
    ]
    for k in range(int(scale_min), int(scale_max) + 1):
        x = left + w_of(k)
        body.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top - 4}" y2="{top + row_h * len(labels)}" '
            f'stroke="{GRID}" stroke-width="0.5"/><text x="{_num(x)}" '
            f'y="{top + row_h * len(labels) + 14}" text-anchor="middle" font-size="11" '
            f'fill="{INK}" {FONT}>{k}</text>'
        )
    for i, label in enumerate(labels):
        y = top + row_h * i
        body.append(
            f'<text x="{left - 6}" y="{y + 18}" text-anchor="end" font-size="11" fill="{INK}" '
            f"{FONT}>{escape(label)}</text>"
        )
        if first[i] is not None:
            body.append(
                f'<rect x="{left}" y="{y + 3}" width="{_num(w_of(first[i]))}" height="{bar_h}" '
                f'fill="#fff" stroke="{SERIES[0]}" stroke-width="2"/>'
            )
        if latest[i] is not None:
            body.append(
                f'<rect x="{left}" y="{y + 4 + bar_h}" width="{_num(w_of(latest[i]))}" '
                f'height="{bar_h}" fill="{SERIES[1]}"/>'
            )
    return _svg(width, height, title, description, body, key)


def horizontal_bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    value_labels: Sequence[str] | None = None,
    scale_max: float,
    scale_min: float = 0,
    label_width: int = 44,
    width: int = 640,
    key: str = "",
) -> SafeString:
    """One horizontal bar per label (item means, or improvement works per step of the result
    chain), longest scale from 0, with its value written at the end of the bar so the chart
    reads without colour. `value_labels` are the values as shown (“2,7”); a missing value
    (None) draws no bar and writes “–”."""
    left, right, top = label_width, 40, 8
    row_h, bar_h = 24, 14
    plot_w = width - left - right
    height = top + row_h * len(labels) + 24
    span = scale_max or 1
    shown = (
        list(value_labels)
        if value_labels is not None
        else ["–" if v is None else _num(v) for v in values]
    )

    def w_of(v: float) -> float:
        return plot_w * max(v, 0) / span

    body = []
    whole = int(scale_max) - int(scale_min)
    step = next(  # 1, 2, 5, 10, 20, 50 … : at most ten grid lines
        s for s in (m * 10**e for e in range(7) for m in (1, 2, 5)) if whole <= 10 * s
    )
    for k in range(int(scale_min), int(scale_max) + 1, step):
        x = left + w_of(k)
        body.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top - 4}" y2="{top + row_h * len(labels)}" '
            f'stroke="{GRID}" stroke-width="0.5"/><text x="{_num(x)}" '
            f'y="{top + row_h * len(labels) + 14}" text-anchor="middle" font-size="11" '
            f'fill="{INK}" {FONT}>{k}</text>'
        )
    for i, label in enumerate(labels):
        y = top + row_h * i
        body.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="11" fill="{INK}" '
            f"{FONT}>{escape(label)}</text>"
        )
        value = values[i]
        end = left
        if value is not None:
            end = left + w_of(value)
            body.append(
                f'<rect x="{left}" y="{y + 4}" width="{_num(w_of(value))}" height="{bar_h}" '
                f'fill="{SERIES[0]}"/>'
            )
        body.append(
            f'<text x="{_num(end + 4)}" y="{y + 15}" font-size="11" fill="{INK}" {FONT}>'
            f"{escape(shown[i])}</text>"
        )
    return _svg(width, height, title, description, body, key)

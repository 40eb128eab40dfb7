"""The SVG charts: well-formed, accessible (title and description), escaped, with a line per
series, gaps where a value is missing, and ids that do not clash when charts share a page."""

import xml.etree.ElementTree as ET

import pytest

from checklist.charts import Series, line_chart, paired_bar_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Totals <script>alert("x")</script> & “more”'


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output, parsed to check it
    assert root.tag == f"{SVG}svg"
    return root


def _points(polyline: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]


def _ids(root: ET.Element) -> set[str]:
    return {element.get("id") for element in root.iter() if element.get("id")}


def _line(**overrides):
    arguments = {
        "title": "Totalpoäng per skattning",
        "description": "Aby vid varje skattning.",
        "x_labels": ["Skattning 1", "Skattning 2", "Skattning 3"],
        "series": [Series("Aby", [14, 18, 21])],
        "y_min": 10,
        "y_max": 30,
    }
    return line_chart(**(arguments | overrides))


def _bars(**overrides):
    arguments = {
        "title": "Första och senaste poäng per moment",
        "description": "Poäng per moment vid första och senaste skattningen.",
        "labels": ["1", "2", "3"],
        "first": [1, 2, None],
        "latest": [2, 3, 3],
        "first_label": "Första (skattning 1)",
        "latest_label": "Senaste (skattning 3)",
        "scale_min": 1,
        "scale_max": 3,
    }
    return paired_bar_chart(**(arguments | overrides))


@pytest.mark.parametrize(
    ("chart", "title", "description"),
    [
        (_line, "Totalpoäng per skattning", "Aby vid varje skattning."),
        (
            _bars,
            "Första och senaste poäng per moment",
            "Poäng per moment vid första och senaste skattningen.",
        ),
    ],
    ids=["line", "paired-bars"],
)
def test_chart_is_well_formed_svg_with_title_and_description(chart, title, description):
    root = _parse(chart())
    title_element, desc_element = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title_element.text == title
    assert desc_element.text == description
    # Screen readers find the title and the description through aria-labelledby.
    assert root.get("role") == "img"
    assert root.get("aria-labelledby").split() == [
        title_element.get("id"),
        desc_element.get("id"),
    ]


@pytest.mark.parametrize(
    "chart",
    [
        lambda: _line(title=HOSTILE, description=HOSTILE),
        lambda: _bars(title=HOSTILE, description=HOSTILE),
    ],
    ids=["line", "paired-bars"],
)
def test_chart_escapes_its_title_and_description(chart):
    svg = str(chart())
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert root.find(f"{SVG}desc").text == HOSTILE
    assert "&lt;script&gt;" in svg
    assert "<script" not in svg
    assert not [element for element in root.iter() if element.tag.endswith("script")]


def test_line_chart_escapes_series_and_axis_labels():
    svg = str(_line(x_labels=["<b>1</b>", "2", "3"], series=[Series("A<img src=x>", [1, 2, 3])]))
    root = _parse(svg)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "<b>1</b>" in texts
    assert "A<img src=x>" in texts
    assert "<img" not in svg
    assert "<b>" not in svg


def test_line_chart_draws_one_line_per_series_through_every_point():
    svg = _line(
        series=[Series("Aby", [14, 18, 21]), Series("Bby", [20, 20, 25])],
    )
    polylines = list(_parse(svg).iter(f"{SVG}polyline"))
    assert len(polylines) == 2
    assert [len(_points(line)) for line in polylines] == [3, 3]
    # Higher totals are drawn higher up (smaller y); x runs left to right.
    aby = _points(polylines[0])
    assert aby[0][1] > aby[1][1] > aby[2][1]
    assert aby[0][0] < aby[1][0] < aby[2][0]
    # The series differ in their dash pattern too, not only in colour.
    assert polylines[0].get("stroke-dasharray") != polylines[1].get("stroke-dasharray")
    assert polylines[0].get("stroke") != polylines[1].get("stroke")


def test_line_chart_leaves_a_gap_for_a_missing_value():
    svg = _line(
        x_labels=["1", "2", "3", "4", "5"],
        series=[Series("Aby", [14, 16, None, 20, 22])],
    )
    polylines = list(_parse(svg).iter(f"{SVG}polyline"))
    assert [len(_points(line)) for line in polylines] == [2, 2]
    # No line crosses the gap: the first ends before the third point, the second starts after.
    assert _points(polylines[0])[-1][0] < _points(polylines[1])[0][0]


def test_line_chart_draws_no_line_through_a_lone_point():
    svg = _line(series=[Series("Aby", [14, None, 21])])
    root = _parse(svg)
    assert list(root.iter(f"{SVG}polyline")) == []
    # Each value still has its marker (plus one in the legend).
    assert len(list(root.iter(f"{SVG}circle"))) == 3


def test_paired_bar_chart_draws_first_and_latest_bars_to_scale():
    root = _parse(_bars())
    bars = [rect for rect in root.iter(f"{SVG}rect") if float(rect.get("width")) > 14]
    # Item 1: first and latest; item 2: first and latest; item 3: latest only (no first score).
    assert len(bars) == 5
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[0] == pytest.approx(widths[1] / 2, abs=0.1)  # 1 against 2
    assert widths[2] == pytest.approx(widths[3] * 2 / 3, abs=0.1)  # 2 against 3
    assert widths[3] == pytest.approx(widths[4])  # 3 and 3
    # First bars are outlined, latest bars solid: told apart without colour.
    assert bars[0].get("fill") == "#fff"
    assert bars[0].get("stroke")
    assert bars[1].get("fill") != "#fff"


def test_ids_differ_between_two_charts_and_stay_stable():
    one, other = _parse(_line()), _parse(_line(series=[Series("Bby", [20, 22, 24])]))
    bars = _parse(_bars())
    assert _ids(one)
    assert _ids(other)
    assert _ids(bars)
    assert not _ids(one) & _ids(other)
    assert not _ids(one) & _ids(bars)
    # The same input gives the same chart, so a page and its PDF match.
    assert str(_line()) == str(_line())

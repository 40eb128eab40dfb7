from django.template import Context, Template


def _render(source: str, **context) -> str:
    return Template("{% load score_cells %}" + source).render(Context(context))


def test_score_cells_write_each_figure_and_a_dash_for_none():
    html = _render("{% score_cells scores %}", scores=[3, None, 0])

    assert html == (
        '<td class="text-end">3</td><td class="text-end">–</td><td class="text-end">0</td>'
    )


def test_score_cells_take_figures_one_by_one_and_a_class():
    html = _render(
        '{% score_cells first latest css_class="text-end fw-semibold" %}', first=1, latest=None
    )

    assert html == '<td class="text-end fw-semibold">1</td><td class="text-end fw-semibold">–</td>'


def test_score_cells_escape_what_is_not_a_whole_number():
    assert _render("{% score_cells scores %}", scores=["<b>"]) == (
        '<td class="text-end">&lt;b&gt;</td>'
    )

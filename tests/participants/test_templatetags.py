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


class _Item:
    def __init__(self, number, text):
        self.number, self.text = number, text


def test_item_rows_write_the_item_as_the_rows_header_then_its_figures():
    html = _render("{% item_rows rows %}", rows=[(_Item(1, "Mål & <mått>"), [2, None])])

    assert html == (
        '<tr><th scope="row" class="fw-normal">1. Mål &amp; &lt;mått&gt;</th>'
        '<td class="text-end">2</td><td class="text-end">–</td></tr>'
    )


def test_item_rows_of_movement_sign_a_rise_only():
    rows = [(_Item(1, "Mål"), 1, 3, 2), (_Item(2, "Mått"), 3, 1, -2), (_Item(3, "Data"), 2, 2, 0)]

    html = _render("{% item_rows rows movement=True %}", rows=rows)

    assert html.split("\n") == [
        '<tr><th scope="row" class="fw-normal">1. Mål</th><td class="text-end">1</td>'
        '<td class="text-end">3</td><td class="text-end">+2</td></tr>',
        '<tr><th scope="row" class="fw-normal">2. Mått</th><td class="text-end">3</td>'
        '<td class="text-end">1</td><td class="text-end">-2</td></tr>',
        '<tr><th scope="row" class="fw-normal">3. Data</th><td class="text-end">2</td>'
        '<td class="text-end">2</td><td class="text-end">0</td></tr>',
    ]

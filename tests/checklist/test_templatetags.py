from types import SimpleNamespace

from django.template import Context, Template


def _render(field) -> str:
    return Template("{% load score_choices %}{% score_choices field %}").render(
        Context({"field": field})
    )


def test_score_choices_write_a_labelled_radio_button_per_step_the_chosen_one_checked():
    field = SimpleNamespace(
        score_name="score_3", number=3, choices=[(1, "Saknas", False), (2, "Finns <delvis>", True)]
    )

    assert _render(field).split("\n") == [
        '<div class="score-choice"><input class="score-choice-input" type="radio" name="score_3"'
        ' id="item-3-1" value="1"><label class="score-choice-label" for="item-3-1">'
        '<span class="score-choice-value">1</span> <span class="score-choice-text">Saknas</span>'
        "</label></div>",
        '<div class="score-choice"><input class="score-choice-input" type="radio" name="score_3"'
        ' id="item-3-2" value="2" checked><label class="score-choice-label" for="item-3-2">'
        '<span class="score-choice-value">2</span> '
        '<span class="score-choice-text">Finns &lt;delvis&gt;</span></label></div>',
    ]

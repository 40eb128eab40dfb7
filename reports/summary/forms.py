from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.models import NEXT_STEPS_MAX_LENGTH, NEXT_STEPS_MAX_LINES


class NextStepsForm(forms.Form):
    """The next steps of the one-page summary: short, so that the page stays one page."""

    next_steps = forms.CharField(
        label=_("Next steps"),
        required=False,
        # A browser sends each line break as two characters (CR LF) and counts it as one:
        # the limit is checked on the text as it is saved, with one character per line break.
        widget=forms.Textarea(
            attrs={"rows": NEXT_STEPS_MAX_LINES, "maxlength": NEXT_STEPS_MAX_LENGTH}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_steps"].help_text = gettext(
            "What the organisation will do next, for its political leadership: at most "
            "%(characters)s characters in %(lines)s lines, so that the summary stays one page."
        ) % {"characters": NEXT_STEPS_MAX_LENGTH, "lines": NEXT_STEPS_MAX_LINES}

    def clean_next_steps(self):
        lines = [line.rstrip() for line in self.cleaned_data["next_steps"].strip().splitlines()]
        text = "\n".join(lines)
        if len(text) > NEXT_STEPS_MAX_LENGTH:
            raise forms.ValidationError(
                gettext(
                    "Write the next steps in at most %(characters)s characters (now "
                    "%(count)s), so that the summary stays one page."
                )
                % {"characters": NEXT_STEPS_MAX_LENGTH, "count": len(text)}
            )
        if len(lines) > NEXT_STEPS_MAX_LINES:
            raise forms.ValidationError(
                gettext(
                    "Write the next steps in at most %(lines)s lines (now %(count)s), so that "
                    "the summary stays one page."
                )
                % {"lines": NEXT_STEPS_MAX_LINES, "count": len(lines)}
            )
        return text

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.selectors import short_date
from rounds.models import BenchmarkingGroup


class GroupReportForm(forms.Form):
    """Which meeting a group report compares the members at; none for the latest."""

    meeting = forms.ModelChoiceField(
        label=_("Compare at"),
        queryset=None,
        required=False,
        empty_label=_("the latest assessment"),
    )

    def __init__(self, *args, group: BenchmarkingGroup, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.title} ({short_date(m.starts_at)})"
        )
        self.group = group

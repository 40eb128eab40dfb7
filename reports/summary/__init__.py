"""The one-page summary for the political committee (issue 15, part 4).

For each organisation in a round, one A4 page that its strategist hands to the kommunstyrelse or
regionstyrelse: its total at every assessment (a chart, with the same figures in a table), the
items that moved and how, its group's and the round's means at the same point, its improvement
work on the result chain, and its next steps, which the strategist writes on the site.

It is made like every other report (a `ReportJob` of kind `summary`, rendered by the report
worker, downloaded through the policy), and shown as a page of the site to print. It is one page
whatever the history: every list on it has a limit, and what does not fit is counted ("and 3
more") rather than shown; `tests/reports/test_summary.py` renders the worst case and counts the
PDF's pages.

- `selectors.py`: what the page shows (`organisation_summary`);
- `services.py`: writing the next steps (`summary_next_steps_save`), logged;
- `forms.py`, `views.py`: the summary's page, its next steps and its print view.
"""

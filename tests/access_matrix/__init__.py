"""The access matrix: every named URL of the project, asked by every kind of user, against the
policy of "Who may see what" (domain.md).

Each URL is filled with objects of ORGANISATION A1 ("Aby", 9101), GROUP GA1 and ROUND A
("omgang-a") of the conftest's `world`, and asked by: an anonymous visitor, a person in no round,
A1's politician, manager and strategist, a strategist of another organisation in the same group
(A2), one in another group (A3), the group's own mentor (M1), a mentor of another group (M2), a
strategist of another round (B1) and a project leader. What each may do:

- "ok": a page answers 200; a write answers below 400 (a redirect after success), or 422/409 for
  data the form refuses, which still means the handler let the user in;
- "login": an anonymous visitor is sent to the sign-in page with `next` set to the URL;
- "denied": 403 or 404, the body names nothing of the object (its marker strings are absent),
  and a write changed no row of the project's tables.

`TARGETS` (`targets.py`, the registry a new URL is added to) names every URL of the URL
configuration (Django's admin aside: it has its own staff check, tested in `test_matrix.py`); a
URL missing from it, or a stale entry, fails `test_every_url_is_in_the_matrix`. The number of
cases is `CASES` (GET and POST apart in `CASES_BY_METHOD`), also shown in the name of
`test_case_count`. A denial "names nothing" as `tests.pages.shown` reads a page: the marker as
a word of its own, outside the random tokens of the markup.

The world (`conftest.py`) is built once for the test module in a transaction rolled back at the
end; each case runs in its own savepoint (pytest-django's per-test transaction), so what an
allowed write did is undone before the next case.
"""

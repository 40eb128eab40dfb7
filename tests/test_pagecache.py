"""The main pages kept in the cache (modellkoncept/pagecache.py): a page asked for again is
served from the cache, and any change to the data, however it is made, shows on the next
request; a fragment belongs to one person, is never kept for a POST, and a cache that fails
leaves the pages working."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from checklist import services as checklist_services
from modellkoncept import pagecache
from participants import services as participant_services
from participants.models import Organisation
from tests.participants.factories import OrganisationFactory

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|name="csrf-token" content=")[^"]+')


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def html(response) -> str:
    """The page without its CSRF tokens (masked afresh for every response)."""
    assert response.status_code == 200
    return CSRF.sub(r"\1…", response.content.decode())


def uncached(client: Client, url: str, settings) -> str:
    """The page as it is rendered with nothing kept, for comparison."""
    seconds, settings.PAGE_CACHE_SECONDS = settings.PAGE_CACHE_SECONDS, 0
    try:
        return html(client.get(url))
    finally:
        settings.PAGE_CACHE_SECONDS = seconds


def _new_person(w, participation, name):
    participant_services.function_assign(
        participation=participation,
        person=participant_services._person_get_or_create(
            email=f"{name.split()[0].lower()}@exempel.se", full_name=name
        ),
        function="chef",
    )
    return name


def _add_organisation(w):
    organisation = OrganisationFactory(code="9109", name="Nyköping av prov")
    participant_services.participation_add(round=w.round_a, organisation=organisation)
    return "Nyköping av prov"


def _remark(w):
    checklist_services.remark_add(
        assessment=w.draft_a1, author=w.strategist_a2, text="En anmärkning från Bby", item_number=2
    )
    return "En anmärkning från Bby"


def _submit_a1(w):
    checklist_services.assessment_save(
        assessment=w.draft_a1, scores=dict.fromkeys(range(1, 11), 3), by=w.strategist_a1
    )
    checklist_services.assessment_submit(assessment=w.draft_a1, by=w.strategist_a1)
    return '<td class="text-end">30</td>'  # Aby's total: ten items scored 3


# (page, viewer, address, change made through a service → text the page must then show)
PAGES = {
    "round dashboard": (
        "leader",
        lambda w: reverse("rounds:round_detail", kwargs={"slug": w.round_a.slug}),
        _add_organisation,
    ),
    "group page": (
        "strategist_a1",
        lambda w: reverse("rounds:group_detail", kwargs={"round_slug": "omgang-a", "pk": w.ga1.pk}),
        lambda w: _new_person(w, w.a2, "Nora Nyckelperson"),
    ),
    "organisation page": (
        "strategist_a1",
        lambda w: reverse(
            "participants:participation_detail", kwargs={"round_slug": "omgang-a", "code": "9101"}
        ),
        lambda w: _new_person(w, w.a1, "Nils Nyckelperson"),
    ),
    "self-assessment page": (
        "strategist_a1",
        lambda w: reverse("checklist:assessment", kwargs={"pk": w.draft_a1.pk}),
        _remark,
    ),
    "mentor workspace": ("mentor_m1", lambda w: reverse("rounds:mentor_workspace"), _submit_a1),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_is_served_from_the_cache_until_a_change_shows_at_once(world, settings, page):
    viewer, address, change = PAGES[page]
    client, url = signed_in(getattr(world, viewer)), address(world)
    with CaptureQueriesContext(connection) as miss:
        first = html(client.get(url))
    with CaptureQueriesContext(connection) as hit:
        again = html(client.get(url))

    assert again == first
    # Found in the cache, the page runs the layout's and the policy's reads only.
    assert len(hit) < len(miss)
    assert len(hit) <= 5, [q["sql"] for q in hit]

    shown = change(world)
    after = html(client.get(url))

    assert shown in after
    assert shown not in first
    assert after == uncached(client, url, settings)


def test_a_hit_runs_none_of_the_pages_own_queries(world):
    client = signed_in(world.leader)
    url = reverse("rounds:round_detail", kwargs={"slug": world.round_a.slug})
    with CaptureQueriesContext(connection) as miss:
        client.get(url)
    with CaptureQueriesContext(connection) as hit:
        client.get(url)

    assert len(miss) > 10  # the dashboard's figures, organisations, attendance…
    assert len(hit) == 3, [q["sql"] for q in hit]  # session, person, round


def _bulk_rename(code, name):
    organisation = Organisation.objects.get(code=code)
    organisation.name = name
    Organisation.objects.bulk_update([organisation], ["name"])


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda: Organisation.objects.filter(code="9101").update(name="Nyby"), id="update()"
        ),
        pytest.param(
            lambda: connection.cursor().execute(
                "UPDATE participants_organisation SET name = %s WHERE code = %s", ["Nyby", "9101"]
            ),
            id="raw SQL",
        ),
        pytest.param(lambda: _bulk_rename("9101", "Nyby"), id="bulk_update()"),
    ],
)
def test_a_change_made_without_the_models_signals_shows_too(world, write):
    client = signed_in(world.leader)
    url = reverse("rounds:round_detail", kwargs={"slug": world.round_a.slug})
    assert "Nyby" not in html(client.get(url))
    client.get(url)  # kept

    write()

    assert "Nyby" in html(client.get(url))


def test_pages_are_kept_for_each_person_apart(world):
    """One browser (one CSRF secret) in which first the strategist, then the mentor signs in."""
    url = reverse("rounds:group_detail", kwargs={"round_slug": "omgang-a", "pk": world.ga1.pk})
    draft = reverse("checklist:assessment", kwargs={"pk": world.draft_a1.pk})
    client = signed_in(world.strategist_a1)
    as_strategist = html(client.get(url))
    client.force_login(world.mentor_m1)
    as_mentor = html(client.get(url))

    # The strategist of Aby may open Aby's draft; the mentor sees submitted ones only.
    assert draft in as_strategist
    assert draft not in as_mentor


def test_a_form_on_a_kept_page_can_be_sent(world):
    """The page from the cache carries a token of this browser's CSRF secret, also when the
    browser has a new secret (as after signing in anew)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.strategist_a1)
    url = reverse("checklist:assessment", kwargs={"pk": world.draft_a1.pk})
    client.get(url)
    del client.cookies["csrftoken"]  # a new secret comes with the next page
    client.get(url)
    page = client.get(url).content.decode()  # from the cache
    remark = reverse("checklist:assessment_remark", kwargs={"pk": world.draft_a1.pk})
    # The remark form's token (the layout's sign-out form, outside the kept part, has its own).
    token = re.search(
        rf'action="{remark}">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
    ).group(1)

    response = client.post(
        remark,
        {"csrfmiddlewaretoken": token, "item": "", "text": "Skickad från sidan i cachen"},
    )

    assert response.status_code == 302
    assert "Skickad från sidan i cachen" in client.get(url).content.decode()


def test_nothing_is_kept_for_a_post_or_when_switched_off(world, settings):
    client = signed_in(world.strategist_a1)
    url = reverse("checklist:assessment", kwargs={"pk": world.draft_a1.pk})
    client.post(reverse("checklist:assessment_save", kwargs={"pk": world.draft_a1.pk}), {})
    assert not [key for key in cache._cache if ":pagecache:self-assessment:" in key]

    settings.PAGE_CACHE_SECONDS = 0
    client.get(url)
    assert not [key for key in cache._cache if ":pagecache:self-assessment:" in key]

    settings.PAGE_CACHE_SECONDS = 60
    client.get(url)
    assert [key for key in cache._cache if ":pagecache:self-assessment:" in key]


def test_a_kept_page_lives_at_most_page_cache_seconds(world, settings, monkeypatch):
    """Time changes pages too (the next meeting); the cache forgets them in time."""
    import django.core.cache.backends.locmem as locmem

    settings.PAGE_CACHE_SECONDS = 60
    client = signed_in(world.leader)
    url = reverse("rounds:round_detail", kwargs={"slug": world.round_a.slug})
    client.get(url)
    now = locmem.time.time()
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    monkeypatch.setattr(locmem.time, "time", lambda: now + 61)
    with CaptureQueriesContext(connection) as expired:
        client.get(url)

    assert len(kept) == 3
    assert len(expired) > 10


def test_a_write_gives_a_new_generation_at_once_and_again_at_commit(
    db, django_capture_on_commit_callbacks
):
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        OrganisationFactory(code="9101", name="Aby")
        during = pagecache.generation()
        Organisation.objects.filter(code="9101").update(name="Nyby")

    assert during != before
    assert pagecache.generation() != during
    # One renewal at commit is enough, however many statements wrote.
    assert callbacks.count(pagecache.new_generation) == 1


def test_writes_no_page_shows_leave_the_generation_alone(world):
    before = pagecache.generation()
    client = signed_in(world.leader)  # a sign-in: its time is written
    client.get(reverse("rounds:round_detail", kwargs={"slug": world.round_a.slug}))
    session = client.session
    session["something"] = "else"
    session.save()

    assert pagecache.generation() == before


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('INSERT INTO "checklist_answer" ("assessment_id") VALUES (1)', True),
        ('UPDATE "participants_organisation" SET "name" = %s', True),
        ('DELETE FROM "rounds_meeting" WHERE "id" = 1', True),
        ('TRUNCATE "rounds_meeting", "rounds_round";', True),
        ('  update "accounts_user" set "full_name" = %s', True),
        ('UPDATE "accounts_user" SET "last_login" = %s, "full_name" = %s WHERE "id" = %s', True),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('UPDATE "reports_reportjob" SET "progress" = 50', False),
        ('SELECT "id" FROM "rounds_round" FOR UPDATE', False),
        ("SAVEPOINT s1", False),
    ],
)
def test_the_statements_that_change_what_pages_show(sql, changes):
    assert pagecache.changes_data(sql) is changes


def test_a_cache_that_fails_leaves_the_pages_working(world, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    client = signed_in(world.strategist_a1)
    url = reverse("checklist:assessment", kwargs={"pk": world.draft_a1.pk})

    assert "Självskattning för Aby" in client.get(url).content.decode()
    _remark(world)  # a write: its new generation cannot be stored, and is passed by
    assert "En anmärkning från Bby" in client.get(url).content.decode()


def test_a_fragment_is_kept_for_one_person_language_address_and_csrf_secret(world, rf):
    def key(user, path="/rounds/omgang-a/", secret="a" * 32, language="sv"):
        request = rf.get(path)
        request.user = user
        request.META["CSRF_COOKIE"] = secret
        with translation.override(language):
            return pagecache.fragment_key(request, "round")

    first = key(world.leader)

    assert key(world.leader) == first
    assert key(world.strategist_a1) != first
    assert key(world.leader, path="/rounds/omgang-a/?page=2") != first
    assert key(world.leader, secret="b" * 32) != first
    assert key(world.leader, language="en") != first


def test_a_browser_without_a_csrf_secret_gets_one_with_the_fragment(world, rf):
    """The key asks for the token: the browser gets the secret the kept forms were made with."""
    request = rf.get("/rounds/omgang-a/")
    request.user = world.leader

    pagecache.fragment_key(request, "round")

    assert request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]

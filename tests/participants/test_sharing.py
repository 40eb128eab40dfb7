"""Sharing improvement work (the organisation, its group, the programme), the project leaders'
approval, and the programme's library of good examples with its Swedish search."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from modellkoncept import policy
from modellkoncept.actions import show
from modellkoncept.errors import DomainError
from modellkoncept.models import LogEntry
from participants import library
from participants import services as participant_services
from participants.models import ImprovementWork, Organisation
from rounds import services as round_services
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _work(participation, title, description="", **fields):
    return participant_services.improvement_work_create(
        participation=participation, title=title, description=description, **fields
    )


def _approved(participation, title, description="", **fields):
    work = participant_services.improvement_work_share(
        work=_work(participation, title, description, **fields), sharing="programme"
    )
    return participant_services.improvement_work_approve(work=work)


def _log(work, action_type):
    return LogEntry.objects.filter(object_id=work.pk, action_type=action_type).order_by("id")


# Who sees a work, by its sharing (the access matrix asks the same of every URL).

ALL = (
    "politician_a1",
    "strategist_a1",
    "strategist_a2",
    "mentor_m1",
    "strategist_a3",
    "mentor_m2",
    "strategist_b1",
    "outsider",
    "leader",
)
A1 = {"politician_a1", "strategist_a1", "leader"}
GROUP = A1 | {"strategist_a2", "mentor_m1"}
PROGRAMME = GROUP | {"strategist_a3", "mentor_m2", "strategist_b1"}


@pytest.mark.parametrize(
    ("sharing_to", "approved", "who"),
    [
        ("organisation", False, A1),
        ("group", False, GROUP),
        ("programme", False, GROUP),  # awaiting approval: the group sees it already
        ("programme", True, PROGRAMME),
    ],
)
def test_the_work_page_is_seen_by_exactly_whom_it_is_shared_with(world, sharing_to, approved, who):
    work = participant_services.improvement_work_share(
        work=_work(world.a1, "Jämställd hemtjänst"), sharing=sharing_to
    )
    if approved:
        participant_services.improvement_work_approve(work=work)
    url = reverse("participants:improvement_work", args=[work.pk])

    seen = {name for name in ALL if _client(getattr(world, name)).get(url).status_code == 200}
    hidden = {name: _client(getattr(world, name)).get(url) for name in ALL if name not in who}

    assert seen == who
    for response in hidden.values():
        assert response.status_code == 404
        assert "Jämställd hemtjänst" not in response.content.decode()
    listed = {
        name
        for name in ALL
        if policy.visible(ImprovementWork, getattr(world, name)).filter(pk=work.pk).exists()
    }
    assert listed == who


def test_sharing_less_takes_effect_at_once_and_takes_the_approval_back(world):
    work = _approved(world.a1, "Könsuppdelad statistik")
    url = reverse("participants:improvement_work", args=[work.pk])
    reader = _client(world.strategist_b1)
    assert reader.get(url).status_code == 200

    response = _client(world.strategist_a1).post(
        reverse("participants:improvement_work_share", args=[work.pk]), {"sharing": "group"}
    )

    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.sharing, work.approved_on) == ("group", None)
    assert reader.get(url).status_code == 404
    entry = _log(work, "participants.improvement_work.shared").last()
    assert entry.user == world.strategist_a1
    assert entry.data["approval_withdrawn"] is True
    with translation.override("sv"):
        assert show([entry])[0].text == (
            "Delning av förbättringsarbetet Könsuppdelad statistik ändrad från hela programmet "
            "(efter godkännande) till benchmarkinggruppen och dess mentorer; godkännandet för "
            "programmet är återkallat"
        )
    # Raising it again asks for a new approval.
    participant_services.improvement_work_share(work=work, sharing="programme")
    assert reader.get(url).status_code == 404
    assert work in library.approval_queue()


def test_a_project_leader_approves_and_withdraws_and_both_are_logged(world):
    work = participant_services.improvement_work_share(
        work=_work(world.a2, "Budget"), sharing="programme"
    )
    leader = _client(world.leader)
    approval = reverse("participants:improvement_work_approval", args=[work.pk])

    response = leader.post(approval, {"decision": "approve", "next": "queue"})

    assert response.status_code == 302
    assert response["Location"] == reverse("participants:approval_queue")
    work.refresh_from_db()
    assert work.approved_on == dt.date(2026, 11, 24)  # the world's day
    assert _log(work, "participants.improvement_work.approved").get().user == world.leader

    leader.post(approval, {"decision": "withdraw", "next": "https://evil.example/"})

    work.refresh_from_db()
    assert work.approved_on is None
    withdrawn = _log(work, "participants.improvement_work.approval_withdrawn").get()
    assert withdrawn.user == world.leader
    with translation.override("en"):
        assert show([withdrawn])[0].text == (
            "Approval of improvement work Budget for the programme withdrawn"
        )


def test_only_work_shared_with_the_programme_can_be_approved(world):
    work = participant_services.improvement_work_share(work=_work(world.a1, "Mål"), sharing="group")

    with translation.override("en"), pytest.raises(DomainError, match="not shared with the whole"):
        participant_services.improvement_work_approve(work=work)
    response = _client(world.leader).post(
        reverse("participants:improvement_work_approval", args=[work.pk]), {"decision": "approve"}
    )
    work.refresh_from_db()
    assert response.status_code == 302
    assert work.approved_on is None
    # The database says the same.
    with pytest.raises(IntegrityError), transaction.atomic():
        ImprovementWork.objects.filter(pk=work.pk).update(approved_on=dt.date(2026, 3, 2))


def test_approving_twice_or_withdrawing_nothing_is_refused(world):
    work = _approved(world.a1, "Mål")
    with translation.override("en"), pytest.raises(DomainError, match="already approved"):
        participant_services.improvement_work_approve(work=work)
    participant_services.improvement_work_withdraw_approval(work=work)
    with translation.override("en"), pytest.raises(DomainError, match="is not approved"):
        participant_services.improvement_work_withdraw_approval(work=work)
    assert _log(work, "participants.improvement_work.approved").count() == 1


def test_an_unknown_sharing_is_refused_beside_the_field_and_changes_nothing(world):
    work = _work(world.a1, "Mål")
    with translation.override("en"), pytest.raises(DomainError, match="how widely"):
        participant_services.improvement_work_share(work=work, sharing="everyone")

    response = _client(world.strategist_a1).post(
        reverse("participants:improvement_work_share", args=[work.pk]), {"sharing": "world"}
    )

    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    work.refresh_from_db()
    assert work.sharing == "organisation"
    assert not _log(work, "participants.improvement_work.shared").exists()


def test_the_group_shares_but_only_the_organisation_chooses(world):
    work = participant_services.improvement_work_share(work=_work(world.a1, "Mål"), sharing="group")
    url = reverse("participants:improvement_work_share", args=[work.pk])

    for name in ("strategist_a2", "mentor_m1", "politician_a1"):
        assert (
            _client(getattr(world, name)).post(url, {"sharing": "organisation"}).status_code == 403
        )
    assert (
        _client(world.strategist_a1)
        .post(
            reverse("participants:improvement_work_approval", args=[work.pk]),
            {"decision": "approve"},
        )
        .status_code
        == 403
    )
    work.refresh_from_db()
    assert work.sharing == "group"


def test_the_organisation_page_lists_only_what_the_reader_may_see(world):
    _work(world.a1, "Bara vår egen")
    participant_services.improvement_work_share(
        work=_work(world.a1, "Delad med gruppen"), sharing="group"
    )
    participant_services.improvement_work_share(
        work=_work(world.a2, "Grannens exempel"), sharing="group"
    )
    _work(world.a2, "Grannens hemlighet")
    url_a1 = reverse("participants:participation_detail", args=[world.round_a.slug, "9101"])

    mentor = _client(world.mentor_m1).get(url_a1).content.decode()
    own = _client(world.strategist_a1).get(url_a1).content.decode()

    assert "Delad med gruppen" in mentor
    assert "Bara vår egen" not in mentor
    assert "Bara vår egen" in own
    assert "Delad med gruppen" in own
    # A1's people see what their group shares, never the rest.
    assert "Grannens exempel" in own
    assert "Grannens hemlighet" not in own


# The library


def test_the_library_lists_approved_work_of_every_round_with_history_and_contact(world):
    work = _approved(world.a1, "Jämställd biståndshandläggning", "Kartläggning av beslut.")
    participant_services.progress_note_add(
        work=work, text="Vi har analyserat besluten per kön.", noted_on=dt.date(2026, 2, 1)
    )
    participant_services.improvement_work_share(
        work=_work(world.a1, "Bara för gruppen"), sharing="group"
    )
    participant_services.improvement_work_share(
        work=_work(world.a2, "Inte godkänd ännu"), sharing="programme"
    )

    page = _client(world.strategist_b1).get(reverse("participants:library"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Jämställd biståndshandläggning" in html
    assert "Vi har analyserat besluten per kön." in html  # its PDSA history
    assert "strateg@aby.se" in html  # the organisation's contact
    assert "Bara för gruppen" not in html
    assert "Inte godkänd ännu" not in html


def test_the_library_stays_after_the_round_ends(world):
    _approved(world.a1, "Ett bestående exempel")
    round_services.round_activate(round=world.round_a)
    round_services.round_complete(round=world.round_a)

    html = _client(world.strategist_b1).get(reverse("participants:library")).content.decode()

    assert "Ett bestående exempel" in html


def test_the_library_filters_by_chain_step_kind_round_year_and_moment(world):
    region = Organisation.objects.filter(pk=world.b1.organisation_id)
    region.update(kind=Organisation.Kind.REGION)
    moment = world.round_a.checklist_version.items.get(number=7)
    consequences = _approved(world.a1, "Konsekvensanalyser", chain_step="way_of_working")
    consequences.moments.add(moment)
    _approved(world.b1, "Regionens statistik", chain_step="product")

    def titles(**query):
        filters = library.LibraryFilters(**query)
        return [w.title for w in library.library_works(filters=filters)]

    assert titles() == ["Konsekvensanalyser", "Regionens statistik"]
    assert titles(chain_step="product") == ["Regionens statistik"]
    assert titles(kind="region") == ["Regionens statistik"]
    assert titles(round="omgang-a") == ["Konsekvensanalyser"]
    assert titles(moment=moment.pk) == ["Konsekvensanalyser"]
    assert titles(year=2027) == ["Konsekvensanalyser", "Regionens statistik"]
    assert titles(year=2031) == []
    choices = library.library_choices()
    assert choices["years"] == [2027, 2026]
    assert sorted(slug for slug, _ in choices["rounds"]) == ["omgang-a", "omgang-b"]
    assert [value for value, _ in choices["kinds"]] == ["kommun", "region"]
    assert choices["moments"][0][1] == [(moment.pk, f"7. {moment.text_sv}")]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="Swedish full-text search is PostgreSQL's")
def test_the_search_understands_swedish_word_forms(world):
    _approved(world.a1, "Jämställdhetsanalys av hemtjänsten", "Timmar per kvinna och man.")
    noted = _approved(world.a2, "Budgetarbete")
    participant_services.progress_note_add(
        work=noted, text="Nämnderna gör nu jämställdhetsanalyser av budgeten."
    )
    _approved(world.b1, "Lönekartläggning")

    def found(q):
        return [w.title for w in library.library_works(filters=library.LibraryFilters(q=q))]

    # The plural finds the singular (Swedish stemming), in a title and in a note.
    assert found("jämställdhetsanalyser") == ["Jämställdhetsanalys av hemtjänsten", "Budgetarbete"]
    assert found("kvinnor") == ["Jämställdhetsanalys av hemtjänsten"]
    assert found("hemtjänst -budget") == ["Jämställdhetsanalys av hemtjänsten"]
    assert found('"lönekartläggning"') == ["Lönekartläggning"]
    assert found("cykelbanor") == []
    page = _client(world.strategist_b1).get(
        reverse("participants:library"), {"q": "jämställdhetsanalyser"}
    )
    assert "Jämställdhetsanalys av hemtjänsten" in page.content.decode()
    assert "Lönekartläggning" not in page.content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="the GIN indexes are PostgreSQL's")
def test_the_search_can_use_its_gin_index(world):
    from django.db import connection

    _approved(world.a1, "Jämställdhetsanalys")
    works = library.library_works(filters=library.LibraryFilters(q="analys"))
    sql, params = works.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "improvement_work_search_sv" in plan
    assert "progress_note_search_sv" in plan


@pytest.mark.parametrize(
    "query",
    [
        {"q": "'; DROP TABLE participants_improvementwork; --"},
        {"q": "!!! & | <-> :* (("},
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"moment": "sju"},
        {"year": "-1"},
        {"round": "../admin"},
        {"kind": "<script>"},
        {"page": "999999"},
        {"page": "-3"},
    ],
)
def test_hostile_library_queries_answer_a_page(world, query):
    _approved(world.a1, "Ett exempel")

    response = _client(world.strategist_b1).get(reverse("participants:library"), query)

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_a_bad_filter_is_shown_beside_its_field_and_the_others_apply(world):
    _approved(world.a1, "Ett exempel", chain_step="product")
    _approved(world.a2, "Ett annat", chain_step="outcome")

    with translation.override("sv"):
        response = _client(world.strategist_b1).get(
            reverse("participants:library"), {"year": "1999", "chain_step": "product"}
        )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_year"' in html
    assert "is-invalid" in html
    assert "Ett exempel" in html
    assert "Ett annat" not in html


def test_the_library_page_queries_do_not_grow(world, django_assert_max_num_queries):
    client = _client(world.strategist_b1)
    url = reverse("participants:library")
    moment = world.round_a.checklist_version.items.get(number=1)

    def add(count, start):
        for n in range(start, start + count):
            work = _approved(world.a1 if n % 2 else world.a2, f"Exempel {n}")
            participant_services.progress_note_add(work=work, text=f"Anteckning {n}")
            work.moments.add(moment)

    add(2, 0)
    client.get(url)  # the session and the standing, once
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    add(12, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"q": "Exempel", "chain_step": "activity", "moment": moment.pk})


def test_the_approval_queue_shows_what_awaits_and_what_is_approved(world):
    participant_services.improvement_work_share(
        work=_work(world.a1, "Väntar på SKR"), sharing="programme"
    )
    _approved(world.a2, "Redan godkänd")

    html = _client(world.leader).get(reverse("participants:approval_queue")).content.decode()

    waiting, approved = html.split('id="approved-heading"')
    assert "Väntar på SKR" in waiting
    assert "Redan godkänd" not in waiting
    assert "Redan godkänd" in approved


def test_library_readers_from_another_round_see_no_round_breadcrumbs(world):
    work = _approved(world.a1, "Ett exempel")

    html = (
        _client(world.strategist_b1)
        .get(reverse("participants:improvement_work", args=[work.pk]))
        .content.decode()
    )

    assert reverse("participants:library") in html
    assert reverse("rounds:round_detail", args=[world.round_a.slug]) not in html


def test_an_organisation_of_no_round_has_no_library(world):
    OrganisationFactory(code="9999", name="Ingen omgång")
    assert _client(world.outsider).get(reverse("participants:library")).status_code == 403


def test_a_strategist_places_the_work_on_checklist_moments(world):
    items = world.round_a.checklist_version.items
    work = _work(world.a1, "Konsekvensanalyser")

    response = _client(world.strategist_a1).post(
        reverse("participants:improvement_work_update", args=[work.pk]),
        {
            "title": "Konsekvensanalyser",
            "phase": "do",
            "chain_step": "way_of_working",
            "level": "organisation",
            "moments": [items.get(number=7).pk, items.get(number=5).pk],
        },
    )

    assert response.status_code == 302
    assert sorted(work.moments.values_list("number", flat=True)) == [5, 7]
    entry = _log(work, "participants.improvement_work.updated").last()
    with translation.override("sv"):
        assert show([entry])[0].text.endswith("Moment i checklistan: – → 5, 7")


def test_moments_of_another_checklist_are_refused(world):
    from checklist import services as checklist_services

    work = _work(world.a1, "Konsekvensanalyser")
    other = checklist_services.checklist_version_create(
        slug="tre-punkter",
        name_sv="Tre punkter",
        scale_min=1,
        scale_max=2,
        steps=[checklist_services.StepSpec(1, "Nej"), checklist_services.StepSpec(2, "Ja")],
        items=[checklist_services.ItemSpec(text_sv=f"Punkt {n}") for n in range(1, 4)],
    )
    foreign = other.items.get(number=1)

    with translation.override("en"), pytest.raises(DomainError, match="own checklist"):
        participant_services.improvement_work_set_moments(work=work, moments=[foreign])
    assert not work.moments.exists()


def test_no_reader_is_offered_a_link_to_a_page_hidden_from_them(world):
    work = participant_services.improvement_work_share(
        work=_work(world.a1, "Delat i gruppen"), sharing="programme"
    )
    participant_services.improvement_work_approve(work=work)
    url = reverse("participants:improvement_work", args=[work.pk])
    organisation = reverse("participants:participation_detail", args=[world.round_a.slug, "9101"])
    round_a = reverse("rounds:round_detail", args=[world.round_a.slug])

    for name in ("strategist_a2", "strategist_a3", "mentor_m1", "mentor_m2", "strategist_b1"):
        html = _client(getattr(world, name)).get(url).content.decode()
        assert (organisation in html) == (name == "mentor_m1"), name
        assert (round_a in html) == (name != "strategist_b1"), name
